"""The self-help access log is now the part of the portal's access log (audit.AccessEvent)
that names a group: audit 0002 copied the rows; the table goes and a proxy stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_selfhelp_log_and_roles'),
        ('selfhelp', '0006_access_log_reports'),
    ]

    operations = [
        migrations.DeleteModel(
            name='AccessLog',
        ),
        migrations.CreateModel(
            name='AccessLog',
            fields=[
            ],
            options={
                'verbose_name': 'access log entry',
                'verbose_name_plural': 'access log',
                'ordering': ['-at', '-pk'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('audit.accessevent',),
        ),
    ]
