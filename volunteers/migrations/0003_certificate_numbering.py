from django.db import migrations, models


def number_parts(apps, schema_editor):
    certificate = apps.get_model("volunteers", "Certificate")
    for row in certificate.objects.all():
        _prefix, year, sequence = row.number.split("/")
        row.year, row.sequence = int(year), int(sequence)
        row.save(update_fields=["year", "sequence"])


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_skills_and_roles")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="year",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="kinds",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(number_parts, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="certificate",
            options={
                "ordering": ["-issued_on", "-year", "-sequence"],
                "verbose_name": "volunteer certificate",
                "verbose_name_plural": "volunteer certificates",
            },
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("year", "sequence"), name="certificate_number_once"
            ),
        ),
    ]
