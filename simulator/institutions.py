"""The simulator's own view of the institutions it plays (`SimInstitution`), kept apart from the product's
`querycontrol.Institution` by the connector boundary (docs/architecture.md).

The product tells the simulator which institutions exist through `register` (called on the product's side of
the boundary by `querycontrol.connectors.simulator.publish`); how each one behaves — how fast it answers, how often
it fails or times out — is the simulator's business, set from the institution's category below.
"""

from collections.abc import Iterable

from django.db import transaction

from .exceptions import SimulatedNotFound
from .models import SimInstitution

# Behaviour per category: (latency ms min, max, failure rate, timeout rate). Large banks run big gateways;
# village banks and credit cooperatives answer through a provincial platform, slowly and less reliably.
BEHAVIOUR = {
    "state_bank": (50, 300, 0.002, 0.002),
    "joint_stock_bank": (60, 400, 0.003, 0.003),
    "policy_bank": (80, 600, 0.005, 0.005),
    "private_bank": (50, 500, 0.005, 0.005),
    "foreign_bank": (100, 800, 0.005, 0.005),
    "city_bank": (100, 800, 0.005, 0.008),
    "rural_commercial_bank": (150, 1500, 0.01, 0.01),
    "rural_cooperative_bank": (150, 1500, 0.01, 0.01),
    "credit_cooperative": (200, 2000, 0.01, 0.01),
    "village_bank": (200, 2000, 0.015, 0.01),
    "national_registry": (100, 800, 0.005, 0.005),
    "local_registry": (200, 1500, 0.01, 0.01),
    "company": (80, 1000, 0.005, 0.005),
}
DEFAULT_BEHAVIOUR = (50, 500, 0.0, 0.0)
# What the product says about an institution; everything else on SimInstitution is behaviour.
IDENTITY_FIELDS = ("name", "kind", "category", "region_code", "supported_actions", "term_years", "is_active")


def behaviour(category: str) -> dict:
    """{latency_min_ms, latency_max_ms, failure_rate, timeout_rate} for an institution of `category`."""
    low, high, failure, timeout = BEHAVIOUR.get(category, DEFAULT_BEHAVIOUR)
    return {"latency_min_ms": low, "latency_max_ms": high, "failure_rate": failure, "timeout_rate": timeout}


@transaction.atomic
def register(institutions: Iterable[dict], *, reset_behaviour: bool = False) -> int:
    """Upsert institutions by `code`: each dict has `code` and the IDENTITY_FIELDS (missing ones keep their
    value or default). A new institution gets its category's behaviour; an existing one keeps the behaviour it
    has (a test or an operator may have tuned it) unless `reset_behaviour`. Returns how many were written."""
    rows = {row["code"]: row for row in institutions}
    existing = {i.code: i for i in SimInstitution.objects.filter(code__in=list(rows))}
    create, update = [], []
    for code, row in rows.items():
        identity = {f: row[f] for f in IDENTITY_FIELDS if f in row}
        inst = existing.get(code)
        if inst is None:
            create.append(SimInstitution(code=code, **identity, **behaviour(identity.get("category", ""))))
            continue
        for field, value in identity.items():
            setattr(inst, field, value)
        if reset_behaviour:
            for field, value in behaviour(inst.category).items():
                setattr(inst, field, value)
        update.append(inst)
    SimInstitution.objects.bulk_create(create, batch_size=500)
    fields = list(IDENTITY_FIELDS) + (list(behaviour("")) if reset_behaviour else [])
    SimInstitution.objects.bulk_update(update, fields, batch_size=500)
    return len(create) + len(update)


def active(codes: Iterable[str]) -> dict[str, SimInstitution]:
    """{code: institution} of the active institutions among `codes` (unknown codes are left out)."""
    return {i.code: i for i in SimInstitution.objects.filter(code__in=list(codes), is_active=True)}


def get(code: str) -> SimInstitution:
    """The active institution `code`; SimulatedNotFound (a refusal: do not retry) when unknown or inactive."""
    inst = active([code]).get(code)
    if inst is None:
        raise SimulatedNotFound(f"未知或已停用的机构 {code} (unknown or inactive institution)")
    return inst
