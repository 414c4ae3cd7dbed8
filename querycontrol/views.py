"""HTML pages of network query and control (Chinese UI): case panel, query progress, orders, approvals."""
from querycontrol.models import ControlOrder, QueryRequest


def case_panel_context(case, request):
    """What the case page shows in the query-and-control panel (registered in cases.panels)."""
    return {
        "query_requests": QueryRequest.objects.filter(case=case).order_by("-created_at")[:5],
        "orders": ControlOrder.objects.filter(case=case).select_related("institution", "asset").order_by("-created_at")[:20],
    }
