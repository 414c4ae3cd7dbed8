"""Roster invariants held by the database, whatever path writes the rows (services, admin, API, shell):
- one officer on both posts of a shift: CheckConstraint shift_posts_two_officers;
- one officer on two overlapping shifts (any post, any centre): a trigger on dashboards_shift. On PostgreSQL it first
  locks the officers' rows (FOR NO KEY UPDATE, which does not block foreign-key checks), so two transactions
  assigning one officer to overlapping shifts at once are serialised and the second sees the first;
- a handover written or acknowledged before its shift started: a trigger on dashboards_handover.
A trigger error is an IntegrityError (SQLSTATE 23P01/23514 on PostgreSQL, SQLITE_CONSTRAINT_TRIGGER on SQLite).

SQLite drops a table's triggers when a migration rebuilds the table: tests/dashboards/test_roster_invariants.py
writes through the ORM's raw update path to prove they are still there.
"""
from django.db import migrations, models

PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION dashboards_shift_roster_guard() RETURNS trigger AS $$
    BEGIN
        PERFORM 1 FROM execcenter_officer WHERE id IN (NEW.post_a_id, NEW.post_b_id) ORDER BY id FOR NO KEY UPDATE;
        IF EXISTS (SELECT 1 FROM dashboards_shift s
                   WHERE s.id <> NEW.id AND s.starts_at < NEW.ends_at AND s.ends_at > NEW.starts_at
                     AND (s.post_a_id IN (NEW.post_a_id, NEW.post_b_id) OR s.post_b_id IN (NEW.post_a_id, NEW.post_b_id))) THEN
            RAISE EXCEPTION 'roster: an officer would be on two overlapping shifts' USING ERRCODE = '23P01';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER dashboards_shift_roster_guard BEFORE INSERT OR UPDATE OF post_a_id, post_b_id, starts_at, ends_at
       ON dashboards_shift FOR EACH ROW EXECUTE FUNCTION dashboards_shift_roster_guard()""",
    """CREATE OR REPLACE FUNCTION dashboards_handover_guard() RETURNS trigger AS $$
    DECLARE shift_start timestamptz;
    BEGIN
        SELECT starts_at INTO shift_start FROM dashboards_shift WHERE id = NEW.shift_id;
        IF NEW.written_at < shift_start OR NEW.acknowledged_at < shift_start THEN
            RAISE EXCEPTION 'roster: a handover before its shift started' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER dashboards_handover_guard BEFORE INSERT OR UPDATE ON dashboards_handover
       FOR EACH ROW EXECUTE FUNCTION dashboards_handover_guard()""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS dashboards_shift_roster_guard ON dashboards_shift",
    "DROP FUNCTION IF EXISTS dashboards_shift_roster_guard()",
    "DROP TRIGGER IF EXISTS dashboards_handover_guard ON dashboards_handover",
    "DROP FUNCTION IF EXISTS dashboards_handover_guard()",
]
_OVERLAP = """EXISTS (SELECT 1 FROM dashboards_shift s WHERE {other} s.starts_at < NEW.ends_at AND s.ends_at > NEW.starts_at
              AND (s.post_a_id IN (NEW.post_a_id, NEW.post_b_id) OR s.post_b_id IN (NEW.post_a_id, NEW.post_b_id)))"""
_EARLY = """(NEW.written_at < (SELECT starts_at FROM dashboards_shift WHERE id = NEW.shift_id)
            OR NEW.acknowledged_at < (SELECT starts_at FROM dashboards_shift WHERE id = NEW.shift_id))"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER dashboards_shift_roster_guard_ins BEFORE INSERT ON dashboards_shift WHEN {_OVERLAP.format(other="")}
        BEGIN SELECT RAISE(ABORT, 'roster: an officer would be on two overlapping shifts'); END""",
    f"""CREATE TRIGGER dashboards_shift_roster_guard_upd BEFORE UPDATE OF post_a_id, post_b_id, starts_at, ends_at ON dashboards_shift
        WHEN {_OVERLAP.format(other="s.id <> NEW.id AND")}
        BEGIN SELECT RAISE(ABORT, 'roster: an officer would be on two overlapping shifts'); END""",
    f"""CREATE TRIGGER dashboards_handover_guard_ins BEFORE INSERT ON dashboards_handover WHEN {_EARLY}
        BEGIN SELECT RAISE(ABORT, 'roster: a handover before its shift started'); END""",
    f"""CREATE TRIGGER dashboards_handover_guard_upd BEFORE UPDATE ON dashboards_handover WHEN {_EARLY}
        BEGIN SELECT RAISE(ABORT, 'roster: a handover before its shift started'); END""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "dashboards_shift_roster_guard_ins", "dashboards_shift_roster_guard_upd", "dashboards_handover_guard_ins",
    "dashboards_handover_guard_upd")]


def _empty_duplicate_post_b(apps, schema_editor):
    Shift = apps.get_model("dashboards", "Shift")
    Shift.objects.filter(post_a__isnull=False, post_a=models.F("post_b")).update(post_b=None)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0002_escalation_chain'),
        ('execcenter', '0004_partner_key_lifecycle'),
    ]

    operations = [
        # Rows that already break "A ≠ B" lose post B: the constraint can then be added, and the duty-gap check
        # (services.duty.check_posts) raises its alert for the empty post, which is the truth about that shift.
        migrations.RunPython(_empty_duplicate_post_b, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='shift',
            constraint=models.CheckConstraint(condition=models.Q(('post_a__isnull', True), ('post_b__isnull', True), models.Q(('post_a', models.F('post_b')), _negated=True), _connector='OR'), name='shift_posts_two_officers'),
        ),
        migrations.RunPython(_run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
                             _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD})),
    ]
