"""终本 closures' covering partial index (issue 17 item 2), built CONCURRENTLY on PostgreSQL as 0020's index is (see
there: the case table stays writable while it builds; an interrupted build leaves an INVALID index to drop first)."""

from importlib import import_module

from django.db import migrations, models

AddIndexConcurrentlyOnPostgres = import_module(
    "cases.migrations.0020_case_court_status_id_idx"
).AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0020_case_court_status_id_idx"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closure_type", "terminated_this_round")),
                fields=["case_type", "closed_on"],
                include=(
                    "id",
                    "court",
                    "filed_on",
                    "notice_sent_on",
                    "dishonest_eligible",
                    "debtor_whereabouts_unknown",
                    "debtor_searched_on",
                    "debtor_obstructed",
                ),
                name="case_terminated_idx",
            ),
        ),
    ]
