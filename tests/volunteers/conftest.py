import datetime

import pytest
from django.utils import timezone

from volunteers.models import (
    Agreement,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerStatus,
)

TODAY = None


def today() -> datetime.date:
    return timezone.localdate()


def make_volunteer(organisation, n: int = 0, **fields) -> Volunteer:
    defaults = {
        "first_name": f"Wolontariusz{n}",
        "last_name": f"Nazwisko{n}",
        "email": f"wolontariusz{n}.{organisation.pk}@example.org",
        "birth_year": 1995,
        "status": VolunteerStatus.ACTIVE,
    }
    return Volunteer.objects.create(organisation=organisation, **{**defaults, **fields})


def make_agreement(volunteer, *, start_days_ago=200, end_days_ahead=200) -> Agreement:
    return Agreement.objects.create(
        volunteer=volunteer,
        starts_on=today() - datetime.timedelta(days=start_days_ago),
        ends_on=today() + datetime.timedelta(days=end_days_ahead),
        scope="Pomoc przy wydarzeniach",
        signed_on=today() - datetime.timedelta(days=start_days_ago),
    )


def make_entry(volunteer, *, days_ago=3, quarters=8, status=EntryStatus.SUBMITTED, **fields):
    decided = status != EntryStatus.SUBMITTED
    return HoursEntry.objects.create(
        volunteer=volunteer,
        date=today() - datetime.timedelta(days=days_ago),
        quarters=quarters,
        activity=fields.pop("activity", "Pomoc w biurze"),
        status=status,
        reject_reason="Powód" if status == EntryStatus.REJECTED else "",
        decided_at=timezone.now() if decided else None,
        **fields,
    )


def make_opportunity(organisation, **fields) -> Opportunity:
    return Opportunity.objects.create(
        organisation=organisation, title=fields.pop("title", "Pomoc przy pikniku"), **fields
    )


def make_shift(opportunity, *, days_ahead=5, needed=2) -> Shift:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days_ahead)
    return Shift.objects.create(
        opportunity=opportunity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        needed=needed,
    )


@pytest.fixture
def volunteer_a(partner_a, organisation_a):
    volunteer = make_volunteer(organisation_a, 1, first_name="Anna", last_name="Alfa")
    make_agreement(volunteer)
    return volunteer


@pytest.fixture
def volunteer_b(partner_b, organisation_b):
    volunteer = make_volunteer(organisation_b, 2, first_name="Bogdan", last_name="Beta")
    make_agreement(volunteer)
    return volunteer
