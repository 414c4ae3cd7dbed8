"""立案: filing a case with gap-free numbering (per court / type / year) and linking its parties."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.money import parse_amount
from execcenter.policy import require
from execcenter.validators import format_case_number, validate_credit_code, validate_phone, validate_resident_id

from .. import deadlines
from ..choices import CaseStatus, CaseTag, CaseType, PartyKind, PartyRole
from ..models import Case, CaseParty, CaseSequence, Party
from .common import _record

if TYPE_CHECKING:
    import datetime as _dt

    from django.http import HttpRequest

    from execcenter.models import Court

    from ..models import Case, Party
    from .common import Actor


def next_sequence(court: Court, case_type: str, year: int) -> int:
    """Next sequence number (1, 2, …) for court / type / year: no gaps, no duplicates under concurrent filing
    (《关于人民法院案件案号的若干规定》: numbering restarts per court, type and year).

    The increment is one UPDATE, so PostgreSQL's row lock (and SQLite's write lock) serialises filers.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                seq, _created = CaseSequence.objects.get_or_create(court=court, case_type=case_type, year=year)
        except IntegrityError:
            seq = CaseSequence.objects.get(court=court, case_type=case_type, year=year)
        CaseSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
        return CaseSequence.objects.values_list("last", flat=True).get(pk=seq.pk)


def set_derived_dates(case: Case) -> None:
    """Set the case's assignment due date (filing + 7 days) and statutory deadline (6 months, suspensions and
    extensions added) from its filing date, in place; the caller saves."""
    case.assignment_due = deadlines.assignment_due(case.filed_on)
    case.statutory_deadline = deadlines.statutory_deadline(case.filed_on, case.suspended_days, case.extension_days)


# --- Filing -------------------------------------------------------------------------------------------


def _validated_party(index, data):
    """Validate one party dict; errors name the party by its position so a form can point at it."""
    kind = data.get("kind") or PartyKind.PERSON
    role = data.get("role")
    name = (data.get("name") or "").strip()
    prefix = _("第%(n)s个当事人：") % {"n": index + 1}
    if kind not in PartyKind.values:
        raise ValidationError({"parties": [prefix + _("当事人类型无效 (invalid party kind)")]})
    if role not in PartyRole.values:
        raise ValidationError({"parties": [prefix + _("诉讼地位无效 (invalid party role)")]})
    if not name:
        raise ValidationError({"parties": [prefix + _("名称不能为空 (name is required)")]})
    validate = validate_resident_id if kind == PartyKind.PERSON else validate_credit_code
    try:
        id_number = validate(data.get("id_number"))
        phone = validate_phone(data.get("phone"))
    except ValidationError as exc:
        raise ValidationError({"parties": [prefix + m for m in exc.messages]}) from None
    return {
        "kind": kind,
        "role": role,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": (data.get("address") or "").strip(),
    }


def find_or_create_party(kind: str, name: str, id_number: str, actor: Actor | None = None) -> Party:
    """The same real-world party is one record across cases, found by ID number / credit code.

    An existing record keeps its name (the registry of record). Contact details are not the party's: they are
    entered per case, on the case's link (CaseParty), so no court sees the phone or address another court entered.

    A party on record only in cases `actor` cannot see is joined only when the name typed is the name on record:
    otherwise ValidationError (parties) that names nobody — answering with the stored name told any filer the
    name behind any ID number in the province, and a mistyped ID number joined a stranger (issue 10, point 5).
    """
    party = Party.objects.filter(id_number=id_number).first()
    if party is None:
        try:
            with transaction.atomic():
                return Party.objects.create(kind=kind, name=name, id_number=id_number)
        except IntegrityError:  # filed concurrently with the same party
            party = Party.objects.get(id_number=id_number)
    if (
        actor is not None
        and _folded(party.name) != _folded(name)
        and not Party.objects.visible_to(actor).filter(pk=party.pk).exists()
    ):
        raise ValidationError(
            {
                "parties": [
                    _(
                        "证件号码 %(id)s 已有登记，但名称与所填不一致，请核对证件号码和名称 "
                        "(this ID number is on record under another name: check both)"
                    )
                    % {"id": id_number}
                ]
            }
        )
    return party


def _folded(name: str) -> str:
    """A name compared as typed: surrounding and inner white space ignored."""
    return "".join((name or "").split())


@transaction.atomic
def file_case(
    *,
    court: Court,
    cause: str,
    filed_on: _dt.date,
    claim_amount: Decimal | str,
    parties: list[dict],
    case_type: str = CaseType.FIRST,
    origin_body: str = "",
    origin_document_no: str = "",
    tags: tuple[str, ...] | list[str] = (),
    costs_amount: Decimal = Decimal("0.00"),
    origin_case: Case | None = None,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """立案: number the case (per court / type / year, no gaps), link its parties and derive its dates.

    `parties` is a list of dicts: kind, role, name, id_number, phone, address. At least one applicant and
    one respondent are required (an execution case enforces a claim of one party against another).
    `claim_amount` in yuan, ≥ 0 with at most 2 decimals; `filed_on` a local date, not in the future.
    Raises django ValidationError (a dict by field: claim_amount, case_type, tags, filed_on, parties) for bad
    input, before anything is written. Returns the saved Case, status filed, its number assigned.
    """
    require(actor, "case.file", court)
    try:
        claim_amount = parse_amount(claim_amount, allow_zero=True)
    except ValidationError:
        raise ValidationError(
            {"claim_amount": [_("申请执行标的不能为负数，最多两位小数 (claim must be ≥ 0 with 2 decimals)")]}
        ) from None
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": [_("案件类型无效 (invalid case type)")]})
    bad_tags = set(tags) - set(CaseTag.values)
    if bad_tags:
        raise ValidationError({"tags": [_("未知标签：%(t)s (unknown tags)") % {"t": "、".join(sorted(bad_tags))}]})
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": [_("立案日期不能晚于今天 (filing date in the future)")]})
    checked = [_validated_party(i, p) for i, p in enumerate(parties)]
    roles = {p["role"] for p in checked}
    if roles != {PartyRole.APPLICANT, PartyRole.RESPONDENT}:
        raise ValidationError(
            {"parties": [_("至少需要一名申请执行人和一名被执行人 (need an applicant and a respondent)")]}
        )
    seen = set()
    for p in checked:
        if (p["id_number"], p["role"]) in seen:
            raise ValidationError({"parties": [_("当事人重复：%(id)s (duplicate party)") % {"id": p["id_number"]}]})
        seen.add((p["id_number"], p["role"]))

    year = filed_on.year
    sequence = next_sequence(court, case_type, year)
    case = Case(
        number=format_case_number(year, court.code, case_type, sequence),
        court=court,
        year=year,
        case_type=case_type,
        sequence=sequence,
        cause=cause,
        origin_body=origin_body,
        origin_document_no=origin_document_no,
        filed_on=filed_on,
        claim_amount=claim_amount,
        outstanding_amount=claim_amount,
        costs_amount=costs_amount,
        status=CaseStatus.FILED,
        origin_case=origin_case,
    )
    case.set_tags(tags)
    set_derived_dates(case)
    case.save()
    for p in checked:
        party = find_or_create_party(p["kind"], p["name"], p["id_number"], actor)
        # The contacts entered with this filing are this case's, entered by this court (never the party's
        # contacts from another court's case).
        CaseParty.objects.get_or_create(
            case=case,
            party=party,
            role=p["role"],
            defaults={"phone": p["phone"], "address": p["address"], "contact_court": court},
        )
    _record(
        case,
        "status",
        _("立案 %(number)s") % {"number": case.number},
        actor,
        "case.file",
        request=request,
        details={"number": case.number, "claim_amount": str(claim_amount)},
    )
    return case
