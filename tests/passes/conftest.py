import pytest

from calportal.accounts.roles import Role
from initiatives.passes import services
from initiatives.passes.models import PartnerVenue, ProgrammeSettings
from initiatives.services import PersonData
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def programme(db):
    settings_row = ProgrammeSettings.current()
    settings_row.uses_per_month = 4
    settings_row.weekly_pool = None
    settings_row.save()
    return settings_row


def make_venue(name: str) -> PartnerVenue:
    organisation = OrganisationFactory(name=f"{name} sp. z o.o.", sector="business")
    return PartnerVenue.objects.create(organisation=organisation, name=name, address="Rynek 1")


@pytest.fixture
def venue_a(db):
    return make_venue("Kawiarnia A")


@pytest.fixture
def venue_b(db):
    return make_venue("Kawiarnia B")


@pytest.fixture
def venue_user_a(roles, venue_a):
    return UserFactory(
        email="kawiarnia.a@example.org", organisation=venue_a.organisation, role=Role.VENUE_STAFF
    )


@pytest.fixture
def venue_user_b(roles, venue_b):
    return UserFactory(
        email="kawiarnia.b@example.org", organisation=venue_b.organisation, role=Role.VENUE_STAFF
    )


def senior(n: int = 1, **overrides) -> PersonData:
    return PersonData(
        first_name=overrides.pop("first_name", "Halina"),
        last_name=overrides.pop("last_name", f"Żurawska{n}"),
        phone=overrides.pop("phone", f"60010{n:04d}"),
        birth_year=overrides.pop("birth_year", 1950),
        district=overrides.pop("district", "Jeziorany"),
        **overrides,
    )


@pytest.fixture
def a_pass(staff, programme):
    return services.pass_issue(person=senior(1), issued_by=staff)
