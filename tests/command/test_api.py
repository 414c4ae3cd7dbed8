"""REST API of the command app: the shared mixin's list / get / create / filter / 404 / idempotency tests, plus
the workflow actions and the linkage partner key."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from command import services
from command.filtersets import AssistanceLetterFilterSet, IncidentFilterSet, OperationFilterSet
from command.models import AssistanceLetter, Incident, Operation
from execcenter.choices import PartnerAction, PartnerKind
from execcenter.org import create_demo_partner
from tests.api_mixins import APIViewTestCases

from .conftest import D, make_case


def _operation(court, name="行动", status="planned"):
    now = timezone.now()
    op = Operation.objects.create(
        name=name, court=court, starts_at=now, ends_at=now + dt.timedelta(days=1), status=status
    )
    op.courts.set([court])
    return op


class TestOperationAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Create, APIViewTestCases.Filter):
    url = "/api/v1/operations/"
    model = Operation
    create_persona = "director_high"
    filterset_class = OperationFilterSet
    # description is free text; courts / target_cases are relations shown on the object; summary is the frozen report.
    filter_exempt_fields = {"description", "summary"}

    def make_object(self, court):
        return _operation(court)

    def create_payload(self, courts):
        now = timezone.now()
        return {
            "name": "春雷行动",
            "court": "宁",
            "courts": ["宁0105", "宁0424"],
            "starts_at": now.isoformat(),
            "ends_at": (now + dt.timedelta(days=2)).isoformat(),
            "target_cases": [],
        }

    def invalid_payloads(self, courts):
        body = self.create_payload(courts)
        return [({**body, "courts": ["不存在"]}, "courts"), ({k: v for k, v in body.items() if k != "name"}, "name")]

    def filter_cases(self, courts):
        a, b = _operation(courts["宁0105"], "甲", "running"), _operation(courts["宁0105"], "乙", "planned")
        return [({"status": "running"}, a, b), ({"name": "甲"}, a, b)]


def _incident(court):
    return Incident.objects.create(
        court=court,
        kind="crowd",
        severity="medium",
        latitude=Decimal("38.1"),
        longitude=Decimal("106.2"),
        address="某地",
        description="聚集",
    )


class TestIncidentAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Create, APIViewTestCases.Filter):
    url = "/api/v1/incidents/"
    model = Incident
    filterset_class = IncidentFilterSet
    filter_exempt_fields = {"description", "outcome"}  # free text

    def make_object(self, court):
        return _incident(court)

    def create_payload(self, courts):
        return {
            "kind": "obstruction",
            "severity": "high",
            "latitude": "38.485000",
            "longitude": "106.132000",
            "address": "西夏区文昌路",
            "description": "阻碍执行",
        }

    def invalid_payloads(self, courts):
        body = self.create_payload(courts)
        return [({**body, "severity": "apocalyptic"}, "severity"), ({**body, "latitude": "123"}, "latitude")]

    def filter_cases(self, courts):
        a, b = _incident(courts["宁0105"]), _incident(courts["宁0105"])
        Incident.objects.filter(pk=b.pk).update(status="closed", severity="low")
        return [({"status": "reported"}, a, b), ({"severity": "medium"}, a, b)]


@pytest.fixture
def linkage(courts):
    key, raw = create_demo_partner(
        "西夏公安分局联动", PartnerKind.LINKAGE, "宁0105", [PartnerAction.READ, PartnerAction.ANSWER]
    )
    key.raw_key = raw
    unit = services.register_unit(name="西夏区公安分局", kind="public_security", court=courts["宁0105"], partner=key)
    other = services.register_unit(name="西夏区市场监管局", kind="market", court=courts["宁0105"])
    jy = services.register_unit(name="泾源县公安局", kind="public_security", court=courts["宁0424"])
    return {"key": key, "unit": unit, "other": other, "jy": jy}


def _letter(court, unit):
    case = make_case(court.code)
    return AssistanceLetter.objects.create(
        number=f"L-{case.pk}",
        case=case,
        court=court,
        unit=unit,
        subject="查询",
        request_text="请协助",
        due_on=D(2099, 1, 1),
    )


class TestAssistanceLetterAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Create, APIViewTestCases.Filter):
    url = "/api/v1/assistance-letters/"
    model = AssistanceLetter
    filterset_class = AssistanceLetterFilterSet
    filter_exempt_fields = {"request_text", "answer_text", "close_note"}  # free text

    @pytest.fixture(autouse=True)
    def _units(self, linkage):
        self.units = linkage

    def make_object(self, court):
        return _letter(court, self.units["jy"] if court.code == "宁0424" else self.units["unit"])

    def create_payload(self, courts):
        case = getattr(self, "_case", None) or make_case("宁0105")
        self._case = case
        return {
            "case": case.number,
            "unit": self.units["unit"].pk,
            "subject": "查询车辆",
            "request_text": "请协助查询",
            "due_on": str(timezone.localdate() + dt.timedelta(days=10)),
        }

    def invalid_payloads(self, courts):
        body = self.create_payload(courts)
        return [
            ({**body, "case": "（2024）宁0424执1号"}, "case"),
            ({k: v for k, v in body.items() if k != "subject"}, "subject"),
        ]

    def filter_cases(self, courts):
        a, b = _letter(courts["宁0105"], self.units["unit"]), _letter(courts["宁0105"], self.units["other"])
        AssistanceLetter.objects.filter(pk=b.pk).update(status="closed")
        return [({"unit": self.units["unit"].pk}, a, b), ({"status": "sent"}, a, b)]


def test_linkage_key_sees_and_answers_only_its_units_letters(api, linkage, courts):
    mine, theirs = _letter(courts["宁0105"], linkage["unit"]), _letter(courts["宁0105"], linkage["other"])
    client = api.as_partner(linkage["key"])
    listed = {row["id"] for row in client.get("/api/v1/assistance-letters/").json()["results"]}
    assert listed == {mine.pk}
    assert (
        client.post(
            f"/api/v1/assistance-letters/{theirs.pk}/answer/", {"answer_text": "x", "answered_by": "y"}
        ).status_code
        == 404
    )
    response = client.post(
        f"/api/v1/assistance-letters/{mine.pk}/answer/",
        {"answer_text": "名下无车", "answered_by": "王警官"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    assert client.post(f"/api/v1/assistance-letters/{mine.pk}/close/", {}).status_code == 403


def test_linkage_key_without_answer_action_is_refused(api, linkage, courts):
    reader, raw = create_demo_partner("只读联动", PartnerKind.LINKAGE, "宁0105", [PartnerAction.READ])
    reader.raw_key = raw
    linkage["unit"].partner = None
    linkage["unit"].save()
    unit = services.register_unit(name="只读单位", kind="tax", court=courts["宁0105"], partner=reader)
    letter = _letter(courts["宁0105"], unit)
    response = api.as_partner(reader).post(
        f"/api/v1/assistance-letters/{letter.pk}/answer/", {"answer_text": "x", "answered_by": "y"}
    )
    assert response.status_code == 403


def test_operation_workflow_over_the_api(api, courts, director_high, judge_xixia):
    client = api.as_officer(director_high)
    now = timezone.now()
    op = client.post(
        "/api/v1/operations/",
        {
            "name": "雷霆",
            "court": "宁",
            "courts": ["宁0105"],
            "starts_at": now.isoformat(),
            "ends_at": (now + dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    ).json()
    team = client.post(
        f"/api/v1/operations/{op['id']}/teams/",
        {"name": "一组", "court": "宁0105", "leader": judge_xixia.pk},
        format="json",
    )
    assert team.status_code == 201
    assert client.post(f"/api/v1/operations/{op['id']}/launch/").json()["status"] == "running"
    case = make_case("宁0105")
    result = api.as_officer(judge_xixia).post(
        f"/api/v1/operations/{op['id']}/results/",
        {
            "team": team.json()["id"],
            "case": case.number,
            "case_closed": True,
            "amount_recovered": "2500.00",
            "measures": ["search"],
        },
        format="json",
    )
    assert result.status_code == 201, result.content
    tally = api.as_officer(judge_xixia).get(f"/api/v1/operations/{op['id']}/tally/").json()
    assert tally["total"]["amount"] == "2500.00" and tally["total"]["cases_closed"] == 1
    assert api.as_officer(judge_xixia).post(f"/api/v1/operations/{op['id']}/end/").status_code == 403
    assert (
        api.as_officer(director_high).post(f"/api/v1/operations/{op['id']}/end/").json()["summary"]["total"]["amount"]
        == "2500.00"
    )


def test_incident_dispatch_and_close_over_the_api(api, courts, judge_xixia, duty_yinchuan, judge_jingyuan):
    incident = (
        api.as_officer(judge_xixia)
        .post(
            "/api/v1/incidents/",
            {
                "kind": "injury",
                "severity": "high",
                "latitude": "38.5",
                "longitude": "106.1",
                "address": "现场",
                "description": "受伤",
            },
            format="json",
        )
        .json()
    )
    url = f"/api/v1/incidents/{incident['id']}/"
    assert api.as_officer(judge_jingyuan).post(url + "dispatch/", {"police_liaison": "110"}).status_code == 404
    assert api.as_officer(judge_xixia).post(url + "dispatch/", {"police_liaison": "110"}).status_code == 403
    dispatched = api.as_officer(duty_yinchuan).post(
        url + "dispatch/", {"police_liaison": "西夏分局", "note": "出警"}, format="json"
    )
    assert dispatched.status_code == 201 and dispatched.json()["status"] == "dispatched"
    closed = api.as_officer(duty_yinchuan).post(url + "close/", {"text": "处置完毕"}, format="json").json()
    assert closed["status"] == "closed" and [e["kind"] for e in closed["events"]] == [
        "reported",
        "dispatched",
        "closed",
    ]


def test_indicators_api_values_drill_down_ranking_and_scope(api, courts, judge_xixia):
    from cases.choices import ClosureType as CT

    done = make_case("宁0105", filed=D(2025, 1, 1), closed=D(2025, 3, 3), closure=CT.COMPLETED)
    make_case("宁0105", filed=D(2025, 1, 1), closed=D(2025, 3, 4), closure=CT.WITHDRAWN)
    client = api.as_officer(judge_xixia)
    params = {"court": "宁0105", "start": "2025-03-01", "end": "2025-03-31"}
    body = client.get("/api/v1/indicators/actual_closure/", params).json()
    assert (body["numerator"], body["denominator"], body["value"]) == ("1", "2", "50.00")
    assert "执行完毕或终结执行" in body["definition"] and "依据：" in body["definition"]
    assert client.get("/api/v1/indicators/actual_closure/records/", params).json()["ids"] == [done.pk]
    ranking = client.get("/api/v1/indicators/actual_closure/ranking/", params).json()
    assert ranking[0]["court"] == "宁0105" and ranking[0]["rank"] == 1
    assert client.get("/api/v1/indicators/", {**params, "court": "宁0424"}).status_code == 404
    assert client.get("/api/v1/indicators/no_such/", params).status_code == 404
    listing = client.get("/api/v1/indicators/", params).json()
    assert {r["case_type"] for r in listing["core"]} == {"执", "执恢", "执保", None}


def test_bulletin_generated_and_downloaded_over_the_api(api, courts, director_high, judge_jingyuan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api.as_officer(director_high)
    created = client.post(
        "/api/v1/bulletins/", {"kind": "ten_day", "court": "宁01", "day": "2025-03-15"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["period_start"] == "2025-03-11"
    bid = created.json()["id"]
    assert client.get(f"/api/v1/bulletins/{bid}/file/docx/").status_code == 200
    assert api.as_officer(judge_jingyuan).get(f"/api/v1/bulletins/{bid}/file/xlsx/").status_code == 404
