"""OPS staff keep the indicator registry (REPORTS.md §8: R3 is the OPS's; the CAL team reads
its shared variant through the reports, not the registry). Nothing is seeded: the demo data
(``calportal.strategy.demo``) adds an example set."""

from django.db import migrations

from calportal.accounts.roles import Role, grant

MODELS = ("indicatorset", "objective", "strategyindicator", "typedvalue")

PERMISSIONS = {
    Role.OPS_STAFF: [
        f"strategy.{action}_{model}"
        for model in MODELS
        for action in ("view", "add", "change", "delete")
    ],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
