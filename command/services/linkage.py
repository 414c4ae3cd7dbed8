"""Linkage units and townships (执行联动 / 协同执行): assistance letters from a case, answers online,
overdue alerts, and the pushed / answered / closed counts of modules 19 and 20."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import add_event
from execcenter.choices import AlertSeverity, PartnerAction, PartnerKind
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.policy import require
from execcenter.services import audit, raise_alert, resolve_alerts
from execcenter.validators import validate_phone

from ..choices import AnswerChannel, LetterStatus, LinkageKind
from ..letter_files import issue_letter
from ..models import AssistanceLetter, LinkageUnit
from .common import require_visible

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from cases.models import Case
    from execcenter.models import Court, PartnerClient

    from .common import Actor

DEFAULT_DUE_DAYS = 15
TOKEN_SALT = "command.letter-answer"
# A form link stays usable a month past the due date; later answers come through the court.
TOKEN_GRACE_DAYS = 30


def _next_number(court, year):
    prefix = f"（{year}）{court.code}执协查"
    last = AssistanceLetter.objects.filter(court=court, number__startswith=prefix).values_list("number", flat=True)
    seq = max((int(n[len(prefix) : -1]) for n in last), default=0) + 1
    return f"{prefix}{seq}号"


def send_letter(
    actor: Actor,
    case: Case,
    unit: LinkageUnit,
    *,
    subject: str,
    request_text: str,
    due_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> AssistanceLetter:
    """Send an assistance letter from a case the actor sees to an active unit registered at the case's
    court or a court above it (a provincial department serves every court of the province)."""
    require_visible(actor, case)
    require(actor, "letter.send", case)
    if not unit.is_active or not unit.court.contains(case.court):
        raise RuleViolation(
            _("该联动单位不对接本案法院 (unit is not registered for this court)"), code="unit_out_of_scope"
        )
    today = timezone.localdate()
    due_on = due_on or today + dt.timedelta(days=DEFAULT_DUE_DAYS)
    if due_on <= today:
        raise RuleViolation(_("答复期限必须晚于今天 (due date must be in the future)"), code="bad_due_date")
    for _attempt in range(5):  # two letters numbered at once: the loser takes the next number
        try:
            with transaction.atomic():
                letter = AssistanceLetter.objects.create(
                    number=_next_number(case.court, today.year),
                    case=case,
                    court=case.court,
                    unit=unit,
                    subject=subject,
                    request_text=request_text,
                    due_on=due_on,
                    sent_by=actor,
                )
                add_event(
                    case,
                    "assistance_letter",
                    _("向%(unit)s发送协助调查函 %(no)s") % {"unit": unit.name, "no": letter.number},
                    actor,
                    {"letter": letter.pk},
                )
                audit(actor, "letter.send", letter, request=request, details={"unit": unit.pk, "due_on": str(due_on)})
                issue_letter(letter, actor=actor, request=request)  # the letter as sent: stored once, never redone
                return letter
        except IntegrityError:
            continue
    raise RuleViolation(_("函号分配冲突，请重试 (numbering conflict, retry)"), code="numbering_conflict")


def partner_may_answer(partner: PartnerClient, letter: AssistanceLetter) -> bool:
    """A linkage key answers only its own unit's letters, and only with the "answer" action."""
    return (
        partner.kind == PartnerKind.LINKAGE
        and partner.allows(PartnerAction.ANSWER)
        and letter.unit.partner_id == partner.pk
    )


@transaction.atomic
def answer_letter(
    actor: Actor,
    letter: AssistanceLetter,
    *,
    answer_text: str,
    answered_by: str,
    channel: str,
    request: HttpRequest | None = None,
) -> AssistanceLetter:
    """Record the unit's answer (sent → answered), once: a second answer is refused."""
    if not answer_text.strip():
        raise RuleViolation(_("答复内容不能为空 (answer required)"), code="answer_required")
    if channel == AnswerChannel.PARTNER_API and not partner_may_answer(actor, letter):
        raise PermissionDenied()
    changed = AssistanceLetter.objects.filter(pk=letter.pk, status=LetterStatus.SENT).update(
        status=LetterStatus.ANSWERED,
        answer_text=answer_text,
        answered_by=answered_by[:64],
        answered_via=channel,
        answered_at=timezone.now(),
    )
    if not changed:
        raise InvalidTransition(_("该函不在待答复状态 (letter is not awaiting an answer)"))
    letter.refresh_from_db()
    resolve_alerts(f"letter-overdue:{letter.pk}")
    add_event(
        letter.case,
        "assistance_letter",
        _("%(unit)s答复协助调查函 %(no)s") % {"unit": letter.unit.name, "no": letter.number},
        actor,
        {"letter": letter.pk},
    )
    audit(actor, "letter.answer", letter, request=request, details={"channel": channel})
    return letter


def _transition(actor, letter, old, new, action, request=None, **fields):
    require_visible(actor, letter)
    require(actor, "letter.manage", letter)
    changed = AssistanceLetter.objects.filter(pk=letter.pk, status=old).update(status=new, **fields)
    if not changed:
        raise InvalidTransition(_("函的状态不允许此操作 (letter state does not allow this)"))
    letter.refresh_from_db()
    resolve_alerts(f"letter-overdue:{letter.pk}")
    audit(actor, action, letter, request=request)
    return letter


def close_letter(
    actor: Actor, letter: AssistanceLetter, note: str = "", request: HttpRequest | None = None
) -> AssistanceLetter:
    """The court accepts the answer and closes the letter (answered → closed)."""
    return _transition(
        actor,
        letter,
        LetterStatus.ANSWERED,
        LetterStatus.CLOSED,
        "letter.close",
        request,
        closed_at=timezone.now(),
        close_note=note[:200],
    )


def withdraw_letter(actor: Actor, letter: AssistanceLetter, request: HttpRequest | None = None) -> AssistanceLetter:
    return _transition(actor, letter, LetterStatus.SENT, LetterStatus.WITHDRAWN, "letter.withdraw", request)


def answer_token(letter: AssistanceLetter) -> str:
    return signing.dumps({"l": letter.pk}, salt=TOKEN_SALT)


def letter_from_token(token: str) -> AssistanceLetter | None:
    """The letter a form link was issued for, or None when the link is forged, stale or already used."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    letter = AssistanceLetter.objects.select_related("unit", "case", "court").filter(pk=data.get("l")).first()
    if letter is None or timezone.localdate() > letter.due_on + dt.timedelta(days=TOKEN_GRACE_DAYS):
        return None
    return letter


def overdue_letters(today: dt.date | None = None) -> QuerySet[AssistanceLetter]:
    today = today or timezone.localdate()
    return AssistanceLetter.objects.filter(status=LetterStatus.SENT, due_on__lt=today)


def raise_overdue_letter_alerts(today: dt.date | None = None) -> int:
    """Beat task body: one alert per overdue letter (dedup by letter); returns how many were new."""
    new = 0
    for letter in overdue_letters(today).select_related("unit", "court"):
        _alert, created = raise_alert(
            kind="letter_overdue",
            court=letter.court,
            severity=AlertSeverity.WARNING,
            title=_("协助调查函逾期未复：%(no)s（%(unit)s）") % {"no": letter.number, "unit": letter.unit.name},
            dedup_key=f"letter-overdue:{letter.pk}",
            source=letter,
            link=f"/command/letters/{letter.pk}/",
        )
        new += created
    return new


def _letters(letters, start, end, townships):
    """The letters the counts are made of: not withdrawn, sent in the period, to townships or to the other units."""
    letters = letters.exclude(status=LetterStatus.WITHDRAWN)
    if start:
        letters = letters.filter(sent_at__date__gte=start)
    if end:
        letters = letters.filter(sent_at__date__lte=end)
    if townships is not None:
        letters = (
            letters.filter(unit__kind=LinkageKind.TOWNSHIP)
            if townships
            else letters.exclude(unit__kind=LinkageKind.TOWNSHIP)
        )
    return letters


COUNT_FIELDS = ("pushed", "answered", "closed", "pending", "overdue")


def _counts(today):
    return {
        "pushed": Count("id"),
        "answered": Count("id", filter=Q(answered_at__isnull=False)),
        "closed": Count("id", filter=Q(status=LetterStatus.CLOSED)),
        "pending": Count("id", filter=Q(status=LetterStatus.SENT)),
        "overdue": Count("id", filter=Q(status=LetterStatus.SENT, due_on__lt=today)),
    }


def _unit_row(r):
    return {
        "unit": r["unit"],
        "name": r["unit__name"],
        "kind": r["unit__kind"],
        **{k: r[k] for k in COUNT_FIELDS},
    }


def unit_counts(
    court: Court,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    townships: bool | None = None,
    today: dt.date | None = None,
) -> list[dict]:
    """Per unit: letters pushed (sent in the period by courts in `court`'s scope), answered, closed,
    pending (still awaiting an answer) and overdue (pending past due). Modules 19 (units) and 20
    (townships: townships=True) add up unit_counts_by_court instead, which gives the same per scope."""
    today = today or timezone.localdate()
    letters = _letters(AssistanceLetter.objects.in_scope(court), start, end, townships)
    rows = (
        letters.values("unit", "unit__name", "unit__kind").annotate(**_counts(today)).order_by("-pushed", "unit__name")
    )
    return [_unit_row(r) for r in rows]


def unit_counts_by_court(
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    townships: bool | None = None,
    today: dt.date | None = None,
    court: Court | None = None,
) -> dict[int, list[dict]]:
    """unit_counts for every court at once: {court id: [unit rows]} (the sending court; `court` limits it to
    that subtree). A scope's unit_counts is the sum of its courts' rows per unit (combine_units), so the screen asks
    one query for ~200 courts instead of one per court."""
    today = today or timezone.localdate()
    letters = AssistanceLetter.objects.all() if court is None else AssistanceLetter.objects.in_scope(court)
    letters = _letters(letters, start, end, townships)
    out = {}
    for r in letters.values("court", "unit", "unit__name", "unit__kind").annotate(**_counts(today)).order_by():
        out.setdefault(r["court"], []).append(_unit_row(r))
    return out


def combine_units(rows: Iterable[dict]) -> list[dict]:
    """Unit rows of several courts added up per unit, in unit_counts' order (most letters pushed first, then by
    name; the unit id breaks a tie between two units of one name)."""
    units = {}
    for r in rows:
        u = units.get(r["unit"])
        if u is None:
            units[r["unit"]] = dict(r)
        else:
            for k in COUNT_FIELDS:
                u[k] += r[k]
    return sorted(units.values(), key=lambda u: (-u["pushed"], u["name"], u["unit"]))


def register_unit(
    *,
    name: str,
    kind: str,
    court: Court,
    contact_name: str = "",
    contact_phone: str = "",
    partner: PartnerClient | None = None,
) -> LinkageUnit:
    if partner is not None and partner.kind != PartnerKind.LINKAGE:
        raise RuleViolation(
            _("接口密钥必须是联动单位类型 (partner key must be of kind linkage)"), code="bad_partner_kind"
        )
    contact_phone = validate_phone(contact_phone)  # stored folded to ASCII (execcenter.identifiers)
    return LinkageUnit.objects.create(
        name=name, kind=kind, court=court, contact_name=contact_name, contact_phone=contact_phone, partner=partner
    )
