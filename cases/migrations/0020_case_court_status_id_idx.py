"""The case list's (court, status, id) index (issue 17 item 2).

Built CONCURRENTLY on PostgreSQL so that a production table of millions of cases stays writable while it builds
(≈ 1 min at 10M cases on 2 cores; a plain CREATE INDEX would block every case write for that long). That needs the
migration outside a transaction (`atomic = False`). If a concurrent build is interrupted PostgreSQL leaves an INVALID
index of that name: drop it (`DROP INDEX CONCURRENTLY case_court_status_id_idx`) and run the migration again.
SQLite (the embedded default) builds it the ordinary way.
"""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex, built with CREATE INDEX CONCURRENTLY where the database is PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0019_case_tally"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(fields=["court", "status", "id"], name="case_court_status_id_idx"),
        ),
    ]
