"""Phone numbers typed before the portal kept them as 9 national digits (``601 234 567``,
``+48 601-234-567``) brought to that form, so that matching and search find them; anything that
is not clearly a Polish number stays as it was."""

from django.db import migrations

from calportal.contacts import phones_to_stored_form


def to_stored_form(apps, schema_editor):
    phones_to_stored_form(apps.get_model("resources_map", "Resource"), "contact_phone")
    phones_to_stored_form(apps.get_model("resources_map", "ResidentReport"), "phone")


class Migration(migrations.Migration):
    dependencies = [
        ("resources_map", "0004_need_answered_by_groups_and_opportunities"),
    ]

    operations = [
        migrations.RunPython(to_stored_form, migrations.RunPython.noop),
    ]
