"""A small fixed project for the R4 tests; every expected value is computed by hand in
test_figures.py."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from calportal.accounts.roles import Role
from calportal.projects.models import (
    IndicatorKind,
    IndicatorValue,
    Measure,
    Project,
    ProjectIndicator,
    ReportingPeriod,
)
from initiatives.models import Registration
from resources_map.models import Area
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory, UserFactory

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=WARSAW)


def event(initiative, when, **kwargs):
    return EventFactory(
        initiative=initiative,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        capacity=20,
        **kwargs,
    )


def came(participant, to, *, status="confirmed", attendance="present", declared=False):
    return Registration.objects.create(
        event=to,
        participant=participant,
        status=status,
        attendance=attendance,
        places=1,
        certificate_declared=declared,
        consent_given_at=to.starts_at if declared else None,
    )


@pytest.fixture
def project_data(roles, staff):
    """Project 2026-01-01 – 2027-12-31 with reporting periods H1 and H2 of 2026.

    Events: E0 (I1, 10.12.2025, before the project), E1 (I1, 10.03.2026), E2 (I1, 05.08.2026),
    E3 (I1, 01.09.2026, cancelled), E4 (I2, not in the project, 20.08.2026).

    Persons (sex, year of birth → age in 2026, residence) and what they did:
    A  woman 2000 (26, 18–29) town district U   present E1 and E2 → started in H1 only
    B  man   1960 (66, 55+)   village V         present E2, declared disability → H2
    C  —     —   (unknown)    outside           present E0 and E2 → H2 (E0 is not the project's)
    D  woman 2010 (16, <18)   —                 present E4 only → never started
    E  woman 1990 (36)        U                 absent E2, "present" at cancelled E3 → never
    F  man   1980 (46, 30–54) U                 waiting E1, present E2, declared → H2
    G  woman 1950 (76, 55+)   V                 present E2, declared → H2
    """
    town = Area.objects.create(name="Osiedle Jeziorany", kind="district", urban=True)
    village = Area.objects.create(name="Sołectwo Pysząca", kind="village", urban=False)
    i1 = InitiativeFactory(title="Klub Aktywnych")
    i2 = InitiativeFactory(title="Inna inicjatywa")
    project = Project.objects.create(
        name="Aktywni razem",
        funder="Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027",
        programme="Fundusze Europejskie dla Wielkopolski 2021–2027",
        agreement_number="FEWP.06.10-IZ.00-0001/25",
        agreement_date=datetime.date(2025, 12, 1),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 12, 31),
        retention_end=datetime.date(2033, 12, 31),
    )
    project.initiatives.add(i1)
    project.staff.add(staff)
    h1 = ReportingPeriod.objects.create(
        project=project, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30)
    )
    h2 = ReportingPeriod.objects.create(
        project=project, start=datetime.date(2026, 7, 1), end=datetime.date(2026, 12, 31)
    )
    started = ProjectIndicator.objects.create(
        project=project,
        name="Liczba osób objętych wsparciem",
        kind=IndicatorKind.OUTPUT,
        measure=Measure.STARTED,
        target_women=30,
        target_men=20,
        target_total=50,
        position=0,
    )
    typed = ProjectIndicator.objects.create(
        project=project,
        name="Liczba osób, które podjęły aktywność",
        kind=IndicatorKind.RESULT,
        measure=Measure.TYPED,
        target_total=10,
        position=1,
    )
    IndicatorValue.objects.create(indicator=typed, period=h1, women=1, men=0, total=1)
    IndicatorValue.objects.create(indicator=typed, period=h2, women=2, men=1, total=3)

    e0 = event(i1, at(2025, 12, 10))
    e1 = event(i1, at(2026, 3, 10))
    e2 = event(i1, at(2026, 8, 5))
    e3 = event(i1, at(2026, 9, 1), status="cancelled")
    e4 = event(i2, at(2026, 8, 20))

    def person(last, gender, born, area=None, outside=False):
        return ParticipantFactory(
            last_name=last,
            gender=gender,
            birth_year=born,
            area=area,
            outside_municipality=outside,
            phone="601234567",
        )

    a = person("Adamska", "woman", 2000, town)
    b = person("Bąk", "man", 1960, village)
    c = person("Cichy", "not_given", None, None, outside=True)
    d = person("Dudek", "woman", 2010)
    e = person("Ewa", "woman", 1990, town)
    f = person("Fiołek", "man", 1980, town)
    g = person("Górska", "woman", 1950, village)
    came(a, e1)
    came(a, e2)
    came(b, e2, declared=True)
    came(c, e0)
    came(c, e2)
    came(d, e4)
    came(e, e2, attendance="absent")
    came(e, e3)
    came(f, e1, status="waiting", attendance="")
    came(f, e2, declared=True)
    came(g, e2, declared=True)
    return {
        "project": project,
        "h1": h1,
        "h2": h2,
        "started": started,
        "typed": typed,
        "areas": (town, village),
        "initiatives": (i1, i2),
        "persons": dict(zip("abcdefg", (a, b, c, d, e, f, g), strict=True)),
        "amount": Decimal("0"),
    }


@pytest.fixture
def venue_staff(roles):
    return UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)


@pytest.fixture
def other_staff(roles):
    return UserFactory(email="other.staff@example.org", role=Role.OPS_STAFF)
