import datetime

import pytest

from calportal.accounts.roles import Role
from calportal.calls import services
from tests.factories import UserFactory


@pytest.fixture
def facilitator(roles):
    return UserFactory(
        email="prowadzaca@example.org", full_name="Teresa Wolska", role=Role.GROUP_FACILITATOR
    )


@pytest.fixture
def selfhelp_coordinator(roles):
    """OPS staff who oversee every self-help group: still never see a group's calls."""
    from django.contrib.auth.models import Group as RoleGroup

    user = UserFactory(email="nadzor@example.org", full_name="Olga Nadzór", role=Role.OPS_STAFF)
    user.groups.add(RoleGroup.objects.get(name=Role.SELFHELP_COORDINATOR.value))
    return user


@pytest.fixture
def group(facilitator):
    from selfhelp.models import Group, Topic

    return Group.objects.create(
        facilitator=facilitator,
        name="Grupa wsparcia w żałobie",
        slug="zaloba",
        topic=Topic.BEREAVEMENT,
        description="Spotkania dla osób po stracie.",
        who_for="Dla dorosłych.",
        place="Biblioteka, ul. Mickiewicza 9",
        weekday=1,
        starts_at=datetime.time(17, 0),
        max_size=10,
    )


_numbers = iter(range(10_000_000))


def add_item(reason="promoted", *, name=None, phone=None, script=None, **scope):
    """A call-list item added the way the apps add them; a fresh key and number each time."""
    number = next(_numbers)
    return services.add(
        reason,
        name=name or f"Zofia Testowa {number}",
        phone=phone or f"60{number % 10_000_000:07d}",
        key=f"test:{number}",
        script=script or f"Dzień dobry, dzwonię z OPS w sprawie {number}.",
        **scope,
    )
