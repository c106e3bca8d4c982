from django.db import migrations

from calportal.accounts.roles import Role, grant

SKILLS = [
    "homework",
    "seniors",
    "events",
    "children",
    "driving",
    "digital",
    "crafts",
    "sport",
    "care",
    "office",
]

_OWN = [
    f"volunteers.{action}_{model}"
    for model in ("volunteer", "agreement", "childsafetycheck", "opportunity", "shift")
    for action in ("view", "add", "change")
] + [
    "volunteers.view_assignment",
    "volunteers.add_assignment",
    "volunteers.delete_assignment",
    "volunteers.view_hoursentry",
    "volunteers.add_hoursentry",
    "volunteers.change_hoursentry",
    "volunteers.view_certificate",
    "volunteers.add_certificate",
]

PERMISSIONS = {
    # Partner coordinators work with their own organisation's volunteers; the views scope them.
    Role.PARTNER_COORDINATOR: _OWN,
    # The OPS sees every organisation, approves hours and sets the hourly rate.
    Role.OPS_STAFF: _OWN
    + [
        "volunteers.view_all_volunteers",
        "volunteers.approve_hoursentry",
        "volunteers.view_volunteeringsettings",
        "volunteers.change_volunteeringsettings",
    ],
}


def forwards(apps, schema_editor):
    skill = apps.get_model("volunteers", "Skill")
    for code in SKILLS:
        skill.objects.get_or_create(code=code)
    apps.get_model("volunteers", "VolunteeringSettings").objects.get_or_create(pk=1)
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
