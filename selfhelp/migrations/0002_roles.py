from django.db import migrations

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    # Descriptions and anonymous counts: everyone who works with the CAL.
    Role.OPS_STAFF: ["selfhelp.view_group", "selfhelp.add_group", "selfhelp.change_group"],
    Role.CAL_TEAM_MEMBER: ["selfhelp.view_group"],
    Role.PARTNER_COORDINATOR: ["selfhelp.view_group"],
    # A facilitator opens their own groups' workspace (the views check it is theirs).
    Role.GROUP_FACILITATOR: ["selfhelp.view_group"],
    # Oversight of every group's members, requests and notes, and the access log.
    Role.SELFHELP_COORDINATOR: [
        "selfhelp.view_group",
        "selfhelp.oversee_groups",
        "selfhelp.view_access_log",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("selfhelp", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
