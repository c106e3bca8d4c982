"""The stakeholder catalogue's and the CAL team's report figures (NW1, NW3) against values
computed by hand."""

import datetime
import zoneinfo

import pytest
import time_machine

from calportal.organisations import figures as organisation_figures
from calportal.organisations.models import Organisation, Sector
from calportal.reports.periods import Period
from calportal.team import figures as team_figures
from tests.factories import OrganisationFactory, TeamMeetingFactory

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
D = datetime.date

pytestmark = pytest.mark.django_db


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=WARSAW)


@pytest.fixture
def catalogue(db):
    def organisation(name, sector, created):
        item = OrganisationFactory(name=name, sector=sector, is_partner=False)
        Organisation.objects.filter(pk=item.pk).update(created_at=created)
        return item

    return [
        organisation("Urząd Miejski", Sector.PUBLIC, at(2025, 12, 31, 23, 30)),
        organisation("Caritas", Sector.NON_GOVERNMENTAL, at(2026, 1, 1, 0, 30)),  # a new year
        organisation("Banda Seniora", Sector.NON_GOVERNMENTAL, at(2024, 5, 1, 12)),
    ]


def test_stakeholders_by_sector_on_a_day(catalogue):
    assert organisation_figures.stakeholders_by_sector(D(2025, 12, 31)) == {
        "public": 1,
        "ngo": 1,
        "business": 0,
        "finance": 0,
        "citizens": 0,
    }
    assert organisation_figures.stakeholders_by_sector(D(2026, 1, 1))["ngo"] == 2


def test_organisations_are_named_in_order(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = organisation_figures.organisations()

    assert list(names.values()) == ["Banda Seniora", "Caritas", "Urząd Miejski"]
    assert names[catalogue[1].pk] == "Caritas"
    assert organisation_figures.labels()["sector"]["ngo"] == str(Sector.NON_GOVERNMENTAL.label)


@pytest.fixture
def meetings(db):
    for day in (D(2025, 12, 31), D(2026, 1, 15), D(2026, 3, 31), D(2026, 4, 1)):
        TeamMeetingFactory(held_on=day)


@time_machine.travel(at(2026, 4, 10, 12))
def test_team_meetings_held_in_the_period(meetings, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert team_figures.team_meetings(Q1) == 2


@time_machine.travel(at(2026, 3, 20, 12))
def test_a_team_meeting_still_to_come_is_not_held(meetings):
    assert team_figures.team_meetings(Q1) == 1
