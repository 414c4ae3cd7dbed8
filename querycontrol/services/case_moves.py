"""What a case transfer (cases.transfers) needs from query and control: work in flight blocks the move, and the
court copied on query requests, found assets and control orders follows the case (the screens count a case's
queries, finds and freezes at its current court; the receiving court's approvers decide its orders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from querycontrol.models import ControlOrder, FoundAsset, QueryRequest
from querycontrol.models.orders import PENDING_STATUSES

if TYPE_CHECKING:
    from cases.models import Case
    from execcenter.models import Court


def transfer_blockers(case: Case) -> list[str]:
    reasons = []
    if QueryRequest.objects.active().filter(case=case).exists():
        reasons.append(_("网络查询正在进行"))
    if ControlOrder.objects.filter(case=case, status__in=PENDING_STATUSES).exists():
        reasons.append(_("控制措施尚在审批或办理中"))
    return reasons


def follow_case(case: Case, old_court: Court, new_court: Court) -> None:
    QueryRequest.objects.filter(case=case).update(court=new_court)
    FoundAsset.objects.filter(case=case).update(court=new_court)
    ControlOrder.objects.filter(case=case).update(court=new_court)
