from django.db import migrations

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    # The OPS commissions the tasks and receives the reports: it sees and keeps all of them.
    Role.OPS_STAFF: [
        f"public_tasks.{action}_publictask" for action in ("view", "add", "change", "delete")
    ],
    # A partner coordinator keeps the tasks of their own organisation (and prepares its R6).
    Role.PARTNER_COORDINATOR: ["public_tasks.manage_own_publictask"],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("public_tasks", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
