"""The auditor's page (issue 11, point 9): search the audit log in the browser.

Who may: the policy's "audit.read" (auditors, directors, administrators). What they see: AuditLog.visible_to — the
rows of their courts' subtree (and, for the province, rows tied to no court). Opening the page with a filter is
itself audited, so searches of the log are on record too.
"""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.models import AuditLog, Court
from execcenter.policy import may
from execcenter.policy_http import requires
from execcenter.services import audit

PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    action = forms.CharField(
        label=_("操作"), required=False, max_length=48, help_text=_("前缀匹配，如 login. 或 personal_data")
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=48)
    object_id = forms.CharField(label=_("对象"), required=False, max_length=64)
    court = forms.CharField(label=_("法院代码"), required=False, max_length=16, help_text=_("含下级法院"))
    ip = forms.GenericIPAddressField(label=_("来源地址"), required=False)
    since = forms.DateField(label=_("起始日期"), required=False)
    until = forms.DateField(label=_("截止日期"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        return cleaned


def search(queryset, data, actor):
    """The rows of `queryset` matching the cleaned form `data` (dates are Asia/Shanghai days)."""
    if data.get("action"):
        queryset = queryset.filter(action__startswith=data["action"])
    if data.get("actor"):
        queryset = queryset.filter(actor_label__icontains=data["actor"])
    if data.get("object_type"):
        queryset = queryset.filter(object_type=data["object_type"])
    if data.get("object_id"):
        queryset = queryset.filter(object_id=data["object_id"])
    if data.get("court"):
        court = Court.objects.visible_to(actor).filter(code=data["court"]).first()
        queryset = queryset.filter(court__in=court.subtree_ids()) if court else queryset.none()
    if data.get("ip"):
        queryset = queryset.filter(ip=data["ip"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        queryset = queryset.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz))
    if data.get("until"):
        queryset = queryset.filter(
            at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return queryset


@requires("audit.read")
def audit_log(request):
    if not may(request.user, "audit.read"):
        return render(request, "execcenter/forbidden.html", status=403)
    form = AuditSearchForm(request.GET or None)
    rows = AuditLog.objects.visible_to(request.user).select_related("court")
    if form.is_bound and form.is_valid():
        rows = search(rows, form.cleaned_data, request.user)
        filters = {k: str(v) for k, v in form.cleaned_data.items() if v}
        if filters:
            audit(
                request.user,
                "audit.search",
                request=request,
                object_type="execcenter.auditlog",
                details={"filters": filters},
            )
    elif form.is_bound:
        rows = rows.none()
    page = Paginator(rows.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "execcenter/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
