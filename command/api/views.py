"""REST API of the command app. Visibility, partner action scopes and Idempotency-Key come from the base
classes; every change goes through command.services."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases.choices import CaseType
from cases.document_views import document_response
from execcenter.api.permissions import is_partner
from execcenter.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin, validated_input
from execcenter.choices import PartnerKind
from execcenter.db import reading_replica
from execcenter.models import Court
from execcenter.uploads import attachment_response

from .. import indicators as ind
from .. import services
from ..bulletins import bulletin_document, generate_bulletin
from ..choices import AnswerChannel
from ..filtersets import (
    AssistanceLetterFilterSet,
    BulletinFilterSet,
    IncidentFilterSet,
    LinkageUnitFilterSet,
    OperationFilterSet,
    PetitionFilterSet,
)
from ..models import AssistanceLetter, Bulletin, Incident, LinkageUnit, Operation, Petition
from .serializers import (
    AssistanceLetterSerializer,
    BulletinSerializer,
    DispatchSerializer,
    FieldTeamSerializer,
    IncidentSerializer,
    LetterAnswerSerializer,
    LetterCloseSerializer,
    LinkageUnitSerializer,
    OperationResultSerializer,
    OperationSerializer,
    PetitionSerializer,
    TextSerializer,
)


class OperationViewSet(ScopedModelViewSet):
    queryset = Operation.objects.select_related("court").prefetch_related(
        "courts", "target_cases", "teams__members", "teams__court"
    )
    serializer_class = OperationSerializer
    filterset_class = OperationFilterSet
    policy_read = "operation.read"
    policy_actions = {
        "create": "operation.command",
        "teams": "operation.command",
        "launch": "operation.command",
        "end": "operation.command",
        "results": "operation.record",
    }

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.create_operation(
            self.request.user,
            name=d["name"],
            court=d["court"],
            courts=d["courts"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            target_cases=d.get("target_cases", []),
            description=d.get("description", ""),
            request=self.request,
        )

    @action(detail=True, methods=["post"])
    def teams(self, request, pk=None):
        d = validated_input(self, FieldTeamSerializer)
        team = services.add_team(
            request.user,
            self.get_object(),
            request=request,
            name=d["name"],
            court=d["court"],
            leader=d["leader"],
            members=d.get("members", []),
            vehicle=d.get("vehicle", ""),
            body_camera_url=d.get("body_camera_url", ""),
        )
        return Response(FieldTeamSerializer(team, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        op = services.launch_operation(request.user, self.get_object(), request=request)
        return Response(self.get_serializer(op).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        op = services.end_operation(request.user, self.get_object(), request=request)
        return Response(self.get_serializer(op).data)

    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        op = self.get_object()
        d = validated_input(self, OperationResultSerializer)
        if d["team"].operation_id != op.pk:
            raise ValidationError({"team": ["小组不属于该行动 (team is not part of this operation)"]})
        result = services.record_result(
            request.user,
            op,
            d["team"],
            d["case"],
            case_closed=d.get("case_closed", False),
            amount_recovered=d.get("amount_recovered", 0),
            measures=d.get("measures", []),
            people_detained=d.get("people_detained", 0),
            note=d.get("note", ""),
            book_receipt=d.get("book_receipt", False),
            request=request,
        )
        return Response(
            OperationResultSerializer(result, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        tally = services.operation_tally(self.get_object())
        from ..services.operations import _jsonable

        return Response(_jsonable(tally))


class IncidentViewSet(ScopedModelViewSet):
    queryset = Incident.objects.select_related("court", "case").prefetch_related("events", "dispatches", "photos")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    policy_read = "incident.read"
    policy_actions = {
        "create": "incident.report",
        "dispatch_help": "incident.dispatch",
        "updates": "incident.update",
        "close": "incident.dispatch",
    }

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.report_incident(
            self.request.user, photos=self.request.FILES.getlist("photos"), request=self.request, **d
        )

    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_help(self, request, pk=None):
        d = validated_input(self, DispatchSerializer)
        incident = self.get_object()
        services.dispatch_help(
            request.user,
            incident,
            team=d.get("team"),
            police_liaison=d.get("police_liaison", ""),
            note=d.get("note", ""),
            request=request,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=incident.pk)).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def updates(self, request, pk=None):
        incident = self.get_object()
        services.add_update(request.user, incident, validated_input(self, TextSerializer)["text"], request=request)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=incident.pk)).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_pk>\d+)")
    def photo(self, request, pk=None, photo_pk=None):
        """One photo of a visible incident, as a download (attachment, nosniff)."""
        incident = self.get_object()
        photo = incident.photos.filter(pk=photo_pk).first()
        if photo is None:
            raise Http404
        ext = photo.file.name.rsplit(".", 1)[-1]
        return attachment_response(photo.file, f"incident-{incident.pk}-photo-{photo.pk}.{ext}")

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        incident = services.close_incident(
            request.user, self.get_object(), validated_input(self, TextSerializer)["text"], request=request
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=incident.pk)).data)


class LinkageUnitViewSet(ScopedReadOnlyViewSet):
    queryset = LinkageUnit.objects.select_related("court")
    serializer_class = LinkageUnitSerializer
    filterset_class = LinkageUnitFilterSet
    policy_read = "letter.read"


class AssistanceLetterViewSet(ScopedModelViewSet):
    queryset = AssistanceLetter.objects.select_related("court", "unit", "case")
    serializer_class = AssistanceLetterSerializer
    filterset_class = AssistanceLetterFilterSet
    policy_read = "letter.read"
    policy_actions = {
        "create": "letter.send",
        "answer": "letter.answer",
        "close": "letter.manage",
        "withdraw": "letter.manage",
    }

    def get_queryset(self):
        qs = super().get_queryset()
        actor = self.request.user
        if is_partner(actor) and actor.kind == PartnerKind.LINKAGE:
            qs = qs.filter(unit__partner=actor)  # a unit's key sees only the letters addressed to that unit
        return qs

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.send_letter(
            self.request.user,
            d["case"],
            d["unit"],
            subject=d["subject"],
            request_text=d["request_text"],
            due_on=d.get("due_on"),
            request=self.request,
        )

    @extend_schema(request=LetterAnswerSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = validated_input(self, LetterAnswerSerializer)
        letter = services.answer_letter(
            request.user,
            self.get_object(),
            answer_text=d["answer_text"],
            answered_by=d["answered_by"],
            channel=AnswerChannel.PARTNER_API,
            request=request,
        )
        return Response(self.get_serializer(letter).data)

    # The body is {"note"}: read through its serializer, so a list, a number or a non-string note is a 400 that
    # changes nothing (it was a 500, or a list stored as the note's text).
    @extend_schema(request=LetterCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        note = validated_input(self, LetterCloseSerializer)["note"]
        letter = services.close_letter(request.user, self.get_object(), note, request=request)
        return Response(self.get_serializer(letter).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return Response(
            self.get_serializer(services.withdraw_letter(request.user, self.get_object(), request=request)).data
        )

    @action(detail=False, methods=["get"], url_path="unit-counts")
    def unit_counts(self, request):
        court = _court_param(request)
        townships = {"true": True, "false": False}.get(request.query_params.get("townships", ""))
        return Response(services.unit_counts(court, townships=townships))


class PetitionViewSet(ScopedReadOnlyViewSet):
    queryset = Petition.objects.select_related("court")
    serializer_class = PetitionSerializer
    filterset_class = PetitionFilterSet
    policy_read = "petition.read"


class BulletinViewSet(ScopedModelViewSet):
    queryset = Bulletin.objects.select_related("court")
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilterSet
    policy_read = "bulletin.read"
    policy_actions = {"create": "bulletin.issue"}

    def perform_create(self, serializer):
        d = serializer.validated_data
        day = d["day"]
        period = ind.Period.ten_day(day) if d["kind"] == "ten_day" else ind.Period.month(day.year, day.month)
        serializer.instance = generate_bulletin(
            d["court"], d["kind"], period, actor=self.request.user, request=self.request
        )

    @action(detail=True, methods=["get"], url_path=r"file/(?P<fmt>xlsx|docx)")
    def file(self, request, pk=None, fmt=None):
        document = bulletin_document(self.get_object(), fmt)
        if document is None:
            raise Http404
        return document_response(request, document)


def _court_param(request):
    """The `court` query parameter (a court code) within the caller's scope; out of scope reads as absent (404)."""
    code = request.query_params.get("court")
    visible = Court.objects.visible_to(request.user)
    if not code:
        officer = getattr(request.user, "officer", None) if not is_partner(request.user) else None
        court = (
            request.user.court
            if is_partner(request.user)
            else (officer.court if officer else visible.order_by("code").first())
        )
        if court is None:
            raise Http404
        return court
    return get_object_or_404(visible, code=code)


def _period_param(request):
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.query_params.get("start") or f"{today.year}-01-01")
        end = dt.date.fromisoformat(request.query_params.get("end") or today.isoformat())
        return ind.Period(start, end)
    except ValueError as exc:
        raise ValidationError({"period": ["日期格式应为 YYYY-MM-DD，且止日不早于起日 (bad period)"]}) from exc


def _case_type_param(request):
    case_type = request.query_params.get("case_type", CaseType.FIRST)
    if case_type not in ind.IMPLEMENTATION_TYPES:
        raise ValidationError({"case_type": ["案件类型应为 执 / 执恢 / 执保 (case type)"]})
    return case_type


_SCOPE_PARAMS = [
    OpenApiParameter("court", str, description="法院代字 (court code), default: your own court"),
    OpenApiParameter("start", OpenApiTypes.DATE),
    OpenApiParameter("end", OpenApiTypes.DATE),
    OpenApiParameter("case_type", str, enum=list(ind.IMPLEMENTATION_TYPES)),
]
_CODE = OpenApiParameter("id", str, OpenApiParameter.PATH, enum=list(ind.INDICATORS), description="indicator code")
_DOC = {"responses": OpenApiTypes.OBJECT, "parameters": _SCOPE_PARAMS}


@extend_schema_view(
    list=extend_schema(operation_id="v1_indicators_list", **_DOC),
    retrieve=extend_schema(responses=OpenApiTypes.OBJECT, parameters=[_CODE, *_SCOPE_PARAMS]),
    records=extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[_CODE, *_SCOPE_PARAMS, OpenApiParameter("part", str, enum=["numerator", "denominator"])],
    ),
    ranking=extend_schema(responses=OpenApiTypes.OBJECT, parameters=[_CODE, *_SCOPE_PARAMS]),
)
class IndicatorViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """Indicators of a court scope and period: `?court=宁0105&start=2025-01-01&end=2025-03-31&case_type=执`."""

    policy_read = "indicator.read"

    def list(self, request):
        court, period, case_type = _court_param(request), _period_param(request), _case_type_param(request)
        with reading_replica():  # the heavy grouped counts read the replica when there is one (execcenter/db.py)
            core = [r.as_dict() for r in ind.core_set(court, period)]
            indicators = [r.as_dict() for r in ind.all_indicators(court, period, case_type)]
        return Response(
            {
                "court": court.code,
                "period": [str(period.start), str(period.end)],
                "case_type": case_type,
                "core": core,
                "indicators": indicators,
            }
        )

    def retrieve(self, request, pk=None):
        indicator = ind.INDICATORS.get(pk) or _missing()
        court, period, case_type = _court_param(request), _period_param(request), _case_type_param(request)
        with reading_replica():
            result = ind.evaluate(pk, court, period, case_type if indicator.typed else None)
        return Response({**result.as_dict(), "definition": indicator.definition, "court": court.code})

    @action(detail=True, methods=["get"])
    def records(self, request, pk=None):
        indicator = ind.INDICATORS.get(pk) or _missing()
        court, period, case_type = _court_param(request), _period_param(request), _case_type_param(request)
        part = request.query_params.get("part", "numerator")
        if part not in ("numerator", "denominator"):
            raise ValidationError({"part": ["numerator | denominator"]})
        with reading_replica():
            ids = ind.drill_down(pk, court, period, part, case_type if indicator.typed else None)
        return Response({"model": indicator.model, "part": part, "count": len(ids), "ids": ids})

    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        indicator = ind.INDICATORS.get(pk) or _missing()
        court, period, case_type = _court_param(request), _period_param(request), _case_type_param(request)
        with reading_replica():
            rows = ind.ranking(pk, period, ind.peers(court), case_type if indicator.typed else None)
        return Response([{**{k: v for k, v in r.items() if k != "court"}, "court": r["court"].code} for r in rows])


def _missing():
    raise Http404
