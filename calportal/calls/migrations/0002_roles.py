"""Who works the call list: OPS staff the office's own items, a partner coordinator their
organisation's volunteer applications, a facilitator their group's join requests
(calportal.calls.selectors.items_for decides which items each one sees). Not the CAL team role:
it sees what the CAL does, not who signed up (initiatives 0002)."""

from django.db import migrations

from calportal.accounts.roles import Role, grant

CALL_LIST = ["calls.view_callitem", "calls.change_callitem"]
PERMISSIONS = {
    Role.OPS_STAFF: CALL_LIST,
    Role.PARTNER_COORDINATOR: CALL_LIST,
    Role.GROUP_FACILITATOR: CALL_LIST,
}


def grant_roles(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("accounts", "0004_user_deactivated_at"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
