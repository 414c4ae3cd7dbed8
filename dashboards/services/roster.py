"""Rosters the director plans (排班): shifts for a date range from a weekly pattern, with holidays, refusing every
conflict; editing one shift's posts under the same rules; the month view (printable, exportable).

A pattern (JSON, also what the browser form builds):
    {"slots": [{"name": "白班", "start": "08:00", "hours": 12}, {"name": "夜班", "start": "20:00", "hours": 12}],
     "week": {"0": [[A, B], [A, B]], ..., "6": [...], "holiday": [[A, B], [A, B]]}}
`week` is keyed by weekday (0 = Monday) and "holiday" (used on Holiday days instead); each entry lists one
[post A officer id, post B officer id] per slot, or null for no shift in that slot that day.

Conflicts refused (RuleViolation 400, code "roster_conflict", details {"conflicts": [...]}; nothing is saved):
- the same officer on post A and post B of one shift (AB岗 needs two people);
- an officer on two shifts that overlap in time (in the plan, or against shifts already rostered anywhere);
- more night shifts in a row than the centre's `max_consecutive_nights` (a night shift starts 18:00–05:59 or
  runs past midnight; "in a row" = on consecutive days);
- an officer who does not belong to the centre's court; a slot shape that makes no sense.
Existing shifts in the range are kept and counted, unless `replace` is asked: then those not yet started, with no
check-in, swap or handover, are replaced.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import RuleViolation
from execcenter.models import Officer
from execcenter.policy import require
from execcenter.services import audit

from ..models import Holiday, Shift

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.http import HttpRequest

    from execcenter.services import Actor

    from ..models import CommandCentre

MAX_DAYS = 93  # a quarter at most per plan: enough for a season, small enough to check at once
WEEK_KEYS = [str(d) for d in range(7)] + ["holiday"]


def _parse_slots(pattern):
    slots = []
    raw = pattern.get("slots") if isinstance(pattern, dict) else None
    if not isinstance(raw, list) or not 1 <= len(raw) <= 4:
        raise RuleViolation(_("排班模板需要 1 至 4 个班次 (1 to 4 slots)"), code="bad_pattern")
    for slot in raw:
        try:
            start = dt.time.fromisoformat(str(slot["start"]))
            hours = int(slot["hours"])
            name = str(slot["name"]).strip()[:16]
        except (KeyError, TypeError, ValueError):
            raise RuleViolation(
                _("班次需要名称、开始时间（HH:MM）和时长（小时） (slot needs name, start, hours)"), code="bad_pattern"
            ) from None
        if not name or not 1 <= hours <= 24:
            raise RuleViolation(_("班次时长应为 1 至 24 小时 (1–24 hours)"), code="bad_pattern")
        slots.append((name, start, hours))
    return slots


def _parse_week(pattern, n_slots, officers):
    week = pattern.get("week")
    if not isinstance(week, dict) or not all(str(d) in week for d in range(7)):
        raise RuleViolation(_("排班模板需要周一至周日每天的安排 (every weekday needs an entry)"), code="bad_pattern")
    out = {}
    for key in WEEK_KEYS:
        rows = week.get(key)
        if rows is None and key == "holiday":
            continue
        if not isinstance(rows, list) or len(rows) != n_slots:
            raise RuleViolation(_("每天的安排数应与班次数相同 (one pair per slot)"), code="bad_pattern")
        day = []
        for pair in rows:
            if pair is None:
                day.append(None)
                continue
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise RuleViolation(_("每个班次需要 A岗 与 B岗 两人 (a pair per slot)"), code="bad_pattern")
            try:
                day.append(tuple(officers[int(p)] for p in pair))
            except (KeyError, TypeError, ValueError):
                raise RuleViolation(
                    _("值班人员必须是本指挥中心所属法院的干警 (officer must belong to the centre's court)"),
                    code="foreign_officer",
                ) from None
        out[key] = day
    return out


def is_night(starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return start.hour >= 18 or start.hour < 6 or end.date() > start.date() and end.time() > dt.time(0)


def _label(officer):
    return officer.name if officer else "—"


def conflicts(centre: CommandCentre, proposed: Sequence[tuple], keep_out: Iterable[int] = ()) -> list[str]:
    """Every rule a set of proposed shifts breaks, as readable strings ([] when none).

    proposed: [(starts_at, ends_at, name, post_a, post_b, shift_pk or None)]; keep_out: pks of existing shifts the
    proposal replaces (not compared against)."""
    found = []
    if not proposed:
        return found
    first = min(p[0] for p in proposed) - dt.timedelta(days=centre.max_consecutive_nights + 2)
    last = max(p[1] for p in proposed) + dt.timedelta(days=centre.max_consecutive_nights + 2)
    replaced = {p[5] for p in proposed if p[5]} | set(keep_out)
    people = {o.pk for p in proposed for o in p[3:5] if o is not None}
    rows = list(
        Shift.objects.filter(starts_at__lt=last, ends_at__gt=first)
        .filter(Q(centre=centre) | Q(post_a__in=people) | Q(post_b__in=people))
        .exclude(pk__in=replaced)
        .select_related("post_a", "post_b")
    )
    existing = [(s.starts_at, s.ends_at, s.name, s.post_a, s.post_b, s.pk) for s in rows]
    own = [e for e, row in zip(existing, rows) if row.centre_id == centre.pk]

    def when(s):
        return f"{timezone.localtime(s[0]):%m-%d %H:%M} {s[2]}"

    for s in proposed:
        if s[3] is not None and s[3] == s[4]:
            found.append(_("%(when)s：%(who)s 不能同时担任 A岗 和 B岗") % {"when": when(s), "who": s[3].name})
    # The same centre cannot have two shifts starting at once (the roster's unique start).
    starts = defaultdict(list)
    for s in proposed + own:
        starts[s[0]].append(s)
    for group in starts.values():
        if len(group) > 1:
            found.append(_("%(when)s：本指挥中心已有同一时间开始的班次") % {"when": when(group[0])})
    # An officer on two overlapping shifts (proposed vs proposed, proposed vs existing).
    everyone = proposed + existing
    by_officer = defaultdict(list)
    for s in everyone:
        for officer in {o for o in s[3:5] if o is not None}:
            by_officer[officer].append(s)
    for officer, shifts in by_officer.items():
        shifts.sort(key=lambda s: s[0])
        for a, b in zip(shifts, shifts[1:]):
            if b[0] < a[1] and (a in proposed or b in proposed):
                found.append(_("%(who)s：%(a)s 与 %(b)s 时间重叠") % {"who": officer.name, "a": when(a), "b": when(b)})
        nights = sorted(
            {
                timezone.localtime(s[0]).date()
                - (dt.timedelta(days=1) if timezone.localtime(s[0]).hour < 6 else dt.timedelta())
                for s in shifts
                if is_night(s[0], s[1])
            }
        )
        run, start = 1, 0
        for i in range(1, len(nights) + 1):
            if i < len(nights) and nights[i] - nights[i - 1] == dt.timedelta(days=1):
                run += 1
                continue
            if run > centre.max_consecutive_nights and any(
                is_night(s[0], s[1]) and nights[start] <= timezone.localtime(s[0]).date() <= nights[i - 1]
                for s in proposed
                if officer in s[3:5]
            ):
                found.append(
                    _("%(who)s：%(first)s 起连续 %(n)d 个夜班，超过上限 %(max)d 个")
                    % {"who": officer.name, "first": nights[start], "n": run, "max": centre.max_consecutive_nights}
                )
            run, start = 1, i
    return found


def _refuse(found):
    head = "；".join(found[:5]) + (_(" 等 %(n)d 处") % {"n": len(found)} if len(found) > 5 else "")
    raise RuleViolation(
        _("排班冲突，未保存：%(list)s (roster conflicts, nothing saved)") % {"list": head},
        code="roster_conflict",
        details={"conflicts": found},
    )


def _replaceable(centre, first, last, now):
    return Shift.objects.filter(
        centre=centre,
        starts_at__gte=max(first, now),
        starts_at__lt=last,
        a_checked_in_at__isnull=True,
        b_checked_in_at__isnull=True,
    ).filter(swaps__isnull=True, handover__isnull=True)


@transaction.atomic
def plan(
    actor: Actor,
    centre: CommandCentre,
    first_day: dt.date,
    last_day: dt.date,
    pattern: dict,
    holidays: Iterable[tuple[dt.date, str]] = (),
    replace: bool = False,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> list[Shift]:
    """Roster `centre` from `first_day` to `last_day` (inclusive, local dates) following `pattern`. Returns the new
    shifts. `holidays` ([(date, name)]) are stored (Holiday) and use the pattern's "holiday" entry.

    Raises NotFound/PermissionDenied ("duty.plan" for the centre's own director), RuleViolation for a bad range or
    pattern and for any conflict (module docstring); nothing is saved then."""
    require(actor, "duty.plan", centre)
    now = now or timezone.now()
    if last_day < first_day or (last_day - first_day).days + 1 > MAX_DAYS:
        raise RuleViolation(_("排班区间应为 1 至 %(n)d 天 (1–%(n)d days)") % {"n": MAX_DAYS}, code="bad_range")
    slots = _parse_slots(pattern)
    officers = {o.pk: o for o in Officer.objects.filter(court=centre.court_id)}
    week = _parse_week(pattern, len(slots), officers)
    for day, name in holidays:
        Holiday.objects.get_or_create(day=day, defaults={"name": str(name)[:32] or _("节假日")})
    holiday_days = set(Holiday.objects.filter(day__gte=first_day, day__lte=last_day).values_list("day", flat=True))
    proposed = []
    day = first_day
    while day <= last_day:
        key = "holiday" if day in holiday_days and "holiday" in week else str(day.weekday())
        for (name, start, hours), pair in zip(slots, week[key]):
            if pair is not None:
                starts = timezone.make_aware(dt.datetime.combine(day, start))
                proposed.append((starts, starts + dt.timedelta(hours=hours), name, pair[0], pair[1], None))
        day += dt.timedelta(days=1)
    range_start = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    range_end = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    replaced = list(_replaceable(centre, range_start, range_end, now).values_list("pk", flat=True)) if replace else []
    found = conflicts(centre, proposed, keep_out=replaced)
    if found:
        _refuse(found)
    Shift.objects.filter(pk__in=replaced).delete()
    made = Shift.objects.bulk_create(
        [
            Shift(centre=centre, name=name, starts_at=s, ends_at=e, post_a=a, post_b=b)
            for s, e, name, a, b, _pk in proposed
        ]
    )
    audit(
        actor,
        "duty.roster",
        centre,
        court=centre.court,
        request=request,
        details={
            "from": first_day.isoformat(),
            "to": last_day.isoformat(),
            "shifts": len(made),
            "replaced": len(replaced),
        },
    )
    return made


@transaction.atomic
def assign(
    actor: Actor,
    shift: Shift,
    post_a: Officer | None,
    post_b: Officer | None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> Shift:
    """The director changes who holds posts A and B of a shift that has not started (a started one is taken over
    instead: duty.take_over). Same conflict rules as planning; a refused edit changes nothing."""
    shift = Shift.objects.select_for_update().select_related("centre__court").get(pk=shift.pk)
    require(actor, "duty.plan", shift.centre)
    now = now or timezone.now()
    if shift.starts_at <= now:
        raise RuleViolation(
            _("班次已开始，请使用顶岗 (the shift has started: take over instead)"), code="shift_started"
        )
    for officer in (post_a, post_b):
        if officer is not None and officer.court_id != shift.centre.court_id:
            raise RuleViolation(
                _("值班人员必须是本指挥中心所属法院的干警 (officer must belong to the centre's court)"),
                code="foreign_officer",
            )
    found = conflicts(shift.centre, [(shift.starts_at, shift.ends_at, shift.name, post_a, post_b, shift.pk)])
    if found:
        _refuse(found)
    before = (shift.post_a_id, shift.post_b_id)
    changes = {"post_a": post_a, "post_b": post_b}
    if post_a is None or post_a.pk != before[0]:
        changes["a_checked_in_at"] = None
    if post_b is None or post_b.pk != before[1]:
        changes["b_checked_in_at"] = None
    Shift.objects.filter(pk=shift.pk).update(**changes)
    audit(
        actor,
        "duty.assign",
        shift,
        court=shift.centre.court,
        request=request,
        details={"before": before, "after": (getattr(post_a, "pk", None), getattr(post_b, "pk", None))},
    )
    shift.refresh_from_db()
    return shift


def month(centre: CommandCentre, year: int, month_no: int) -> list[dict]:
    """The month view: [{"day", "weekday", "holiday", "shifts": [{"name", "start", "end", "A", "B"}]}] for each day."""
    first = dt.date(year, month_no, 1)
    last = dt.date(year, month_no, calendar.monthrange(year, month_no)[1])
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    holidays = dict(Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", "name"))
    by_day = defaultdict(list)
    for s in (
        Shift.objects.filter(centre=centre, starts_at__gte=start, starts_at__lt=end)
        .select_related("post_a", "post_b")
        .order_by("starts_at")
    ):
        local = timezone.localtime(s.starts_at)
        by_day[local.date()].append(
            {
                "id": s.pk,
                "name": s.name,
                "start": local.strftime("%H:%M"),
                "end": timezone.localtime(s.ends_at).strftime("%H:%M"),
                "A": s.post_a.name if s.post_a else None,
                "B": s.post_b.name if s.post_b else None,
            }
        )
    days = []
    for i in range((last - first).days + 1):
        day = first + dt.timedelta(days=i)
        days.append(
            {"day": day, "weekday": day.weekday(), "holiday": holidays.get(day, ""), "shifts": by_day.get(day, [])}
        )
    return days
