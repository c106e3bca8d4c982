"""Reports II: the rest of the catalogue (REPORTS.md §6), the venue variant of R9, who else may
read reports (venue staff: R9 of their venue; self-help coordinators and facilitators: R10;
§8), and the statutory calendar's yearly and quarterly schedules (§5): R2 OZPS input on
1 March, R7 cooperation-programme input on 1 April, R8 volunteering every quarter."""

import datetime

from django.db import migrations, models

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    Role.VENUE_STAFF: ["reports.view_venue_report", "reports.view_reportrun"],
    Role.SELFHELP_COORDINATOR: ["reports.view_selfhelp_report", "reports.view_reportrun"],
    Role.GROUP_FACILITATOR: ["reports.view_selfhelp_report", "reports.view_reportrun"],
}


def _next(now, month, day, time, recurrence):
    import zoneinfo

    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    local = now.astimezone(warsaw)
    months = {"yearly": [month], "quarterly": [1, 4, 7, 10]}[recurrence]
    for year in (local.year, local.year + 1):
        for mon in months:
            moment = datetime.datetime.combine(datetime.date(year, mon, day), time, tzinfo=warsaw)
            if moment > now:
                return moment
    raise AssertionError


def roles_and_calendar(apps, schema_editor):
    from django.utils import timezone

    grant(apps, PERMISSIONS)
    Definition = apps.get_model("reports", "ReportDefinition")
    Schedule = apps.get_model("reports", "ReportSchedule")
    now = timezone.now()
    seven = datetime.time(7, 0)
    for kind, title, timeframe, recurrence, month, day in (
        ("R2", "Dane CAL do oceny zasobów pomocy społecznej", "year_previous", "yearly", 3, 1),
        ("R7", "Dane do sprawozdania z programu współpracy", "year_previous", "yearly", 4, 1),
        ("R8", "Raport wolontariatu (kwartał)", "quarter_previous", "quarterly", 1, 5),
    ):
        definition = Definition.objects.create(
            kind=kind,
            title=title,
            timeframe=timeframe,
            comparison="same_period_last_year",
            variant="internal",
            language="pl",
        )
        Schedule.objects.create(
            definition=definition,
            recurrence=recurrence,
            month=month,
            day=day,
            time=seven,
            is_statutory=True,
            next_run_at=_next(now, month, day, seven, recurrence),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_drafts_have_no_version'),
        ('accounts', '0002_roles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='reportdefinition',
            options={'ordering': ['kind', 'title'], 'permissions': [('view_internal_report', 'Run and read every report, all variants'), ('view_shared_report', "Read the shared variant of the CAL's reports"), ('view_own_scope_report', "Run the operational reports for one's own initiatives"), ('view_venue_report', "Read the senior pass report of one's own venue"), ('view_selfhelp_report', "Run the self-help groups report for one's groups")], 'verbose_name': 'report definition', 'verbose_name_plural': 'report definitions'},
        ),
        migrations.AlterField(
            model_name='reportdefinition',
            name='kind',
            field=models.CharField(choices=[('R1', "R1 – The CAL's activity report"), ('R2', 'R2 – CAL data for the assessment of social-welfare resources (OZPS)'), ('R3', "R3 – Monitoring of the strategy's indicators"), ('R4', 'R4 – Project report and participant monitoring'), ('R5', "R5 – Evaluation of the CAL's effectiveness"), ('R6', 'R6 – Report on the performance of a public task'), ('R7', 'R7 – Data for the cooperation programme report'), ('R8', 'R8 – Volunteering report'), ('R9', 'R9 – Senior pass report'), ('R10', 'R10 – Self-help groups (anonymous)'), ('R11', 'R11 – Event or initiative summary'), ('R12', 'R12 – Monthly digest')], max_length=10, verbose_name='report'),
        ),
        migrations.AlterField(
            model_name='reportdefinition',
            name='variant',
            field=models.CharField(choices=[('shared', 'Shared (small numbers hidden)'), ('internal', 'Internal (all figures)'), ('venue', 'For the venue (its own uses only)')], default='internal', max_length=10, verbose_name='variant'),
        ),
        migrations.AlterField(
            model_name='reportrun',
            name='kind',
            field=models.CharField(choices=[('R1', "R1 – The CAL's activity report"), ('R2', 'R2 – CAL data for the assessment of social-welfare resources (OZPS)'), ('R3', "R3 – Monitoring of the strategy's indicators"), ('R4', 'R4 – Project report and participant monitoring'), ('R5', "R5 – Evaluation of the CAL's effectiveness"), ('R6', 'R6 – Report on the performance of a public task'), ('R7', 'R7 – Data for the cooperation programme report'), ('R8', 'R8 – Volunteering report'), ('R9', 'R9 – Senior pass report'), ('R10', 'R10 – Self-help groups (anonymous)'), ('R11', 'R11 – Event or initiative summary'), ('R12', 'R12 – Monthly digest')], max_length=10, verbose_name='report'),
        ),
        migrations.AlterField(
            model_name='reportrun',
            name='variant',
            field=models.CharField(choices=[('shared', 'Shared (small numbers hidden)'), ('internal', 'Internal (all figures)'), ('venue', 'For the venue (its own uses only)')], max_length=10, verbose_name='variant'),
        ),
        migrations.RunPython(roles_and_calendar, migrations.RunPython.noop),
    ]
