"""Load (or refresh) the institution catalogue: 3,815 banks and the registries. Idempotent: rows are
matched by code, so a rerun updates names and profiles in place and creates nothing twice. With the simulator
installed, the simulator is told the same catalogue (it keeps its own records behind the connector)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from querycontrol.catalog import build_catalogue
from querycontrol.models import Institution

UPDATE_FIELDS = [
    "name",
    "kind",
    "category",
    "region_code",
    "supported_actions",
    "asset_term_class",
    "is_active",
    "rate_per_second",
    "max_in_flight",
]


def load_institutions() -> tuple[int, int]:
    """Upsert the catalogue; returns (created, updated)."""
    entries = [e.as_fields() for e in build_catalogue()]
    existing = set(Institution.objects.values_list("code", flat=True))
    with transaction.atomic():
        Institution.objects.bulk_create(
            [Institution(**fields) for fields in entries],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=UPDATE_FIELDS,
        )
        if apps.is_installed("simulator"):  # bulk_create sends no post_save: tell the simulator ourselves
            from querycontrol.connectors.simulator import publish

            publish(Institution.objects.all(), reset_behaviour=True)
    created = sum(1 for e in entries if e["code"] not in existing)
    return created, len(entries) - created


class Command(BaseCommand):
    help = "加载查控协助单位目录（3815家银行及登记机构） / Load the institution catalogue."

    def handle(self, *args, **options):
        created, updated = load_institutions()
        total = Institution.objects.count()
        banks = Institution.objects.filter(kind="bank").count()
        self.stdout.write(f"institutions: {created} created, {updated} updated; {total} in total, {banks} banks")
