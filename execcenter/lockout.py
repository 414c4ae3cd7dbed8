"""Login lockout (issue 11, point 2) on top of django-axes: separate failure budgets per account and per client
address, a Chinese/English refusal (HTML for the login pages, JSON for the API), and audit rows for each lockout
and each unlock by an administrator.

Axes compares one number with one limit; `LoginLockoutHandler.get_failures` maps "this account has failed
LOGIN_FAILURES_PER_ACCOUNT times, or this address LOGIN_FAILURES_PER_IP times" onto that number, so the rest of
axes (records, cool-off, admin, `axes_reset`) is used as it is.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _limit(parameter):
    if parameter == "ip_address":
        return settings.LOGIN_FAILURES_PER_IP
    return settings.LOGIN_FAILURES_PER_ACCOUNT


class LoginLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """int: AXES_FAILURE_LIMIT once any one parameter is over its own limit, else below it."""
        ceiling = settings.AXES_FAILURE_LIMIT
        highest = 0
        for parameter, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials)):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= _limit(parameter):
                return ceiling
            highest = max(highest, min(failures, ceiling - 1))
        return highest


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，该账号或来源地址已锁定 %(m)s 分钟；如需提前解锁请联系系统管理员。"
        "(Too many failed logins: this account or address is locked for %(m)s minutes; an administrator can unlock it.)"
    ) % {"m": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """429 for every login while locked, the right password included."""
    message = lockout_message()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message, "code": "login_locked"}, status=429)
    return render(
        request, "registration/login.html", {"locked": message, "next": request.POST.get("next", "")}, status=429
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """One audit row when a lock starts (not one per refused attempt, which an attacker could use to flood it)."""
    from execcenter.models import Officer
    from execcenter.services import audit

    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(f"login-lock-audited:{username or ''}:{ip_address or ''}", 1, window):
        return
    officer = Officer.objects.select_related("court").filter(user__username=username).first() if username else None
    audit(
        None,
        "login.locked_out",
        court=officer.court if officer else None,
        request=request,
        object_type="auth.user",
        object_id=(username or "")[:64],
        details={"username": (username or "")[:150], "path": request.path[:200]},
    )
