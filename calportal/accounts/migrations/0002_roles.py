from django.db import migrations

from calportal.accounts.roles import FOUNDATION_PERMISSIONS, grant


def create_roles(apps, schema_editor):
    grant(apps, FOUNDATION_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
        ("team", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
