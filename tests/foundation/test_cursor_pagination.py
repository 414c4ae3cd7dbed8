"""Cursor pagination walks every list to its end, each row exactly once, whatever the ordering (issue 13 item 4).

DRF's own cursor paged by the first ordering field and an offset capped at 1,000: 1,300 fully paid cases ordered by
outstanding_amount repeated one page forever after row 1,050.
"""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import get_resolver
from rest_framework.test import APIRequestFactory

from cases.choices import CaseType
from cases.models import Case
from execcenter.api.pagination import ColumnOrderingFilter, DefaultCursorPagination
from execcenter.models import Court

TIES = 1300


@pytest.fixture
def paid_cases(courts):
    """1,300 cases of 西夏区法院, all fully paid (outstanding 0.00), 13 filing dates, closed_on all NULL."""
    court = Court.objects.get(code="宁0105")
    start = dt.date(2024, 1, 1)
    Case.objects.bulk_create(
        [
            Case(
                number=f"（2024）宁0105执{n}号",
                court=court,
                year=2024,
                case_type=CaseType.FIRST,
                sequence=n,
                cause="民间借贷纠纷",
                filed_on=start + dt.timedelta(days=n % 13),
                claim_amount=Decimal("1000.00"),
                outstanding_amount=Decimal("0.00"),
                assignment_due=start,
                statutory_deadline=start + dt.timedelta(days=180 + n % 2),
            )
            for n in range(1, TIES + 1)
        ],
        batch_size=500,
    )
    return set(Case.objects.values_list("id", flat=True))


def _walk(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        seen += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
        pages += 1
        assert pages <= TIES, "the walk does not end"
    return seen


@pytest.mark.parametrize(
    "ordering",
    [
        "outstanding_amount",  # the input: 1,300 rows tied at 0.00
        "-outstanding_amount",
        "filed_on",  # 13 values, 100 rows each
        "-statutory_deadline",  # two values, 650 rows each
        "closed_on",  # every row NULL
        "court,-claim_amount",  # two fields, both tied throughout
    ],
)
def test_walking_a_list_with_thousands_of_ties_returns_each_case_exactly_once(api, director_high, paid_cases, ordering):
    client = api.as_officer(director_high)
    seen = _walk(client, f"/api/v1/cases/?ordering={ordering}&page_size=50")
    assert len(seen) == len(paid_cases) == TIES
    assert set(seen) == paid_cases


def test_walking_back_with_previous_links_returns_the_same_rows_in_the_same_order(api, director_high, paid_cases):
    client = api.as_officer(director_high)
    forward, url, last = [], "/api/v1/cases/?ordering=outstanding_amount&page_size=100", None
    while url:
        last = client.get(url).json()
        forward.append([r["id"] for r in last["results"]])
        url = last["next"]
    backward, url = [], last["previous"]
    while url:
        page = client.get(url).json()
        backward.insert(0, [r["id"] for r in page["results"]])
        url = page["previous"]
    assert backward == forward[:-1]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b'{"r":0,"p":["abc","1"]}').decode(),  # a money value that is no number
        base64.urlsafe_b64encode(b'{"r":0,"p":["0.00"]}').decode(),  # too short for the ordering
        base64.urlsafe_b64encode(b'{"r":0,"p":["0.00",null]}').decode(),  # a NULL primary key
        base64.urlsafe_b64encode(b"[1,2]").decode(),
    ],
)
def test_a_tampered_cursor_is_a_404_not_a_server_error(api, director_high, paid_cases, cursor):
    response = api.as_officer(director_high).get(f"/api/v1/cases/?ordering=outstanding_amount&cursor={cursor}")
    assert response.status_code == 404


def _list_views(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _list_views(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        cls, actions = getattr(pattern.callback, "cls", None), getattr(pattern.callback, "actions", None) or {}
        if cls is not None and actions.get("get") == "list" and getattr(cls, "pagination_class", None) is not None:
            yield prefix + str(pattern.pattern), cls


def test_every_orderable_field_of_every_list_endpoint_ends_in_the_primary_key(director_high):
    views = list(_list_views(get_resolver().url_patterns))
    assert len(views) >= 20  # every app's lists are found (a regression in the walk would pass vacuously)
    request = APIRequestFactory().get("/")
    request.user = director_high.user
    for route, cls in views:
        view = cls(request=request, format_kwarg=None, action="list", kwargs={})
        queryset = cls.queryset.model.objects.all()
        fields = [name for name, _ in ColumnOrderingFilter().get_valid_fields(queryset, view, {"request": request})]
        for name in fields + [None]:
            from rest_framework.request import Request

            drf_request = Request(APIRequestFactory().get("/", {"ordering": name} if name else {}))
            drf_request.user = director_high.user
            view.request = drf_request
            ordering = DefaultCursorPagination().get_ordering(drf_request, queryset, view)
            pk = queryset.model._meta.pk.attname
            assert ordering[-1][0] == pk, (route, name, ordering)
            assert len({n for n, _ in ordering}) == len(ordering), (route, name, ordering)
