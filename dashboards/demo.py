"""Demo data for the command centres (called by `manage.py seed_demo`): centres with directors, a
screen layout, an AB-post roster from yesterday to three days ahead, and alerts raised from real rows."""

import datetime as dt

from django.utils import timezone

from cases.models import Case
from execcenter.choices import AlertSeverity, Role
from execcenter.models import Court, Officer
from execcenter.services import raise_alert

from .layouts import default_pages
from .models import CommandCentre, ScreenLayout
from .services import duty

CENTRE_COURTS = ("宁", "宁01", "宁02", "宁03", "宁04", "宁05", "宁0105")


def _officers(court, role):
    return [o for o in Officer.objects.filter(court=court).order_by("pk") if o.has_role(role)]


def enrich(rng, stdout):
    today = timezone.localdate()
    courts = {c.code: c for c in Court.objects.filter(code__in=CENTRE_COURTS)}
    shifts = 0
    for code in CENTRE_COURTS:
        court = courts.get(code)
        if court is None:
            continue
        directors = _officers(court, Role.DIRECTOR)
        leaders = _officers(court, Role.APPROVER)  # 执行局长 / 分管院领导: the last step of the escalation chain
        centre, _created = CommandCentre.objects.get_or_create(
            court=court,
            defaults={
                "name": f"{court.short_name}执行指挥中心",
                "director": directors[0] if directors else None,
                "court_leader": leaders[0] if leaders else None,
            },
        )
        ScreenLayout.objects.get_or_create(
            centre=centre, defaults={"title": f"{court.short_name}执行指挥中心", "pages": default_pages()}
        )
        staff = _officers(court, Role.DUTY) or list(Officer.objects.filter(court=court).order_by("pk"))
        if len(staff) < 2:
            continue  # an AB post needs two people; the gap check will say so once a roster exists
        rng.shuffle(staff)
        pairs = [(staff[i % len(staff)], staff[(i + 1) % len(staff)]) for i in range(len(staff))]
        made = duty.generate_roster(centre, today - dt.timedelta(days=1), 5, pairs)
        shifts += len(made)
        current, _next = duty.current_and_next(centre, timezone.now())
        if current is not None and current.post_a is not None and current.a_checked_in_at is None:
            duty.check_in(
                current, current.post_a.user, now=max(current.starts_at, timezone.now() - dt.timedelta(hours=1))
            )
    # Alerts from real rows: the most overdue open cases of each intermediate court's subtree.
    raised = 0
    for code in ("宁01", "宁02", "宁03", "宁04", "宁05"):
        court = courts.get(code)
        if court is None:
            continue
        overdue = Case.objects.in_scope(court).overdue(today).select_related("court").order_by("statutory_deadline")[:3]
        for case in overdue:
            days = (today - case.statutory_deadline).days
            _a, made = raise_alert(
                kind="statutory_overdue",
                court=case.court,
                severity=AlertSeverity.CRITICAL if days > 30 else AlertSeverity.WARNING,
                title=f"{case.number} 已超法定审限 {days} 天",
                dedup_key=f"demo:overdue:{case.pk}",
                source=case,
                link=f"/cases/{case.pk}/",
            )
            raised += made
    raised += duty.check_posts()
    from .snapshots import refresh  # noqa: PLC0415

    refresh(force=True)
    stdout.write(f"指挥中心：{len(courts)} 个，新增班次 {shifts} 个，新增预警 {raised} 条，大屏快照已生成")
