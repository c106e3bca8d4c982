"""The statutory calendar (REPORTS.md §5) also lists the deadlines of the portal's own objects:
a public task's report 30 days after the task ends (R6) and each reporting period of a
project on its due date (R4); R12's "deadlines in the next 60 days" shows them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from calportal.projects.models import Project, ReportingPeriod
from calportal.public_tasks.models import PublicTask
from calportal.reports.calendar import deadlines_between
from tests.factories import OrganisationFactory

D = datetime.date


@pytest.mark.django_db
def test_a_task_and_a_reporting_period_are_in_the_calendar():
    organisation = OrganisationFactory(name="TPP Nadzieja")
    PublicTask.objects.create(
        contract_number="ZP/7/2026",
        contract_date=D(2026, 2, 1),
        title="Kawiarenka",
        organisation=organisation,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 11, 30),
        grant_amount=Decimal("8000"),
    )
    project = Project.objects.create(
        name="Aktywni razem",
        funder="WUP",
        agreement_number="FEWP/1",
        start=D(2026, 1, 1),
        end=D(2027, 12, 31),
        retention_end=D(2032, 12, 31),
    )
    ReportingPeriod.objects.create(
        project=project, start=D(2026, 7, 1), end=D(2026, 12, 31), due=D(2027, 1, 10)
    )
    with translation.override("en"):
        found = deadlines_between(D(2026, 12, 1), D(2027, 1, 29))
    assert [(due, text) for due, text in found] == [
        (D(2026, 12, 30), "The report on the public task ZP/7/2026 (TPP Nadzieja), R6"),
        (D(2027, 1, 10), "The project report (R4) of Aktywni razem for 01.07.2026–31.12.2026"),
    ]
    # One day before the window: nothing of theirs.
    assert deadlines_between(D(2026, 12, 31), D(2027, 1, 9)) == []
