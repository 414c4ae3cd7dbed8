"""A case's respondents from the index alone (issue 17 item 2: 终本合格率 at 10M cases), built CONCURRENTLY on
PostgreSQL as 0020's index is (see there: the table stays writable while it builds, ≈ 15 s for 22M case-party rows on
2 cores; an interrupted build leaves an INVALID index to drop first)."""

from importlib import import_module

from django.db import migrations, models

AddIndexConcurrentlyOnPostgres = import_module("cases.migrations.0020_case_court_status_id_idx").AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0022_case_filed_facts_idx"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="caseparty",
            index=models.Index(
                condition=models.Q(("role", "respondent")),
                fields=["case"],
                include=("party",),
                name="caseparty_respondent_idx",
            ),
        ),
    ]
