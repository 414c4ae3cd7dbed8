"""The wall shows no home address (issue 10, point 5): not in the incident module, not in the alert ticker.

Found by the attack pass: the incident module leaves the address off the wall, but the alert an incident raises was
titled "突发事件：暴力抗法/阻碍执行（西夏区怀远路88号3单元501室）" and the ticker (module 40) showed that title to the
room. An incident's alert now names its kind and court; the address stays on the incident page.
"""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from command import services
from dashboards.registry import all_modules
from execcenter.models import Alert

pytestmark = pytest.mark.django_db

HOME = "西夏区怀远路88号3单元501室"


def test_no_wall_module_shows_an_incidents_address_id_or_mobile(courts, judge_xixia):
    services.report_incident(
        judge_xixia.user,
        kind="obstruction",
        severity="high",
        latitude=Decimal("38.490000"),
        longitude=Decimal("106.200000"),
        address=HOME,
        description="被执行人640105198001011234在家，电话13912345678",
    )
    alert = Alert.objects.get(kind="incident")
    assert "怀远路" not in alert.title
    now = timezone.now()
    for court in (courts["宁0105"], courts["宁01"], courts["宁"]):
        shown = json.dumps([m.compute(court, now) for m in all_modules().values()], ensure_ascii=False, default=str)
        for secret in ("怀远路", "3单元501", "640105198001011234", "13912345678"):
            assert secret not in shown, (court.code, secret)
