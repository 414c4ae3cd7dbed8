"""HTML views: the big screen, the duty officers' alert desk and the duty roster page (thin)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from execcenter.choices import AlertSeverity, AlertStatus
from execcenter.exceptions import DomainError
from execcenter.models import Alert, Court, Officer
from execcenter.policy import may
from execcenter.policy_http import requires, reraise_refusal
from execcenter.scope import officer_of

from .choices import Post, SwapStatus
from .models import CommandCentre, Handover, Shift, ShiftSwap
from .screen_access import issue_token
from .services import alerts as alert_services
from .services import duty


def _visible_court(request, code):
    court = Court.objects.visible_to(request.user).filter(code=code).first()
    if court is None:
        raise Http404(_("未找到该法院的大屏"))
    return court


@requires("screen.view")
def my_screen(request):
    officer = officer_of(request.user)
    court = officer.court if officer else Court.objects.filter(parent__isnull=True).first()
    if court is None:
        raise Http404
    return redirect("dashboards:screen", court_code=court.code)


@never_cache
@requires("screen.view")
def screen(request, court_code):
    court = _visible_court(request, court_code)
    return render(
        request,
        "dashboards/screen.html",
        {
            "court": court,
            "token": issue_token(request.user, request.session.session_key),
            "lag_limit": settings.SCREEN_REPLICA_LAG_LIMIT_SECONDS,
            "parent": court.parent
            if court.parent and Court.objects.visible_to(request.user).filter(pk=court.parent_id).exists()
            else None,
        },
    )


@never_cache
def screen_token(request, court_code):  # "screen.view", asked inside: the wall needs JSON 401, not a login page
    """A fresh screen token through the session (the page renews it when a poll answers 401).

    JSON either way, so the wall can tell "session ended" (401 → it shows the duty-login prompt) from a blip.
    """
    if not request.user.is_authenticated:
        login = f"{reverse('login')}?{urlencode({'next': reverse('dashboards:screen', args=[court_code])})}"
        return JsonResponse(
            {
                "code": "login_required",
                "login_url": login,
                "detail": _("值班登录已结束，请重新登录 (the duty login has ended: log in again)"),
            },
            status=401,
        )
    _visible_court(request, court_code)
    if not may(request.user, "screen.view"):
        return JsonResponse(
            {"code": "permission_denied", "detail": _("您无权查看大屏 (you may not view the screen)")}, status=403
        )
    return JsonResponse({"token": issue_token(request.user, request.session.session_key)})


screen_token.policy_action = "screen.view"  # asked inside (screen_access.user_allows): JSON 401 for the wall


# --- alert desk -------------------------------------------------------------------------------


@requires("alert.read")
def alert_list(request):
    status = request.GET.get("status", AlertStatus.OPEN)
    qs = Alert.objects.visible_to(request.user).select_related("court")
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    severity = request.GET.get("severity")
    if severity in AlertSeverity.values:
        qs = qs.filter(severity=severity)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/alerts.html",
        {
            "page": page,
            "status": status,
            "severity": severity,
            "statuses": AlertStatus.choices,
            "severities": AlertSeverity.choices,
            "escalated": alert_services.escalated_to_me(request.user).select_related("court")[:20],
        },
    )


@requires("alert.read", model=Alert)
def alert_detail(request, pk):
    alert = get_object_or_404(Alert.objects.visible_to(request.user).select_related("court"), pk=pk)
    if request.method == "POST":
        step = {
            "acknowledge": alert_services.acknowledge,
            "note": alert_services.add_note,
            "resolve": alert_services.resolve,
        }.get(request.POST.get("step"))
        if step is None:
            raise Http404
        try:
            step(alert, request.user, request.POST.get("note", ""), request=request)
            messages.success(request, _("已记录"))
        except DomainError as exc:
            reraise_refusal(exc)
            messages.error(request, exc.message)
        return redirect("dashboards:alert-detail", pk=alert.pk)
    return render(
        request,
        "dashboards/alert_detail.html",
        {
            "alert": alert,
            "actions": alert.actions.select_related("escalated_to"),
        },
    )


# --- duty roster ------------------------------------------------------------------------------


@requires("duty.read")
def duty_page(request):
    now = timezone.now()
    officer = officer_of(request.user)
    centres = []
    for centre in CommandCentre.objects.visible_to(request.user).select_related("court", "director"):
        shifts = list(
            Shift.objects.filter(
                centre=centre, ends_at__gte=now - dt.timedelta(hours=12), starts_at__lte=now + dt.timedelta(days=3)
            ).select_related("post_a", "post_b", "handover__written_by", "handover__acknowledged_by")
        )
        centres.append(
            {
                "centre": centre,
                "shifts": shifts,
                "now": now,
                "officers": Officer.objects.filter(court=centre.court).order_by("name"),
                "swaps": ShiftSwap.objects.filter(shift__centre=centre, status=SwapStatus.REQUESTED).select_related(
                    "shift", "from_officer", "to_officer"
                ),
                "is_director": may(request.user, "duty.plan", centre),
            }
        )
    return render(request, "dashboards/duty.html", {"centres": centres, "me": officer, "posts": Post.choices})


def _run(request, fn, *args):
    try:
        fn(*args)
        messages.success(request, _("已完成"))
    except DomainError as exc:
        reraise_refusal(exc)
        messages.error(request, exc.message)
    return redirect("dashboards:duty")


@require_POST
@requires("duty.work", model=Shift)
def duty_step(request, pk, step):
    shift = get_object_or_404(Shift.objects.visible_to(request.user).select_related("centre__court"), pk=pk)
    post = request.POST.get("post", "")
    if step == "check-in":
        return _run(request, duty.check_in, shift, request.user)
    if step == "handover":
        return _run(
            request,
            duty.write_handover,
            shift,
            request.POST.get("handled", ""),
            request.POST.get("open_items", ""),
            request.user,
        )
    officer = get_object_or_404(Officer.objects.filter(court=shift.centre.court), pk=request.POST.get("officer") or 0)
    if step == "swap":
        return _run(request, duty.request_swap, shift, post, officer, request.POST.get("reason", ""), request.user)
    if step == "take-over":
        return _run(request, duty.take_over, shift, post, officer, request.user, request.POST.get("reason", ""))
    raise Http404


@require_POST
@requires("duty.work", model=Handover)
def handover_ack(request, pk):
    handover = get_object_or_404(Handover.objects.visible_to(request.user), pk=pk)
    return _run(request, duty.acknowledge_handover, handover, request.user)


@require_POST
@requires("duty.plan", model=ShiftSwap)
def swap_decide(request, pk, decision):
    swap = get_object_or_404(ShiftSwap.objects.visible_to(request.user), pk=pk)
    if decision not in ("approve", "reject"):
        raise Http404
    return _run(request, duty.decide_swap, swap, decision == "approve", request.user)
