"""Demo data: one ESF+ project paying for two of the demo initiatives, with half-year reporting
periods and its indicators, so that R4 and the participant list have something to show."""

import datetime

from django.utils import timezone

from calportal.accounts.roles import Role
from calportal.projects.models import (
    IndicatorKind,
    IndicatorValue,
    Measure,
    Project,
    ProjectIndicator,
    ReportingPeriod,
)

AGREEMENT_NUMBER = "FEWP.06.10-IZ.00-0042/25"
# The initiatives the project pays for (initiatives/demo.py), besides the senior café.
INITIATIVE_SLUGS = ("akademia-pelni-zycia",)


def projects_demo_load() -> Project | None:
    """Create the demo project once (None when it exists already): 1 January of last year to
    31 December of next year, half-year reporting periods due 10 days after each, the OPS demo
    accounts assigned, the ESF funding rows of its initiatives linked to it. Run after the
    initiatives', the history's and the logins' demo data."""
    from django.contrib.auth import get_user_model

    from initiatives.demo import HISTORY_SLUG
    from initiatives.models import Funding, FundingSource, Initiative

    if Project.objects.filter(agreement_number=AGREEMENT_NUMBER).exists():
        return None
    today = timezone.localdate()
    start = datetime.date(today.year - 1, 1, 1)
    end = datetime.date(today.year + 1, 12, 31)
    project = Project.objects.create(
        name="Aktywni razem – usługi społeczne w Śremie",
        funder="Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027",
        programme="Fundusze Europejskie dla Wielkopolski 2021–2027, Priorytet 6, Działanie 6.10",
        agreement_number=AGREEMENT_NUMBER,
        agreement_date=start - datetime.timedelta(days=20),
        start=start,
        end=end,
        retention_end=datetime.date(end.year + 6, 12, 31),
    )
    initiatives = Initiative.objects.filter(slug__in=(*INITIATIVE_SLUGS, HISTORY_SLUG))
    project.initiatives.set(initiatives)
    project.staff.set(
        get_user_model().objects.filter(groups__name=Role.OPS_STAFF.value, is_active=True)
    )
    periods = []
    for year in range(start.year, end.year + 1):
        for first, last in ((1, 6), (7, 12)):
            period_end = datetime.date(year, last, 30 if last == 6 else 31)
            periods.append(
                ReportingPeriod.objects.create(
                    project=project,
                    start=datetime.date(year, first, 1),
                    end=period_end,
                    due=period_end + datetime.timedelta(days=10),
                )
            )
    ProjectIndicator.objects.create(
        project=project,
        name="Liczba osób objętych usługami społecznymi w ramach projektu",
        kind=IndicatorKind.OUTPUT,
        measure=Measure.STARTED,
        target_women=90,
        target_men=60,
        target_total=150,
        position=0,
    )
    ProjectIndicator.objects.create(
        project=project,
        name="Liczba osób z niepełnosprawnościami objętych wsparciem",
        kind=IndicatorKind.OUTPUT,
        measure=Measure.TYPED,
        target_women=12,
        target_men=8,
        target_total=20,
        position=1,
    )
    result = ProjectIndicator.objects.create(
        project=project,
        name="Liczba osób, których sytuacja społeczna uległa poprawie po opuszczeniu programu",
        kind=IndicatorKind.RESULT,
        measure=Measure.TYPED,
        target_women=30,
        target_men=20,
        target_total=50,
        position=2,
    )
    ended = [period for period in periods if period.end < today]
    for index, period in enumerate(ended):
        IndicatorValue.objects.create(
            indicator=result, period=period, women=4 + index, men=2 + index, total=6 + 2 * index
        )
    Funding.objects.filter(initiative__in=initiatives, source=FundingSource.ESF).update(
        agreement=project, year=today.year
    )
    return project
