"""The API base every app builds on: API keys, partner action scopes, Idempotency-Key."""

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response

from execcenter.api.viewsets import ScopedModelViewSet
from execcenter.models import Alert
from execcenter.services import raise_alert


class NoteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=20)


class AlertNoteViewSet(ScopedModelViewSet):
    """A tiny write endpoint used only here: each POST raises a new alert (so repeats would show)."""

    queryset = Alert.objects.all()
    serializer_class = NoteSerializer
    policy_actions = {"create": "case.file"}  # judges and officers; case-system keys that write cases

    def create(self, request):
        ser = NoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        court = request.user.court if hasattr(request.user, "key_hash") else request.user.officer.court
        alert, _ = raise_alert(
            kind="note", court=court, title=ser.validated_data["title"], dedup_key=f"note:{Alert.objects.count()}"
        )
        return Response({"id": alert.pk, "title": alert.title}, status=201)


urlpatterns = [path("notes/", AlertNoteViewSet.as_view({"post": "create"}))]
pytestmark = pytest.mark.urls(__name__)


def test_same_key_and_body_returns_the_stored_answer_and_does_nothing_twice(api, judge_xixia):
    client = api.as_officer(judge_xixia)
    first = client.post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replay"] == "true"
    assert Alert.objects.count() == 1


def test_same_key_with_a_different_body_is_rejected_with_409(api, judge_xixia):
    client = api.as_officer(judge_xixia)
    client.post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = client.post("/notes/", {"title": "乙"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409 and "Idempotency-Key" in response.json()["detail"]
    assert Alert.objects.count() == 1


def test_keys_are_per_principal(api, judge_xixia, judge_jingyuan):
    api.as_officer(judge_xixia).post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    api.as_officer(judge_jingyuan).post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert Alert.objects.count() == 2


def test_a_rejected_request_is_replayed_as_rejected_and_saves_nothing(api, judge_xixia):
    client = api.as_officer(judge_xixia)
    bad = {"title": "长" * 30}
    assert client.post("/notes/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert client.post("/notes/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert Alert.objects.count() == 0


def test_partner_key_needs_the_action(api, courts, bank_partner, case_system_partner):
    assert api.as_partner(bank_partner).post("/notes/", {"title": "甲"}, format="json").status_code == 403
    assert api.as_partner(case_system_partner).post("/notes/", {"title": "甲"}, format="json").status_code == 201


def test_unknown_api_key_is_refused(api, courts):
    api.credentials(HTTP_AUTHORIZATION="Api-Key ec_nope_wrong")
    response = api.post("/notes/", {"title": "甲"}, format="json")
    assert response.status_code == 401


def test_stored_answers_past_their_time_to_live_are_pruned_and_the_key_then_counts_as_new(api, judge_xixia, settings):
    import datetime as dt

    from django.utils import timezone

    from execcenter.api.idempotency import prune_idempotency_records
    from execcenter.models import IdempotencyRecord
    from execcenter.tasks import prune_idempotency_keys

    settings.IDEMPOTENCY_KEY_TTL_HOURS = 48
    client = api.as_officer(judge_xixia)
    client.post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post("/notes/", {"title": "乙"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=49))
    assert prune_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    prune_idempotency_keys()  # the beat's task: nothing left to prune, nothing else touched
    assert IdempotencyRecord.objects.count() == 1
    again = client.post("/notes/", {"title": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replay" not in again
    assert Alert.objects.count() == 3


def test_the_pruning_task_is_on_the_beat_schedule(settings):
    assert any(e["task"] == "execcenter.tasks.prune_idempotency_keys" for e in settings.CELERY_BEAT_SCHEDULE.values())
