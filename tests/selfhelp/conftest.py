import datetime

import pytest
from django.utils import timezone

from calportal.accounts.roles import Role
from selfhelp.models import ContactWay, Group, JoinRequest, Meeting, Member, Topic
from tests.factories import UserFactory


@pytest.fixture
def facilitator(roles):
    return UserFactory(
        email="prowadzaca@example.org", full_name="Teresa Wolska", role=Role.GROUP_FACILITATOR
    )


@pytest.fixture
def other_facilitator(roles):
    return UserFactory(email="inny@example.org", full_name="Jan Inny", role=Role.GROUP_FACILITATOR)


@pytest.fixture
def overseer(roles):
    user = UserFactory(email="nadzor@example.org", full_name="Olga Nadzór", role=Role.OPS_STAFF)
    from django.contrib.auth.models import Group as RoleGroup

    user.groups.add(RoleGroup.objects.get(name=Role.SELFHELP_COORDINATOR.value))
    return user


def make_group(facilitator, **fields) -> Group:
    defaults = {
        "name": "Grupa wsparcia w żałobie",
        "slug": "zaloba",
        "topic": Topic.BEREAVEMENT,
        "description": "Spotkania dla osób po stracie.",
        "who_for": "Dla dorosłych.",
        "place": "Biblioteka, ul. Mickiewicza 9",
        "weekday": 1,
        "starts_at": datetime.time(17, 0),
        "max_size": 10,
    }
    return Group.objects.create(facilitator=facilitator, **{**defaults, **fields})


@pytest.fixture
def group(facilitator):
    return make_group(facilitator)


@pytest.fixture
def other_group(other_facilitator):
    return make_group(other_facilitator, name="RON", slug="ron", topic=Topic.DISABILITY_FAMILIES)


def make_member(group, name="Halina", **fields) -> Member:
    defaults = {
        "last_name": "Żałobna",
        "phone": "601234567",
        "email": f"{name.lower()}@example.org",
        "joined_on": timezone.localdate() - datetime.timedelta(days=60),
    }
    return Member.objects.create(group=group, first_name=name, **{**defaults, **fields})


def make_request(group, name="Elżbieta", **fields) -> JoinRequest:
    defaults = {
        "phone": "602345678",
        "email": "",
        "contact_way": ContactWay.PHONE,
        "message": "Straciłam męża w marcu.",
        "consent_given_at": timezone.now(),
    }
    return JoinRequest.objects.create(group=group, first_name=name, **{**defaults, **fields})


def make_meeting(group, days_ago=7, **fields) -> Meeting:
    start = timezone.now().replace(microsecond=0, second=0) - datetime.timedelta(days=days_ago)
    return Meeting.objects.create(group=group, starts_at=start, **fields)


def join_data(**changes) -> dict:
    """What a resident types into a group's public "ask to join" form."""
    data = {
        "first_name": "Elżbieta",
        "phone": "",
        "email": "ela@example.org",
        "contact_way": "email",
        "contact_time": "wieczorem",
        "message": "",
        "consent": "on",
    }
    data.update(changes)
    return data
