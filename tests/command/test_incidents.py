"""Field incidents: report (with photos) → alert by severity → dispatch → timeline → close resolves the alert."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from command import services
from command.models import Incident
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import Alert
from tests.images import png_bytes

from .conftest import make_case

PNG = png_bytes()


def report(actor, **kw):
    data = dict(
        kind="obstruction",
        severity="high",
        latitude=Decimal("38.485000"),
        longitude=Decimal("106.132000"),
        address="银川市西夏区文昌路1号",
        description="被执行人家属阻拦搜查",
    )
    data.update(kw)
    return services.report_incident(actor, **data)


def test_incident_raises_alert_of_its_severity_and_closing_resolves_it(
    courts, judge_xixia, duty_yinchuan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = make_case("宁0105")
    photo = SimpleUploadedFile("scene.png", PNG, content_type="image/png")
    incident = report(judge_xixia.user, case=case, photos=[photo])
    assert incident.court.code == "宁0105" and incident.photos.count() == 1
    assert (tmp_path / incident.photos.get().file.name).exists()
    alert = Alert.objects.get(kind="incident", source_id=str(incident.pk))
    assert alert.severity == "critical" and alert.status == "open"
    services.dispatch_help(duty_yinchuan.user, incident, police_liaison="西夏区公安分局文昌派出所", note="立即出警")
    services.add_update(judge_xixia.user, incident, "民警已到场")
    services.close_incident(duty_yinchuan.user, incident, "现场秩序恢复，搜查完成")
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert [e.kind for e in incident.events.all()] == ["reported", "dispatched", "update", "closed"]
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert case.events.filter(kind="incident").exists()


def test_low_severity_incident_is_an_info_alert(courts, judge_xixia):
    incident = report(judge_xixia.user, severity="low")
    assert Alert.objects.get(source_id=str(incident.pk), kind="incident").severity == "info"


def test_judge_cannot_dispatch_or_close(courts, judge_xixia):
    incident = report(judge_xixia.user)
    with pytest.raises(PermissionDenied):
        services.dispatch_help(judge_xixia.user, incident, police_liaison="派出所")
    with pytest.raises(PermissionDenied):
        services.close_incident(judge_xixia.user, incident, "完毕")


def test_duty_officer_of_another_subtree_cannot_see_or_dispatch(courts, judge_jingyuan, duty_yinchuan):
    incident = report(judge_jingyuan.user)
    assert not Incident.objects.visible_to(duty_yinchuan.user).filter(pk=incident.pk).exists()
    with pytest.raises(Exception) as exc:
        services.dispatch_help(duty_yinchuan.user, incident, police_liaison="派出所")
    assert getattr(exc.value, "status", None) == 404


def test_dispatch_needs_someone_and_closed_incident_takes_no_more(courts, judge_xixia, duty_yinchuan):
    incident = report(judge_xixia.user)
    with pytest.raises(RuleViolation):
        services.dispatch_help(duty_yinchuan.user, incident)
    services.close_incident(duty_yinchuan.user, incident, "已处置")
    with pytest.raises(InvalidTransition):
        services.dispatch_help(duty_yinchuan.user, incident, police_liaison="派出所")
    with pytest.raises(InvalidTransition):
        services.close_incident(duty_yinchuan.user, incident, "再次")


def test_non_image_photo_is_refused(courts, judge_xixia):
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(RuleViolation):
        report(judge_xixia.user, photos=[bad])
    assert not Incident.objects.exists()


def test_open_incidents_of_a_scope(courts, judge_xixia, judge_jingyuan, duty_yinchuan):
    mine, other = report(judge_xixia.user), report(judge_jingyuan.user)
    assert list(services.open_incidents(courts["宁01"])) == [mine]
    services.close_incident(duty_yinchuan.user, mine, "完毕")
    assert list(services.open_incidents(courts["宁01"])) == []
    assert list(services.open_incidents(courts["宁"])) == [other]
