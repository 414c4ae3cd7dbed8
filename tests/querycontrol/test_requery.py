"""终本 re-queries (法〔2016〕373号 Art. 9) that run by themselves, and re-asking only the failed institutions.

The in-process tests run the fan-out in this thread; the last test runs the beat task and the fan-out in a
real Celery worker, the way production does.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import closure
from cases.choices import CaseStatus, ClosureType, RequeryStatus
from cases.models import Case, RequerySchedule
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import Alert, AuditLog
from querycontrol.models import QueryRequest, QueryResult
from querycontrol.services import queries as query_services
from querycontrol.services import requery
from simulator import services as simulator
from simulator.generation import Profile, holdings
from simulator.models import SimInstitution
from tests.cases.conftest import satisfy_terminate_conditions
from tests.factories import make_resident_id

from .conftest import BANKS, REGISTRIES, make_case, rich_id_number, run_fanout

PURPOSE = closure.REQUERY_PURPOSE


def poor_id_number(nth=0):
    """The nth resident ID whose holder owns nothing at any test institution (the typical 终本 debtor)."""
    profiles = [Profile(code=c, kind="bank", category=cat) for c, _n, cat in BANKS]
    profiles += [Profile(code=c, kind=k, category=cat, region_code=r) for c, _n, k, cat, r in REGISTRIES]
    for n in range(200000):
        id_number = make_resident_id(n, division="640105", born=dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000))
        if not any(holdings(id_number, p, dt.date.today()) for p in profiles):
            if nth == 0:
                return id_number
            nth -= 1
    raise AssertionError("no poor respondent in range")


def terminated_case(judge, *, id_number=None, due_days_ago=1):
    """A 西夏区 case closed as 终本 through the real rules, assigned to `judge`, its first re-query round due."""
    case = make_case(id_number=id_number or poor_id_number())
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.INVESTIGATING, assigned_judge=judge)
    case.refresh_from_db()
    satisfy_terminate_conditions(case)
    closure.close(case, ClosureType.TERMINATED_THIS_ROUND)
    RequerySchedule.objects.filter(case=case, round_no=1).update(
        due_on=timezone.localdate() - dt.timedelta(days=due_days_ago)
    )
    case.refresh_from_db()
    return case


def start_and_run(django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks():
        result = requery.start_due(**kw)
    for qr in QueryRequest.objects.filter(status="queued"):
        run_fanout(qr)
    return result


def test_beat_starts_a_due_round_as_an_audited_system_query_and_records_what_it_found(
    institutions, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    case = terminated_case(judge_xixia, id_number=rich_id_number())
    result = start_and_run(django_capture_on_commit_callbacks)
    assert (result["started"], result["due"]) == (1, 1)
    qr = QueryRequest.objects.get(case=case)
    assert (qr.purpose, qr.requested_by_label, qr.requested_by_id, qr.requery.round_no) == (PURPOSE, "system", None, 1)
    assert qr.status == "complete" and qr.found > 0
    entry = AuditLog.objects.get(action="querycontrol.query", object_id=str(qr.pk))
    assert (entry.actor_label, entry.details["purpose"], entry.details["requery_round"]) == ("system", PURPOSE, 1)
    assert entry.details["respondent_id_number"] != case.respondent.id_number  # masked in the audit
    round_1 = RequerySchedule.objects.get(case=case, round_no=1)
    assert round_1.status == RequeryStatus.DONE and round_1.found_count > 0 and round_1.found_value > 0
    alert = Alert.objects.get(kind="requery_assets_found")
    assert alert.court == case.court and case.number in alert.title
    assert judge_xixia.name in alert.message and approver_xixia.name in alert.message and "恢复执行" in alert.title
    assert case.events.filter(kind="query", summary__contains="第 1 次定期查询").exists()
    # Resuming (执恢) from the alert's proposal files the linked case and closes the alert.
    new = closure.resume_terminated(case, reason="定期查询发现财产", actor=judge_xixia.user)
    assert new.origin_case_id == case.pk and new.number.endswith(f"执恢{new.sequence}号")
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_a_round_that_finds_nothing_is_done_without_an_alert(
    institutions, judge_xixia, django_capture_on_commit_callbacks
):
    case = terminated_case(judge_xixia)
    start_and_run(django_capture_on_commit_callbacks)
    round_1 = RequerySchedule.objects.get(case=case, round_no=1)
    assert (round_1.status, round_1.found_count, round_1.found_value) == (RequeryStatus.DONE, 0, Decimal("0.00"))
    assert round_1.result == "未发现可供执行财产"
    assert not Alert.objects.filter(kind="requery_assets_found").exists()


def test_a_rerun_of_the_beat_starts_nothing_twice(institutions, judge_xixia, django_capture_on_commit_callbacks):
    terminated_case(judge_xixia)
    with django_capture_on_commit_callbacks():
        assert requery.start_due()["started"] == 1
        # The first query is still running: the round is not due any more, nothing new starts.
        assert requery.start_due() == {"started": 0, "skipped": 0, "due": 0}
    for qr in QueryRequest.objects.all():
        run_fanout(qr)
    assert start_and_run(django_capture_on_commit_callbacks) == {"started": 0, "skipped": 0, "due": 0}
    assert QueryRequest.objects.count() == 1


def test_each_run_is_bounded_and_takes_the_most_overdue_rounds_first(
    institutions, judge_xixia, settings, django_capture_on_commit_callbacks
):
    settings.QUERYCONTROL_REQUERY_PER_RUN = 2
    cases = [terminated_case(judge_xixia, id_number=poor_id_number(n), due_days_ago=10 + n) for n in range(3)]
    first = start_and_run(
        django_capture_on_commit_callbacks,
        now=timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 50))),
    )
    assert (first["started"], first["due"]) == (2, 3)
    assert set(QueryRequest.objects.values_list("case_id", flat=True)) == {
        cases[2].pk,
        cases[1].pk,
    }  # most overdue first
    second = start_and_run(django_capture_on_commit_callbacks)
    assert (second["started"], second["due"]) == (1, 1)


def test_quota_spreads_the_due_rounds_over_the_day_within_the_bounds(settings):
    settings.QUERYCONTROL_REQUERY_EVERY_MINUTES, settings.QUERYCONTROL_REQUERY_PER_RUN = 15, 20
    settings.QUERYCONTROL_REQUERY_MAX_ACTIVE = 10
    day = timezone.localdate()

    def at(h, m):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))

    assert requery.runs_left_today(at(0, 0)) == 96 and requery.runs_left_today(at(23, 50)) == 1
    assert requery.quota(675, 0, at(0, 0)) == 8  # 675 overdue rounds over 96 runs: 8 a run, not 675 at once
    assert requery.quota(675, 0, at(23, 0)) == 10  # capped by the fan-outs allowed in flight
    assert requery.quota(675, 7, at(23, 0)) == 3
    assert requery.quota(675, 12, at(23, 0)) == 0
    settings.QUERYCONTROL_REQUERY_MAX_ACTIVE = 100
    assert requery.quota(675, 0, at(23, 0)) == 20  # capped per run
    assert requery.quota(0, 0, at(12, 0)) == 0


def test_resumed_and_not_yet_due_cases_are_not_requeried(institutions, judge_xixia, django_capture_on_commit_callbacks):
    resumed = terminated_case(judge_xixia)
    closure.resume_terminated(resumed, reason="申请执行人提供线索")
    later = terminated_case(judge_xixia, id_number=poor_id_number(1), due_days_ago=-5)
    assert start_and_run(django_capture_on_commit_callbacks) == {"started": 0, "skipped": 0, "due": 0}
    assert not QueryRequest.objects.filter(case__in=[resumed, later]).exists()


def test_a_closed_case_is_queryable_only_for_the_requery_purpose(
    institutions, judge_xixia, judge_jingyuan, django_capture_on_commit_callbacks
):
    case = terminated_case(judge_xixia)
    with pytest.raises(RuleViolation) as exc:
        query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    assert exc.value.code == "case_closed" and exc.value.status == 400
    with django_capture_on_commit_callbacks():
        qr, created = query_services.submit_query(judge_xixia.user, case, purpose=PURPOSE)
    assert created and qr.requery.round_no == 1  # a judge's re-query answers the due round
    assert RequerySchedule.objects.get(case=case, round_no=1).status == RequeryStatus.RUNNING
    with pytest.raises(Exception) as outside:
        query_services.submit_query(judge_jingyuan.user, case, purpose=PURPOSE)
    assert getattr(outside.value, "status", None) == 404
    completed = make_case(id_number=poor_id_number(2))
    Case.objects.filter(pk=completed.pk).update(status=CaseStatus.CLOSED, closure_type=ClosureType.COMPLETED)
    completed.refresh_from_db()
    with pytest.raises(RuleViolation):
        query_services.submit_query(judge_xixia.user, completed, purpose=PURPOSE)
    with pytest.raises(PermissionDenied):
        query_services.submit_query(None, completed, purpose="财产调查", system=True)


def test_a_cancelled_requery_gives_the_round_back_to_the_beat(
    institutions, judge_xixia, django_capture_on_commit_callbacks
):
    case = terminated_case(judge_xixia)
    with django_capture_on_commit_callbacks():
        requery.start_due()
    qr = QueryRequest.objects.get(case=case)
    query_services.cancel_query(judge_xixia.user, qr)
    round_1 = RequerySchedule.objects.get(case=case, round_no=1)
    assert round_1.status == RequeryStatus.DUE and round_1.started_at is None
    assert start_and_run(django_capture_on_commit_callbacks)["started"] == 1


def test_retry_asks_only_the_institutions_that_failed(
    institutions, judge_xixia, settings, django_capture_on_commit_callbacks
):
    settings.SIMULATOR_LATENCY = "failures"
    SimInstitution.objects.update(failure_rate=0, timeout_rate=0)
    SimInstitution.objects.filter(code__in=["BANK-CMB", "VEH-64"]).update(failure_rate=1)
    case = make_case(id_number=poor_id_number())
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.INVESTIGATING)
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    qr = run_fanout(qr)
    assert (qr.status, qr.failed) == ("partial", 2)
    with pytest.raises(InvalidTransition):
        query_services.retry_failed(
            judge_xixia.user,
            QueryRequest.objects.create(
                case=case, court=case.court, purpose="x", requested_by_label="x", status="running"
            ),
        )
    SimInstitution.objects.update(failure_rate=0)
    with django_capture_on_commit_callbacks():
        retry, created = query_services.retry_failed(judge_xixia.user, qr)
        again, created_again = query_services.retry_failed(judge_xixia.user, qr)
    assert created and not created_again and again.pk == retry.pk
    assert retry.retry_of_id == qr.pk and retry.total == 2
    retry = run_fanout(retry)
    assert retry.status == "complete"
    asked = set(QueryResult.objects.filter(request=retry).values_list("institution__code", flat=True))
    assert asked == {"BANK-CMB", "VEH-64"}
    with pytest.raises(InvalidTransition) as exc:
        query_services.retry_failed(judge_xixia.user, retry)
    assert exc.value.code == "nothing_to_retry"


def test_retrying_a_requery_adds_what_the_failed_institutions_had(
    institutions, judge_xixia, settings, django_capture_on_commit_callbacks
):
    settings.SIMULATOR_LATENCY = "failures"
    SimInstitution.objects.update(failure_rate=0, timeout_rate=0)
    SimInstitution.objects.filter(code="BANK-ICBC").update(failure_rate=1)
    case = terminated_case(judge_xixia)
    simulator.open_account("BANK-ICBC", case.respondent.id_number, case.respondent.name, "30000.00")
    start_and_run(django_capture_on_commit_callbacks)
    round_1 = RequerySchedule.objects.get(case=case, round_no=1)
    assert (round_1.status, round_1.found_count, round_1.failed_count) == (RequeryStatus.DONE, 0, 1)
    assert not Alert.objects.filter(kind="requery_assets_found").exists()
    SimInstitution.objects.update(failure_rate=0)
    with django_capture_on_commit_callbacks():
        retry, _ = query_services.retry_failed(judge_xixia.user, QueryRequest.objects.get(case=case))
    run_fanout(retry)
    round_1.refresh_from_db()
    assert (round_1.found_count, round_1.found_value, round_1.failed_count) == (1, Decimal("30000.00"), 0)
    assert Alert.objects.filter(kind="requery_assets_found", court=case.court).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_demo_terminated_case_whose_debtor_gets_money_is_found_by_the_next_round_without_anyone_clicking(
    courts, judge_xixia, approver_xixia, monkeypatch, client
):
    """Done-when of issue 14: the beat task and the fan-out run in a real worker; the judge sees the alert."""
    from querycontrol.tasks import start_due_requeries
    from tests.querycontrol.conftest import make_institutions
    from tests.workers import WorkerProcess, purge_queues, wait_for

    make_institutions()
    monkeypatch.setenv("SIMULATOR_BALANCE_MOVE_SECONDS", str(10**9))
    case = terminated_case(judge_xixia)
    # Months after 终本 the debtor is paid again: 80,000 yuan land in a new account at 工商银行.
    simulator.open_account("BANK-ICBC", case.respondent.id_number, case.respondent.name, "80000.00")
    purge_queues()
    worker = WorkerProcess(name="requery").start()
    try:
        start_due_requeries.delay()  # what beat sends every QUERYCONTROL_REQUERY_EVERY_MINUTES
        done = wait_for(
            lambda: RequerySchedule.objects.filter(case=case, round_no=1, status=RequeryStatus.DONE).first(),
            timeout=120,
            message="the re-query round to finish",
        )
    finally:
        worker.stop()
    assert (done.found_count, done.found_value) == (1, Decimal("80000.00"))
    alert = Alert.objects.visible_to(judge_xixia.user).get(kind="requery_assets_found")
    assert case.number in alert.title
    client.force_login(judge_xixia.user)
    page = client.get(reverse("dashboards:alert-list"))
    assert page.status_code == 200 and case.number in page.content.decode()
    assert (
        AuditLog.objects.filter(action="querycontrol.query", actor_label="system", details__purpose=PURPOSE).count()
        == 1
    )


def test_the_judge_starts_a_requery_and_a_retry_from_the_browser(
    institutions, judge_xixia, judge_jingyuan, client, settings, django_capture_on_commit_callbacks
):
    case = terminated_case(judge_xixia)
    client.force_login(judge_xixia.user)
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "终本案件定期查询" in page and "发起网络查询" not in page
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("querycontrol:query-start", args=[case.pk]), {"purpose": PURPOSE})
    qr = QueryRequest.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("querycontrol:query-detail", args=[qr.pk])
    settings.SIMULATOR_LATENCY = "failures"
    SimInstitution.objects.update(failure_rate=0, timeout_rate=0)
    SimInstitution.objects.filter(code="BANK-BOC").update(failure_rate=1)
    run_fanout(qr)
    detail = client.get(reverse("querycontrol:query-detail", args=[qr.pk])).content.decode()
    assert "仅重新查询未反馈的协助单位" in detail
    SimInstitution.objects.update(failure_rate=0)
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("querycontrol:query-retry", args=[qr.pk]))
    retry = QueryRequest.objects.get(retry_of=qr)
    assert response["Location"] == reverse("querycontrol:query-detail", args=[retry.pk]) and retry.total == 1
    client.force_login(judge_jingyuan.user)
    assert client.post(reverse("querycontrol:query-retry", args=[qr.pk])).status_code == 404
