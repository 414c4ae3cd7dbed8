"""The director's pages: roster planning from a weekly pattern, the month view (printable, .xlsx/.csv), editing one
shift's posts, and the screen layout editor with a preview. Thin: dashboards.services.roster and layouts decide."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from execcenter import spreadsheets
from execcenter.exceptions import DomainError
from execcenter.models import Officer
from execcenter.policy import NotFound, explain, may
from execcenter.policy_http import requires
from execcenter.scope import officer_of
from execcenter.services import audit

from .layouts import FRAME, PER_PAGE, pages_for, validate_pages
from .models import CommandCentre, ScreenLayout, Shift
from .registry import all_modules
from .services import roster

WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
WEEK_ROWS = [(str(d), label) for d, label in enumerate(WEEKDAYS)] + [("holiday", gettext_lazy("节假日"))]
DEFAULT_SLOTS = [{"name": "白班", "start": "08:00", "hours": 12}, {"name": "夜班", "start": "20:00", "hours": 12}]


def _require(request, action, record=None):
    refusal = explain(request.user, action, record)
    if refusal is None:
        return
    if refusal.error is NotFound:
        raise Http404(refusal.message)
    raise PermissionDenied(refusal.message)


def _centre(request, action):
    """The centre the page is about: ?centre=<id> among the visible ones, else the one of the director's own court."""
    centres = CommandCentre.objects.visible_to(request.user).select_related("court")
    pk = request.GET.get("centre") or request.POST.get("centre")
    if pk:
        # ASCII digits only: "²".isdigit() is true but is no id (a 500 before).
        centre = centres.filter(pk=pk if str(pk).isascii() and str(pk).isdigit() else 0).first()
    else:
        officer = officer_of(request.user)
        centre = centres.filter(court=officer.court).first() if officer else None
    if centre is None:
        raise Http404(_("未找到指挥中心"))
    _require(request, action, centre)
    return centre


def _parse_holidays(text):
    out = []
    for n, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        day, _sep, name = line.partition(" ")
        try:
            out.append((dt.date.fromisoformat(day), name.strip() or _("节假日")))
        except ValueError:
            raise DomainError(
                _("第 %(n)d 行日期格式应为 YYYY-MM-DD (bad holiday date)") % {"n": n}, status=400
            ) from None
    return out


def _pattern_from_post(post):
    slots = [
        {
            "name": post.get(f"slot{i}_name", ""),
            "start": post.get(f"slot{i}_start", ""),
            "hours": post.get(f"slot{i}_hours", ""),
        }
        for i in range(2)
        if post.get(f"slot{i}_name")
    ]
    week = {}
    for key, _label in WEEK_ROWS:
        day = []
        for i in range(len(slots)):
            a, b = post.get(f"w{key}_{i}_a", ""), post.get(f"w{key}_{i}_b", "")
            day.append([a, b] if a and b else None if not (a or b) else [a or b, a or b])
        week[key] = day
    if all(p is None for p in week["holiday"]):
        week.pop("holiday")
    return {"slots": slots, "week": week}


@requires("duty.plan")
def roster_plan(request):
    _require(request, "duty.plan")
    if not CommandCentre.objects.visible_to(request.user).exists():
        # A director whose court has no command centre yet: say so rather than answer 404 from the menu.
        return render(request, "dashboards/roster_plan.html", {"centre": None})
    centre = _centre(request, "duty.plan")
    officers = list(Officer.objects.filter(court=centre.court).order_by("name"))
    context = {
        "centre": centre,
        "officers": officers,
        "week_rows": WEEK_ROWS,
        "slots": DEFAULT_SLOTS,
        "post": request.POST,
        "conflicts": [],
    }
    if request.method == "POST":
        try:
            first = dt.date.fromisoformat(request.POST.get("first_day", ""))
            last = dt.date.fromisoformat(request.POST.get("last_day", ""))
        except ValueError:
            messages.error(request, _("请填写开始和结束日期 (first and last day are required)"))
            return render(request, "dashboards/roster_plan.html", context, status=400)
        try:
            made = roster.plan(
                request.user,
                centre,
                first,
                last,
                _pattern_from_post(request.POST),
                holidays=_parse_holidays(request.POST.get("holidays")),
                replace=request.POST.get("replace") == "on",
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            context["conflicts"] = exc.details.get("conflicts", [])
            return render(request, "dashboards/roster_plan.html", context, status=exc.status)
        messages.success(request, _("已生成 %(n)d 个班次") % {"n": len(made)})
        return redirect(f"{reverse('dashboards:roster-month')}?centre={centre.pk}&month={first:%Y-%m}")
    return render(request, "dashboards/roster_plan.html", context)


def _month_arg(request):
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@requires("duty.read")
def roster_month(request):
    """The month's roster: printable (print stylesheet) and exportable as .xlsx or .csv (?format=)."""
    centre = _centre(request, "duty.read")
    first = _month_arg(request)
    days = roster.month(centre, first.year, first.month)
    for d in days:
        d["weekday_label"] = WEEKDAYS[d["weekday"]]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        columns = [
            spreadsheets.Column(_("日期"), spreadsheets.DATE),
            spreadsheets.Column(_("星期")),
            spreadsheets.Column(_("节假日")),
            spreadsheets.Column(_("班次")),
            spreadsheets.Column(_("时间")),
            spreadsheets.Column(_("A岗")),
            spreadsheets.Column(_("B岗")),
        ]
        rows = [
            (
                d["day"],
                str(WEEKDAYS[d["weekday"]]),
                d["holiday"],
                s["name"],
                f"{s['start']}–{s['end']}",
                s["A"] or "",
                s["B"] or "",
            )
            for d in days
            for s in d["shifts"]
        ]
        sheet = spreadsheets.Sheet(f"{first:%Y-%m}", columns, rows, preamble=[f"{centre.name} {first:%Y年%m月}值班表"])
        name = f"roster-centre{centre.pk}-{first:%Y-%m}.{fmt}"  # ASCII: a header value, whatever the court code
        if fmt == "xlsx":
            response = HttpResponse(
                spreadsheets.xlsx_bytes([sheet]),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = StreamingHttpResponse(spreadsheets.iter_csv(sheet), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "dashboards/roster_month.html",
        {
            "centre": centre,
            "first": first,
            "days": days,
            "previous": previous,
            "following": following,
            "can_plan": may(request.user, "duty.plan", centre),
        },
    )


@requires("duty.plan", model=Shift)
def roster_shift(request, pk):
    """Change who holds posts A and B of one shift (the director; refused on any conflict)."""
    shift = get_object_or_404(
        Shift.objects.visible_to(request.user).select_related("centre__court", "post_a", "post_b"), pk=pk
    )
    _require(request, "duty.plan", shift.centre)
    officers = list(Officer.objects.filter(court=shift.centre.court).order_by("name"))
    context = {"shift": shift, "officers": officers, "conflicts": []}
    if request.method == "POST":
        by_pk = {str(o.pk): o for o in officers}
        try:
            roster.assign(
                request.user,
                shift,
                by_pk.get(request.POST.get("post_a", "")),
                by_pk.get(request.POST.get("post_b", "")),
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            context["conflicts"] = exc.details.get("conflicts", [])
            return render(request, "dashboards/roster_shift.html", context, status=exc.status)
        messages.success(request, _("已保存"))
        local = timezone.localtime(shift.starts_at)
        return redirect(f"{reverse('dashboards:roster-month')}?centre={shift.centre_id}&month={local:%Y-%m}")
    return render(request, "dashboards/roster_shift.html", context)


# --- screen layouts ------------------------------------------------------------------------------------------------


def _pages_from_text(text):
    """'标题: m01 m02 m03' per line → [{"title", "modules"}] (ValidationError for a line without a title)."""
    pages = []
    for n, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        title, sep, codes = line.replace("：", ":").partition(":")
        if not sep or not title.strip():
            raise ValidationError(_("第 %(n)d 行应为“标题: 模块 模块 …” (title: modules)") % {"n": n})
        pages.append(
            {"title": title.strip(), "modules": [c.strip() for c in codes.replace(",", " ").split() if c.strip()]}
        )
    return pages


def _pages_text(pages):
    return "\n".join(f"{p['title']}: {' '.join(p['modules'])}" for p in pages)


@requires("screen.layout")
def layout_edit(request):
    """Which modules on which page and seconds per page, with a preview before saving (the director)."""
    centre = _centre(request, "screen.layout")
    layout = ScreenLayout.objects.filter(centre=centre).first()
    modules = {code: m.meta() for code, m in all_modules().items()}
    text = request.POST.get("pages") if request.method == "POST" else _pages_text(pages_for(layout))
    title = (
        request.POST.get("title", layout.title if layout else "")
        if request.method == "POST"
        else (layout.title if layout else "")
    )
    seconds = (
        request.POST.get("page_seconds") if request.method == "POST" else str(layout.page_seconds if layout else 20)
    )
    context = {
        "centre": centre,
        "text": text,
        "title": title,
        "seconds": seconds,
        "modules": modules,
        "frame": FRAME,
        "per_page": PER_PAGE,
        "preview": None,
    }
    if request.method == "POST":
        try:
            pages = _pages_from_text(text)
            validate_pages(pages)
            seconds_value = int(seconds)
            if not 5 <= seconds_value <= 600:
                raise ValidationError(_("每页停留 5 至 600 秒 (5–600 seconds a page)"))
        except (ValidationError, ValueError) as exc:
            messages.error(
                request,
                "；".join(exc.messages)
                if isinstance(exc, ValidationError)
                else _("每页停留秒数应为整数 (seconds must be a number)"),
            )
            return render(request, "dashboards/layout_edit.html", context, status=400)
        context["preview"] = [{"title": p["title"], "modules": [modules[c] for c in p["modules"]]} for p in pages]
        if request.POST.get("step") == "save":
            ScreenLayout.objects.update_or_create(
                centre=centre, defaults={"pages": pages, "page_seconds": seconds_value, "title": (title or "")[:64]}
            )
            audit(
                request.user,
                "screen.layout",
                centre,
                court=centre.court,
                request=request,
                details={"pages": len(pages), "page_seconds": seconds_value},
            )
            messages.success(request, _("已保存，大屏将在下一次刷新时按新布局轮播"))
            return redirect(f"{request.path}?centre={centre.pk}")
    return render(request, "dashboards/layout_edit.html", context)
