"""A refused form shows its error once, next to the form, in Chinese — with htmx (boosted) and without
(issue 13 item 13). Before: htmx ignored the 4xx answer (nothing shown) and without htmx the message was printed
twice (the template's own alert and form.as_div's list)."""

import pytest

from cases.choices import CaseStatus, CaseTag
from tests.cases.conftest import case_in

NOTICE_RANGE = "送达日期应在立案日期与今天之间"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notice", {"notice-sent_on": "2030-01-01"}, NOTICE_RANGE),  # the input: a date in 2030
        ("notice", {"notice-sent_on": "2001-05-05"}, NOTICE_RANGE),  # before filing
        (
            "receipt",
            {"receipt-amount": "-5", "receipt-source": "voluntary"},
            "金额不能为负数",
        ),  # a field error (execcenter.money)
        ("notice", {"notice-sent_on": "明天"}, "有效的日期"),  # not a date at all
    ],
)
def test_refused_case_action_shows_its_error_once_inside_its_own_form(client, judge_xixia, courts, name, data, message):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"], assigned_judge=judge_xixia)
    client.force_login(judge_xixia.user)
    response = client.post(f"/cases/{case.pk}/actions/{name}/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 400 <= response.status_code < 500
    html = response.content.decode()
    assert html.count(message) == 1, html.count(message)
    form_start = html.index(f'action="/cases/{case.pk}/actions/{name}/"')
    assert form_start < html.index(message) < html.index("</form>", form_start)


def test_htmx_swaps_4xx_answers_in_so_the_refusal_is_visible(client, judge_xixia, courts):
    """htmx 2 does not swap 4xx answers by default; the page configures responseHandling to do so."""
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"], assigned_judge=judge_xixia)
    client.force_login(judge_xixia.user)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="htmx-config"' in html and '"code":"4..","swap":true' in html


@pytest.mark.browser
def test_boosted_notice_form_shows_the_refusal_for_a_date_in_2030(browser_page, log_in, judge_xixia, courts):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"], assigned_judge=judge_xixia)
    page = log_in(browser_page, judge_xixia.user)
    page.goto(f"/cases/{case.pk}/")
    form = page.locator(f'form[action="/cases/{case.pk}/actions/notice/"]')
    form.locator("input[name=notice-sent_on]").fill("2030-10-01")
    form.locator("button[type=submit]").click()
    alert = page.locator(f'form[action="/cases/{case.pk}/actions/notice/"] [role=alert]')
    alert.wait_for(timeout=10_000)
    assert NOTICE_RANGE in alert.inner_text()
    assert page.get_by_text(NOTICE_RANGE).count() == 1
    page.save_screenshot()


@pytest.mark.parametrize(
    "tags, shown, hidden",
    [
        (
            [CaseTag.ENTERPRISE, CaseTag.GOVERNMENT],
            ["涉企", "涉党政机关"],
            ["enterprise", "government"],
        ),  # the input
        ([CaseTag.LIVELIHOOD], ["涉民生"], ["livelihood"]),
        ([CaseTag.MIGRANT_WAGES, CaseTag.FINANCIAL], ["农民工工资", "涉金融"], ["migrant_wages", "financial"]),
    ],
)
def test_case_tags_show_in_the_page_language(client, judge_xixia, courts, tags, shown, hidden):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    case.set_tags(tags)
    case.save()
    client.force_login(judge_xixia.user)
    html = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    head = html[html.index('class="case-head"') : html.index("</div>", html.index('class="case-head"'))]
    for label in shown:
        assert f'<span class="badge">{label}</span>' in head
    for code in hidden:
        assert code not in head
