import pytest

from execcenter.choices import AlertSeverity
from execcenter.models import Alert, AuditLog
from execcenter.services import audit, audit_bulk, raise_alert


def test_audit_entry_records_who_what_object_and_where(rf, judge_xixia, courts):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    entry = audit(judge_xixia.user, "case.view_unmasked", courts["宁0105"], request=request, details={"why": "文书"})
    assert (entry.actor_label, entry.action, entry.object_id, entry.ip) == (
        "张伟",
        "case.view_unmasked",
        str(courts["宁0105"].pk),
        "10.1.2.3",
    )
    assert entry.object_type == "execcenter.court"


def test_audit_log_is_append_only(judge_xixia, courts):
    entry = audit(judge_xixia.user, "x", courts["宁"])
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().update(action="y")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get().action == "x"


def test_bulk_changes_are_audited_one_entry_per_object(judge_xixia, courts):
    audit_bulk(judge_xixia.user, "court.bulk_touch", [courts["宁0105"], courts["宁0104"]])
    assert AuditLog.objects.filter(action="court.bulk_touch").count() == 2


def test_partner_actions_are_audited_as_the_partner(bank_partner, courts):
    entry = audit(bank_partner, "answer", courts["宁"])
    assert entry.partner == bank_partner and entry.user is None and entry.actor_label == "partner:工商银行网关"


def test_raising_the_same_alert_twice_makes_one_row(courts):
    a1, created1 = raise_alert(
        kind="freeze_expiring",
        court=courts["宁0105"],
        title="冻结将到期",
        dedup_key="f:1:7",
        severity=AlertSeverity.CRITICAL,
    )
    a2, created2 = raise_alert(kind="freeze_expiring", court=courts["宁0105"], title="冻结将到期", dedup_key="f:1:7")
    assert created1 and not created2 and a1.pk == a2.pk and Alert.objects.count() == 1


def test_audit_api_is_for_auditors_and_within_scope(api, auditor_high, judge_xixia, courts):
    audit(judge_xixia.user, "x", courts["宁0105"])
    assert api.as_officer(judge_xixia).get("/api/v1/audit-log/").status_code == 403
    response = api.as_officer(auditor_high).get("/api/v1/audit-log/")
    assert response.status_code == 200 and response.json()["results"][0]["action"] == "x"
