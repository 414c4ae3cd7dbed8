"""Indicators (with drill-down and ranking) and bulletins in the browser."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.document_views import document_response
from cases.models import Case
from execcenter.db import reading_replica
from execcenter.models import Court
from execcenter.policy_http import requires

from .. import indicators as ind
from ..bulletins import bulletin_document, generate_bulletin
from ..forms import BulletinForm, IndicatorFilterForm
from ..models import Bulletin, Petition
from .common import domain_action, scoped_object


def _filters(request):
    """Court scope (default: the user's own court), period (default: this year to date) and case type."""
    officer = getattr(request.user, "officer", None)
    today = timezone.localdate()
    initial = {
        "court": officer.court.code if officer else "宁",
        "start": dt.date(today.year, 1, 1),
        "end": today,
        "case_type": "执",
    }
    form = IndicatorFilterForm({**initial, **request.GET.dict()}, actor=request.user)
    if not form.is_valid():
        if "court" in form.errors:
            raise Http404
        form = IndicatorFilterForm(initial, actor=request.user)
        form.is_valid()
    d = form.cleaned_data
    if d["end"] < d["start"]:
        d["end"] = d["start"]
    return form, d["court"], ind.Period(d["start"], d["end"]), d["case_type"]


@requires("indicator.read")
def indicator_overview(request):
    form, court, period, case_type = _filters(request)
    code = request.GET.get("rank", ind.CORE[0])
    if code not in ind.INDICATORS:
        raise Http404
    rank_type = case_type if ind.INDICATORS[code].typed else None
    # Grouped counts over the whole scope: read from the replica when there is one (execcenter/db.py).
    with reading_replica():
        core = ind.core_set(court, period)
        results = ind.all_indicators(court, period, case_type)
        ranking = ind.ranking(code, period, ind.peers(court), rank_type)
    return render(
        request,
        "command/indicators.html",
        {
            "form": form,
            "court": court,
            "period": period,
            "case_type": case_type,
            "core": core,
            "results": results,
            "indicators": ind.INDICATORS,
            "rank_code": code,
            "ranking": ranking,
        },
    )


@requires("indicator.read")
def indicator_drill(request, code):
    if code not in ind.INDICATORS:
        raise Http404
    form, court, period, case_type = _filters(request)
    part = request.GET.get("part", "numerator")
    if part not in ("numerator", "denominator"):
        raise Http404
    indicator = ind.INDICATORS[code]
    with reading_replica():
        ids = ind.drill_down(code, court, period, part, case_type if indicator.typed else None)
    model = Petition if indicator.model == "command.petition" else Case
    records = model.objects.visible_to(request.user).filter(pk__in=ids[:1000]).select_related("court")
    return render(
        request,
        "command/indicator_drill.html",
        {
            "indicator": indicator,
            "court": court,
            "period": period,
            "part": part,
            "count": len(ids),
            "records": records,
            "is_petition": model is Petition,
        },
    )


@requires("bulletin.read")
@domain_action
def bulletin_list(request):
    form = BulletinForm(request.POST or None, actor=request.user, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        period = (
            ind.Period.ten_day(d["day"]) if d["kind"] == "ten_day" else ind.Period.month(d["day"].year, d["day"].month)
        )
        bulletin = generate_bulletin(d["court"], d["kind"], period, actor=request.user, request=request)
        messages.success(request, _("已生成：%(t)s") % {"t": bulletin.title})
        return redirect("command:bulletin-list")
    bulletins = Bulletin.objects.visible_to(request.user).select_related("court")[:200]
    return render(request, "command/bulletin_list.html", {"bulletins": bulletins, "form": form})


@requires("bulletin.read", model=Bulletin)
def bulletin_download(request, pk, fmt):
    """The issued file (bytes and hash as stored at issue), audited."""
    bulletin = scoped_object(request, Bulletin, pk)
    document = bulletin_document(bulletin, fmt)
    if document is None:
        raise Http404
    return document_response(request, document)


@requires("indicator.read")
def home(request):
    from ..models import AssistanceLetter, Incident, Operation

    officer = getattr(request.user, "officer", None)
    court = officer.court if officer else Court.objects.filter(parent__isnull=True).first()
    return render(
        request,
        "command/home.html",
        {
            "operations": Operation.objects.visible_to(request.user).exclude(status="ended")[:10],
            "incidents": Incident.objects.visible_to(request.user)
            .exclude(status="closed")
            .select_related("court")[:10],
            "letters_overdue": AssistanceLetter.objects.visible_to(request.user)
            .filter(status="sent", due_on__lt=timezone.localdate())
            .count(),
            "court": court,
        },
    )
