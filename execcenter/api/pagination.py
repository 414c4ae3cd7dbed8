from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    """Cursor pagination: stable under inserts and O(1) deep pages at a million rows."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
