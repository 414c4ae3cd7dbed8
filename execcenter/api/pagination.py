from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    """Cursor pagination: stable under inserts and O(1) deep pages at a million rows."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # The next/previous links are built on this URL. Rebuilt from the decoded parameters: a client that sends
        # raw UTF-8 (curl with 宁01 typed in) gets a QUERY_STRING that Django's get_full_path() would
        # percent-encode a second time, and the link would then filter for mojibake.
        query = request.query_params.urlencode()
        self.base_url = request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
        return page
