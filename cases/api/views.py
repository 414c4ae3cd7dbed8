"""REST API of the cases app. Thin: inputs are validated by serializers, every change is a service call.

Visibility, partner action scopes and Idempotency-Key handling come from execcenter.api.viewsets.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from execcenter.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, validated_input
from execcenter.choices import PartnerAction

from .. import approvals, auctions, closure, hooks, measures, money, services, supervision
from ..filtersets import (
    AuctionItemFilterSet,
    AuctionRoundFilterSet,
    CaseEventFilterSet,
    CaseFilterSet,
    LongPendingEntryFilterSet,
    MeasureFilterSet,
    MoneyEntryFilterSet,
    PartyFilterSet,
    UnclaimedReceiptFilterSet,
    ordering_for,
)
from ..models import (
    ApprovalRequest,
    AuctionItem,
    AuctionRound,
    Case,
    CaseEvent,
    CaseParty,
    LongPendingEntry,
    Measure,
    MoneyEntry,
    Party,
    UnclaimedReceipt,
)
from . import case_rows
from . import serializers as s
from .personal_data import PersonalDataMixin

W = PartnerAction.WRITE_CASES


_input = validated_input  # the body of an action endpoint, validated (400 before any change)


class CaseViewSet(PersonalDataMixin, ScopedModelViewSet):
    """Execution cases. Changes go through the actions below (each a service call, 409 in a wrong state)."""

    # One prefetch query joining the parties: prefetching "case_parties__party" in two steps made Django compile
    # a 100-value tuple IN for the second, which cost more than the page's SQL.
    queryset = Case.objects.select_related("court", "assigned_judge").prefetch_related(
        Prefetch("case_parties", queryset=CaseParty.objects.select_related("party").order_by("id"))
    )
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilterSet
    ordering_fields = ["id", "filed_on", "statutory_deadline", "claim_amount", "outstanding_amount"]

    @property
    def ordering(self):
        # OrderingFilter's default, which the cursor pages by when no ?ordering= is given.
        request = getattr(self, "request", None)
        return ordering_for(request.query_params if request is not None else {}, "-id")

    policy_read = "case.read"
    policy_actions = {
        "create": "case.file",
        "assign": "case.assign",
        "transition": "case.transition",
        "suspend": "case.suspend",
        "resume": "case.resume",
        "close": "case.close.request",
        "resume_terminated": "case.resume_terminated",
        "extend_deadline": "case.extend.request",
        "notice": "case.notice",
        "debtor_facts": "case.debtor_facts",
        "receipt": "money.receipt",
        "payout": "money.payout.request",
        "measures": "measure.impose",
    }

    def list(self, request, *args, **kwargs):
        # Rows, not instances: the serializer's output at a fraction of the cost (cases.api.case_rows).
        page = self.paginate_queryset(case_rows.rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(case_rows.represent(page, self.get_serializer_context()))

    def _done(self, case, code=status.HTTP_200_OK):
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data, status=code)

    def _ctx(self):
        return {"actor": self.request.user, "request": self.request}

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseSerializer})
    def create(self, request, *args, **kwargs):
        data = _input(self, s.CaseCreateSerializer)
        case = services.file_case(**data, **self._ctx())
        return self._done(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = _input(self, s.AssignSerializer)
        return self._done(
            services.assign(
                self.get_object(), data["judge"], leading_official=data.get("leading_official"), **self._ctx()
            )
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = _input(self, s.TransitionSerializer)
        return self._done(services.transition(self.get_object(), data["to"], note=data["note"], **self._ctx()))

    @extend_schema(request=s.SuspendSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        data = _input(self, s.SuspendSerializer)
        return self._done(services.suspend(self.get_object(), data["kind"], data["reason"], **self._ctx()))

    @extend_schema(request=s.ResumeSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        data = _input(self, s.ResumeSerializer)
        return self._done(services.resume(self.get_object(), note=data["note"], **self._ctx()))

    def _requested(self, approval):
        # 202: accepted, takes effect when a second person approves it (/approval-requests/{id}/approve/).
        return Response(s.ApprovalRequestSerializer(approval).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.CloseSerializer, responses={202: s.ApprovalRequestSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Request closure (终本 included); an approver of the court decides (four-eyes)."""
        data = _input(self, s.CloseSerializer)
        return self._requested(
            approvals.request_closure(
                request.user, self.get_object(), closure_type=data["closure_type"], note=data["note"], request=request
            )
        )

    @extend_schema(request=s.ReasonSerializer, responses={201: s.CaseSerializer})
    @action(detail=True, methods=["post"], url_path="resume-terminated")
    def resume_terminated(self, request, pk=None):
        data = _input(self, s.ReasonSerializer)
        return self._done(
            closure.resume_terminated(self.get_object(), reason=data["reason"], **self._ctx()), status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ExtendDeadlineSerializer, responses={202: s.ApprovalRequestSerializer})
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    def extend_deadline(self, request, pk=None):
        """Request an extension of the statutory deadline; the court's 院长 decides (four-eyes)."""
        d = _input(self, s.ExtendDeadlineSerializer)
        return self._requested(
            approvals.request_extension(
                request.user, self.get_object(), days=d["days"], reason=d["reason"], request=request
            )
        )

    @extend_schema(request=s.NoticeSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        data = _input(self, s.NoticeSerializer)
        return self._done(services.record_notice_sent(self.get_object(), data["sent_on"], **self._ctx()))

    @extend_schema(request=s.DebtorFactsSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="debtor-facts")
    def debtor_facts(self, request, pk=None):
        data = _input(self, s.DebtorFactsSerializer)
        return self._done(services.record_debtor_facts(self.get_object(), **data, **self._ctx()))

    @extend_schema(responses=s.ConditionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="terminate-conditions")
    def terminate_conditions(self, request, pk=None):
        conditions = closure.terminate_conditions(self.get_object())
        return Response(s.ConditionSerializer(conditions, many=True).data)

    @extend_schema(request=s.ReceiptSerializer, responses={201: s.MoneyEntrySerializer})
    @action(detail=True, methods=["post"])
    def receipt(self, request, pk=None):
        d = _input(self, s.ReceiptSerializer)
        entry, _created = services.record_receipt(
            self.get_object(), d["amount"], d["source"], reference=d["reference"] or None, note=d["note"], **self._ctx()
        )
        return Response(s.MoneyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PayoutSerializer, responses={202: s.ApprovalRequestSerializer})
    @action(detail=True, methods=["post"])
    def payout(self, request, pk=None):
        """Request a payout to an applicant; an approver of the court decides (four-eyes, 法发〔2017〕6号)."""
        d = _input(self, s.PayoutSerializer)
        return self._requested(
            approvals.request_payout(
                request.user,
                self.get_object(),
                amount=d["amount"],
                payee=d["payee"],
                reference=d["reference"] or None,
                note=d["note"],
                request=request,
            )
        )

    @extend_schema(request=s.MeasureCreateSerializer, responses={201: s.MeasureSerializer})
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        d = _input(self, s.MeasureCreateSerializer)
        kind = d.pop("kind")
        measure = measures.impose_measure(self.get_object(), kind, **d, **self._ctx())
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class PartyViewSet(PersonalDataMixin, ScopedReadOnlyViewSet):
    """Parties of visible cases (one record per real-world party). ID numbers masked unless the role needs them."""

    queryset = Party.objects.all()
    serializer_class = s.PartySerializer
    filterset_class = PartyFilterSet
    policy_read = "case.read"


class CaseEventViewSet(ScopedReadOnlyViewSet):
    """The append-only timeline of every visible case."""

    queryset = CaseEvent.objects.all()
    serializer_class = s.CaseEventSerializer
    filterset_class = CaseEventFilterSet
    policy_read = "case.read"


class MoneyEntryViewSet(ScopedReadOnlyViewSet):
    """Case account lines; receipts and payouts are booked through /cases/{id}/receipt/ and /payout/."""

    queryset = MoneyEntry.objects.all()
    serializer_class = s.MoneyEntrySerializer
    filterset_class = MoneyEntryFilterSet
    policy_read = "money.read"


class MeasureViewSet(ScopedReadOnlyViewSet):
    queryset = Measure.objects.all()
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet
    policy_read = "case.read"
    policy_actions = {"end": "measure.end", "extend": "measure.extend"}

    @extend_schema(request=s.MeasureEndSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        d = _input(self, s.MeasureEndSerializer)
        m = measures.end_measure(self.get_object(), d["to"], note=d["note"], actor=request.user, request=request)
        return Response(s.MeasureSerializer(m).data)

    @extend_schema(request=s.MeasureExtendSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        d = _input(self, s.MeasureExtendSerializer)
        return Response(
            s.MeasureSerializer(
                measures.extend_dishonest(self.get_object(), d["years"], actor=request.user, request=request)
            ).data
        )


class AuctionItemViewSet(ScopedModelViewSet):
    queryset = AuctionItem.objects.prefetch_related("rounds")
    serializer_class = s.AuctionItemSerializer
    filterset_class = AuctionItemFilterSet
    policy_read = "case.read"
    policy_actions = {"create": "auction.manage", "rounds": "auction.manage"}

    @extend_schema(request=s.AuctionItemCreateSerializer, responses={201: s.AuctionItemSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(self, s.AuctionItemCreateSerializer)
        # An item sells what the case sealed: querycontrol's maker checks the seal (cases.hooks).
        maker = hooks.auction_item_maker()
        case, source = d.pop("case"), d.pop("control_order")
        if maker is not None:
            item = maker(request.user, case, source, **d, request=request)
        else:
            item = auctions.add_item(case, **d, actor=request.user, request=request)
        return Response(s.AuctionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AuctionRoundCreateSerializer, responses={201: s.AuctionRoundSerializer})
    @action(detail=True, methods=["post"])
    def rounds(self, request, pk=None):
        d = _input(self, s.AuctionRoundCreateSerializer)
        rnd = auctions.list_round(self.get_object(), **d, actor=request.user, request=request)
        return Response(s.AuctionRoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class AuctionRoundViewSet(ScopedReadOnlyViewSet):
    queryset = AuctionRound.objects.all()
    serializer_class = s.AuctionRoundSerializer
    filterset_class = AuctionRoundFilterSet
    policy_read = "case.read"
    policy_actions = {"conclude": "auction.manage"}

    @extend_schema(request=s.AuctionConcludeSerializer, responses=s.AuctionRoundSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        d = _input(self, s.AuctionConcludeSerializer)
        rnd = auctions.conclude_round(
            self.get_object(),
            d["outcome"],
            deal_price=d["deal_price"],
            on=d["concluded_on"],
            actor=request.user,
            request=request,
        )
        return Response(s.AuctionRoundSerializer(rnd).data)

    @extend_schema(responses=s.AuctionRatesSerializer)
    @action(detail=False, methods=["get"])
    def rates(self, request):
        """Deal rate and premium rate over the visible (and filtered) rounds."""
        rounds = self.filter_queryset(self.get_queryset())
        return Response(
            s.AuctionRatesSerializer(
                {"deal_rate": auctions.deal_rate(rounds), "premium_rate": auctions.premium_rate(rounds)}
            ).data
        )


class LongPendingEntryViewSet(ScopedReadOnlyViewSet):
    """The long-pending ledger (> 12 months open)."""

    queryset = LongPendingEntry.objects.select_related("case").prefetch_related("follow_ups")
    serializer_class = s.LongPendingEntrySerializer
    filterset_class = LongPendingEntryFilterSet
    policy_read = "case.read"
    policy_actions = {"plan": "ledger.plan", "follow_ups": "ledger.plan"}

    @extend_schema(request=s.LedgerUpdateSerializer, responses=s.LongPendingEntrySerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        d = _input(self, s.LedgerUpdateSerializer)
        return Response(
            s.LongPendingEntrySerializer(
                supervision.update_entry(self.get_object(), **d, actor=request.user, request=request)
            ).data
        )

    @extend_schema(request=s.FollowUpCreateSerializer, responses={201: s.FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        d = _input(self, s.FollowUpCreateSerializer)
        follow = supervision.add_follow_up(self.get_object(), d["note"], actor=request.user, request=request)
        return Response(s.FollowUpSerializer(follow).data, status=status.HTTP_201_CREATED)


class UnclaimedReceiptViewSet(ScopedReadOnlyViewSet):
    """不明款: money received without an identifiable case, until matched."""

    queryset = UnclaimedReceipt.objects.select_related("court")
    serializer_class = s.UnclaimedReceiptSerializer
    filterset_class = UnclaimedReceiptFilterSet
    policy_read = "money.read"
    policy_actions = {"match": "money.match_unclaimed"}

    @extend_schema(
        request=s.MatchUnclaimedSerializer,
        responses={201: s.MoneyEntrySerializer, 409: OpenApiResponse(description="already matched")},
    )
    @action(detail=True, methods=["post"])
    def match(self, request, pk=None):
        d = _input(self, s.MatchUnclaimedSerializer)
        entry = money.match_unclaimed(self.get_object(), d["case"], actor=request.user, request=request)
        return Response(s.MoneyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class ApprovalRequestViewSet(ScopedReadOnlyViewSet):
    """Payouts, closures and deadline extensions waiting for (or given) a second person's decision."""

    queryset = ApprovalRequest.objects.select_related("case", "requested_by", "decided_by")
    serializer_class = s.ApprovalRequestSerializer
    filterset_fields = ["case", "kind", "status", "court"]
    ordering_fields = ["id", "requested_at"]
    ordering = "-id"
    policy_read = "approval.read"
    # The route admits approvers and presidents; the record's kind picks the rule (payout/closure/extension.approve).
    policy_actions = {"approve": "approval.decide", "reject": "approval.decide", "withdraw": "approval.withdraw"}

    @extend_schema(request=s.ApprovalDecisionSerializer, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = _input(self, s.ApprovalDecisionSerializer)
        approval, _result = approvals.approve(
            request.user,
            self.get_object(),
            note=d["note"],
            approval_document_no=d["approval_document_no"],
            request=request,
        )
        return Response(s.ApprovalRequestSerializer(approval).data)

    @extend_schema(request=s.ApprovalDecisionSerializer, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = _input(self, s.ApprovalDecisionSerializer)
        return Response(
            s.ApprovalRequestSerializer(
                approvals.reject(request.user, self.get_object(), note=d["note"], request=request)
            ).data
        )

    @extend_schema(request=None, responses=s.ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return Response(
            s.ApprovalRequestSerializer(approvals.withdraw(request.user, self.get_object(), request=request)).data
        )
