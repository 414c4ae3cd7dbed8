"""Reward notices (悬赏公告) as a workflow, after 《最高人民法院关于民事执行中财产调查若干问题的规定》(法释〔2017〕8号)
Art. 21–24: the applicant applies in writing with the reward and how to publish it; the court decides whether to
publish and the notice's content; the leads people bring are registered in the order received and kept
confidential; a lead the court did not already have, that gets the applicant's claim (partly) realised, earns the
reward; the reward is paid from what the applicant advanced for it, and the rest goes back to the applicant.

Steps (each a policy action, cases/rules.py; every refusal changes nothing):
- `apply` (reward.apply): a judge or officer records the written application (amount in yuan, what is sought, how
  to publish) for an applicant of the case. → APPLIED.
- `record_advance` (reward.apply): the applicant's advance arriving (bank reference, amount): a line of the notice's
  own ledger, booked once per reference. The advance is not case money: the case account never sees it.
- `approve` / `reject` (reward.decide): an approver of the court who did not record the application publishes it
  (advance ≥ reward required; a numbered measure and the notice issued as a stored .docx, series 执悬) or refuses
  with a reason (any advance is refunded at once). APPLIED → PUBLISHED / REJECTED.
- `register_lead` (reward.lead): staff register a lead given by phone, visit, letter or the national platform, with
  the informant's verified identity (Art. 23: identity and lead registered, in order). Leads come through the
  court's staff rather than a public form: the informant must be identified to be paid and to be excluded when
  they may not be (Art. 24: the applicant's agent, a party, anyone obliged to report), and an anonymous public
  endpoint would collect personal data without that check and invite abuse.
- `check_lead` (reward.lead): confirmed (property found), unfounded, or already known to the court.
- `request_reward` (reward.pay.request) / `approve_reward` / `refuse_reward` (reward.pay.approve): four-eyes — a judge
  or officer proposes the reward for a confirmed lead, stating the claim realised through it; an approver other than
  the proposer pays it out of the advance (a ledger line, booked once per lead) or refuses with a reason.
- `close` (reward.close): an approver ends the notice once no lead is waiting; the unspent advance is refunded.

Amounts are Decimal yuan to the fen (execcenter.money); state changes are compare-and-swap on the locked row.
Errors: RuleViolation 400 (bad input), InvalidTransition 409 (wrong state), PermissionDenied 403, NotFound 404.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from execcenter import docx_layout as layout
from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from execcenter.masking import mask_id_number
from execcenter.money import format_yuan, require_amount
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import actor_label
from execcenter.validators import validate_phone, validate_resident_id

from . import documents as issued
from .choices import LeadChannel, MeasureKind, MeasureStatus, PartyRole, RewardEntryKind
from .choices import RewardLeadStatus as L
from .choices import RewardNoticeStatus as N
from .measures import end_measure, impose_measure
from .models import CaseParty, DocumentKind, Measure, RewardEntry, RewardLead, RewardNotice
from .services import _record

CHECK_OUTCOMES = (L.CONFIRMED, L.UNFOUNDED, L.KNOWN)
WAITING = (L.RECEIVED, L.REWARD_REQUESTED)  # leads that block closing the notice


def _text(value, name, limit):
    value = (value or "").strip()
    if not value:
        raise RuleViolation(_("请填写%(f)s (required)") % {"f": name}, code="field_required")
    if len(value) > limit:
        raise RuleViolation(_("%(f)s不能超过%(n)s字 (too long)") % {"f": name, "n": limit}, code="field_too_long")
    return value


def _locked(notice):
    return RewardNotice.objects.select_for_update(of=("self",)).select_related("case__court").get(pk=notice.pk)


def _locked_lead(lead):
    lead = RewardLead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
    lead.notice = _locked(lead.notice)
    return lead


def _swap(model, obj, expected, **changes):
    """Compare-and-swap on `status`: act only if the row is still in `expected` (a list)."""
    if model.objects.filter(pk=obj.pk, status__in=expected).update(**changes) != 1:
        raise InvalidTransition(_("状态已被他人修改，请刷新后重试 (changed meanwhile)"), code="stale_state")
    for field, value in changes.items():
        setattr(obj, field, value)


def _book(notice, kind, amount, *, reference, counterparty, actor, lead=None, note="", occurred_at=None):
    """One ledger line and the notice's running total, under the notice's row lock (the caller holds it). A repeat
    of the same reference for the same step returns the first line; the same reference for anything else is 409."""
    existing = RewardEntry.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.notice_id != notice.pk or existing.kind != kind or existing.amount != amount:
            raise DomainError(_("该业务编号已被使用 (this reference is already in use)"), code="reference_in_use")
        return existing, False
    entry = RewardEntry.objects.create(
        notice=notice,
        kind=kind,
        amount=amount,
        lead=lead,
        counterparty=counterparty[:64],
        reference=reference,
        occurred_at=occurred_at or timezone.now(),
        note=note[:200],
        created_by=user_of(actor),
    )
    total = {RewardEntryKind.ADVANCE: "advanced", RewardEntryKind.REWARD: "paid", RewardEntryKind.REFUND: "refunded"}
    field = total[kind]
    RewardNotice.objects.filter(pk=notice.pk).update(**{field: F(field) + amount})
    setattr(notice, field, getattr(notice, field) + amount)
    return entry, True


@transaction.atomic
def apply(actor, case, *, applicant, reward_amount, property_sought, channels, request=None):
    """Record the applicant's written application (Art. 21). `reward_amount`: Decimal/str yuan > 0. Returns the notice."""
    require(actor, "reward.apply", case)
    if applicant is None or not CaseParty.objects.filter(case=case, party=applicant, role=PartyRole.APPLICANT).exists():
        raise RuleViolation(
            _("悬赏只能由本案申请执行人申请 (only an applicant of the case may apply)"), code="not_applicant"
        )
    amount = require_amount(reward_amount)
    notice = RewardNotice.objects.create(
        case=case,
        applicant=applicant,
        reward_amount=amount,
        property_sought=_text(property_sought, _("悬赏查找的财产"), 200),
        channels=_text(channels, _("发布方式"), 200),
        recorded_by=user_of(actor),
        recorded_by_label=actor_label(actor)[:64],
    )
    _record(
        case,
        "measure",
        _("悬赏申请：%(a)s，悬赏金 %(m)s") % {"a": applicant.name, "m": format_yuan(amount)},
        actor,
        "reward.apply",
        request=request,
        obj=notice,
        details={"notice": notice.pk, "reward_amount": str(amount)},
    )
    return notice


@transaction.atomic
def record_advance(actor, notice, *, amount, reference, received_on=None, request=None):
    """The applicant's advance arriving (预交悬赏金): `amount` yuan > 0, `reference` the bank's transaction number
    (one booking per reference: a repeat returns the first line). Allowed while the notice is applied or published.
    Returns (entry, created)."""
    require(actor, "reward.apply", notice)
    amount = require_amount(amount)
    reference = _text(reference, _("银行流水号"), 60)
    notice = _locked(notice)
    if notice.status not in (N.APPLIED, N.PUBLISHED):
        raise InvalidTransition(
            _("悬赏已结束，不能再预交悬赏金 (the notice is no longer open)"), code="notice_not_open"
        )
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise RuleViolation(_("到账日期不能晚于今天 (date in the future)"), code="date_in_future")
    # A past value date is booked at noon of that day (the statement gives the day, not the time).
    occurred = (
        timezone.now() if received_on == today else timezone.make_aware(dt.datetime.combine(received_on, dt.time(12)))
    )
    entry, created = _book(
        notice,
        RewardEntryKind.ADVANCE,
        amount,
        reference=f"reward-advance:{reference}",
        counterparty=notice.applicant.name,
        actor=actor,
        occurred_at=occurred,
    )
    if created:
        _record(
            notice.case,
            "money",
            _("预交悬赏金 %(m)s") % {"m": format_yuan(amount)},
            actor,
            "reward.advance",
            request=request,
            obj=notice,
            details={"notice": notice.pk, "amount": str(amount), "reference": reference},
        )
    return entry, created


def _respondents(case):
    return [cp.party for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party")]


def _render(notice):
    """The published notice: respondents named with masked ID numbers (it goes to the public), the reward and the
    conditions of Art. 24; nothing about informants."""
    case = notice.case
    names = "、".join(f"{p.name}（{mask_id_number(p.id_number)}）" for p in _respondents(case))
    doc = layout.new_document()
    layout.title(doc, case.court.name)
    layout.title(doc, "悬赏公告")
    layout.paragraph(doc, notice.notice_no, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.paragraph(
        doc,
        f"本院执行的{case.number}{case.cause}一案，被执行人{names}未履行生效法律文书确定的义务。"
        f"经申请执行人{notice.applicant.name}申请，本院决定悬赏查找被执行人的下列财产：{notice.property_sought}。",
    )
    layout.paragraph(
        doc,
        f"悬赏金额：{format_yuan(notice.reward_amount)}，由申请执行人预交。"
        "有关人员提供本院尚未掌握的财产线索，使申请执行人的债权得以全部或者部分实现的，本院按照本公告发放悬赏金。"
        "两人以上提供相同财产线索的，按照提供线索的先后顺序确定。申请执行人的代理人、有义务向本院提供财产线索的人员"
        "以及存在其他不应给予悬赏金情形的，不予发放。",
    )
    layout.paragraph(
        doc,
        "提供线索者请持本人身份证件到本院执行局或者通过本院公布的电话提供线索。本院对提供人的身份信息和财产线索予以保密，"
        "但为核查财产线索、确认财产权属需要告知或者出示的除外。",
    )
    layout.paragraph(doc, f"发布方式：{notice.channels}。")
    layout.paragraph(doc, "依据：《最高人民法院关于民事执行中财产调查若干问题的规定》第二十一条至第二十四条。")
    layout.paragraph(doc, f"{notice.published_on:%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.finish(doc)
    return layout.to_bytes(doc)


@transaction.atomic
def approve(actor, notice, *, note="", request=None):
    """Publish (Art. 22): four-eyes against the recorder; the advance must cover the reward. Issues the numbered
    measure and the notice document (stored once). Returns the notice."""
    notice = _locked(notice)
    require(actor, "reward.decide", notice)
    if notice.recorded_by_id is not None and notice.recorded_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("不能审批本人登记的申请（双人审批） (nobody approves their own request)"))
    if notice.advanced < notice.reward_amount:
        raise RuleViolation(
            _("预交悬赏金 %(a)s 不足悬赏金额 %(r)s，不能发布 (the advance must cover the reward)")
            % {"a": format_yuan(notice.advanced), "r": format_yuan(notice.reward_amount)},
            code="advance_short",
        )
    respondents = _respondents(notice.case)
    if not respondents:
        raise RuleViolation(_("本案没有被执行人 (the case has no respondent)"), code="no_respondent")
    today = timezone.localdate()
    number = issued.court_series_number(notice.case.court, today.year, "执悬")
    measure = impose_measure(
        notice.case,
        MeasureKind.REWARD_NOTICE,
        party=respondents[0],
        amount=notice.reward_amount,
        document_no=number,
        note=notice.property_sought[:200],
        actor=actor,
        request=request,
        checked_as="reward.decide",
    )
    _swap(
        RewardNotice,
        notice,
        [N.APPLIED],
        status=N.PUBLISHED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=(note or "").strip()[:200],
        notice_no=number,
        published_on=today,
        measure=measure,
    )
    issued.issue(
        kind=DocumentKind.REWARD_NOTICE,
        number=number,
        title=f"悬赏公告（{notice.case.number}）",
        court=notice.case.court,
        case=notice.case,
        source=notice,
        content=_render(notice),
        filename=f"悬赏公告-{number}.docx",
        actor=actor,
        request=request,
    )
    _record(
        notice.case,
        "measure",
        _("发布悬赏公告 %(n)s") % {"n": number},
        actor,
        "reward.publish",
        request=request,
        obj=notice,
        details={"notice": notice.pk},
    )
    return notice


def _refund_rest(notice, actor, note):
    """Book the unspent advance back to the applicant (once per notice); the caller holds the lock."""
    rest = notice.balance
    if rest > 0:
        _book(
            notice,
            RewardEntryKind.REFUND,
            rest,
            reference=f"reward-refund:{notice.uid}",
            counterparty=notice.applicant.name,
            actor=actor,
            note=note,
        )
    return rest


@transaction.atomic
def reject(actor, notice, *, note, request=None):
    """Refuse to publish (Art. 21: decided within 10 days), with a reason; an advance already paid goes back."""
    notice = _locked(notice)
    require(actor, "reward.decide", notice)
    note = _text(note, _("不予准许的理由"), 200)
    _swap(
        RewardNotice,
        notice,
        [N.APPLIED],
        status=N.REJECTED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=note,
        closed_at=timezone.now(),
    )
    rest = _refund_rest(notice, actor, note)
    _record(
        notice.case,
        "measure",
        _("悬赏申请不予准许：%(n)s") % {"n": note},
        actor,
        "reward.reject",
        request=request,
        obj=notice,
        details={"notice": notice.pk, "refunded": str(rest)},
    )
    return notice


@transaction.atomic
def register_lead(
    actor,
    notice,
    *,
    informant_name,
    informant_id_number,
    informant_phone,
    content,
    channel,
    received_at=None,
    duplicate_of=None,
    agent_or_obliged=False,
    request=None,
):
    """Register a lead in the order received (Art. 23). The informant's ID number (GB 11643) and phone are checked;
    a lead from a party of the case or from someone the staff mark as the applicant's agent or obliged to report is
    registered but excluded from the reward (Art. 24). `duplicate_of`: an earlier lead of the same notice giving the
    same property (the earlier one ranks first). Returns the lead."""
    require(actor, "reward.lead", notice)
    try:
        id_number = validate_resident_id(informant_id_number or "")
        phone = validate_phone(informant_phone or "")
    except ValidationError as exc:
        raise RuleViolation(exc.messages[0], code=exc.code) from None
    if not phone:
        raise RuleViolation(_("请填写提供人电话 (phone required)"), code="phone_required")
    name = _text(informant_name, _("线索提供人"), 64)
    content = _text(content, _("线索内容"), 500)
    if channel not in LeadChannel.values:
        raise RuleViolation(_("来源渠道无效 (invalid channel)"), code="invalid_channel")
    notice = _locked(notice)
    if notice.status != N.PUBLISHED:
        raise InvalidTransition(_("悬赏公告未发布或已结束 (the notice is not published)"), code="notice_not_published")
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise RuleViolation(_("提供时间不能晚于现在 (time in the future)"), code="date_in_future")
    if timezone.localdate(received_at) < notice.published_on:
        raise RuleViolation(
            _("提供时间不能早于公告发布日期 (before the notice was published)"), code="before_publication"
        )
    if duplicate_of is not None and (duplicate_of.notice_id != notice.pk or duplicate_of.received_at > received_at):
        raise RuleViolation(
            _("相同线索须指向本公告先前登记的线索 (same as an earlier lead of this notice)"), code="bad_duplicate"
        )
    excluded = ""
    if CaseParty.objects.filter(case=notice.case, party__id_number=id_number).exists():
        excluded = _("提供人是本案当事人")
    elif agent_or_obliged:
        excluded = _("提供人是申请执行人的代理人或有义务报告财产的人员")
    seq = (RewardLead.objects.filter(notice=notice).aggregate(m=Max("seq"))["m"] or 0) + 1
    lead = RewardLead.objects.create(
        notice=notice,
        seq=seq,
        received_at=received_at,
        channel=channel,
        informant_name=name,
        informant_id_number=id_number,
        informant_phone=phone,
        content=content,
        duplicate_of=duplicate_of,
        excluded_reason=excluded,
        recorded_by=user_of(actor),
    )
    # The timeline is read by everyone who reads the case: it names the lead's number, never the informant.
    _record(
        notice.case,
        "measure",
        _("悬赏线索 %(n)s 第%(s)s号已登记") % {"n": notice.notice_no, "s": seq},
        actor,
        "reward.lead",
        request=request,
        obj=lead,
        details={"notice": notice.pk, "lead": lead.pk, "seq": seq},
    )
    return lead


@transaction.atomic
def check_lead(actor, lead, *, outcome, note, request=None):
    """Record the check of a lead: confirmed (the property exists), unfounded, or already known to the court."""
    lead = _locked_lead(lead)
    require(actor, "reward.lead", lead)
    if outcome not in CHECK_OUTCOMES:
        raise RuleViolation(_("核查结论无效 (invalid outcome)"), code="invalid_outcome")
    note = _text(note, _("核查情况"), 200)
    _swap(
        RewardLead,
        lead,
        [L.RECEIVED],
        status=outcome,
        check_note=note,
        checked_at=timezone.now(),
        checked_by_label=actor_label(actor)[:64],
    )
    _record(
        lead.notice.case,
        "measure",
        _("悬赏线索第%(s)s号核查：%(o)s") % {"s": lead.seq, "o": L(outcome).label},
        actor,
        "reward.lead.check",
        request=request,
        obj=lead,
        details={"lead": lead.pk, "outcome": outcome},
    )
    return lead


def _committed(notice, exclude_lead=None):
    """Rewards paid plus rewards waiting for approval on the notice (yuan)."""
    waiting = RewardLead.objects.filter(notice=notice, status=L.REWARD_REQUESTED)
    if exclude_lead is not None:
        waiting = waiting.exclude(pk=exclude_lead.pk)
    return notice.paid + sum((x.reward for x in waiting), Decimal("0.00"))


def _check_reward(lead, amount):
    """Art. 24 and the advance: raises RuleViolation when `amount` may not be paid for `lead` now."""
    notice = lead.notice
    if lead.excluded_reason:
        raise RuleViolation(
            _("不予发放悬赏金：%(r)s (not eligible)") % {"r": lead.excluded_reason}, code="informant_excluded"
        )
    if lead.duplicate_of_id is not None:
        raise RuleViolation(
            _("相同线索由先提供者领取悬赏金 (the earlier informant of the same lead is rewarded)"),
            code="duplicate_lead",
        )
    others = _committed(notice, exclude_lead=lead)
    room = min(notice.reward_amount - others, notice.balance - (others - notice.paid))
    if amount > room:
        raise RuleViolation(
            _("悬赏金 %(a)s 超过可发放余额 %(r)s (more than the reward or the advance left)")
            % {"a": format_yuan(amount), "r": format_yuan(max(room, 0))},
            code="reward_exceeds_balance",
        )


@transaction.atomic
def request_reward(actor, lead, *, amount, realised_amount, note="", request=None):
    """Propose the reward for a confirmed lead (four-eyes: another person approves). `realised_amount`: the claim
    realised through the lead (yuan > 0, at most what the case account has received: Art. 24 pays only when the
    claim is actually realised). `amount`: the reward, within the notice's reward and the advance left."""
    lead = _locked_lead(lead)
    require(actor, "reward.pay.request", lead)
    if lead.status != L.CONFIRMED:
        raise InvalidTransition(
            _("只有核查属实的线索可以申请发放悬赏金 (only a confirmed lead)"), code="lead_not_confirmed"
        )
    amount = require_amount(amount)
    realised = require_amount(realised_amount)
    case = lead.notice.case
    if realised > case.recovered_amount:
        raise RuleViolation(
            _("实现金额 %(a)s 超过本案已到账执行款 %(r)s (more than the case has received)")
            % {"a": format_yuan(realised), "r": format_yuan(case.recovered_amount)},
            code="realised_exceeds_receipts",
        )
    _check_reward(lead, amount)
    _swap(
        RewardLead,
        lead,
        [L.CONFIRMED],
        status=L.REWARD_REQUESTED,
        reward=amount,
        realised_amount=realised,
        reward_requested_by=user_of(actor),
        reward_requested_by_label=actor_label(actor)[:64],
        reward_note=(note or "").strip()[:200],
    )
    _record(
        case,
        "measure",
        _("申请发放悬赏金 %(a)s（线索第%(s)s号），待审批") % {"a": format_yuan(amount), "s": lead.seq},
        actor,
        "reward.pay.request",
        request=request,
        obj=lead,
        details={"lead": lead.pk, "amount": str(amount), "realised": str(realised)},
    )
    return lead


@transaction.atomic
def approve_reward(actor, lead, *, note="", request=None):
    """Pay the proposed reward out of the advance (one ledger line per lead, reference reward:<lead uid>)."""
    lead = _locked_lead(lead)
    require(actor, "reward.pay.approve", lead)
    _check_reward(lead, lead.reward)  # the notice may have changed since the request
    _swap(
        RewardLead,
        lead,
        [L.REWARD_REQUESTED],
        status=L.REWARDED,
        reward_decided_by_label=actor_label(actor)[:64],
        reward_decided_at=timezone.now(),
        reward_note=(note or lead.reward_note).strip()[:200],
    )
    _book(
        lead.notice,
        RewardEntryKind.REWARD,
        lead.reward,
        reference=f"reward:{lead.uid}",
        counterparty=lead.informant_name,
        actor=actor,
        lead=lead,
        note=_("线索第%(s)s号") % {"s": lead.seq},
    )
    _record(
        lead.notice.case,
        "money",
        _("发放悬赏金 %(a)s（线索第%(s)s号）") % {"a": format_yuan(lead.reward), "s": lead.seq},
        actor,
        "reward.pay.approve",
        request=request,
        obj=lead,
        details={"lead": lead.pk, "amount": str(lead.reward)},
    )
    return lead


@transaction.atomic
def refuse_reward(actor, lead, *, note, request=None):
    """Refuse the proposed reward, with a reason; the advance stays for other leads or the refund."""
    lead = _locked_lead(lead)
    require(actor, "reward.pay.approve", lead)
    note = _text(note, _("不予发放的理由"), 200)
    _swap(
        RewardLead,
        lead,
        [L.REWARD_REQUESTED],
        status=L.REWARD_REFUSED,
        reward_decided_by_label=actor_label(actor)[:64],
        reward_decided_at=timezone.now(),
        reward_note=note,
    )
    _record(
        lead.notice.case,
        "measure",
        _("不予发放悬赏金（线索第%(s)s号）：%(n)s") % {"s": lead.seq, "n": note},
        actor,
        "reward.pay.refuse",
        request=request,
        obj=lead,
        details={"lead": lead.pk},
    )
    return lead


@transaction.atomic
def close(actor, notice, *, note, request=None):
    """End a published notice and refund the unspent advance to the applicant. Refused while a lead waits for its
    check or its reward decision (closing would take the informant's reward away)."""
    notice = _locked(notice)
    require(actor, "reward.close", notice)
    note = _text(note, _("结束说明"), 200)
    waiting = RewardLead.objects.filter(notice=notice, status__in=WAITING).count()
    if waiting:
        raise InvalidTransition(
            _("尚有 %(n)s 条线索待核查或待审批，不能结束悬赏 (leads still pending)") % {"n": waiting},
            code="leads_pending",
        )
    _swap(
        RewardNotice,
        notice,
        [N.PUBLISHED],
        status=N.CLOSED,
        closed_at=timezone.now(),
        closed_by_label=actor_label(actor)[:64],
        close_note=note,
    )
    rest = _refund_rest(notice, actor, note)
    if notice.measure_id and Measure.objects.filter(pk=notice.measure_id, status=MeasureStatus.ACTIVE).exists():
        end_measure(
            notice.measure, MeasureStatus.COMPLETED, actor=actor, request=request, note=note, checked_as="reward.close"
        )
    _record(
        notice.case,
        "money",
        _("悬赏结束，退还悬赏金余额 %(m)s") % {"m": format_yuan(rest)},
        actor,
        "reward.close",
        request=request,
        obj=notice,
        details={"notice": notice.pk, "refunded": str(rest)},
    )
    return notice


def awaiting(actor):
    """What `actor` may decide now, for the approval queue: (applications to publish or refuse, rewards to approve
    or refuse), oldest first, each within the actor's scope and allowed by the policy (four-eyes included)."""
    from execcenter.policy import may

    notices = (
        RewardNotice.objects.visible_to(actor)
        .filter(status=N.APPLIED)
        .select_related("case__court", "applicant")
        .order_by("applied_at", "id")[:200]
    )
    leads = (
        RewardLead.objects.visible_to(actor)
        .filter(status=L.REWARD_REQUESTED)
        .select_related("notice__case__court")
        .order_by("id")[:200]
    )
    return (
        [n for n in notices if may(actor, "reward.decide", n)],
        [x for x in leads if may(actor, "reward.pay.approve", x)],
    )
