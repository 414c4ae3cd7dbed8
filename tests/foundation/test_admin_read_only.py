"""Read-only admin pages share one definition (execcenter.admin.ReadOnlyAdmin) and really refuse changes."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from execcenter.admin import ManagedByPolicyAdmin, ReadOnlyAdmin

PRODUCT = ("cases.", "command.", "dashboards.", "execcenter.", "querycontrol.", "workbench.")
VERBS = ("has_add_permission", "has_change_permission", "has_delete_permission")


def test_no_product_admin_redefines_the_read_only_permissions_of_its_own():
    # The two admin bases: read-only pages, and the pages the policy lets the administrator change (officers, keys).
    own = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for model_admin in admin.site._registry.values()
        for cls in type(model_admin).__mro__
        if cls.__module__.startswith(PRODUCT)
        and cls not in (ReadOnlyAdmin, ManagedByPolicyAdmin)
        and all(verb in vars(cls) for verb in VERBS)
    )
    assert own == []


@pytest.mark.parametrize("label", ["execcenter.AuditLog", "dashboards.AlertAction", "cases.Party", "cases.Case"])
def test_append_only_and_service_owned_records_are_read_only_in_the_admin(label, django_user_model, db):
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label == label)
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    assert isinstance(model_admin, ReadOnlyAdmin)
    assert not any(getattr(model_admin, verb)(request) for verb in VERBS)
