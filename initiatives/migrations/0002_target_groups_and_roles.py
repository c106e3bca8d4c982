from django.db import migrations

from calportal.accounts.roles import Role, grant

TARGET_GROUPS = ["seniors_60", "disabled_55", "disabled_children", "families", "youth", "everyone"]

PERMISSIONS = {
    Role.OPS_STAFF: [
        f"initiatives.{action}_{model}"
        for model in ("initiative", "event", "registration", "participant", "funding")
        for action in ("view", "add", "change")
    ],
    # The team sees what the CAL does, but not who signed up.
    Role.CAL_TEAM_MEMBER: ["initiatives.view_initiative", "initiatives.view_event"],
}


def forwards(apps, schema_editor):
    target_group = apps.get_model("initiatives", "TargetGroup")
    for code in TARGET_GROUPS:
        target_group.objects.get_or_create(code=code)
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
