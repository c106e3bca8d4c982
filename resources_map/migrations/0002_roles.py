from django.db import migrations

from calportal.accounts.roles import Role, grant

MODELS = ("area", "resource", "need", "residentreport", "diagnosis")

PERMISSIONS = {
    # The OPS keeps the map: everything, including areas' figures and the diagnosis's texts.
    Role.OPS_STAFF: [
        f"resources_map.{action}_{model}"
        for model in MODELS
        for action in ("view", "add", "change", "delete")
    ],
    # Building the map is the CAL team's first task: they add and moderate, the OPS owns areas
    # and the diagnosis's conclusions.
    Role.CAL_TEAM_MEMBER: [
        "resources_map.view_area",
        "resources_map.view_resource",
        "resources_map.add_resource",
        "resources_map.change_resource",
        "resources_map.view_need",
        "resources_map.add_need",
        "resources_map.change_need",
        "resources_map.view_residentreport",
        "resources_map.change_residentreport",
        "resources_map.view_diagnosis",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)
    apps.get_model("resources_map", "Diagnosis").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("resources_map", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
