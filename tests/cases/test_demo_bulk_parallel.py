"""The bulk demo generator built in worker processes: the same rows as in-process, unique ID and case numbers,
gapless numbering, consistent money, all-or-nothing — with chunks small enough that a few thousand cases make
many chunks and reuse every ID class."""

import datetime as dt
import io
import zoneinfo
from collections import defaultdict

import pytest
from django.db import connection

from cases import demo_bulk
from cases.demo_bulk import generate_cases
from cases.models import Case, CaseEvent, CaseParty, CaseSequence, MoneyEntry, Party
from execcenter.validators import USCC_CHARS, format_case_number, validate_credit_code, validate_resident_id
from tests.factories import PartyFactory

TODAY = dt.date(2026, 3, 14)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def small_chunks(monkeypatch):
    """100 cases a chunk (20 chunks for 2,000 cases: ID classes reused), and two birth dates only, so that
    resident ID numbers collide often and only the per-class memory of used numbers keeps them unique."""
    monkeypatch.setattr(demo_bulk, "CHUNK", 100)
    monkeypatch.setattr(demo_bulk, "BIRTH_DAYS", 2)


def rows():
    """Every generated row, timestamps of the load excepted."""
    skip = {"created_at", "updated_at"}
    out = {}
    for model in (Case, Party, CaseParty, CaseEvent, MoneyEntry, CaseSequence):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in skip and not (model is CaseSequence and f.primary_key)
        ]
        out[model.__name__] = list(
            model.objects.order_by(
                *(["court_id", "case_type", "year"] if model is CaseSequence else ["pk"])
            ).values_list(*fields)
        )
    return out


def delete_all():
    for model in (CaseParty, CaseEvent, MoneyEntry, Case, Party, CaseSequence):
        model.objects.all().delete()


def assert_valid_province(total, runs=1):
    """`runs`: how many generate_cases calls made the cases (each numbers its own cases in filing order)."""
    cases = list(Case.objects.select_related("court").order_by("pk"))
    assert len(cases) == total
    assert len({c.number for c in cases}) == total
    numbered = defaultdict(list)
    for c in cases:
        assert c.number == format_case_number(c.year, c.court.code, c.case_type, c.sequence)
        assert c.outstanding_amount == c.claim_amount - c.recovered_amount >= 0
        numbered[(c.court_id, c.case_type, c.year)].append((c.sequence, c.filed_on))
    for key, seqs in numbered.items():  # gapless from 1, in filing order
        seqs.sort()
        assert [s for s, _ in seqs] == list(range(1, len(seqs) + 1)), key
        assert sum(a > b for (_, a), (_, b) in zip(seqs, seqs[1:])) < runs, key
    assert {(s.court_id, s.case_type, s.year): s.last for s in CaseSequence.objects.all()} == {
        k: len(v) for k, v in numbered.items()
    }

    numbers = list(Party.objects.values_list("kind", "id_number"))
    assert len({n for _, n in numbers}) == len(numbers)
    for kind, number in numbers:
        (validate_resident_id if kind == "person" else validate_credit_code)(number)

    roles = defaultdict(list)
    for case_id, role, party_id in CaseParty.objects.values_list("case_id", "role", "party_id"):
        roles[case_id].append((role, party_id))
    money = defaultdict(lambda: defaultdict(list))
    courts = {}
    for case_id, kind, amount, payee, court_id in MoneyEntry.objects.values_list(
        "case_id", "kind", "amount", "payee_id", "court_id"
    ):
        money[case_id][kind].append((amount, payee))
        courts.setdefault(case_id, set()).add(court_id)
    filed_at = dict(CaseEvent.objects.filter(kind="filed").values_list("case_id", "at"))
    for c in cases:
        applicants = [p for r, p in roles[c.pk] if r == "applicant"]
        assert len(applicants) == 1 and 1 <= sum(r == "respondent" for r, _ in roles[c.pk]) <= 2
        received = sum(a for a, _ in money[c.pk]["receipt"])
        assert received == c.recovered_amount
        assert sum(a for a, _ in money[c.pk]["payout"]) <= received
        assert all(payee == applicants[0] for _, payee in money[c.pk]["payout"])
        assert courts.get(c.pk, {c.court_id}) == {c.court_id}
        assert filed_at[c.pk] == dt.datetime.combine(c.filed_on, dt.time(9), SHANGHAI)


def test_worker_processes_build_the_same_rows_as_one_process_and_a_valid_province(courts, small_chunks):
    assert generate_cases(2000, seed=11, today=TODAY, workers=5, stdout=io.StringIO()) == 2000
    parallel = rows()
    assert_valid_province(2000)
    delete_all()
    assert generate_cases(2000, seed=11, today=TODAY, workers=1) == 2000
    assert rows() == parallel
    delete_all()
    generate_cases(2000, seed=12, today=TODAY, workers=2)
    assert rows()["Case"] != parallel["Case"]  # the seed matters


def test_each_chunk_draws_id_numbers_of_its_own_class_only(courts, small_chunks):
    generate_cases(2000, seed=11, today=TODAY, workers=2)
    block = demo_bulk.CHUNK * demo_bulk.MAX_PARTIES
    first = Party.objects.order_by("pk").values_list("pk", flat=True)[0]
    classes = set()
    for pk, kind, number in Party.objects.values_list("pk", "kind", "id_number"):
        chunk = (pk - first) // block
        drawn = int(number[14:17]) if kind == "person" else USCC_CHARS.index(number[8])
        assert drawn % demo_bulk.CLASSES == chunk % demo_bulk.CLASSES, (number, chunk)
        classes.add(chunk % demo_bulk.CLASSES)
    assert classes == set(range(demo_bulk.CLASSES))


def test_a_top_up_continues_the_numbering_without_reusing_an_id_number(courts, small_chunks):
    assert generate_cases(700, seed=11, today=TODAY, workers=2) == 700
    before = set(Party.objects.values_list("id_number", flat=True))
    assert generate_cases(2000, seed=11, today=TODAY, workers=3) == 1300
    assert generate_cases(2000, seed=11, today=TODAY, workers=3) == 0
    assert_valid_province(2000, runs=2)
    assert before < set(Party.objects.values_list("id_number", flat=True))
    Party.objects.create(
        kind="person", name="新当事人", id_number="110101199003074514"
    )  # primary-key sequence moved on


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_chunk_leaves_nothing_behind(courts, small_chunks, monkeypatch, workers):
    generate_cases(300, seed=11, today=TODAY, workers=workers)
    counts = [model.objects.count() for model in (Case, Party, CaseParty, CaseEvent, MoneyEntry, CaseSequence)]
    build = demo_bulk._Plan.chunk

    def failing(plan, k, seen):
        if k == 7:
            raise ValueError("broken chunk")
        return build(plan, k, seen)

    monkeypatch.setattr(demo_bulk._Plan, "chunk", failing)  # inherited by forked workers
    with pytest.raises((ValueError, RuntimeError), match="broken chunk"):
        generate_cases(1500, seed=11, today=TODAY, workers=workers)
    assert [model.objects.count() for model in (Case, Party, CaseParty, CaseEvent, MoneyEntry, CaseSequence)] == counts
    assert_valid_province(300)


def frozen_pages():
    """(pages, all-frozen pages) of each bulk table, from its visibility map."""
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility")
        out = []
        for model, _ in demo_bulk.TABLES:
            cur.execute(
                "SELECT relpages, (SELECT all_frozen FROM pg_visibility_map_summary(oid)) FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            out.append(cur.fetchone())
        return out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_first_load_is_not_frozen_when_any_row_would_be_truncated(courts, small_chunks):
    if connection.vendor != "postgresql":
        pytest.skip("COPY FREEZE is PostgreSQL's")
    kept = PartyFactory()  # a party already there (no case yet): TRUNCATE would take it, so the load is not frozen
    assert generate_cases(500, seed=11, today=TODAY, workers=2) == 500
    assert Party.objects.filter(pk=kept.pk).exists() and Party.objects.count() > 500
    assert not any(frozen == pages > 0 for pages, frozen in frozen_pages())


SCHEMA_SQL = """
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%(tables)s)
    UNION ALL
    SELECT conname, pg_get_constraintdef(oid) || CASE WHEN condeferred THEN ' deferred' ELSE '' END || convalidated::text
      FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[])
    ORDER BY 1, 2"""


def schema():
    with connection.cursor() as cur:
        cur.execute(SCHEMA_SQL, {"tables": [m._meta.db_table for m, _ in demo_bulk.TABLES]})
        return cur.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_large_load_on_postgresql_rebuilds_indexes_and_constraints_exactly_and_atomically(
    courts, small_chunks, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("indexes are dropped and rebuilt around a large load on PostgreSQL only")
    before = schema()
    assert any("FOREIGN KEY" in d for _, d in before) and any("UNIQUE" in d for _, d in before)
    assert generate_cases(1500, seed=11, today=TODAY, workers=2) == 1500  # own transaction, 0 → 1,500: rebuilt
    assert schema() == before
    assert_valid_province(1500)
    # A first load into empty tables writes its rows frozen (COPY … FREEZE): every page all-frozen, which a plain
    # VACUUM of rows this young never does.
    assert all(frozen == pages > 0 for pages, frozen in frozen_pages())

    build = demo_bulk._Plan.chunk
    monkeypatch.setattr(demo_bulk._Plan, "chunk", lambda plan, k, seen: build(plan, k, seen) if k < 19 else 1 / 0)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        generate_cases(3500, seed=11, today=TODAY, workers=2)  # 1,500 → 3,500: rebuilt too; the last chunk fails
    assert schema() == before
    assert_valid_province(1500)
