"""The shared API mixin run against the organisation's court endpoint: proves the mixin's own checks bite."""

from execcenter.filtersets import CourtFilterSet
from execcenter.models import Court
from tests.api_mixins import APIViewTestCases


class TestCourtAPIThroughTheSharedMixin(APIViewTestCases.ReadOnly, APIViewTestCases.Filter):
    url = "/api/v1/courts/"
    model = Court
    persona = "duty_yinchuan"
    in_scope_court = "宁0105"
    out_of_scope_court = "宁0424"
    filterset_class = CourtFilterSet

    def make_object(self, court):
        return court

    def filter_cases(self, courts):
        return [
            ({"code": "宁0105"}, courts["宁0105"], courts["宁0106"]),
            ({"level": "intermediate"}, courts["宁01"], courts["宁0105"]),
        ]
