from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from execcenter.exceptions import DomainError
from execcenter.policy import may, require
from execcenter.policy_http import requires
from execcenter.uploads import attachment_response

from .. import services
from ..forms import DispatchForm, IncidentForm
from ..models import Incident, IncidentPhoto
from ..services.incidents import team_positions
from .common import domain_action, scoped_object


@requires("incident.read")
def incident_list(request):
    incidents = Incident.objects.visible_to(request.user).select_related("court", "case")
    if request.GET.get("open"):
        incidents = incidents.exclude(status="closed")
    return render(request, "command/incident_list.html", {"incidents": incidents[:200]})


@requires("incident.report")
@domain_action
def incident_report(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("case_number").strip()
        case = Case.objects.visible_to(request.user).by_number(number).first() if number else None
        if number and case is None:
            form.add_error("case_number", _("案号不存在或不在您的范围内"))
        else:
            incident = services.report_incident(
                request.user, case=case, photos=request.FILES.getlist("photos"), request=request, **d
            )
            messages.success(request, _("事件已上报，指挥中心已收到预警"))
            return redirect("command:incident-detail", incident.pk)
    return render(request, "command/incident_report.html", {"form": form})


@requires("incident.read", model=Incident)
@domain_action
def incident_detail(request, pk):
    incident = scoped_object(request, Incident, pk)
    form = DispatchForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        services.dispatch_help(request.user, incident, request=request, **form.cleaned_data)
        messages.success(request, _("已调度"))
        return redirect("command:incident-detail", pk)
    positions = team_positions(incident)
    return render(
        request,
        "command/incident_detail.html",
        {
            "incident": incident,
            "form": form,
            "can_dispatch": may(request.user, "incident.dispatch", incident),
            "events": incident.events.all(),
            "dispatches": incident.dispatches.select_related("team"),
            "photos": incident.photos.all(),
            "positions": positions,
            "map_data": {
                "incident": [float(incident.longitude), float(incident.latitude)],
                "title": str(incident),
                "teams": [[p["longitude"], p["latitude"], p["team"]] for p in positions if p["latitude"] is not None],
            },
        },
    )


@requires("incident.update", model=Incident)
@require_POST
@domain_action
def incident_update(request, pk, action):
    if action not in ("close", "update"):
        raise Http404
    incident = scoped_object(request, Incident, pk)
    require(request.user, "incident.dispatch" if action == "close" else "incident.update", incident)
    text = request.POST.get("text", "")
    if action == "close":
        services.close_incident(request.user, incident, text, request=request)
    else:
        services.add_update(request.user, incident, text, request=request)
    return redirect("command:incident-detail", pk)


@requires("incident.read", model=Incident)
def incident_photo(request, pk, photo_pk):
    """A photo of an incident in the user's scope (404 otherwise), always as a download (execcenter.uploads)."""
    photo = IncidentPhoto.objects.visible_to(request.user).filter(incident_id=pk, pk=photo_pk).first()
    if photo is None:
        raise Http404
    ext = photo.file.name.rsplit(".", 1)[-1]
    return attachment_response(photo.file, f"incident-{pk}-photo-{photo.pk}.{ext}")


@requires("incident.update", model=Incident)
def incident_position(request, pk):
    """The team's phone page: report where the team is (the browser's location, or typed in); the incident page and
    the wall show the last position of each team."""
    from decimal import Decimal, InvalidOperation

    from execcenter.rounding import round_half_up

    from ..services.incidents import report_position, teams_of

    incident = scoped_object(request, Incident, pk)
    officer = getattr(request.user, "officer", None)
    teams = [
        t
        for t in teams_of(incident)
        if officer is not None and (t.leader_id == officer.pk or t.members.filter(pk=officer.pk).exists())
    ]
    if request.method == "POST":
        team = next((t for t in teams if str(t.pk) == request.POST.get("team")), None)
        try:
            lat, lng = Decimal(request.POST.get("latitude", "")), Decimal(request.POST.get("longitude", ""))
        except InvalidOperation:
            messages.error(request, _("请填写经纬度 (latitude and longitude are required)"))
            return render(request, "command/incident_position.html", {"incident": incident, "teams": teams}, status=400)
        if team is None:
            messages.error(request, _("只有本小组成员可以回传位置 (only the team's members report its position)"))
            return render(request, "command/incident_position.html", {"incident": incident, "teams": teams}, status=403)
        try:
            report_position(request.user, incident, team, round_half_up(lat, 6), round_half_up(lng, 6), request=request)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            messages.error(request, exc.message)
            return render(
                request, "command/incident_position.html", {"incident": incident, "teams": teams}, status=exc.status
            )
        messages.success(request, _("位置已回传"))
        return redirect("command:incident-position", pk)
    return render(request, "command/incident_position.html", {"incident": incident, "teams": teams})
