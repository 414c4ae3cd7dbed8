"""The browser pages: list filters and scope, the case page's masking, actions, errors and panels."""

import pytest
from django.urls import reverse

from cases import panels
from cases.choices import CaseStatus
from cases.models import Case
from execcenter.models import AuditLog
from tests.cases.conftest import applicant, case_in, respondent

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_officer(officer):
        client.force_login(officer.user)
        return client

    return as_officer


def test_case_list_shows_only_cases_in_scope_and_filters_by_status(login, judge_xixia, courts):
    mine = case_in(CaseStatus.CONTROLLING, court=courts["宁0105"])
    other_status = case_in(CaseStatus.FILED, court=courts["宁0105"])
    foreign = case_in(CaseStatus.CONTROLLING, court=courts["宁0424"])
    c = login(judge_xixia)
    page = c.get(reverse("cases:case-list")).content.decode()
    assert mine.number in page and other_status.number in page and foreign.number not in page
    page = c.get(reverse("cases:case-list"), {"status": "controlling"}).content.decode()
    assert mine.number in page and other_status.number not in page


def test_case_list_text_search_by_party_name(login, judge_xixia, courts):
    a, b = case_in(CaseStatus.CONTROLLING), case_in(CaseStatus.CONTROLLING)
    page = login(judge_xixia).get(reverse("cases:case-list"), {"q": respondent(a).id_number}).content.decode()
    assert a.number in page and b.number not in page


def test_case_page_of_another_court_answers_404(login, judge_jingyuan, courts):
    case = case_in(CaseStatus.CONTROLLING)
    assert login(judge_jingyuan).get(reverse("cases:case-detail", args=[case.pk])).status_code == 404


def test_case_page_masks_ids_for_duty_officers_and_shows_them_to_judges_with_audit(login, judge_xixia, duty_yinchuan):
    case = case_in(CaseStatus.CONTROLLING)
    full = respondent(case).id_number
    page = login(duty_yinchuan).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert full not in page and full[:6] + "********" + full[-4:] in page
    assert not AuditLog.objects.filter(action="personal_data.read").exists()
    page = login(judge_xixia).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert full in page
    assert AuditLog.objects.filter(action="personal_data.read", user=judge_xixia.user, object_id=str(case.pk)).exists()


def test_case_page_action_form_moves_the_case_and_a_wrong_state_shows_the_reason(login, judge_xixia):
    case = case_in(CaseStatus.INVESTIGATING)
    c = login(judge_xixia)
    url = reverse("cases:case-action", args=[case.pk, "transition"])
    assert c.post(url, {"transition-to": "controlling"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CONTROLLING
    response = c.post(reverse("cases:case-action", args=[case.pk, "resume"]), {})
    assert response.status_code == 409 and "不能恢复执行" in response.content.decode()


def test_case_page_form_with_bad_input_answers_400_with_the_field_error(login, judge_xixia):
    case = case_in(CaseStatus.DISPOSING)
    response = login(judge_xixia).post(
        reverse("cases:case-action", args=[case.pk, "receipt"]), {"receipt-amount": "-3", "receipt-source": "voluntary"}
    )
    assert response.status_code == 400
    assert not case.money_entries.exists()


def test_payout_beyond_balance_from_the_page_is_refused_with_the_rule(login, judge_xixia):
    case = case_in(CaseStatus.DISPOSING)
    c = login(judge_xixia)
    c.post(
        reverse("cases:case-action", args=[case.pk, "receipt"]), {"receipt-amount": "10", "receipt-source": "voluntary"}
    )
    response = c.post(
        reverse("cases:case-action", args=[case.pk, "payout"]),
        {"payout-amount": "11", "payout-payee": applicant(case).pk},
    )
    assert response.status_code == 400 and "超过" in response.content.decode()


def test_registered_panels_render_on_the_case_page(login, judge_xixia, monkeypatch, tmp_path, settings):
    (tmp_path / "panel_probe.html").write_text(
        "<section id='probe'>{{ greeting }} {{ case.number }}</section>", encoding="utf-8"
    )
    settings.TEMPLATES = [dict(settings.TEMPLATES[0], DIRS=[*settings.TEMPLATES[0]["DIRS"], tmp_path])]
    monkeypatch.setattr(panels, "PANELS", [("panel_probe.html", lambda case, request: {"greeting": "查控面板"})])
    case = case_in(CaseStatus.CONTROLLING)
    page = login(judge_xixia).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert f"查控面板 {case.number}" in page


def test_home_lands_on_the_workbench(login, judge_xixia):
    response = login(judge_xixia).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")


def test_a_failing_panel_does_not_break_the_case_page(login, judge_xixia, monkeypatch):
    def broken(case, request):
        raise RuntimeError("higher app bug")

    monkeypatch.setattr(panels, "PANELS", [("does/not/exist.html", broken)])
    case = case_in(CaseStatus.CONTROLLING)
    response = login(judge_xixia).get(reverse("cases:case-detail", args=[case.pk]))
    assert response.status_code == 200 and "扩展面板暂不可用" in response.content.decode()
