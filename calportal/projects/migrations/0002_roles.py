from django.db import migrations

from calportal.accounts.roles import Role, grant

MODELS = ("project", "reportingperiod", "projectindicator", "indicatorvalue")

PERMISSIONS = {
    # Funding agreements are the OPS's: only its staff see and keep them (REPORTS.md §8, R4).
    # The participant list is further limited to the staff assigned to each project.
    Role.OPS_STAFF: [
        f"projects.{action}_{model}"
        for model in MODELS
        for action in ("view", "add", "change", "delete")
    ],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
