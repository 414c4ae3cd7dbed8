"""Petition pages (执行信访): the register within the visibility rule, its filters, and receive / reply / close through
the services, each refusing bad input or the wrong role without changing anything."""

import datetime as dt

import pytest
from django.utils import timezone

from command import indicators as ind
from command.models import Petition
from execcenter.models import AuditLog

from .conftest import make_case

LIST = "/command/petitions/"
RECEIVE = "/command/petitions/receive/"


def today():
    return timezone.localdate()


def petition(courts, code="宁0105", received=None, **kw):
    kw.setdefault("petitioner", "申请执行人")
    kw.setdefault("subject", "反映执行进度慢")
    return Petition.objects.create(court=courts[code], received_on=received or today() - dt.timedelta(days=5), **kw)


def listed(response):
    assert response.status_code == 200
    return {p.pk for p in response.context["page"].object_list}


def detail(p):
    return f"/command/petitions/{p.pk}/"


@pytest.fixture
def three(courts):
    """One petition each in 西夏区 (宁0105), 银川中院 (宁01) and 泾源县 (宁0424)."""
    return {code: petition(courts, code, petitioner=f"信访人{code}") for code in ("宁0105", "宁01", "宁0424")}


def test_judge_sees_only_his_courts_petitions_and_the_director_sees_all(client, three, judge_xixia, director_high):
    client.force_login(judge_xixia.user)
    assert listed(client.get(LIST)) == {three["宁0105"].pk}
    client.force_login(director_high.user)
    assert listed(client.get(LIST)) == {p.pk for p in three.values()}


def test_petition_outside_scope_is_404_for_its_page_and_its_actions(client, three, judge_xixia, approver_xixia):
    other = three["宁0424"]
    client.force_login(judge_xixia.user)
    assert client.get(detail(other)).status_code == 404
    assert client.post(detail(other) + "reply/", {"reply-reply": "已答复"}).status_code == 404
    client.force_login(approver_xixia.user)
    assert client.post(detail(other) + "close/", {"close-reply": "已答复"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open" and other.reply == ""
    assert not AuditLog.objects.filter(action__startswith="petition.").exists()


def test_unknown_action_is_404(client, three, director_high):
    client.force_login(director_high.user)
    assert client.post(detail(three["宁0105"]) + "delete/").status_code == 404


def test_list_shows_case_link_dates_status_and_overdue_badge(client, courts, judge_xixia):
    case = make_case("宁0105")
    late = petition(courts, received=today() - dt.timedelta(days=70), case=case, subject="逾期未办的信访")
    client.force_login(judge_xixia.user)
    html = client.get(LIST).content.decode()
    assert f'href="/cases/{case.pk}/"' in html and case.number in html
    assert late.due_on.isoformat() in html and late.received_on.isoformat() in html
    assert "逾期" in html and "办理中" in html


def test_filters_by_status_court_subtree_received_dates_and_overdue(client, courts, director_high):
    t = today()
    recent = petition(courts, "宁0105", received=t - dt.timedelta(days=3))
    late = petition(courts, "宁0105", received=t - dt.timedelta(days=61))  # due yesterday, still open
    closed_late = petition(
        courts,
        "宁0106",
        received=t - dt.timedelta(days=90),
        status="closed",
        closed_on=t - dt.timedelta(days=2),
        reply="已答复",
    )
    far = petition(courts, "宁0424", received=t - dt.timedelta(days=20))
    client.force_login(director_high.user)
    assert listed(client.get(LIST, {"status": "closed"})) == {closed_late.pk}
    assert listed(client.get(LIST, {"status": "open"})) == {recent.pk, late.pk, far.pk}
    assert listed(client.get(LIST, {"court": "宁01"})) == {
        recent.pk,
        late.pk,
        closed_late.pk,
    }  # 银川中院 and its basic courts
    assert listed(client.get(LIST, {"court": "宁0424"})) == {far.pk}
    window = {
        "received_from": (t - dt.timedelta(days=30)).isoformat(),
        "received_to": (t - dt.timedelta(days=10)).isoformat(),
    }
    assert listed(client.get(LIST, window)) == {far.pk}
    assert listed(client.get(LIST, {"overdue": "on"})) == {late.pk}
    assert listed(client.get(LIST, {"overdue": "on", "court": "宁0424"})) == set()
    assert client.get(LIST).context["overdue_count"] == 1


def test_bad_filters_show_a_chinese_error_and_no_rows(client, three, judge_xixia):
    client.force_login(judge_xixia.user)
    response = client.get(LIST, {"court": "宁0424"})  # a court outside his scope is not a valid choice
    assert listed(response) == set() and "court" in response.context["form"].errors
    response = client.get(LIST, {"received_from": "2025-03-10", "received_to": "2025-03-01"})
    assert listed(response) == set()
    assert "受理日期止不能早于受理日期起" in response.content.decode()


def test_list_is_paginated_and_pages_keep_the_filters(client, courts, director_high):
    for i in range(51):
        petition(courts, "宁0105", petitioner=f"甲{i}")
    petition(courts, "宁0424")
    client.force_login(director_high.user)
    first = client.get(LIST, {"court": "宁0105"})
    assert len(first.context["page"].object_list) == 50 and first.context["paginator"].count == 51
    assert "court=%E5%AE%810105&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"court": "宁0105", "page": 2})
    assert len(second.context["page"].object_list) == 1


def test_login_required(client, three):
    assert client.get(LIST).status_code == 302
    assert client.get(detail(three["宁0105"])).status_code == 302


def test_judge_receives_a_petition_about_his_case(client, courts, judge_xixia):
    case = make_case("宁0105")
    client.force_login(judge_xixia.user)
    assert client.get(RECEIVE, {"case": case.number}).status_code == 200
    received = today() - dt.timedelta(days=1)
    response = client.post(
        RECEIVE,
        {
            "petitioner": "王某",
            "subject": "反映未发放案款",
            "received_on": received.isoformat(),
            "case_number": case.number,
        },
    )
    p = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(p)
    assert (p.court, p.case, p.status, p.received_on) == (courts["宁0105"], case, "open", received)
    assert p.due_on == received + dt.timedelta(days=60)  # 信访工作条例 Art. 32
    assert AuditLog.objects.filter(action="petition.receive", object_id=str(p.pk), user=judge_xixia.user).exists()
    assert case.events.filter(kind="petition").exists()
    page = client.get(detail(p)).content.decode()
    assert f'href="/cases/{case.pk}/"' in page and "登记受理" in page


def test_petition_without_case_belongs_to_the_receiving_officers_court(client, courts, duty_yinchuan):
    client.force_login(duty_yinchuan.user)
    client.post(RECEIVE, {"petitioner": "李某", "subject": "来电反映", "received_on": today().isoformat()})
    assert Petition.objects.get().court == courts["宁01"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"petitioner": ""}, "该字段是必填项"),
        ({"received_on": "明天"}, "输入一个有效的日期"),
        ({"received_on": "FUTURE"}, "受理日期不能晚于今天"),
        ({"case_number": "CASE_JINGYUAN"}, "案号不存在或不在您的范围内"),
        ({"court": "COURT_JINGYUAN"}, "选择一个有效的选项"),
    ],
)
def test_receive_refuses_bad_input_and_creates_nothing(client, courts, judge_xixia, change, message):
    jingyuan, xixia = make_case("宁0424"), make_case("宁0105")
    stand_ins = {
        "FUTURE": (today() + dt.timedelta(days=1)).isoformat(),
        "CASE_JINGYUAN": jingyuan.number,
        "CASE_XIXIA": xixia.number,
        "COURT_XINGQING": courts["宁0104"].pk,
        "COURT_JINGYUAN": courts["宁0424"].pk,
    }
    data = {
        "petitioner": "王某",
        "subject": "反映执行不力",
        "received_on": today().isoformat(),
        "case_number": "",
        "court": "",
    }
    data.update({k: stand_ins.get(v, v) for k, v in change.items()})
    client.force_login(judge_xixia.user)
    response = client.post(RECEIVE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Petition.objects.exists() and not AuditLog.objects.filter(action="petition.receive").exists()


def test_receive_refuses_a_court_other_than_the_cases_own(client, courts, duty_yinchuan):
    """Both courts are in the duty officer's scope (银川中院's subtree); the petition still belongs to the case's."""
    xixia = make_case("宁0105")
    client.force_login(duty_yinchuan.user)
    response = client.post(
        RECEIVE,
        {
            "petitioner": "王某",
            "subject": "反映执行不力",
            "received_on": today().isoformat(),
            "case_number": xixia.number,
            "court": courts["宁0104"].pk,
        },
    )
    assert response.status_code == 400
    assert "所选法院与关联案件的法院不一致" in response.content.decode()
    assert not Petition.objects.exists() and not AuditLog.objects.filter(action="petition.receive").exists()


def test_auditor_may_read_but_not_receive_reply_or_close(client, three, auditor_high):
    p = three["宁0105"]
    client.force_login(auditor_high.user)
    assert p.pk in listed(client.get(LIST))
    assert "登记执行信访" not in client.get(LIST).content.decode()
    page = client.get(detail(p))
    assert page.status_code == 200 and page.context["action_forms"] == {}
    assert client.get(RECEIVE).status_code == 403
    assert (
        client.post(RECEIVE, {"petitioner": "王某", "subject": "x", "received_on": today().isoformat()}).status_code
        == 403
    )
    assert client.post(detail(p) + "reply/", {"reply-reply": "已答复"}).status_code == 403
    assert client.post(detail(p) + "close/", {"close-reply": "已答复"}).status_code == 403
    p.refresh_from_db()
    assert (p.status, p.reply, Petition.objects.count()) == ("open", "", 3)


def test_judge_replies_and_the_petition_stays_open(client, three, judge_xixia):
    p = three["宁0105"]
    client.force_login(judge_xixia.user)
    assert set(client.get(detail(p)).context["action_forms"]) == {"reply"}  # closing is the leaders' sign-off
    response = client.post(detail(p) + "reply/", {"reply-reply": "已督促承办法官加快处置进度"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.reply, p.closed_on) == ("open", "已督促承办法官加快处置进度", None)
    assert AuditLog.objects.filter(action="petition.reply", object_id=str(p.pk)).count() == 1


def test_blank_reply_is_refused_and_changes_nothing(client, three, judge_xixia):
    p = three["宁0105"]
    client.force_login(judge_xixia.user)
    response = client.post(detail(p) + "reply/", {"reply-reply": "   "})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    p.refresh_from_db()
    assert p.reply == "" and not AuditLog.objects.filter(action="petition.reply").exists()


def test_judge_may_not_close(client, three, judge_xixia):
    p = three["宁0105"]
    client.force_login(judge_xixia.user)
    response = client.post(detail(p) + "close/", {"close-reply": "已答复"})
    assert response.status_code == 403 and "您的角色无权执行此操作" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.closed_on, p.reply) == ("open", None, "")


def test_approver_closes_with_a_reply_and_the_indicator_counts_it(client, courts, three, approver_xixia):
    p = three["宁0105"]
    period = ind.Period(p.received_on, today())
    before = ind.evaluate("petitions_handled", courts["宁0105"], period, None)
    assert (before.numerator, before.denominator) == (0, 1)
    client.force_login(approver_xixia.user)
    assert set(client.get(detail(p)).context["action_forms"]) == {"reply", "close"}
    response = client.post(detail(p) + "close/", {"close-reply": "经核查，案款已于本周发放，答复信访人"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.closed_on, p.reply) == ("closed", today(), "经核查，案款已于本周发放，答复信访人")
    assert AuditLog.objects.filter(action="petition.close", object_id=str(p.pk), user=approver_xixia.user).exists()
    after = ind.evaluate("petitions_handled", courts["宁0105"], period, None)
    assert (after.numerator, after.denominator) == (1, 1)
    assert ind.drill_down("petitions_handled", courts["宁0105"], period) == [p.pk]
    assert client.get(detail(p)).context["action_forms"] == {}  # nothing left to do


def test_close_without_reply_is_refused_and_changes_nothing(client, three, director_high):
    p = three["宁0105"]
    client.force_login(director_high.user)
    response = client.post(detail(p) + "close/", {"close-reply": ""})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.closed_on) == ("open", None)


def test_closed_petition_cannot_be_closed_or_replied_again(client, courts, director_high):
    done = petition(courts, status="closed", closed_on=today() - dt.timedelta(days=3), reply="原答复")
    client.force_login(director_high.user)
    response = client.post(detail(done) + "close/", {"close-reply": "再次办结"})
    assert response.status_code == 409 and "信访已办结" in response.content.decode()
    response = client.post(detail(done) + "reply/", {"reply-reply": "改答复"})
    assert response.status_code == 409
    done.refresh_from_db()
    assert (done.closed_on, done.reply) == (today() - dt.timedelta(days=3), "原答复")
    assert not AuditLog.objects.filter(action__startswith="petition.").exists()


def test_command_home_links_the_petition_register(client, judge_xixia):
    client.force_login(judge_xixia.user)
    assert 'href="/command/petitions/"' in client.get("/command/").content.decode()
