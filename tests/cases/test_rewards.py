"""Reward notices (悬赏公告) as a workflow: application and advance, publication (four-eyes, the notice as a record),
leads registered in order with the informant protected, the check, rewards paid from the advance (four-eyes,
once), the refund of the rest. 《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 21–24."""

import io
from decimal import Decimal

import pytest
from docx import Document

from cases import documents as issued
from cases import rewards
from cases.choices import CaseStatus, MeasureStatus, RewardEntryKind, RewardLeadStatus, RewardNoticeStatus
from cases.models import Case, IssuedDocument, MoneyEntry, RewardEntry, RewardLead, RewardNotice
from cases.services import record_receipt
from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from execcenter.policy import NotFound
from execcenter.validators import resident_id_check_char
from tests.cases.conftest import applicant, case_in, respondent
from tests.concurrency import run_together
from tests.docx_checks import assert_chinese_docx

pytestmark = pytest.mark.django_db


def a_resident_id(first17="64010519850312123"):
    return first17 + resident_id_check_char(first17)


INFORMANT_ID = a_resident_id()
OTHER_ID = a_resident_id("64010219900101456")
WRONG_CHECKSUM = INFORMANT_ID[:-1] + ("0" if INFORMANT_ID[-1] != "0" else "1")


@pytest.fixture
def case(courts):
    return case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])


def notice_for(case, judge, amount="50000"):
    return rewards.apply(
        judge.user,
        case,
        applicant=applicant(case),
        reward_amount=amount,
        property_sought="被执行人名下车辆及银行存款",
        channels="全国法院执行悬赏公告平台、法院微信公众号",
    )


def published(case, judge, approver, amount="50000"):
    notice = notice_for(case, judge, amount)
    rewards.record_advance(judge.user, notice, amount=amount, reference="BANK-001")
    return rewards.approve(approver.user, notice)


def a_lead(notice, judge, id_number=INFORMANT_ID, **kw):
    return rewards.register_lead(
        judge.user,
        notice,
        informant_name="王某",
        informant_id_number=id_number,
        informant_phone="13900000000",
        content="被执行人在某小区有一辆登记在其亲属名下的轿车",
        channel="phone",
        **kw,
    )


def test_the_whole_path_publishes_pays_one_reward_from_the_advance_and_refunds_the_rest(
    case, judge_xixia, approver_xixia
):
    notice = notice_for(case, judge_xixia)
    assert notice.status == RewardNoticeStatus.APPLIED
    entry, created = rewards.record_advance(judge_xixia.user, notice, amount="50,000.00", reference="BANK-001")
    assert created and entry.amount == Decimal("50000.00")
    again, created = rewards.record_advance(judge_xixia.user, notice, amount="50000", reference="BANK-001")
    assert not created and again.pk == entry.pk  # a repeated booking changes nothing
    notice = rewards.approve(approver_xixia.user, notice, note="同意发布")
    assert notice.status == RewardNoticeStatus.PUBLISHED and notice.notice_no.endswith("号")
    assert "执悬" in notice.notice_no and notice.measure.status == MeasureStatus.ACTIVE
    doc = IssuedDocument.objects.get(kind="reward_notice")
    assert_chinese_docx(issued.read(doc))  # every run names a Chinese face, zh-CN (execcenter.docx_layout)
    text = "\n".join(p.text for p in Document(io.BytesIO(issued.read(doc))).paragraphs)
    assert "悬赏公告" in text and "50,000.00元" in text and case.number in text
    assert respondent(case).id_number not in text  # the public notice masks the respondent's ID number

    lead = a_lead(notice, judge_xixia)
    second = a_lead(notice, judge_xixia, id_number=OTHER_ID, duplicate_of=lead)
    assert (lead.seq, second.seq) == (1, 2)
    rewards.check_lead(judge_xixia.user, lead, outcome="confirmed", note="车辆已查封并拍卖")
    rewards.check_lead(judge_xixia.user, second, outcome="confirmed", note="同一车辆")
    record_receipt(case, "80000", "auction", actor=judge_xixia.user)
    with pytest.raises(RuleViolation) as exc:
        rewards.request_reward(judge_xixia.user, second, amount="1000", realised_amount="80000")
    assert exc.value.code == "duplicate_lead"  # the earlier informant of the same lead ranks first
    lead = rewards.request_reward(judge_xixia.user, lead, amount="30000", realised_amount="80000")
    assert lead.status == RewardLeadStatus.REWARD_REQUESTED
    with pytest.raises(PermissionDenied):
        rewards.approve_reward(judge_xixia.user, lead)  # a judge does not approve money
    lead = rewards.approve_reward(approver_xixia.user, lead)
    assert lead.status == RewardLeadStatus.REWARDED
    with pytest.raises(InvalidTransition):
        rewards.approve_reward(approver_xixia.user, lead)  # paid once
    # the second lead is confirmed but not rewardable: it does not block closing
    notice = rewards.close(approver_xixia.user, notice, note="被执行人财产已处置完毕")
    notice.refresh_from_db()
    assert notice.status == RewardNoticeStatus.CLOSED
    assert (notice.advanced, notice.paid, notice.refunded, notice.balance) == (
        Decimal("50000.00"),
        Decimal("30000.00"),
        Decimal("20000.00"),
        Decimal("0.00"),
    )
    kinds = list(RewardEntry.objects.filter(notice=notice).values_list("kind", "amount"))
    assert kinds == [
        (RewardEntryKind.ADVANCE, Decimal("50000.00")),
        (RewardEntryKind.REWARD, Decimal("30000.00")),
        (RewardEntryKind.REFUND, Decimal("20000.00")),
    ]
    notice.measure.refresh_from_db()
    assert notice.measure.status == MeasureStatus.COMPLETED
    # The advance is not case money: the case account holds only the auction's 80,000.
    assert list(MoneyEntry.objects.filter(case=case).values_list("amount", flat=True)) == [Decimal("80000.00")]
    assert Case.objects.get(pk=case.pk).recovered_amount == Decimal("80000.00")
    with pytest.raises(InvalidTransition):
        rewards.close(approver_xixia.user, notice, note="again")


def test_publication_needs_the_whole_advance_and_another_person(case, judge_xixia, approver_xixia, courts):
    from execcenter.choices import Role
    from tests.conftest import _officer

    notice = notice_for(case, judge_xixia, amount="10000")
    rewards.record_advance(judge_xixia.user, notice, amount="9999.99", reference="B1")
    with pytest.raises(RuleViolation) as exc:
        rewards.approve(approver_xixia.user, notice)
    assert exc.value.code == "advance_short"
    assert not IssuedDocument.objects.exists() and RewardNotice.objects.get().status == RewardNoticeStatus.APPLIED
    both = _officer(courts, "judge_and_approver", "宁0105", Role.JUDGE, Role.APPROVER)
    own = notice_for(case, both, amount="100")
    rewards.record_advance(both.user, own, amount="100", reference="B2")
    with pytest.raises(PermissionDenied):
        rewards.approve(both.user, own)  # four-eyes: nobody publishes what they recorded
    with pytest.raises(PermissionDenied):
        rewards.approve(judge_xixia.user, notice)  # not an approver


def test_a_refused_application_returns_the_advance_at_once(case, judge_xixia, approver_xixia):
    notice = notice_for(case, judge_xixia)
    rewards.record_advance(judge_xixia.user, notice, amount="3000", reference="B1")
    with pytest.raises(RuleViolation):
        rewards.reject(approver_xixia.user, notice, note="  ")
    notice = rewards.reject(approver_xixia.user, notice, note="被执行人已主动履行")
    notice.refresh_from_db()
    assert notice.status == RewardNoticeStatus.REJECTED and notice.refunded == Decimal("3000.00")
    with pytest.raises(InvalidTransition):
        rewards.record_advance(judge_xixia.user, notice, amount="1", reference="B9")
    with pytest.raises(InvalidTransition):
        rewards.approve(approver_xixia.user, notice)


def test_bad_input_is_refused_and_changes_nothing(case, judge_xixia, approver_xixia):
    with pytest.raises(RuleViolation) as exc:
        rewards.apply(
            judge_xixia.user, case, applicant=respondent(case), reward_amount="100", property_sought="x", channels="y"
        )
    assert exc.value.code == "not_applicant"
    for amount in ("0", "-5", "1.005", "abc"):
        with pytest.raises(RuleViolation):
            notice_for(case, judge_xixia, amount=amount)
    assert not RewardNotice.objects.exists()
    notice = published(case, judge_xixia, approver_xixia)
    with pytest.raises(RuleViolation) as exc:
        a_lead(notice, judge_xixia, id_number=WRONG_CHECKSUM)
    assert exc.value.code == "id_checksum"
    with pytest.raises(RuleViolation):
        rewards.register_lead(
            judge_xixia.user,
            notice,
            informant_name="王某",
            informant_id_number=INFORMANT_ID,
            informant_phone="13900000000",
            content=" ",
            channel="phone",
        )
    with pytest.raises(RuleViolation):
        rewards.register_lead(
            judge_xixia.user,
            notice,
            informant_name="王某",
            informant_id_number=INFORMANT_ID,
            informant_phone="13900000000",
            content="线索",
            channel="carrier-pigeon",
        )
    assert not RewardLead.objects.exists()
    with pytest.raises(DomainError) as exc:
        rewards.record_advance(judge_xixia.user, notice, amount="1", reference="BANK-001")  # same ref, other amount
    assert exc.value.code == "reference_in_use"


def test_a_party_as_informant_is_registered_but_never_rewarded(case, judge_xixia, approver_xixia):
    notice = published(case, judge_xixia, approver_xixia)
    lead = a_lead(notice, judge_xixia, id_number=respondent(case).id_number)
    assert lead.excluded_reason
    agent = a_lead(notice, judge_xixia, id_number=OTHER_ID, agent_or_obliged=True)
    assert agent.excluded_reason
    record_receipt(case, "10000", "voluntary", actor=judge_xixia.user)
    for x in (lead, agent):
        rewards.check_lead(judge_xixia.user, x, outcome="confirmed", note="属实")
        with pytest.raises(RuleViolation) as exc:
            rewards.request_reward(judge_xixia.user, x, amount="100", realised_amount="100")
        assert exc.value.code == "informant_excluded"


def test_rewards_stay_within_the_notice_and_the_advance_and_need_realised_money(case, judge_xixia, approver_xixia):
    notice = published(case, judge_xixia, approver_xixia, amount="1000")
    one, two = a_lead(notice, judge_xixia), a_lead(notice, judge_xixia, id_number=OTHER_ID)
    for x in (one, two):
        rewards.check_lead(judge_xixia.user, x, outcome="confirmed", note="属实")
    with pytest.raises(RuleViolation) as exc:
        rewards.request_reward(judge_xixia.user, one, amount="600", realised_amount="1")
    assert exc.value.code == "realised_exceeds_receipts"  # nothing realised yet: no reward (Art. 24)
    record_receipt(case, "5000", "voluntary", actor=judge_xixia.user)
    rewards.request_reward(judge_xixia.user, one, amount="600", realised_amount="5000")
    with pytest.raises(RuleViolation) as exc:
        rewards.request_reward(judge_xixia.user, two, amount="400.01", realised_amount="5000")
    assert exc.value.code == "reward_exceeds_balance"  # 600 waiting + 400.01 > the 1,000 promised
    rewards.request_reward(judge_xixia.user, two, amount="400", realised_amount="5000")
    with pytest.raises(InvalidTransition) as exc:
        rewards.close(approver_xixia.user, notice, note="结束")
    assert exc.value.code == "leads_pending"
    rewards.refuse_reward(approver_xixia.user, two, note="该线索系法院已掌握")
    rewards.approve_reward(approver_xixia.user, one)
    notice = rewards.close(approver_xixia.user, notice, note="结束")
    notice.refresh_from_db()
    assert (notice.paid, notice.refunded) == (Decimal("600.00"), Decimal("400.00"))


def test_a_lead_is_checked_once_and_an_unfounded_one_is_not_rewarded(case, judge_xixia, approver_xixia):
    notice = published(case, judge_xixia, approver_xixia)
    lead = a_lead(notice, judge_xixia)
    with pytest.raises(RuleViolation):
        rewards.check_lead(judge_xixia.user, lead, outcome="rewarded", note="x")
    rewards.check_lead(judge_xixia.user, lead, outcome="unfounded", note="查无此车")
    with pytest.raises(InvalidTransition):
        rewards.check_lead(judge_xixia.user, lead, outcome="confirmed", note="again")
    with pytest.raises(InvalidTransition):
        rewards.request_reward(judge_xixia.user, lead, amount="1", realised_amount="0.01")


def test_another_court_neither_sees_nor_acts_and_a_closed_case_takes_no_new_application(
    case, judge_xixia, approver_xixia, judge_jingyuan
):
    notice = published(case, judge_xixia, approver_xixia)
    with pytest.raises(NotFound):
        a_lead(notice, judge_jingyuan)
    assert not RewardNotice.objects.visible_to(judge_jingyuan.user).exists()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    with pytest.raises(InvalidTransition):
        notice_for(case, judge_xixia)
    notice.refresh_from_db()
    rewards.close(approver_xixia.user, notice, note="案件已执行完毕")  # a notice still closes after the case did


def test_an_application_left_undecided_when_the_case_closed_is_refused_with_its_refund(
    case, judge_xixia, approver_xixia
):
    notice = notice_for(case, judge_xixia, amount="800")
    rewards.record_advance(judge_xixia.user, notice, amount="800", reference="B-CLOSED")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    notice.refresh_from_db()
    with pytest.raises(InvalidTransition) as exc:
        rewards.approve(approver_xixia.user, notice)  # nothing is published for a closed case
    assert exc.value.code == "case_closed" and not IssuedDocument.objects.exists()
    notice = rewards.reject(approver_xixia.user, notice, note="案件已结案")
    notice.refresh_from_db()
    assert notice.status == RewardNoticeStatus.REJECTED and notice.refunded == Decimal("800.00")


def test_a_pending_reward_decision_holds_a_transfer_back(case, judge_xixia):
    from cases import transfers

    assert transfers.blockers(case) == []
    notice_for(case, judge_xixia)
    assert any("悬赏" in str(r) for r in transfers.blockers(case))


def test_every_step_in_the_browser_with_errors_next_to_the_form(client, case, judge_xixia, approver_xixia):
    from django.urls import reverse

    client.force_login(judge_xixia.user)
    apply_url = reverse("cases:case-action", args=[case.pk, "reward"])
    body = {
        "reward-applicant": applicant(case).pk,
        "reward-reward_amount": "2,000",
        "reward-property_sought": "车辆",
        "reward-channels": "全国法院执行悬赏公告平台",
    }
    refused = client.post(apply_url, {**body, "reward-reward_amount": "1.005"})
    assert refused.status_code == 400 and "最多保留两位小数" in refused.content.decode()
    assert not RewardNotice.objects.exists()
    response = client.post(apply_url, body)
    notice = RewardNotice.objects.get()
    page = reverse("cases:reward-detail", args=[case.pk, notice.pk])
    assert response.status_code == 302 and response["Location"] == page
    step = lambda s: reverse("cases:reward-step", args=[case.pk, notice.pk, s])  # noqa: E731
    assert client.post(step("advance"), {"advance-amount": "2000", "advance-reference": "BK-9"}).status_code == 302
    # The judge cannot publish: the policy refuses (403) and nothing changes.
    assert client.post(step("approve"), {"approve-note": ""}).status_code == 403
    client.force_login(approver_xixia.user)
    html = client.get(page).content.decode()
    assert "准许并发布" in html and "登记财产线索" not in html
    refused = client.post(step("reject"), {"approve-note": ""})
    assert refused.status_code == 400 and "不予准许的理由" in refused.content.decode()
    assert client.post(step("approve"), {"approve-note": "同意"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == RewardNoticeStatus.PUBLISHED

    client.force_login(judge_xixia.user)
    lead_body = {
        "lead-informant_name": "王某",
        "lead-informant_phone": "13900000000",
        "lead-channel": "visit",
        "lead-content": "被执行人在某银行有存款",
    }
    bad = client.post(step("lead"), {**lead_body, "lead-informant_id_number": WRONG_CHECKSUM})
    assert bad.status_code == 400 and "身份证号码校验码错误" in bad.content.decode()
    assert client.post(step("lead"), {**lead_body, "lead-informant_id_number": INFORMANT_ID}).status_code == 302
    lead = RewardLead.objects.get()
    lead_step = lambda s: reverse("cases:reward-lead-step", args=[case.pk, lead.pk, s])  # noqa: E731
    assert (
        client.post(
            lead_step("check"), {f"check{lead.pk}-outcome": "confirmed", f"check{lead.pk}-note": "属实"}
        ).status_code
        == 302
    )
    record_receipt(case, "9000", "voluntary", actor=judge_xixia.user)
    over = client.post(
        lead_step("request"), {f"request{lead.pk}-amount": "2000.01", f"request{lead.pk}-realised_amount": "9000"}
    )
    assert over.status_code == 400 and "超过可发放余额" in over.content.decode()
    ok = client.post(
        lead_step("request"), {f"request{lead.pk}-amount": "1500", f"request{lead.pk}-realised_amount": "9000"}
    )
    assert ok.status_code == 302
    assert client.post(lead_step("approve"), {f"approve{lead.pk}-note": ""}).status_code == 403  # not the judge
    client.force_login(approver_xixia.user)
    html = client.get(page).content.decode()
    assert INFORMANT_ID in html  # an approver needs the identity to pay; the read is audited
    assert client.post(lead_step("approve"), {f"approve{lead.pk}-note": "同意"}).status_code == 302
    assert client.post(step("close"), {"close-note": "结束"}).status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.paid, notice.refunded) == (
        RewardNoticeStatus.CLOSED,
        Decimal("1500.00"),
        Decimal("500.00"),
    )
    client.force_login(judge_xixia.user)
    assert "悬赏公告" in client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()


def test_the_page_keeps_leads_confidential_from_other_readers_and_hides_other_courts(
    client, case, judge_xixia, approver_xixia, judge_jingyuan, duty_yinchuan
):
    from django.urls import reverse

    notice = published(case, judge_xixia, approver_xixia)
    a_lead(notice, judge_xixia)
    page = reverse("cases:reward-detail", args=[case.pk, notice.pk])
    client.force_login(duty_yinchuan.user)
    html = client.get(page).content.decode()
    assert INFORMANT_ID not in html and "13900000000" not in html and "亲属名下的轿车" not in html
    assert "仅承办法院的办案人员可以查看" in html
    client.force_login(judge_jingyuan.user)
    assert client.get(page).status_code == 404


def test_the_api_runs_the_workflow_with_400_403_409_and_keeps_leads_confidential(
    api, case, judge_xixia, approver_xixia, duty_yinchuan, judge_jingyuan
):
    def judge():
        return api.as_officer(judge_xixia)

    def approver():
        return api.as_officer(approver_xixia)

    body = {
        "case": case.pk,
        "applicant": applicant(case).pk,
        "reward_amount": "3000.00",
        "property_sought": "车辆",
        "channels": "平台",
    }
    assert judge().post("/api/v1/reward-notices/", {**body, "reward_amount": "1.001"}, format="json").status_code == 400
    created = judge().post("/api/v1/reward-notices/", body, format="json")
    assert created.status_code == 201, created.content
    nid = created.json()["id"]
    url = f"/api/v1/reward-notices/{nid}/"
    r = judge().post(url + "advance/", {"amount": "3000", "reference": "API-1"}, format="json")
    assert r.status_code == 200 and r.json()["advanced"] == "3000.00"
    assert judge().post(url + "approve/", {}, format="json").status_code == 403
    r = approver().post(url + "approve/", {"note": "同意"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert approver().post(url + "approve/", {}, format="json").status_code == 409
    lead_body = {
        "informant_name": "王某",
        "informant_id_number": WRONG_CHECKSUM,
        "informant_phone": "13900000000",
        "content": "存款",
        "channel": "letter",
    }
    bad = judge().post(url + "leads/", lead_body, format="json")
    assert bad.status_code == 400, bad.content.decode()
    r = judge().post(url + "leads/", {**lead_body, "informant_id_number": INFORMANT_ID}, format="json")
    assert r.status_code == 201 and r.json()["informant_id_number"] == INFORMANT_ID and r.json()["seq"] == 1
    lid = r.json()["id"]
    lead_url = f"/api/v1/reward-leads/{lid}/"
    # Art. 23: leads are confidential to the owning court's case workers: the duty desk reads none of them.
    assert api.as_officer(duty_yinchuan).get(lead_url).status_code == 403
    assert api.as_officer(duty_yinchuan).get(f"/api/v1/reward-notices/{nid}/").status_code == 200
    assert api.as_officer(duty_yinchuan).get("/api/v1/reward-leads/").status_code == 403
    assert api.as_officer(judge_xixia).get("/api/v1/reward-leads/").json()["results"][0]["id"] == lid
    assert api.as_officer(judge_jingyuan).get(lead_url).status_code == 404
    assert api.as_officer(judge_jingyuan).post(lead_url + "check/", {}, format="json").status_code == 404
    r = judge().post(lead_url + "check/", {"outcome": "confirmed", "note": "属实"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    record_receipt(case, "10000", "voluntary", actor=judge_xixia.user)
    r = judge().post(lead_url + "request-reward/", {"amount": "3000", "realised_amount": "10000"}, format="json")
    assert r.status_code == 200, r.content
    assert judge().post(lead_url + "approve-reward/", {}, format="json").status_code == 403
    r = approver().post(lead_url + "approve-reward/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rewarded"
    r = approver().post(url + "close/", {"note": "结束"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["refunded"] == "0.00"
    assert [e["kind"] for e in r.json()["entries"]] == ["advance", "reward"]
    assert api.as_officer(duty_yinchuan).get(url).json()["entries"] is None  # the duty officer reads no money


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_book_money_once_and_never_beyond_the_advance(courts, judge_xixia, approver_xixia):
    """Under real concurrency (PostgreSQL row locks): the same advance sent four times is booked once; two rewards
    proposed at the same instant that together exceed the notice cannot both be waiting; the same approval clicked
    four times pays once."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks under real concurrency (SQLite serialises every writer)")
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    notice = notice_for(case, judge_xixia, amount="1000")
    outcomes = run_together(
        4, lambda: rewards.record_advance(judge_xixia.user, notice, amount="1000", reference="SAME-REF")
    )
    assert sum(1 for o in outcomes if isinstance(o, tuple) and o[1]) == 1, outcomes
    notice.refresh_from_db()
    assert notice.advanced == Decimal("1000.00") and RewardEntry.objects.count() == 1
    notice = rewards.approve(approver_xixia.user, notice)
    one, two = a_lead(notice, judge_xixia), a_lead(notice, judge_xixia, id_number=OTHER_ID)
    for x in (one, two):
        rewards.check_lead(judge_xixia.user, x, outcome="confirmed", note="属实")
    record_receipt(case, "5000", "voluntary", actor=judge_xixia.user)
    leads = iter([one, two])
    pick = __import__("threading").Lock()

    def propose():
        with pick:
            lead = next(leads)
        return rewards.request_reward(judge_xixia.user, lead, amount="600", realised_amount="5000")

    outcomes = run_together(2, propose)
    assert sum(1 for o in outcomes if isinstance(o, RewardLead)) == 1, outcomes
    assert [o.code for o in outcomes if isinstance(o, DomainError)] == ["reward_exceeds_balance"]
    waiting = RewardLead.objects.get(status=RewardLeadStatus.REWARD_REQUESTED)
    outcomes = run_together(4, lambda: rewards.approve_reward(approver_xixia.user, waiting))
    assert sum(1 for o in outcomes if isinstance(o, RewardLead)) == 1, outcomes
    notice.refresh_from_db()
    assert notice.paid == Decimal("600.00")
    assert RewardEntry.objects.filter(kind=RewardEntryKind.REWARD).count() == 1


def test_the_approval_queue_lists_what_the_approver_may_decide(client, case, judge_xixia, approver_xixia):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    notice = notice_for(case, judge_xixia)
    client.force_login(approver_xixia.user)
    html = client.get(reverse("querycontrol:approvals")).content.decode()
    assert reverse("cases:reward-detail", args=[case.pk, notice.pk]) in html and "发布悬赏公告" in html
    assert "已超过十日审查期限" not in html
    # Art. 21: decided within 10 days of the application; past that the queue and the page say so.
    RewardNotice.objects.filter(pk=notice.pk).update(applied_at=timezone.now() - dt.timedelta(days=11))
    assert "已超过十日审查期限" in client.get(reverse("querycontrol:approvals")).content.decode()
    assert (
        "已超过十日审查期限" in client.get(reverse("cases:reward-detail", args=[case.pk, notice.pk])).content.decode()
    )
    client.force_login(judge_xixia.user)
    assert (
        reverse("cases:reward-detail", args=[case.pk, notice.pk])
        not in client.get(reverse("querycontrol:approvals")).content.decode()
    )  # a judge decides nothing here


def test_people_cannot_impose_a_bare_reward_notice_measure(case, judge_xixia):
    from cases import measures
    from cases.choices import MeasureKind

    with pytest.raises(RuleViolation) as exc:
        measures.impose_measure(
            case, MeasureKind.REWARD_NOTICE, party=respondent(case), amount="100", actor=judge_xixia.user
        )
    assert exc.value.code == "use_reward_workflow"
