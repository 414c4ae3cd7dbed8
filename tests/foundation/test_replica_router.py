"""execcenter.db: the dashboards' heavy reads go to a read replica when one is configured; nothing else does."""

import datetime as dt

import pytest
from django.conf import settings

from cases.models import Case, MoneyEntry
from dashboards import snapshots
from execcenter import db
from execcenter.db import REPLICA, ReplicaRouter, reading_replica

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """A `replica` alias in settings that answers its probe (the router only looks at its name; no query runs against
    it here: tests/foundation/test_real_replica.py runs against a real one)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, settings.DATABASES["default"])
    monkeypatch.setattr(db, "probe_replica", lambda: True)


def test_reads_go_to_the_replica_only_inside_reading_replica(with_replica):
    assert router.db_for_read(Case) == "default"
    with reading_replica() as alias:
        assert alias == REPLICA
        assert router.db_for_read(Case) == REPLICA and router.db_for_read(MoneyEntry) == REPLICA
        assert router.db_for_write(Case) == "default"  # writes never go to a replica
    assert router.db_for_read(Case) == "default"


def test_without_a_replica_everything_stays_on_the_primary():
    assert REPLICA not in settings.DATABASES
    with reading_replica() as alias:
        assert alias == "default" and router.db_for_read(Case) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "cases") and not router.allow_migrate(REPLICA, "cases")


@pytest.mark.django_db
def test_the_snapshot_refresh_reads_through_the_replica(with_replica, courts, monkeypatch):
    """Every module's queries run inside reading_replica(), and each module's savepoint is taken on that alias."""
    seen, atomics = [], []
    real = db.replica_alias
    monkeypatch.setattr(db, "replica_alias", lambda: seen.append(real()) or "default")  # record, but query the test DB
    real_atomic = snapshots.transaction.atomic

    def atomic(using=None, **kw):
        if callable(using):  # @transaction.atomic on a function imported during the refresh
            return real_atomic(using)
        atomics.append(using)
        return real_atomic(using="default", **kw)

    monkeypatch.setattr(snapshots.transaction, "atomic", atomic)
    summary = snapshots.refresh(dt.datetime(2025, 6, 15, 2, 0, tzinfo=dt.UTC), force=True)
    assert len(summary["computed"]) == 40 and not summary["failed"]
    assert seen and set(seen) == {REPLICA}
    assert len(atomics) == 40 and set(atomics) == {
        "default"
    }  # one savepoint per module, on the alias reading_replica() gave


def test_export_rows_read_the_replica_only_while_a_row_is_read(with_replica):
    """replica_rows sets the alias around each step, never across a yield: the server code between rows (and a
    response abandoned half-way) reads the primary."""
    seen = []

    def rows():
        for k in range(3):
            seen.append(router.db_for_read(Case))
            yield k

    streamed = db.replica_rows(rows())
    assert next(streamed) == 0 and router.db_for_read(Case) == "default"
    assert list(streamed) == [1, 2] and seen == [REPLICA] * 3
    assert router.db_for_read(Case) == "default"


def test_a_replica_that_does_not_answer_is_left_alone_and_the_primary_read(monkeypatch):
    """A failed probe marks the replica down for DATABASE_REPLICA_RETRY_SECONDS: the block reads the primary."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, settings.DATABASES["default"])
    monkeypatch.setattr(db, "_down", {"until": 0.0, "error": ""})

    class Refusing:
        def cursor(self):
            raise db.OperationalError("connection refused")

        def close(self):
            pass

    monkeypatch.setattr(db, "connections", {REPLICA: Refusing()})
    with reading_replica() as alias:
        assert alias == "default" and router.db_for_read(Case) == "default"
    assert "connection refused" in db.replica_down_reason()
    monkeypatch.setattr(db, "connections", {})  # not even asked again within the retry interval
    with reading_replica() as alias:
        assert alias == "default"
