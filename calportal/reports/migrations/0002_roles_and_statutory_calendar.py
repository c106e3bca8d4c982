"""Who may see reports (REPORTS.md §8) and the statutory calendar as default schedules (§5):
R1, the CAL chapter of the council report, drafted for the previous year on 15 January, and
the monthly digest R12 on the 2nd of each month at 07:00. Both are editable."""

import datetime
import zoneinfo

from django.db import migrations

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    Role.OPS_STAFF: ["reports.view_internal_report", "reports.view_reportrun"],
    Role.CAL_TEAM_MEMBER: ["reports.view_shared_report", "reports.view_reportrun"],
    Role.PARTNER_COORDINATOR: ["reports.view_own_scope_report", "reports.view_reportrun"],
}

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def _next(now, month, day, time, monthly):
    local = now.astimezone(WARSAW)
    year, mon = local.year, (local.month if monthly else month)
    for _step in range(24):
        moment = datetime.datetime.combine(datetime.date(year, mon, day), time, tzinfo=WARSAW)
        if moment > now:
            return moment
        if monthly:
            year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
        else:
            year += 1
    raise AssertionError


def roles_and_calendar(apps, schema_editor):
    from django.utils import timezone

    grant(apps, PERMISSIONS)
    Definition = apps.get_model("reports", "ReportDefinition")
    Schedule = apps.get_model("reports", "ReportSchedule")
    now = timezone.now()
    seven = datetime.time(7, 0)
    r1 = Definition.objects.create(
        kind="R1",
        title="Sprawozdanie z działalności CAL (projekt na sesję rady)",
        timeframe="year_previous",
        comparison="same_period_last_year",
        variant="internal",
        language="pl",
    )
    Schedule.objects.create(
        definition=r1, recurrence="yearly", month=1, day=15, time=seven, is_statutory=True,
        next_run_at=_next(now, 1, 15, seven, monthly=False),
    )
    r12 = Definition.objects.create(
        kind="R12",
        title="Miesięczny przegląd",
        timeframe="month_previous",
        comparison="same_period_last_year",
        variant="internal",
        language="pl",
    )
    Schedule.objects.create(
        definition=r12, recurrence="monthly", day=2, time=seven, is_statutory=True,
        next_run_at=_next(now, None, 2, seven, monthly=True),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_and_calendar, migrations.RunPython.noop)]
