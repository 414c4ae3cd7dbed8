"""Exports users expect (case list with its filters, long-pending ledger, control orders, alerts, audit log): streamed
.xlsx within the reader's scope and masking, audited; numbers as numbers, dates in Beijing, no formula from data."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from cases.choices import CaseStatus, LedgerStatus, PartyRole
from cases.models import CaseParty, LongPendingEntry
from execcenter.masking import mask_id_number
from execcenter.models import Alert, AuditLog
from tests.factories import CaseFactory, PartyFactory, make_resident_id

BEIJING = ZoneInfo("Asia/Shanghai")


def _get(client, officer, url):
    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.streaming  # produced while it is sent, never held whole
    return response, b"".join(response.streaming_content)


def _rows(content, first=3):
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    return ws, [list(r) for r in ws.iter_rows(min_row=first)]


@pytest.fixture
def cases(courts):
    hacker = PartyFactory(name='=HYPERLINK("http://evil.example/","点此")', id_number=make_resident_id(9001))
    a = CaseFactory(
        court=courts["宁0105"], claim_amount=Decimal("80000.00"), status=CaseStatus.CONTROLLING, parties=False
    )
    CaseParty.objects.create(case=a, party=PartyFactory(), role=PartyRole.APPLICANT)
    CaseParty.objects.create(case=a, party=hacker, role=PartyRole.RESPONDENT)
    b = CaseFactory(court=courts["宁0105"], claim_amount=Decimal("5000.00"), status=CaseStatus.ASSIGNED)
    far = CaseFactory(court=courts["宁0424"])
    return {"a": a, "b": b, "far": far, "hacker": hacker}


def test_case_list_export_follows_the_filters_and_scope_with_typed_cells_and_no_formulas(client, cases, judge_xixia):
    response, content = _get(client, judge_xixia, "/cases/export.xlsx?status=controlling")
    ws, rows = _rows(content)
    assert [r[0].value for r in rows] == [cases["a"].number]  # filtered: only the controlling case; 泾源's never
    row = rows[0]
    respondent = row[5]
    assert respondent.value.startswith("=HYPERLINK") and respondent.data_type == "s" and respondent.quotePrefix
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert row[10].value == 80000 and row[10].number_format == "#,##0.00"
    assert isinstance(row[7].value, dt.datetime) and row[7].value.date() == cases["a"].filed_on
    assert row[6].value == cases["hacker"].id_number  # a judge's export carries full ID numbers ...
    entry = AuditLog.objects.get(action="export.cases")
    assert entry.details["unmasked"] is True and entry.details["filters"] == {
        "status": "controlling"
    }  # ... and is audited
    assert ws.freeze_panes == "A3" and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_case_export_masks_id_numbers_for_roles_without_need_and_csv_neutralises(client, cases, duty_yinchuan):
    _response, content = _get(client, duty_yinchuan, "/cases/export.xlsx")
    _ws, rows = _rows(content)
    numbers = {r[0].value: r for r in rows}
    assert set(numbers) == {cases["a"].number, cases["b"].number}
    assert numbers[cases["a"].number][6].value == mask_id_number(cases["hacker"].id_number)
    assert AuditLog.objects.get(action="export.cases").details["unmasked"] is False
    _response, csv_bytes = _get(client, duty_yinchuan, "/cases/export.xlsx?format=csv")
    text = csv_bytes.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and "80000.00" in text


def test_long_pending_ledger_export(client, courts, judge_xixia):
    old = CaseFactory(court=courts["宁0105"], filed_on=dt.date(2024, 1, 10), status=CaseStatus.CONTROLLING)
    LongPendingEntry.objects.create(
        case=old,
        responsible_officer=judge_xixia,
        opened_on=dt.date(2025, 1, 11),
        cause="被执行人下落不明",
        status=LedgerStatus.OPEN,
    )
    far = CaseFactory(court=courts["宁0424"], filed_on=dt.date(2024, 1, 10), status=CaseStatus.CONTROLLING)
    LongPendingEntry.objects.create(case=far, opened_on=dt.date(2025, 1, 11))
    _response, content = _get(client, judge_xixia, "/cases/long-pending.xlsx")
    _ws, rows = _rows(content)
    assert [r[0].value for r in rows] == [old.number]
    assert isinstance(rows[0][3].value, int) and rows[0][3].value > 365 and rows[0][5].value == "张伟"
    assert AuditLog.objects.filter(action="export.long_pending").exists()


def test_alert_export_in_scope_with_beijing_times(client, courts, judge_xixia):
    mine = Alert.objects.create(kind="deadline", court=courts["宁0105"], title="审限将届满", dedup_key="a1")
    Alert.objects.create(kind="deadline", court=courts["宁0424"], title="泾源预警", dedup_key="a2")
    # Raised at 01:00 on 1 January in Beijing (17:00 UTC on 31 December): the file says 1 January.
    Alert.objects.filter(pk=mine.pk).update(raised_at=dt.datetime(2026, 1, 1, 1, 0, tzinfo=BEIJING))
    _response, content = _get(client, judge_xixia, "/alerts/export.xlsx?status=all")
    _ws, rows = _rows(content)
    assert [r[4].value for r in rows] == ["审限将届满"]
    assert rows[0][0].value == dt.datetime(2026, 1, 1, 1, 0)
    assert AuditLog.objects.filter(action="export.alerts").exists()


def test_audit_log_export_is_for_auditors_only(client, courts, judge_xixia, auditor_high):
    client.force_login(judge_xixia.user)
    assert client.get("/audit-log.xlsx").status_code == 403
    AuditLog.objects.create(
        actor_label="=cmd|' /C calc'!A0",
        action="case.file",
        object_type="cases.case",
        court=courts["宁0105"],
        details={"note": "@SUM(1)"},
    )
    _response, content = _get(client, auditor_high, "/audit-log.xlsx?action=case.file")
    ws, rows = _rows(content)
    assert len(rows) == 1 and rows[0][1].value.startswith("=cmd") and rows[0][1].quotePrefix
    # read as the audit page reads it: the action in Chinese beside its code, the model's name, labelled details
    assert [c.value for c in rows[0][2:5]] == ["立案", "case.file", "执行案件"]
    assert rows[0][9].value == "备注：@SUM(1)"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert client.get("/audit-log.xlsx?since=not-a-date").status_code == 400
    assert "/audit-log.xlsx" in client.get("/audit/").content.decode()  # offered on the audit page, with its filters
    assert AuditLog.objects.filter(action="export.audit_log").count() == 1
