"""Exports as streamed .xlsx (or .csv with `?format=csv`): one response helper for every export.

The file is produced while the rows are read (execcenter.spreadsheets.iter_xlsx), so the first bytes
leave at once and memory stays at one chunk of rows, however many rows there are. Every export is
audited before the first byte (who, which export, which filters, masked or not): a list of cases with
full ID numbers is a bulk unmasked read.

Shapes: `rows_in_chunks(queryset, size)` → iterator of lists of rows (a queryset of values, read with a
database cursor in chunks); `export_response(request, *, name, sheet, action, filters, unmasked)` →
StreamingHttpResponse. `wants_csv(request)` → bool.
"""

import dataclasses
from urllib.parse import quote

from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone

from execcenter import spreadsheets as ss
from execcenter.db import replica_rows
from execcenter.policy import NotFound, explain
from execcenter.services import audit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_ROWS = 2000


def require_page(actor, action, record=None):
    """execcenter.policy.require for an HTML or file view: out of scope → 404, not allowed (role or state) → 403."""
    refusal = explain(actor, action, record)
    if refusal is None:
        return
    if refusal.error is NotFound:
        raise Http404
    raise PageForbidden(str(refusal.message))


def labels(choices):
    """{value: label} of a TextChoices with the labels translated once: a lazy label in a cell would be translated
    again for every row (74,000 gettext calls in a 100,000-row case export)."""
    return {value: str(label) for value, label in choices}


def wants_csv(request):
    return request.GET.get("format") == "csv"


def chunked(iterable, size=CHUNK_ROWS):
    """[a, b, c, d, e] → [a, b], [c, d], [e]: rows fetched per chunk let a row builder look up related rows
    (parties of 2,000 cases) in one query instead of one per row."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def clean_filters(request):
    """The query string as a dict for the audit entry (format and page are not filters)."""
    return {k: v for k, v in request.GET.items() if k not in ("format", "page")}


def export_response(request, *, name, sheet, action, unmasked=False, court=None, details=None):
    """Audit the export, then stream `sheet` (an ss.Sheet whose rows are a generator) as `name`.xlsx / .csv."""
    fmt = "csv" if wants_csv(request) else "xlsx"
    audit(
        request.user,
        action,
        court=court,
        request=request,
        object_type="export",
        object_id=name[:64],
        details={"filters": clean_filters(request), "format": fmt, "unmasked": bool(unmasked), **(details or {})},
    )
    # The rows are read while the file streams, from the read replica when there is one (execcenter/db.py): an export
    # is the heaviest read a person starts, and a few seconds of lag do not change a list.
    sheet = dataclasses.replace(sheet, rows=replica_rows(sheet.rows))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in ss.iter_csv(sheet)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(ss.iter_xlsx([sheet]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy in front (nginx) passes the chunks on instead of buffering the file
    return response
