"""Lawyer investigation orders (律师调查令) as a workflow (《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 3,
and the provincial rules on 律师调查令: the applicant's lawyer asks, the court decides, the order is valid for a
limited time and the lawyer returns what was found).

- `apply`: recorded by the case's judge or officer for the applicant's lawyer (name, licence, firm), with what is
  to be investigated and why; the party must be an applicant of the case.
- `approve`: an approver of the court who did not record it issues the order: a numbered measure
  (MeasureKind.INVESTIGATION_ORDER, holder = the lawyer, valid ≤ MAX_VALID_DAYS) and the printable order stored as
  a record (cases.documents, series 执调). `reject` needs a reason.
- `record_return`: the lawyer's findings come back; they become a property-investigation record of the case and the
  measure is completed. A return after the order expired is recorded as late.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from execcenter import docx_layout as layout
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import actor_label

from . import documents as issued
from .choices import (
    InvestigationMethod,
    LawyerOrderStatus,
    MeasureKind,
    MeasureStatus,
    PartyRole,
)
from .measures import end_measure, impose_measure
from .models import (
    CaseParty,
    DocumentKind,
    LawyerOrderApplication,
    Measure,
    PropertyInvestigation,
)
from .services import _record

MAX_VALID_DAYS = 30  # the provinces' rules keep a 律师调查令 valid for 15–30 days; never longer here


@transaction.atomic
def apply(actor, case, *, applicant, lawyer_name, licence_no, law_firm, targets, reason, request=None):
    require(actor, "lawyer_order.apply", case)
    if not CaseParty.objects.filter(case=case, party=applicant, role=PartyRole.APPLICANT).exists():
        raise RuleViolation(
            _("调查令只能由本案申请执行人的代理律师申请 (the lawyer must act for an applicant)"), code="not_applicant"
        )
    fields = {
        "lawyer_name": lawyer_name,
        "licence_no": licence_no,
        "law_firm": law_firm,
        "targets": targets,
        "reason": reason,
    }
    missing = [k for k, v in fields.items() if not (v or "").strip()]
    if missing:
        raise RuleViolation(_("请填写完整：%(f)s (required)") % {"f": "、".join(missing)}, code="fields_required")
    app = LawyerOrderApplication.objects.create(
        case=case,
        applicant=applicant,
        recorded_by=user_of(actor),
        recorded_by_label=actor_label(actor)[:64],
        **{k: v.strip() for k, v in fields.items()},
    )
    _record(
        case,
        "measure",
        _("律师调查令申请：%(l)s（%(f)s）") % {"l": app.lawyer_name, "f": app.law_firm},
        actor,
        "lawyer_order.apply",
        request=request,
        obj=app,
        details={"application": app.pk},
    )
    return app


def _render(app):
    doc = layout.new_document()
    layout.title(doc, app.case.court.name)
    layout.title(doc, "律师调查令")
    layout.paragraph(doc, app.order_no, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.paragraph(doc, f"持令人：{app.lawyer_name}（{app.law_firm}，执业证号 {app.licence_no}）")
    layout.paragraph(
        doc,
        f"本院执行的{app.case.number}{app.case.cause}一案，申请执行人{app.applicant.name}的代理律师申请调查被执行人的财产情况。"
        f"经审查，准许持令人调查下列事项：{app.targets}。",
    )
    layout.paragraph(
        doc,
        f"本调查令有效期至{app.valid_until:%Y年%m月%d日}。有关单位和个人应当予以协助。持令人应当在有效期届满后及时向本院交回调查令及调查所得材料，"
        "调查所得仅用于本案执行，不得泄露或者用于其他用途。",
    )
    layout.paragraph(doc, f"{timezone.localdate():%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.finish(doc)
    return layout.to_bytes(doc)


@transaction.atomic
def approve(actor, app, *, valid_days=MAX_VALID_DAYS, note="", request=None):
    """Issue the order. valid_days: 1..MAX_VALID_DAYS. Returns the application with its order number and measure."""
    app = LawyerOrderApplication.objects.select_for_update().select_related("case__court", "applicant").get(pk=app.pk)
    require(actor, "lawyer_order.decide", app)
    if app.status != LawyerOrderStatus.APPLIED:
        raise InvalidTransition(_("该申请已处理 (already decided)"), code="already_decided")
    if app.recorded_by_id is not None and app.recorded_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("不能审批本人登记的申请（双人审批） (nobody approves their own request)"))
    if not 1 <= int(valid_days) <= MAX_VALID_DAYS:
        raise RuleViolation(
            _("有效期为1至%(m)s日 (valid 1–%(m)s days)") % {"m": MAX_VALID_DAYS}, code="validity_out_of_range"
        )
    today = timezone.localdate()
    app.valid_until = today + dt.timedelta(days=int(valid_days))
    app.order_no = issued.court_series_number(app.case.court, today.year, "执调")
    measure = impose_measure(
        app.case,
        MeasureKind.INVESTIGATION_ORDER,
        holder=app.lawyer_name,
        ends_on=app.valid_until,
        document_no=app.order_no,
        note=app.targets[:200],
        actor=actor,
        request=request,
        checked_as="lawyer_order.decide",
    )
    LawyerOrderApplication.objects.filter(pk=app.pk).update(
        status=LawyerOrderStatus.APPROVED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=(note or "")[:200],
        order_no=app.order_no,
        valid_until=app.valid_until,
        measure=measure,
    )
    app.refresh_from_db()
    issued.issue(
        kind=DocumentKind.INVESTIGATION_ORDER,
        number=app.order_no,
        title=f"律师调查令（{app.case.number}）",
        court=app.case.court,
        case=app.case,
        source=app,
        content=_render(app),
        filename=f"律师调查令-{app.order_no}.docx",
        actor=actor,
        request=request,
    )
    return app


@transaction.atomic
def reject(actor, app, *, note, request=None):
    app = LawyerOrderApplication.objects.select_for_update().select_related("case__court").get(pk=app.pk)
    require(actor, "lawyer_order.decide", app)
    if app.status != LawyerOrderStatus.APPLIED:
        raise InvalidTransition(_("该申请已处理 (already decided)"), code="already_decided")
    if not (note or "").strip():
        raise RuleViolation(_("请填写不予准许的理由 (a reason is required)"), code="reason_required")
    LawyerOrderApplication.objects.filter(pk=app.pk).update(
        status=LawyerOrderStatus.REJECTED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=note.strip()[:200],
    )
    _record(
        app.case,
        "measure",
        _("律师调查令不予准许：%(n)s") % {"n": note.strip()},
        actor,
        "lawyer_order.reject",
        request=request,
        obj=app,
    )
    app.refresh_from_db()
    return app


@transaction.atomic
def record_return(actor, app, *, findings, returned_on=None, found_assets=False, request=None):
    """The lawyer returns the order with findings: a property investigation record (method LAWYER); the measure completes."""
    app = (
        LawyerOrderApplication.objects.select_for_update(of=("self",))
        .select_related("case__court", "measure")
        .get(pk=app.pk)
    )
    require(actor, "lawyer_order.apply", app.case)
    if app.status != LawyerOrderStatus.APPROVED:
        raise InvalidTransition(
            _("只有已签发的调查令可以交回 (only an issued order can be returned)"), code="not_issued"
        )
    findings = (findings or "").strip()
    if not findings:
        raise RuleViolation(_("请填写调查结果 (findings are required)"), code="findings_required")
    returned_on = returned_on or timezone.localdate()
    late = returned_on > app.valid_until
    LawyerOrderApplication.objects.filter(pk=app.pk).update(
        status=LawyerOrderStatus.RETURNED, findings=findings, returned_on=returned_on
    )
    PropertyInvestigation.objects.create(
        case=app.case,
        method=InvestigationMethod.LAWYER,
        done_on=returned_on,
        found_assets=found_assets,
        summary=(_("律师调查令 %(n)s：%(f)s") % {"n": app.order_no, "f": findings})[:200],
        recorded_by=user_of(actor),
    )
    if app.measure is not None and Measure.objects.filter(pk=app.measure_id, status=MeasureStatus.ACTIVE).exists():
        end_measure(
            app.measure, MeasureStatus.COMPLETED, actor=actor, request=request, on=returned_on, note=_("调查令已交回")
        )
    _record(
        app.case,
        "measure",
        _("律师调查令 %(n)s 已交回%(late)s") % {"n": app.order_no, "late": _("（逾期）") if late else ""},
        actor,
        "lawyer_order.return",
        request=request,
        obj=app,
        details={"application": app.pk, "late": late},
    )
    app.refresh_from_db()
    return app
