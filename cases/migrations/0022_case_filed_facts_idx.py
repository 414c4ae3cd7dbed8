"""三年内整体执结率's covering index (issue 17 item 2), built CONCURRENTLY on PostgreSQL as 0020's index is (see there:
the case table stays writable while it builds; an interrupted build leaves an INVALID index to drop first)."""

from importlib import import_module

from django.db import migrations, models

AddIndexConcurrentlyOnPostgres = import_module("cases.migrations.0020_case_court_status_id_idx").AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0021_case_terminated_idx"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(
                fields=["case_type", "filed_on"], name="case_filed_facts_idx", include=("id", "court", "closed_on")
            ),
        ),
    ]
