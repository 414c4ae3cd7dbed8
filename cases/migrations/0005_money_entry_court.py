"""MoneyEntry.court: the case's court copied onto each entry (see the model), filled in for existing entries."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_case_courts(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    MoneyEntry = apps.get_model("cases", "MoneyEntry")
    MoneyEntry.objects.update(court_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("court_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_case_closed_facts_index"),
        ("execcenter", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="moneyentry",
            name="court",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="execcenter.court", verbose_name="法院"),
        ),
        migrations.RunPython(copy_case_courts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="moneyentry",
            name="court",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="execcenter.court", verbose_name="法院"),
        ),
        migrations.AlterField(
            model_name="moneyentry",
            name="occurred_at",
            field=models.DateTimeField(verbose_name="发生时间"),
        ),
        migrations.AddIndex(
            model_name="moneyentry",
            index=models.Index(fields=["occurred_at"], include=["court", "kind", "amount"], name="money_occurred_idx"),
        ),
        migrations.AddIndex(
            model_name="moneyentry",
            index=models.Index(condition=models.Q(("amount__gt", models.F("paid_out_amount")), ("kind", "receipt")),
                               fields=["court", "payout_due"], include=["amount", "paid_out_amount"], name="money_unpaid_idx"),
        ),
    ]
