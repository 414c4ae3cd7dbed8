"""我的工作台: each role's home page, and the lists behind its counts (thin; the counting is in buckets.py)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.models import Case
from execcenter.scope import officer_of

from . import buckets


@login_required
def home(request):
    user = request.user
    officer = officer_of(user)
    sections = buckets.sections_for(user)
    today = timezone.localdate()
    context = {"sections": sections, "today": today}
    if "judge" in sections:
        context["judge"] = buckets.judge_buckets(officer, today)
    if "approver" in sections:
        context["approver"] = buckets.approver_section(user, officer)
    if "duty" in sections:
        context["duty"] = buckets.duty_section(user, officer)
    if "director" in sections:
        context["director"] = buckets.director_section(user, officer, today)
    return render(request, "workbench/home.html", context)


@login_required
def bucket(request, key):
    """The rows one of my counts stands for (the same queryset as the count)."""
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
