"""The case tally's PostgreSQL side (cases.models.tallies.CaseTally): the triggers that keep it, its rebuild after a
bulk load and its compaction.

Why triggers rather than Python in cases.services: every path that writes a case (services, admin, bulk updates,
migrations, a DBA's UPDATE) is covered, in the writer's own transaction, and a rolled-back change takes its tally
rows with it. Why insert-only rows rather than one row per key updated in place: an UPDATE of a shared counter row
would make every transaction of a court wait for the previous one to commit (and could deadlock two of them), while
an INSERT never waits. The cost is that readers SUM(n) and a compaction (a beat task) folds the new rows.

Only on PostgreSQL; SQLite (the embedded default, small) reads the case table (`enabled()` is False there).
"""

from django.db import connection, transaction

NONE_DAY = (
    "0001-01-01"  # CaseTally.day for "no day" (kinds R and J, closed_on null): NOT NULL keeps keys equal-comparable
)

# The tags the screen shows, as bits of CaseTally.mask (dashboards.modules.case_management.TAG_FLAGS).
MASK_BITS = {"is_livelihood": 1, "is_migrant_wages": 2, "is_government": 4}
MASKS = 8  # masks 0 … 7
_MASK = " + ".join(f"(CASE WHEN c.{flag} THEN {bit} ELSE 0 END)" for flag, bit in MASK_BITS.items())
COLUMNS = "court_id, kind, day, status, closure_type, mask, no_leader, filed_on, deadline, judge_id"
_SUMS = "n, recovered, outstanding, folded"
# Columns of cases_case the tally reads: an UPDATE that changes none of them writes no tally row.
WATCHED = [
    "court_id",
    "filed_on",
    "closed_on",
    "status",
    "closure_type",
    "is_livelihood",
    "is_migrant_wages",
    "is_government",
    "leading_official_id",
    "statutory_deadline",
    "assigned_judge_id",
    "recovered_amount",
    "outstanding_amount",
]

# Each kind: (its key expressions over a case c, its amount expressions, the condition for a case to have the row).
KINDS = {
    "F": ("c.filed_on, '', '', {mask}, false, NULL::date, NULL::date, NULL::integer", "0, 0", "true"),
    "R": (
        f"'{NONE_DAY}'::date, '', '', {{mask}}, false, NULL::date, NULL::date, NULL::integer",
        "{amount}c.recovered_amount, 0",
        "true",
    ),
    "C": (
        f"coalesce(c.closed_on, '{NONE_DAY}'::date), c.status, c.closure_type, {{mask}}, false, NULL::date, "
        "NULL::date, NULL::integer",
        "0, 0",
        "c.closed_on IS NOT NULL OR c.status = 'closed'",
    ),
    "O": (
        f"coalesce(c.closed_on, '{NONE_DAY}'::date), c.status, '', {{mask}}, c.leading_official_id IS NULL, "
        "c.filed_on, c.statutory_deadline, NULL::integer",
        "0, {amount}c.outstanding_amount",
        "c.status <> 'closed'",
    ),
    "J": (
        f"'{NONE_DAY}'::date, '', '', 0, false, NULL::date, NULL::date, c.assigned_judge_id",
        "0, 0",
        "c.status <> 'closed'",
    ),
}


def _trigger_sql():
    inserts = []
    for kind, (key, amounts, condition) in KINDS.items():
        values = f"(c.court_id, '{kind}', {key.format(mask='m')}, sign, {amounts.format(amount='sign * ')}, false)"
        insert = f"INSERT INTO cases_casetally ({COLUMNS}, {_SUMS}) VALUES {values};"
        inserts.append(insert if condition == "true" else f"IF {condition} THEN {insert} END IF;")
    body = "\n    ".join(inserts)
    changed = " OR ".join(f"OLD.{col} IS DISTINCT FROM NEW.{col}" for col in WATCHED)
    return [
        f"""CREATE OR REPLACE FUNCTION cases_tally_rows(c cases_case, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE m smallint := {_MASK};
BEGIN
    {body}
END $$""",
        """CREATE OR REPLACE FUNCTION cases_tally_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM cases_tally_rows(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM cases_tally_rows(NEW, 1); END IF;
    RETURN NULL;
END $$""",
        "DROP TRIGGER IF EXISTS cases_case_tally_write ON cases_case",
        "DROP TRIGGER IF EXISTS cases_case_tally_update ON cases_case",
        "CREATE TRIGGER cases_case_tally_write AFTER INSERT OR DELETE ON cases_case "
        "FOR EACH ROW EXECUTE FUNCTION cases_tally_trigger()",
        f"CREATE TRIGGER cases_case_tally_update AFTER UPDATE ON cases_case FOR EACH ROW WHEN ({changed}) "
        "EXECUTE FUNCTION cases_tally_trigger()",
    ]


def _rebuild_sql():
    """One INSERT … SELECT per kind, each a GROUP BY over the case table (folded rows)."""
    selects = []
    for kind, (key, amounts, condition) in KINDS.items():
        key_sql = key.format(mask=f"({_MASK})")
        n = len(COLUMNS.split(", ")) - 2  # key columns after court_id and kind
        sums = amounts.format(amount="").split(", ")
        selects.append(
            f"SELECT c.court_id, '{kind}', {key_sql}, count(*), "
            + ", ".join(f"sum({s})" if s != "0" else "0" for s in sums)
            + f", true FROM cases_case c WHERE {condition} GROUP BY 1, "
            + ", ".join(str(i) for i in range(3, 3 + n))
        )
    return [f"INSERT INTO cases_casetally ({COLUMNS}, {_SUMS}) {select}" for select in selects]


COMPACT_SQL = f"""
WITH keys AS (SELECT DISTINCT court_id, kind, day FROM cases_casetally WHERE NOT folded),
gone AS (
    DELETE FROM cases_casetally t USING keys k WHERE t.court_id = k.court_id AND t.kind = k.kind AND t.day = k.day
    RETURNING t.*
)
INSERT INTO cases_casetally ({COLUMNS}, {_SUMS})
SELECT {COLUMNS}, sum(n), sum(recovered), sum(outstanding), true FROM gone
GROUP BY {COLUMNS} HAVING sum(n) <> 0 OR sum(recovered) <> 0 OR sum(outstanding) <> 0
"""


def enabled(using="default"):
    """Whether the case modules read the tally: on PostgreSQL (where the triggers keep it), unless settings say
    DASHBOARD_CASE_TALLY = False (the benchmark's baseline and the equality test read the case table that way)."""
    from django.conf import settings
    from django.db import connections

    return connections[using].vendor == "postgresql" and settings.DASHBOARD_CASE_TALLY


def install(cursor):
    """Create the functions and triggers (the migration; idempotent)."""
    for sql in _trigger_sql():
        cursor.execute(sql)


def set_triggers(cursor, on):
    """Switch the tally triggers off for a bulk load (then rebuild()) and back on. Needs the table's owner."""
    verb = "ENABLE" if on else "DISABLE"
    for name in ("cases_case_tally_write", "cases_case_tally_update"):
        cursor.execute(f"ALTER TABLE cases_case {verb} TRIGGER {name}")


def rebuild(cursor=None):
    """Recompute the whole tally from the case table (after a bulk load with the triggers off). Returns the rows."""
    if cursor is None:
        with connection.cursor() as cur:
            return rebuild(cur)
    cursor.execute("DELETE FROM cases_casetally")
    for sql in _rebuild_sql():
        cursor.execute(sql)
    cursor.execute("SELECT count(*) FROM cases_casetally")
    return cursor.fetchone()[0]


def compact():
    """Fold the rows of every key that triggers wrote to since the last compaction into one row per key; the sums
    do not change, so readers see the same figures before and after. Returns the rows deleted-and-merged count
    (0 when there was nothing to fold or another compaction holds the lock)."""
    if not enabled():
        return 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(hashtext('cases_tally_compact'))")
        if not cur.fetchone()[0]:
            return 0
        cur.execute(COMPACT_SQL)
        return cur.rowcount
