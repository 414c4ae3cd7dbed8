"""One case from filing to payout in the browser, without the API (issue 14, "Done when"): a judge files the case
(looking up a party already on record), records the debtor's facts, runs the network query, freezes a deposit and
seals a flat; the approver approves both; the judge puts the flat up for auction, lists the round, records the sale
and pays the applicant. The fan-out and the orders run in a real Celery worker, as in production."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case, MoneyEntry, Party
from querycontrol.models import AuctionLot, ControlOrder, FoundAsset, QueryRequest
from tests.factories import make_credit_code
from tests.querycontrol.conftest import make_institutions, propertied_id_number
from tests.workers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def submit(page, form_selector, url=None):
    """Submit the form and wait for the page its answer leads to (`url`: a glob when it is a different page)."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()
    if url:
        page.wait_for_url(url)
    page.wait_for_load_state("load")


@pytest.fixture
def real_worker(transactional_db, monkeypatch):
    from tests.workers import WorkerProcess, purge_queues

    # Debtors move money once per period: a period boundary inside the test would change balances under it.
    monkeypatch.setenv("SIMULATOR_BALANCE_MOVE_SECONDS", str(10**9))
    purge_queues()
    proc = WorkerProcess(name="browserflow").start()
    yield proc
    proc.stop()


def test_a_case_is_filed_investigated_frozen_auctioned_and_paid_out_in_the_browser(
    browser_page, log_in, real_worker, judge_xixia, approver_xixia, settings
):
    settings.SIMULATOR_BALANCE_MOVE_SECONDS = 10**9
    page = browser_page
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    make_institutions()
    applicant = Party.objects.create(kind="organisation", name="宁夏某银行股份有限公司", id_number=make_credit_code(11))
    respondent_id = propertied_id_number()

    # 1. Filing, with the applicant found by its credit code.
    log_in(page, judge_xixia.user)
    page.goto("/cases/")
    with page.expect_navigation():
        page.click("#file-case")
    page.fill("[name=cause]", "金融借款合同纠纷")
    page.fill("[name=claim_amount]", "9000000.00")
    page.select_option("[name=p0-kind]", "organisation")
    page.fill("[name=p0-id_number]", applicant.id_number)
    page.click("button.party-lookup[data-row=p0]")
    page.wait_for_function("document.querySelector(\"[name='p0-name']\").value !== ''")
    assert page.input_value("[name=p0-name]") == applicant.name
    page.fill("[name=p1-id_number]", respondent_id)
    page.fill("[name=p1-name]", "王富贵")
    submit(page, "#filing-form", url="**/cases/*/")
    case = Case.objects.get()
    assert re.search(rf"/cases/{case.pk}/$", page.url) and case.case_parties.filter(party=applicant).exists()

    # 2. Debtor facts.
    page.check("[name=facts-dishonest_eligible]")
    submit(page, "form[action$='/actions/facts/']")
    case.refresh_from_db()
    assert case.dishonest_eligible

    # 3. Network query (the worker runs the fan-out).
    submit(page, "#querycontrol-panel form", url="**/querycontrol/queries/*/")
    qr = QueryRequest.objects.get(case=case)
    wait_for(lambda: not QueryRequest.objects.filter(pk=qr.pk).active().exists(), timeout=120, message="the query")
    page.goto(f"/querycontrol/queries/{qr.pk}/")
    deposit = FoundAsset.objects.filter(request=qr, kind="deposit", frozen_by_others=0).order_by("-balance").first()
    flat = FoundAsset.objects.filter(request=qr, kind="real_estate").first()
    assert deposit is not None and flat is not None

    # 4. Freeze part of the deposit and seal the flat (both wait for approval).
    with page.expect_navigation():
        page.click(f"a[href*='kind=freeze'][href$='&asset={deposit.pk}']")
    page.fill("[name=amount]", "20000.00")
    submit(page, "form:has(input[name=kind])", url="**/querycontrol/orders/*/")
    page.goto(f"/querycontrol/queries/{qr.pk}/")
    with page.expect_navigation():
        page.click(f"a[href*='kind=seal'][href$='&asset={flat.pk}']")
    submit(page, "form:has(input[name=kind])", url="**/querycontrol/orders/*/")
    assert ControlOrder.objects.filter(case=case, status="submitted").count() == 2

    # 5. The approver approves both; the worker sends them.
    page.context.clear_cookies()
    log_in(page, approver_xixia.user)
    for _ in range(2):
        page.goto("/querycontrol/approvals/")
        with page.expect_navigation():
            page.locator("form[action$='/approve/'] button").first.click()
    wait_for(
        lambda: ControlOrder.objects.filter(case=case, status="done").count() == 2, timeout=120, message="the orders"
    )
    seal = ControlOrder.objects.get(case=case, kind="seal")
    assert seal.is_holding and ControlOrder.objects.get(case=case, kind="freeze").held_amount == Decimal("20000.00")

    # 6. The judge puts the sealed flat up for auction, lists the round and records the sale.
    page.context.clear_cookies()
    log_in(page, judge_xixia.user)
    page.goto(f"/querycontrol/orders/{seal.pk}/")
    page.fill("#auction-form [name=name]", "银川市西夏区住宅一套")
    page.fill("#auction-form [name=appraisal_value]", "1000000.00")
    page.fill("#auction-form [name=appraised_on]", timezone.localdate().isoformat())
    submit(page, "#auction-form", url="**/cases/*/#auctions")
    item = AuctionLot.objects.get(order=seal).item
    start = timezone.localtime() + dt.timedelta(days=31)
    page.fill(f"[name=round{item.pk}-start_price]", "700000.00")
    page.fill(f"[name=round{item.pk}-deposit]", "70000.00")
    page.fill(f"[name=round{item.pk}-announced_on]", timezone.localdate().isoformat())
    page.fill(f"[name=round{item.pk}-starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill(f"[name=round{item.pk}-ends_at]", (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    submit(page, "form.auction-round")
    rnd = item.rounds.get()
    page.select_option(f"[name=conclude{rnd.pk}-outcome]", "sold")
    page.fill(f"[name=conclude{rnd.pk}-deal_price]", "760000.00")
    submit(page, "form.auction-conclude")
    assert MoneyEntry.objects.get(case=case, source="auction").amount == Decimal("760000.00")
    assert AuctionLot.objects.get(item=item).release_order.status == "submitted"

    # 7. Payout to the applicant: the judge requests it, the approver approves it (four-eyes), then it is paid.
    page.fill("[name=payout-amount]", "500000.00")
    page.select_option("[name=payout-payee]", str(applicant.pk))
    submit(page, "form[action$='/actions/payout/']")
    assert not MoneyEntry.objects.filter(case=case, kind="payout").exists()
    from cases.models import ApprovalRequest

    assert ApprovalRequest.objects.filter(case=case, kind="payout", status="pending").exists(), page.locator(
        "form[action$='/actions/payout/']"
    ).inner_text()
    page.context.clear_cookies()
    log_in(page, approver_xixia.user)
    page.goto("/querycontrol/approvals/")
    assert page.locator("form[action*='/cases/approvals/']").count(), page.locator("main").inner_text()[-600:]
    with page.expect_navigation():
        page.locator("form[action*='/cases/approvals/'][action$='/approve/'] button").first.click()
    payout = MoneyEntry.objects.get(case=case, kind="payout")
    assert (payout.amount, payout.payee_id) == (Decimal("500000.00"), applicant.pk)
    page.goto(f"/cases/{case.pk}/")
    assert "500000.00" in page.content()

    assert api_calls == [], api_calls
    assert page.console_errors == [], page.console_errors
    page.save_screenshot()
