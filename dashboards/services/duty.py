"""AB-post duty (AB岗值班): rosters, check-in, swaps with approval, take-over, handover, duty-gap alerts.

Post A is the officer watching the screen and acting on alerts; post B backs A up and takes over
when A is away, so both posts must be filled and present for the whole shift.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from execcenter import notify
from execcenter.choices import AlertSeverity
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.policy import require
from execcenter.scope import officer_of
from execcenter.services import audit, raise_alert, resolve_alerts

from ..choices import ALERT_DUTY_GAP, ALERT_DUTY_NOT_CHECKED_IN, Post, SwapStatus
from ..models import Handover, Shift, ShiftSwap

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from execcenter.models import Officer
    from execcenter.services import Actor

    from ..models import CommandCentre

# Officers may check in this long before their shift starts (arriving early is normal).
EARLY_CHECKIN = dt.timedelta(minutes=30)
# Empty posts are reported this far ahead, so the director can still fill them.
LOOKAHEAD = dt.timedelta(hours=12)

# Day / night pattern used when a roster is generated without a custom one: (name, start, hours).
DAY_NIGHT = ((gettext_lazy("白班"), dt.time(8, 0), 12), (gettext_lazy("夜班"), dt.time(20, 0), 12))


def _post_field(post):
    if post not in Post.values:
        raise RuleViolation(_("岗位只能是 A 或 B (post must be A or B)"), code="bad_post")
    return "post_a" if post == Post.A else "post_b", "a_checked_in_at" if post == Post.A else "b_checked_in_at"


def _require_director(actor, centre):
    """The director of this centre's court or a court above it (execcenter.policy "duty.plan")."""
    require(actor, "duty.plan", centre)
    return officer_of(actor)


def _check_officer_of_centre(officer, centre):
    if officer is None or officer.court_id != centre.court_id:
        raise RuleViolation(
            _("值班人员必须是本指挥中心所属法院的干警 (officer must belong to the centre's court)"),
            code="foreign_officer",
        )


def _refuse_past(shift, now):
    """A shift that has ended is history: who held its posts is what the duty record says (no swap, no take-over)."""
    if shift.ends_at <= now:
        raise RuleViolation(
            _("该班次已结束，不能再变更值班人员 (the shift has ended; its posts cannot change)"), code="shift_ended"
        )


def _check_assignable(shift, post, officer):
    """`officer` may take `post` of `shift`: not already on the other post, not on another shift overlapping this one.
    The database holds the same two rules (migration 0003: a check constraint and a trigger) for any other path;
    checked here first for a clear answer."""
    other = shift.post_b_id if post == Post.A else shift.post_a_id
    if officer.pk == other:
        raise RuleViolation(_("A岗与B岗不能是同一人 (posts A and B need two officers)"), code="same_officer")
    clash = (
        Shift.objects.filter(starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at)
        .filter(models.Q(post_a=officer) | models.Q(post_b=officer))
        .exclude(pk=shift.pk)
        .select_related("centre")
        .first()
    )
    if clash is not None:
        raise RuleViolation(
            _("%(name)s 已在重叠的班次（%(shift)s）值班 (the officer is on an overlapping shift)")
            % {"name": officer.name, "shift": _shift_label(clash)},
            code="double_booked",
        )


# --- roster -----------------------------------------------------------------------------------


@transaction.atomic
def generate_roster(
    centre: CommandCentre,
    first_day: dt.date,
    days: int,
    pairs: Sequence[tuple[Officer, Officer]],
    pattern: Sequence[tuple[str, dt.time, int]] = DAY_NIGHT,
    actor: Actor | None = None,
) -> list[Shift]:
    """Create shifts for `days` days from `first_day` following `pattern`, rotating through `pairs`
    [(post A officer, post B officer)]. Existing shifts (same start) are left alone. Returns new shifts."""
    made, i = [], 0
    for d in range(days):
        day = first_day + dt.timedelta(days=d)
        for name, start, hours in pattern:
            starts = timezone.make_aware(dt.datetime.combine(day, start))
            if Shift.objects.filter(centre=centre, starts_at=starts).exists():
                continue
            a, b = pairs[i % len(pairs)]
            i += 1
            for officer in (a, b):
                _check_officer_of_centre(officer, centre)
            made.append(
                Shift.objects.create(
                    centre=centre,
                    name=str(name),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=hours),
                    post_a=a,
                    post_b=b,
                )
            )
    if made:
        audit(
            actor,
            "duty.roster",
            centre,
            court=centre.court,
            details={"shifts": len(made), "from": first_day.isoformat()},
        )
    return made


def current_and_next(centre: CommandCentre, now: dt.datetime) -> tuple[Shift | None, Shift | None]:
    shifts = list(
        Shift.objects.filter(centre=centre, ends_at__gt=now)
        .select_related("post_a", "post_b")
        .order_by("starts_at")[:2]
    )
    current = shifts[0] if shifts and shifts[0].starts_at <= now else None
    upcoming = [s for s in shifts if s.starts_at > now]
    return current, (upcoming[0] if upcoming else None)


# --- check-in, swaps, take-over ---------------------------------------------------------------


def check_in(shift: Shift, actor: Actor, now: dt.datetime | None = None) -> Shift:
    """The officer on a post checks in at the screen; only for their own post, from 30 min before the start."""
    now = now or timezone.now()
    officer = officer_of(actor)
    post = (
        Post.A
        if officer is not None and shift.post_a_id == officer.pk
        else (Post.B if officer is not None and shift.post_b_id == officer.pk else None)
    )
    if post is None:
        raise PermissionDenied(_("您不在该班次的值班岗位上 (you are not on this shift)"))
    if not (shift.starts_at - EARLY_CHECKIN <= now < shift.ends_at):
        raise RuleViolation(_("只能在班次开始前30分钟至班次结束前签到 (check-in window closed)"), code="checkin_window")
    _field, stamp = _post_field(post)
    # Compare-and-swap: a double click checks in once and keeps the first time.
    if Shift.objects.filter(pk=shift.pk, **{f"{stamp}__isnull": True}).update(**{stamp: now}):
        resolve_alerts(f"duty:{shift.pk}:{post}:")
        audit(actor, "duty.check_in", shift, court=shift.centre.court, details={"post": post})
    shift.refresh_from_db()
    return shift


def request_swap(
    shift: Shift, post: str, to_officer: Officer, reason: str, actor: Actor, now: dt.datetime | None = None
) -> ShiftSwap:
    field, _stamp = _post_field(post)
    _refuse_past(shift, now or timezone.now())
    _check_officer_of_centre(to_officer, shift.centre)
    _check_assignable(shift, post, to_officer)
    if not reason.strip():
        raise RuleViolation(_("请填写换班事由 (a reason is required)"), code="reason_required")
    swap = ShiftSwap.objects.create(
        shift=shift,
        post=post,
        from_officer_id=getattr(shift, f"{field}_id"),
        to_officer=to_officer,
        reason=reason.strip(),
        requested_by=actor,
    )
    audit(actor, "duty.swap_requested", swap, court=shift.centre.court, details={"post": post, "to": to_officer.pk})
    return swap


@transaction.atomic
def decide_swap(swap: ShiftSwap, approve: bool, actor: Actor, now: dt.datetime | None = None) -> ShiftSwap:
    """The director approves or rejects; nobody approves their own request (four-eyes)."""
    now = now or timezone.now()
    shift = Shift.objects.select_for_update().select_related("centre__court").get(pk=swap.shift_id)
    _require_director(actor, shift.centre)
    if swap.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("不能审批本人提出的换班申请 (cannot approve your own request)"))
    status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
    if not ShiftSwap.objects.filter(pk=swap.pk, status=SwapStatus.REQUESTED).update(
        status=status, decided_by=actor, decided_at=now
    ):
        raise InvalidTransition(_("该换班申请已处理 (already decided)"))
    if approve:
        field, stamp = _post_field(swap.post)
        _refuse_past(shift, now)
        if getattr(shift, f"{field}_id") != swap.from_officer_id:
            raise InvalidTransition(_("该岗位已换人，申请失效 (the post changed since the request)"))
        # Checked again at approval: two approved swaps A→X and B→X would otherwise put X on both posts.
        _check_assignable(shift, swap.post, swap.to_officer)
        _assign(shift, swap.post, swap.to_officer, now)
    audit(actor, "duty.swap_approved" if approve else "duty.swap_rejected", swap, court=shift.centre.court)
    swap.refresh_from_db()
    return swap


@transaction.atomic
def take_over(
    shift: Shift, post: str, officer: Officer, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> Shift:
    """The director puts `officer` on a post at once (a manager acting for a missing officer)."""
    now = now or timezone.now()
    shift = Shift.objects.select_for_update().select_related("centre__court").get(pk=shift.pk)
    _require_director(actor, shift.centre)
    _check_officer_of_centre(officer, shift.centre)
    field, _stamp = _post_field(post)
    _refuse_past(shift, now)
    _check_assignable(shift, post, officer)  # taking over A with B's officer would leave B empty in all but name
    swap = ShiftSwap.objects.create(
        shift=shift,
        post=post,
        from_officer_id=getattr(shift, f"{field}_id"),
        to_officer=officer,
        reason=reason or _("主任指定接岗"),
        requested_by=actor,
        status=SwapStatus.APPROVED,
        decided_by=actor,
        decided_at=now,
    )
    _assign(shift, post, officer, now)
    audit(actor, "duty.take_over", swap, court=shift.centre.court, details={"post": post, "officer": officer.pk})
    return shift


def _assign(shift, post, officer, now):
    field, stamp = _post_field(post)
    # The new officer must check in themselves; the old one's check-in does not carry over.
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the refusal
            Shift.objects.filter(pk=shift.pk).update(**{f"{field}_id": officer.pk, stamp: None})
    except IntegrityError:  # a concurrent assignment got there first (the database's constraint or trigger)
        raise RuleViolation(
            _("值班人员与其他班次或本班次另一岗位冲突 (the roster changed meanwhile: conflict)"), code="double_booked"
        ) from None
    resolve_alerts(f"duty:{shift.pk}:{post}:empty")
    shift.refresh_from_db()


# --- handover ---------------------------------------------------------------------------------


def write_handover(
    shift: Shift, handled: str, open_items: str, actor: Actor, now: dt.datetime | None = None
) -> Handover:
    officer = officer_of(actor)
    if officer is None or officer.pk not in (shift.post_a_id, shift.post_b_id):
        raise PermissionDenied(_("只有本班次值班人员可以填写交接班记录 (only the shift's officers hand over)"))
    if (now or timezone.now()) < shift.starts_at:
        raise RuleViolation(
            _("班次尚未开始，不能交班 (a handover needs its shift to have started)"), code="handover_early"
        )
    if not handled.strip():
        raise RuleViolation(_("请填写已处理事项 (what was handled is required)"), code="handled_required")
    handover, created = Handover.objects.get_or_create(
        shift=shift, defaults={"handled": handled.strip(), "open_items": open_items.strip(), "written_by": officer}
    )
    if not created:
        raise InvalidTransition(_("本班次已交班 (this shift already handed over)"))
    audit(actor, "duty.handover", handover, court=shift.centre.court)
    return handover


def next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(centre=shift.centre_id, starts_at__gte=shift.ends_at - dt.timedelta(minutes=1))
        .order_by("starts_at")
        .first()
    )


def acknowledge_handover(handover: Handover, actor: Actor, now: dt.datetime | None = None) -> Handover:
    """交接班确认: only an officer of the next shift acknowledges what the previous shift handed over."""
    now = now or timezone.now()
    officer = officer_of(actor)
    following = next_shift(handover.shift)
    if officer is None or following is None or officer.pk not in (following.post_a_id, following.post_b_id):
        raise PermissionDenied(_("只有接班人员可以确认交接 (only the next shift acknowledges)"))
    if now < following.starts_at - EARLY_CHECKIN or now < handover.shift.starts_at:
        raise RuleViolation(_("接班班次尚未开始，不能确认交接 (the next shift has not started)"), code="handover_early")
    if not Handover.objects.filter(pk=handover.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=officer, acknowledged_at=now
    ):
        raise InvalidTransition(_("交接班记录已确认 (already acknowledged)"))
    resolve_alerts(f"duty:handover:{handover.pk}")
    audit(actor, "duty.handover_acknowledged", handover, court=handover.shift.centre.court)
    handover.refresh_from_db()
    return handover


# --- the beat check ---------------------------------------------------------------------------


def check_posts(now: dt.datetime | None = None) -> int:
    """Raise an alert for every empty post (now or within 12 h), every post not checked in `grace`
    minutes after the start, and every handover unacknowledged `grace` minutes into the next shift."""
    now = now or timezone.now()
    raised = 0
    shifts = Shift.objects.filter(ends_at__gt=now, starts_at__lte=now + LOOKAHEAD).select_related(
        "centre__court", "post_a", "post_b"
    )
    for shift in shifts:
        court, grace = shift.centre.court, dt.timedelta(minutes=shift.centre.checkin_grace_minutes)
        for post in Post.values:
            officer = shift.officer_on(post)
            label = Post(post).label
            if officer is None:
                _a, made = raise_alert(
                    kind=ALERT_DUTY_GAP,
                    court=court,
                    severity=AlertSeverity.CRITICAL if shift.starts_at <= now else AlertSeverity.WARNING,
                    title=_("%(shift)s %(post)s无人值守") % {"shift": _shift_label(shift), "post": label},
                    dedup_key=f"duty:{shift.pk}:{post}:empty",
                    source=shift,
                    link="/duty/",
                )
                raised += made
            elif shift.checked_in_at(post) is None and now >= shift.starts_at + grace:
                _a, made = raise_alert(
                    kind=ALERT_DUTY_NOT_CHECKED_IN,
                    court=court,
                    severity=AlertSeverity.CRITICAL,
                    title=_("%(shift)s %(post)s %(name)s 未按时签到")
                    % {"shift": _shift_label(shift), "post": label, "name": officer.name},
                    dedup_key=f"duty:{shift.pk}:{post}:late:{officer.pk}",
                    source=shift,
                    link="/duty/",
                )
                raised += made
                if (
                    made
                ):  # the officer who missed it is told in person, not only the wall (once: the alert is raised once)
                    notify.send(
                        officer,
                        subject=_("【值班】您尚未签到"),
                        body=_("%(shift)s %(post)s 已开始 %(m)d 分钟，请立即到岗签到。")
                        % {
                            "shift": _shift_label(shift),
                            "post": label,
                            "m": int((now - shift.starts_at).total_seconds() // 60),
                        },
                        severity=AlertSeverity.CRITICAL,
                        link="/duty/",
                        dedup_key=f"duty:{shift.pk}:{post}:late:{officer.pk}",
                        now=now,
                    )
    late_ack = Handover.objects.filter(acknowledged_at__isnull=True, shift__ends_at__lte=now).select_related(
        "shift__centre__court"
    )
    for handover in late_ack:
        grace = dt.timedelta(minutes=handover.shift.centre.checkin_grace_minutes)
        if now >= handover.shift.ends_at + grace:
            _a, made = raise_alert(
                kind=ALERT_DUTY_GAP,
                court=handover.shift.centre.court,
                title=_("%(shift)s 交接班记录未确认") % {"shift": _shift_label(handover.shift)},
                dedup_key=f"duty:handover:{handover.pk}",
                source=handover,
                link="/duty/",
            )
            raised += made
    return raised


def _shift_label(shift):
    return f"{timezone.localtime(shift.starts_at):%m-%d} {shift.name}"


# --- what the screen shows (module 39) ---------------------------------------------------------


def _person(officer, checked_in_at):
    if officer is None:
        return {"name": None, "checked_in": False, "checked_in_at": None}
    return {
        "name": officer.name,
        "checked_in": checked_in_at is not None,
        "checked_in_at": timezone.localtime(checked_in_at).strftime("%H:%M") if checked_in_at else None,
    }


def _shift_json(shift):
    if shift is None:
        return None
    return {
        "name": shift.name,
        "starts": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M"),
        "ends": timezone.localtime(shift.ends_at).strftime("%m-%d %H:%M"),
        "A": _person(shift.post_a, shift.a_checked_in_at),
        "B": _person(shift.post_b, shift.b_checked_in_at),
    }


def duty_board(now: dt.datetime, centres: Iterable[CommandCentre]) -> dict:
    """{court_id: board} for each command centre in `centres`: current shift, next shift, open handover."""
    centres = list(centres.select_related("court"))
    shifts = (
        Shift.objects.filter(centre__in=centres, ends_at__gt=now, starts_at__lte=now + dt.timedelta(days=2))
        .select_related("post_a", "post_b")
        .order_by("starts_at")
    )
    by_centre = {}
    for s in shifts:
        by_centre.setdefault(s.centre_id, []).append(s)
    pending = {
        h.shift.centre_id: h
        for h in Handover.objects.filter(
            shift__centre__in=centres, acknowledged_at__isnull=True, shift__ends_at__lte=now
        ).select_related("shift", "written_by")
    }
    out = {}
    for centre in centres:
        rows = by_centre.get(centre.pk, [])
        current = rows[0] if rows and rows[0].starts_at <= now else None
        upcoming = [s for s in rows if s.starts_at > now]
        h = pending.get(centre.pk)
        out[centre.court_id] = {
            "centre": centre.name,
            "current": _shift_json(current),
            "next": _shift_json(upcoming[0] if upcoming else None),
            "handover": {"from": _shift_label(h.shift), "by": h.written_by.name, "open_items": h.open_items[:120]}
            if h
            else None,
        }
    return out
