"""Auctions tied to what the case sealed: an item comes from a seal in force of the same case; a sale books the
deal price and releases the seal (through an unfreeze order for approval); a withdrawn item keeps it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import auctions
from cases.choices import AuctionOutcome, CaseStatus, ReceiptSource
from cases.models import Case, MoneyEntry
from execcenter.exceptions import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    RuleViolation,
)
from querycontrol.models import AuctionLot, ControlOrder
from querycontrol.services import auctions as lot_services
from querycontrol.services import orders as order_services

from .conftest import deposit, make_case, propertied_id_number, query_case, send_now

TODAY = dt.date.today()


def approve_and_send(order, approver, capture):
    with capture():
        order = order_services.approve_order(approver.user, order)
    return send_now(order)


@pytest.fixture
def world(institutions, judge_xixia, approver_xixia, django_capture_on_commit_callbacks):
    """A case (claim 5,000,000) whose respondent's flat is sealed and in force."""
    case = make_case(claim=Decimal("5000000.00"), id_number=propertied_id_number())
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CONTROLLING)
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    flat = case.found_assets.filter(kind="real_estate").order_by("id").first()
    with django_capture_on_commit_callbacks():
        seal = order_services.file_order(judge_xixia.user, "seal", asset=flat)
    seal = approve_and_send(seal, approver_xixia, django_capture_on_commit_callbacks)
    assert seal.is_holding
    return {"case": case, "seal": seal, "flat": flat}


def make_item(world, judge, **kw):
    fields = {"name": "西夏区某小区住宅", "appraisal_value": "800000.00", "appraised_on": TODAY, **kw}
    return lot_services.item_from_control(judge.user, world["seal"], **fields)


def list_first_round(item, judge):
    start = timezone.now() + dt.timedelta(days=31)  # real estate: notice 30 days (网拍规定 Art. 12)
    return auctions.list_round(
        item,
        start_price="560000.00",
        deposit="56000.00",
        announced_on=TODAY,
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),
        actor=judge.user,
    )


def test_a_sold_item_books_the_deal_price_and_releases_its_seal_once(
    world, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    item = make_item(world, judge_xixia)
    assert item.kind == "real_estate" and item.case_id == world["case"].pk
    assert AuctionLot.objects.get(item=item).order_id == world["seal"].pk
    rnd = list_first_round(item, judge_xixia)
    auctions.conclude_round(rnd, AuctionOutcome.SOLD, deal_price="612345.67", actor=judge_xixia.user)
    receipt = MoneyEntry.objects.get(case=world["case"], source=ReceiptSource.AUCTION)
    assert (receipt.amount, receipt.reference) == (Decimal("612345.67"), f"auction:{rnd.pk}")
    assert Case.objects.get(pk=world["case"].pk).recovered_amount == Decimal("612345.67")
    lot = AuctionLot.objects.get(item=item)
    release = lot.release_order
    assert (release.kind, release.target_id, release.status, release.requested_amount) == (
        "unfreeze",
        world["seal"].pk,
        "submitted",
        world["seal"].held_amount,
    )
    # A re-run changes nothing: the round has its result, the money and the release exist once.
    with pytest.raises(InvalidTransition):
        auctions.conclude_round(rnd, AuctionOutcome.SOLD, deal_price="612345.67", actor=judge_xixia.user)
    assert MoneyEntry.objects.filter(case=world["case"], source=ReceiptSource.AUCTION).count() == 1
    assert ControlOrder.objects.filter(kind="unfreeze", target=world["seal"]).count() == 1
    # The approver (four-eyes) lets the release go; the registry lifts the seal.
    approve_and_send(release, approver_xixia, django_capture_on_commit_callbacks)
    seal = ControlOrder.objects.get(pk=world["seal"].pk)
    assert seal.held_amount == Decimal("0.00") and not seal.is_holding


def test_a_withdrawn_item_keeps_its_seal_and_the_asset_may_be_listed_again(world, judge_xixia):
    item = make_item(world, judge_xixia)
    rnd = list_first_round(item, judge_xixia)
    auctions.conclude_round(rnd, AuctionOutcome.WITHDRAWN, actor=judge_xixia.user)
    seal = ControlOrder.objects.get(pk=world["seal"].pk)
    assert seal.is_holding and seal.held_amount == world["seal"].held_amount
    assert not ControlOrder.objects.filter(kind="unfreeze").exists()
    assert not MoneyEntry.objects.filter(case=world["case"]).exists()
    assert lot_services.auctionable(seal)
    again = make_item(world, judge_xixia, name="同一住宅（撤回后重新拍卖）")
    assert AuctionLot.objects.filter(order=seal).count() == 2 and again.pk != item.pk


def test_an_unsold_round_keeps_the_seal(world, judge_xixia):
    item = make_item(world, judge_xixia)
    auctions.conclude_round(list_first_round(item, judge_xixia), AuctionOutcome.UNSOLD, actor=judge_xixia.user)
    assert ControlOrder.objects.get(pk=world["seal"].pk).is_holding
    assert not ControlOrder.objects.filter(kind="unfreeze").exists()


def test_an_asset_already_up_for_auction_cannot_be_listed_twice(world, judge_xixia):
    make_item(world, judge_xixia)
    with pytest.raises(RuleViolation) as exc:
        make_item(world, judge_xixia)
    assert exc.value.code == "already_auctioned" and AuctionLot.objects.count() == 1


def test_money_is_deducted_not_auctioned(world, judge_xixia, approver_xixia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        freeze = order_services.file_order(
            judge_xixia.user, "freeze", asset=deposit(world["case"]), amount=Decimal("1000.00")
        )
    freeze = approve_and_send(freeze, approver_xixia, django_capture_on_commit_callbacks)
    with pytest.raises(RuleViolation) as exc:
        lot_services.item_from_control(
            judge_xixia.user, freeze, name="存款", appraisal_value="1000.00", appraised_on=TODAY
        )
    assert exc.value.code == "deduct_not_auction"


def test_only_a_seal_in_force_of_the_same_case_can_be_auctioned(world, judge_xixia, judge_jingyuan, duty_yinchuan):
    pending = ControlOrder.objects.create(
        case=world["case"],
        court=world["case"].court,
        kind="seal",
        status="submitted",
        asset=world["flat"],
        institution=world["flat"].institution,
        respondent=world["flat"].respondent,
        requested_amount=1,
        filed_by_label="x",
    )
    with pytest.raises(RuleViolation) as exc:
        lot_services.item_from_control(judge_xixia.user, pending, name="x", appraisal_value="1.00", appraised_on=TODAY)
    assert exc.value.code == "not_holding"
    other = make_case(id_number=propertied_id_number(start=5000))
    with pytest.raises(RuleViolation) as exc:
        make_item(world, judge_xixia, case=other)
    assert exc.value.code == "order_other_case"
    with pytest.raises(DomainError) as exc:
        make_item(world, judge_jingyuan)
    assert exc.value.status == 404
    with pytest.raises(PermissionDenied):
        make_item(world, duty_yinchuan)
    assert not AuctionLot.objects.exists()


def test_the_api_makes_items_only_from_a_seal(world, api, judge_xixia):
    client = api.as_officer(judge_xixia)
    body = {"case": world["case"].pk, "name": "住宅", "appraisal_value": "800000.00", "appraised_on": str(TODAY)}
    missing = client.post("/api/v1/auction-items/", body, format="json")
    assert missing.status_code == 400 and "control_order" in missing.json()
    made = client.post("/api/v1/auction-items/", {**body, "control_order": world["seal"].pk}, format="json")
    assert made.status_code == 201 and made.json()["kind"] == "real_estate"
    again = client.post("/api/v1/auction-items/", {**body, "control_order": world["seal"].pk}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_auctioned"


def test_the_browser_puts_a_seal_up_for_auction_lists_rounds_and_records_the_sale(world, client, judge_xixia):
    from django.urls import reverse

    client.force_login(judge_xixia.user)
    seal = world["seal"]
    page = client.get(reverse("querycontrol:order-detail", args=[seal.pk])).content.decode()
    assert 'id="auction-form"' in page
    bad = client.post(
        reverse("querycontrol:order-auction", args=[seal.pk]),
        {"name": "住宅", "appraisal_value": "-1", "appraised_on": ""},
    )
    assert bad.status_code == 400 and not AuctionLot.objects.exists()
    made = client.post(
        reverse("querycontrol:order-auction", args=[seal.pk]),
        {"name": "西夏区住宅", "appraisal_value": "800000.00", "appraised_on": TODAY.isoformat()},
    )
    assert made.status_code == 302 and made["Location"].endswith("#auctions")
    item = AuctionLot.objects.get(order=seal).item
    case_url = reverse("cases:case-detail", args=[world["case"].pk])
    assert 'id="auction-form"' not in client.get(reverse("querycontrol:order-detail", args=[seal.pk])).content.decode()
    start = (timezone.localtime() + dt.timedelta(days=31)).replace(second=0, microsecond=0)
    body = {
        f"round{item.pk}-start_price": "100000.00",
        f"round{item.pk}-deposit": "10000.00",  # below 70% of appraisal
        f"round{item.pk}-announced_on": TODAY.isoformat(),
        f"round{item.pk}-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        f"round{item.pk}-ends_at": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    refused = client.post(reverse("cases:auction-round", args=[world["case"].pk, item.pk]), body)
    assert refused.status_code == 400 and "不得低于评估价的70%" in refused.content.decode()
    body.update({f"round{item.pk}-start_price": "560000.00", f"round{item.pk}-deposit": "56000.00"})
    assert client.post(reverse("cases:auction-round", args=[world["case"].pk, item.pk]), body).status_code == 302
    rnd = item.rounds.get()
    no_price = client.post(
        reverse("cases:auction-conclude", args=[world["case"].pk, rnd.pk]), {f"conclude{rnd.pk}-outcome": "sold"}
    )
    assert no_price.status_code == 400 and "成交须填写成交价" in no_price.content.decode()
    sold = client.post(
        reverse("cases:auction-conclude", args=[world["case"].pk, rnd.pk]),
        {f"conclude{rnd.pk}-outcome": "sold", f"conclude{rnd.pk}-deal_price": "600000.00"},
    )
    assert sold.status_code == 302
    assert MoneyEntry.objects.get(case=world["case"], source=ReceiptSource.AUCTION).amount == Decimal("600000.00")
    assert AuctionLot.objects.get(item=item).release_order.status == "submitted"
    assert "600000.00" in client.get(case_url).content.decode()
