from django.db import migrations

# The DESIGN defaults at the time of writing (workbench.choices.RULE_DEFAULTS); later changes are the director's.
DEFAULTS = {
    "case_idle": (30, "warning"), "deadline_near": (30, "warning"), "payout_waiting": (20, "critical"),
    "freeze_expiring": (15, "critical"), "requery_due": (7, "warning"), "ledger_plan_overdue": (15, "warning"),
}


def seed(apps, schema_editor):
    WarningRule = apps.get_model("workbench", "WarningRule")
    for kind, (days, severity) in DEFAULTS.items():
        WarningRule.objects.get_or_create(kind=kind, court=None, defaults={"threshold_days": days, "severity": severity})


class Migration(migrations.Migration):
    dependencies = [("workbench", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
