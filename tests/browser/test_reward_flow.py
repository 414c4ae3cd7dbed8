"""A reward notice (悬赏公告) from application to refund in the browser, without the API: the judge records the
application and the advance, the approver publishes it from the approval queue, the judge registers a lead (a wrong
ID number is refused next to the form), checks it and proposes the reward, the approver pays it and closes the
notice, refunding the rest."""

from decimal import Decimal

import pytest

from cases.choices import CaseStatus, RewardNoticeStatus
from cases.models import RewardLead, RewardNotice
from cases.services import record_receipt
from tests.cases.conftest import applicant, case_in
from tests.cases.test_rewards import INFORMANT_ID, WRONG_CHECKSUM

pytestmark = [pytest.mark.browser]


def submit(page, selector):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_a_reward_notice_is_published_a_lead_rewarded_and_the_rest_refunded_in_the_browser(
    browser_page, log_in, courts, judge_xixia, approver_xixia
):
    page = browser_page
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])

    log_in(page, judge_xixia.user)
    page.goto(f"/cases/{case.pk}/")
    page.select_option("[name=reward-applicant]", str(applicant(case).pk))
    page.fill("[name=reward-reward_amount]", "20000")
    page.fill("[name=reward-property_sought]", "被执行人名下车辆")
    submit(page, "form[action$='/actions/reward/']")
    notice = RewardNotice.objects.get()  # the answer is the notice's own page (the case page is htmx-boosted)
    page.goto(f"/cases/{case.pk}/rewards/{notice.pk}/")
    page.fill("[name=advance-amount]", "20000.00")
    page.fill("[name=advance-reference]", "YH20261130001")
    submit(page, "#reward-advance")

    page.context.clear_cookies()
    log_in(page, approver_xixia.user)
    page.goto("/querycontrol/approvals/")
    with page.expect_navigation():
        page.click(f"#reward-approvals ~ table a[href$='/rewards/{notice.pk}/']")
    page.fill("[name=approve-note]", "同意发布")
    submit(page, "#reward-approve")
    notice.refresh_from_db()
    assert notice.status == RewardNoticeStatus.PUBLISHED and page.locator("a[href^='/cases/documents/']").count() == 1

    page.context.clear_cookies()
    log_in(page, judge_xixia.user)
    page.goto(f"/cases/{case.pk}/rewards/{notice.pk}/")
    page.fill("[name=lead-informant_name]", "王某")
    page.fill("[name=lead-informant_id_number]", WRONG_CHECKSUM)
    page.fill("[name=lead-informant_phone]", "13900000000")
    page.fill("[name=lead-content]", "被执行人的轿车停放在某小区地下车库")
    submit(page, "#reward-lead")
    assert "身份证号码校验码错误" in page.locator("#reward-lead .errorlist").inner_text()
    assert not RewardLead.objects.exists()
    page.fill("[name=lead-informant_id_number]", INFORMANT_ID)
    submit(page, "#reward-lead")
    lead = RewardLead.objects.get()
    page.select_option(f"[name=check{lead.pk}-outcome]", "confirmed")
    page.fill(f"[name=check{lead.pk}-note]", "车辆已查封、拍卖")
    submit(page, f"#lead-{lead.pk} form")
    record_receipt(case, "150000", "auction", actor=judge_xixia.user)
    page.reload()
    page.fill(f"[name=request{lead.pk}-amount]", "15000")
    page.fill(f"[name=request{lead.pk}-realised_amount]", "150000")
    submit(page, f"#lead-{lead.pk} form")

    page.context.clear_cookies()
    log_in(page, approver_xixia.user)
    page.goto(f"/cases/{case.pk}/rewards/{notice.pk}/")
    submit(page, f"#lead-{lead.pk} form")
    page.fill("[name=close-note]", "财产已处置，悬赏结束")
    submit(page, "#reward-close")
    notice.refresh_from_db()
    assert (notice.status, notice.paid, notice.refunded) == (
        RewardNoticeStatus.CLOSED,
        Decimal("15000.00"),
        Decimal("5000.00"),
    )
    assert "已结束" in page.locator("#reward-notice h1").inner_text()
    assert api_calls == []
