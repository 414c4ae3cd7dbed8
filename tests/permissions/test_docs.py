"""docs/permissions.md is the policy's own table: it fails here when a rule changes and the file does not."""

from django.core.management import call_command


def test_docs_permissions_table_is_generated_from_the_current_policy():
    call_command("permissions_table", check=True)
