"""Browser pages: render for the right people, 404 outside scope, and the field/answer forms do their work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from command import services
from command.models import Incident, OperationResult
from tests.images import png_bytes

from .conftest import make_case


@pytest.fixture
def running(courts, director_high, judge_xixia):
    now = timezone.now()
    op = services.create_operation(
        director_high.user,
        name="夜间行动",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
    )
    team = services.add_team(director_high.user, op, name="一组", court=courts["宁0105"], leader=judge_xixia)
    services.launch_operation(director_high.user, op)
    return op, team


@pytest.mark.parametrize(
    "path",
    [
        "/command/",
        "/command/operations/",
        "/command/incidents/",
        "/command/letters/",
        "/command/indicators/",
        "/command/bulletins/",
        "/command/incidents/report/",
        "/command/letters/send/",
    ],
)
def test_pages_render_for_a_judge(client, judge_xixia, path):
    client.force_login(judge_xixia.user)
    response = client.get(path)
    assert response.status_code == 200, path
    assert "指挥调度" in response.content.decode()


def test_field_page_records_a_result_for_a_team_member(client, running, judge_xixia):
    op, team = running
    case = make_case("宁0105")
    client.force_login(judge_xixia.user)
    response = client.post(
        f"/command/operations/{op.pk}/field/",
        {
            "team": team.pk,
            "case_number": case.number,
            "amount_recovered": "300.00",
            "people_detained": 0,
            "measures": ["seal"],
        },
    )
    assert response.status_code == 302
    assert OperationResult.objects.get().amount_recovered == Decimal("300.00")


def test_operation_page_is_404_for_a_court_not_taking_part(client, running, judge_jingyuan):
    client.force_login(judge_jingyuan.user)
    assert client.get(f"/command/operations/{running[0].pk}/").status_code == 404


def test_judge_cannot_end_an_operation_from_the_browser(client, running, judge_xixia):
    client.force_login(judge_xixia.user)
    client.post(f"/command/operations/{running[0].pk}/end/", HTTP_REFERER="/command/")
    running[0].refresh_from_db()
    assert running[0].status == "running"


def test_incident_reported_with_photo_from_the_browser(client, judge_xixia, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(judge_xixia.user)
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(
        "/command/incidents/report/",
        {
            "kind": "crowd",
            "severity": "medium",
            "latitude": "38.4",
            "longitude": "106.2",
            "address": "现场",
            "description": "围堵",
            "photos": [photo],
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().photos.count() == 1


def test_unit_answers_through_the_signed_link_once(client, courts, judge_xixia):
    unit = services.register_unit(name="镇北堡镇", kind="township", court=courts["宁0105"])
    letter = services.send_letter(
        judge_xixia.user, make_case("宁0105"), unit, subject="查找下落", request_text="请协助查找"
    )
    url = f"/command/letters/answer/{services.answer_token(letter)}/"
    assert client.get(url).status_code == 200
    client.post(url, {"answered_by": "镇综治办", "answer_text": "已查找，被执行人在外务工"})
    letter.refresh_from_db()
    assert letter.status == "answered" and letter.answered_via == "form"
    assert "已答复" in client.get(url).content.decode()
    assert client.get("/command/letters/answer/forged-token/").status_code == 404


def test_indicator_drill_down_page_is_404_for_a_court_out_of_scope(client, judge_xixia):
    client.force_login(judge_xixia.user)
    assert client.get("/command/indicators/actual_closure/cases/", {"court": "宁0424"}).status_code == 404
    assert client.get("/command/indicators/actual_closure/cases/", {"court": "宁0105"}).status_code == 200


def test_the_indicators_page_shows_each_calibre_in_chinese_with_its_source(client, judge_xixia):
    """Issue #13 item 13: the 口径 column showed the builders' English docstrings."""
    from command.indicators import INDICATORS

    client.force_login(judge_xixia.user)
    page = client.get("/command/indicators/").content.decode()
    for code, indicator in INDICATORS.items():
        assert str(indicator.definition) in page.replace("&#x27;", "'"), code
    assert "法〔2016〕373号" in page and "依据：" in page
    assert "Denominator" not in page and "Numerator" not in page
