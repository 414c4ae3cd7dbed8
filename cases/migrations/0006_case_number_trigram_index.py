"""A trigram index on the case number for the case list's partial-number search (cases.filtersets.filter_text:
`number LIKE '%0105执12%'`), PostgreSQL only: SQLite, the embedded default, has no such index and scans its
smaller tables. pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+), so the database owner
may create it without being a superuser."""
from django.db import migrations

INDEX = "case_number_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case USING gin (number gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("cases", "0005_money_entry_court")]

    operations = [migrations.RunPython(create, drop)]
