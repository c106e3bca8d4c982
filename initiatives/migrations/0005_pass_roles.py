from django.db import migrations

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    Role.OPS_STAFF: [
        f"initiatives.{action}_{model}"
        for model in ("programmesettings", "partnervenue", "passapplication", "seniorpass")
        for action in ("view", "add", "change")
    ]
    + ["initiatives.view_redemption"],
    # Venue staff record redemptions at their own venue; the views scope them to it.
    Role.VENUE_STAFF: ["initiatives.add_redemption"],
    Role.CAL_TEAM_MEMBER: ["initiatives.view_partnervenue"],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)
    apps.get_model("initiatives", "ProgrammeSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_senior_passes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
