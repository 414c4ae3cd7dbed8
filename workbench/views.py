"""我的工作台: each role's home page, and the lists behind its counts (thin; the counting is in buckets.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from execcenter.choices import AlertSeverity
from execcenter.exceptions import DomainError
from execcenter.models import NotificationPreference
from execcenter.policy import NotFound, explain, may
from execcenter.policy_http import requires
from execcenter.scope import officer_of
from execcenter.services import audit

from . import buckets, early_warnings, nav
from .choices import WarningRuleKind
from .models import EarlyWarning


def require_page(request, action, record=None):
    """The policy's answer for an HTML page: 404 outside the scope, 403 when the role may not."""
    refusal = explain(request.user, action, record)
    if refusal is None:
        return
    if refusal.error is NotFound:
        raise Http404(refusal.message)
    raise PermissionDenied(refusal.message)


@requires("workbench.view")
def home(request):
    require_page(request, "workbench.view")
    user = request.user
    officer = officer_of(user)
    sections = buckets.sections_for(user)
    today = timezone.localdate()
    context = {"sections": sections, "today": today, "settings_links": nav.entries_for(user, entries=nav.SETTINGS)}
    if "judge" in sections:
        context["judge"] = buckets.judge_buckets(officer, today)
    if "approver" in sections:
        context["approver"] = buckets.approver_section(user, officer)
    if "duty" in sections:
        context["duty"] = buckets.duty_section(user, officer)
    if "director" in sections:
        context["director"] = buckets.director_section(user, officer, today)
        context["director"]["ranking"] = early_warnings.ranking(user, limit=10) if may(user, "warning.rollup") else None
    if officer is not None and may(user, "warning.read"):
        mine = early_warnings.open_for(officer)
        count = mine.count()
        if count or "judge" in sections:
            context["warnings"] = {"open": count, "rows": list(mine.order_by("-severity", "raised_at")[:10])}
    return render(request, "workbench/home.html", context)


@requires("workbench.view")
def bucket(request, key):
    """The rows one of my counts stands for (the same queryset as the count)."""
    require_page(request, "workbench.view")
    officer = officer_of(request.user)
    if officer is None or "judge" not in buckets.sections_for(request.user) or key not in buckets.DEFINITIONS:
        raise Http404
    definition = buckets.DEFINITIONS[key]
    rows = buckets.bucket_queryset(key, officer)
    if rows.model is Case:
        rows = rows.select_related("court").order_by("statutory_deadline", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    described = None if rows.model is Case else [buckets.describe(row) for row in page]
    return render(request, "workbench/bucket.html", {"definition": definition, "page": page, "rows": described})


@requires("warning.read")
def warning_list(request):
    """My open warnings; for a director also the roll-up per court and the ranking of judges in their scope."""
    require_page(request, "warning.read")
    officer = officer_of(request.user)
    is_director = may(request.user, "warning.rollup")
    mine = (
        early_warnings.open_for(officer).order_by("-severity", "raised_at") if officer else EarlyWarning.objects.none()
    )
    context = {"mine": Paginator(mine, 50).get_page(request.GET.get("page")), "is_director": is_director}
    if is_director:
        context["ranking"] = early_warnings.ranking(request.user, limit=50)
        context["per_court"] = early_warnings.per_court(request.user)
        context["kinds"] = WarningRuleKind.choices
    return render(request, "workbench/warnings.html", context)


@requires("warning.configure")
def warning_rules(request):
    """The director's page of rules and thresholds for their own court (and the courts below it)."""
    officer = officer_of(request.user)
    require_page(request, "warning.configure", officer.court if officer else None)
    court = officer.court
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            days = int(request.POST.get("threshold_days", ""))
        except ValueError:
            days = None
        try:
            early_warnings.set_rule(
                request.user,
                kind,
                court,
                days,
                request.POST.get("severity", ""),
                request.POST.get("enabled") == "on",
                request=request,
            )
            messages.success(request, _("已保存，下次评估时生效"))
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "workbench/warning_rules.html", _rules_context(court), status=exc.status)
        return redirect("workbench:warning-rules")
    return render(request, "workbench/warning_rules.html", _rules_context(court))


def _rules_context(court):
    rows = []
    for kind, label in WarningRuleKind.choices:
        rule = early_warnings.rule_for(kind, court)
        days, severity = (rule.threshold_days, rule.severity) if rule else early_warnings.RULE_DEFAULTS[kind]
        rows.append(
            {
                "kind": kind,
                "label": label,
                "threshold_days": days,
                "severity": severity,
                "enabled": rule.enabled if rule else True,
                "source": (rule.court.short_name if rule and rule.court_id else _("全省默认")),
            }
        )
    return {"court": court, "rows": rows, "severities": AlertSeverity.choices}


@requires("workbench.view")
def approvals(request):
    """The approval requests waiting for my decision (payout, closure, extension), oldest first."""
    require_page(request, "workbench.view")
    officer = officer_of(request.user)
    if officer is None:
        raise Http404
    rows = buckets.approvals_waiting(request.user, officer)
    kind = request.GET.get("kind")
    if kind in buckets.APPROVAL_ACTIONS:
        rows = rows.filter(kind=kind)
    return render(request, "workbench/approvals.html", {"page": Paginator(rows, 50).get_page(request.GET.get("page"))})


@requires("notification.configure")
def preferences(request):
    """My notification channels, addresses and quiet hours (免打扰; critical messages ignore them)."""
    from .forms import PreferenceForm

    require_page(request, "notification.configure")
    officer = officer_of(request.user)
    if officer is None:
        raise Http404
    preference = NotificationPreference.objects.filter(officer=officer).first() or NotificationPreference(
        officer=officer
    )
    form = PreferenceForm(request.POST or None, instance=preference, officer=officer)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            audit(
                request.user,
                "notification.configure",
                officer,
                court=officer.court,
                request=request,
                details={"channels": form.instance.channels},
            )
            messages.success(request, _("已保存"))
            return redirect("workbench:preferences")
        return render(request, "workbench/preferences.html", {"form": form}, status=400)
    return render(request, "workbench/preferences.html", {"form": form})
