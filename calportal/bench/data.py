"""The benchmark's data set, built with ``bulk_create`` on top of the demo data.

:func:`build_public` adds what issue 17 measured the public pages on (300 events, 5,000
registrations, 2,000 map resources) and the event the signup burst fills;
:func:`add_list_rows` adds ``n`` rows of everything the staff lists show or filter by
(organisations, initiatives, events, registrations of one event, volunteers, hours entries,
resources). Both expect the demo data to be loaded (they take its areas, target groups and
organisations) and run in the caller's transaction.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from calportal.contacts import name_key

FIRST_NAMES = ["Anna", "Maria", "Krystyna", "Jan", "Andrzej", "Piotr", "Zofia", "Halina", "Józef"]
LAST_NAMES = ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska"]
CONSENT_VERSION = "bench"


@dataclass(frozen=True)
class PublicData:
    """Ids the measurements need: an upcoming event with free places whose page shows the
    signup form (``sample_event_id``) and the empty event of ``burst_capacity`` places the
    signup burst fills (``burst_event_id``)."""

    sample_event_id: int
    burst_event_id: int
    burst_capacity: int
    counts: dict


@dataclass(frozen=True)
class ListRows:
    """What :func:`add_list_rows` added: ``n`` of each kind; ``event_id`` is the event with
    ``n`` registrations."""

    n: int
    event_id: int


def _organisations(n: int, prefix: str):
    from calportal.organisations.models import Organisation, Sector

    return Organisation.objects.bulk_create(
        Organisation(
            name=f"{prefix} organizacja {i:05d}",
            sector=[Sector.NON_GOVERNMENTAL, Sector.BUSINESS, Sector.PUBLIC][i % 3],
        )
        for i in range(n)
    )


def _initiatives(n: int, organisations: list, prefix: str):
    from initiatives.models import Category, Initiative, Kind, Status

    kinds, categories = list(Kind), list(Category)
    return Initiative.objects.bulk_create(
        Initiative(
            title=f"{prefix} inicjatywa {i:05d}",
            slug=f"{prefix.lower()}-inicjatywa-{i:05d}",
            kind=kinds[i % len(kinds)],
            category=categories[i % len(categories)],
            description="Spotkania dla mieszkańców.",
            lead_organisation=organisations[i % len(organisations)],
            status=Status.RUNNING,
            is_public=True,
        )
        for i in range(n)
    )


def _events(n: int, initiatives: list, *, capacity: int, start, step: timedelta, prefix: str):
    from initiatives.models import Event

    events = []
    for i in range(n):
        starts = start + step * i
        events.append(
            Event(
                initiative=initiatives[i % len(initiatives)],
                title=f"{prefix} spotkanie {i:05d}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place_name="Centrum Aktywności Lokalnej",
                address="ul. Mickiewicza 1, Śrem",
                capacity=capacity,
                max_companions=1,
                step_free_access=bool(i % 2),
                induction_loop=bool(i % 3 == 0),
            )
        )
    return Event.objects.bulk_create(events)


def _participants(n: int, prefix: str):
    from initiatives.models import Participant

    now = timezone.now()
    people = []
    for i in range(n):
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // 7) % len(LAST_NAMES)]
        last = f"{last}-{prefix}{i:05d}"
        people.append(
            Participant(
                first_name=first,
                last_name=last,
                name_key=name_key(first, last),
                email=f"{prefix.lower()}.{i:05d}@example.org",
                birth_year=1940 + i % 50,
                consent_text_version=CONSENT_VERSION,
                consent_given_at=now,
                consent_scope="event signup",
            )
        )
    return Participant.objects.bulk_create(people, batch_size=2000)


def _registrations(pairs: list[tuple]):
    """``pairs``: (event, participant, status); returns the created registrations."""
    from initiatives.models import Registration

    now = timezone.now()
    return Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                participant=participant,
                status=status,
                queued_at=now + timedelta(microseconds=i),
                consent_text_version=CONSENT_VERSION,
                consent_given_at=now,
            )
            for i, (event, participant, status) in enumerate(pairs)
        ),
        batch_size=2000,
    )


def _resources(n: int, organisations: list, prefix: str, *, public: bool = True):
    from resources_map.models import (
        KINDS_BY_CLASS,
        Area,
        Conditions,
        Resource,
        ResourceClass,
        Topic,
    )

    areas = list(Area.objects.order_by("pk")) or [None]
    south, west, north, east = settings.MAP_BOUNDS
    rng = random.Random(17)
    classes, topics, conditions = list(ResourceClass), list(Topic), list(Conditions)
    resources = []
    for i in range(n):
        resource_class = classes[i % len(classes)]
        kinds = KINDS_BY_CLASS[resource_class]
        latitude = Decimal(str(round(rng.uniform(float(south), float(north)), 6)))
        longitude = Decimal(str(round(rng.uniform(float(west), float(east)), 6)))
        resources.append(
            Resource(
                name=f"{prefix} zasób {i:05d} – {resource_class.label}",
                resource_class=resource_class,
                kind=kinds[i % len(kinds)],
                topic=topics[i % len(topics)],
                organisation=organisations[i % len(organisations)]
                if resource_class == ResourceClass.INSTITUTIONAL or i % 2
                else None,
                area=areas[i % len(areas)],
                address=f"ul. Testowa {i % 200 + 1}, Śrem",
                latitude=latitude,
                longitude=longitude,
                description="Sala na 30 osób, rzutnik, dostęp dla wózków.",
                opening_hours="pon.–pt. 8:00–16:00",
                contact_phone="+48612834000" if i % 3 == 0 else "",
                contact_email=f"zasob{i}@example.org",
                conditions=conditions[i % len(conditions)],
                is_public=public,
            )
        )
    return Resource.objects.bulk_create(resources, batch_size=2000)


def build_public(
    *, events: int = 300, registrations: int = 5000, resources: int = 2000, burst_capacity: int = 50
) -> PublicData:
    """Add issue 17's public data set to the demo data: ``events`` upcoming public events
    over the next months (places for all their registrations), ``registrations`` confirmed
    registrations of as many new participants spread over them, ``resources`` public map
    resources with points, and an empty event of ``burst_capacity`` places (no companions, no
    age rule) for the signup burst. Returns the ids the measurements need and the counts."""
    from initiatives.models import Event

    organisations = _organisations(max(1, min(events, 50)), "Bench")
    initiatives = _initiatives(max(1, min(events, 60)), organisations, "Bench")
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    per_event = -(-registrations // max(events, 1))
    created_events = _events(
        events,
        initiatives,
        capacity=per_event + 20,
        start=start + timedelta(days=1),
        step=timedelta(hours=7),
        prefix="Bench",
    )
    people = _participants(registrations, "Pub")
    _registrations(
        [(created_events[i % events], person, "confirmed") for i, person in enumerate(people)]
    )
    taken: dict[int, int] = {}
    for i in range(registrations):
        event = created_events[i % events]
        taken[event.pk] = taken.get(event.pk, 0) + 1
    for event in created_events:
        event.places_taken = taken.get(event.pk, 0)
    Event.objects.bulk_update(created_events, ["places_taken"], batch_size=1000)
    _resources(resources, organisations, "Bench")
    burst = _events(
        1,
        initiatives[:1],
        capacity=burst_capacity,
        start=start + timedelta(days=3),
        step=timedelta(0),
        prefix="Burst",
    )[0]
    Event.objects.filter(pk=burst.pk).update(max_companions=0)
    return PublicData(
        sample_event_id=created_events[0].pk,
        burst_event_id=burst.pk,
        burst_capacity=burst_capacity,
        counts={"events": events, "registrations": registrations, "resources": resources},
    )


def add_list_rows(n: int, *, prefix: str = "L") -> ListRows:
    """Add ``n`` of everything the staff lists show or filter by: organisations, public
    initiatives, upcoming events, confirmed registrations of one event (of ``n`` places) by
    ``n`` new participants, active volunteers with one submitted hours entry each (the
    approval queue), and public resources (the guide). Returns the event with ``n``
    registrations."""
    from initiatives.models import Event
    from volunteers.models import HoursEntry, Volunteer

    organisations = _organisations(n, prefix)
    initiatives = _initiatives(n, organisations, prefix)
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    _events(
        n,
        initiatives,
        capacity=20,
        start=start + timedelta(days=2),
        step=timedelta(minutes=30),
        prefix=prefix,
    )
    big = _events(
        1,
        initiatives[:1],
        capacity=n,
        start=start + timedelta(days=5),
        step=timedelta(0),
        prefix=f"{prefix}-duże",
    )[0]
    people = _participants(n, prefix)
    _registrations([(big, person, "confirmed") for person in people])
    Event.objects.filter(pk=big.pk).update(places_taken=n)
    volunteers = Volunteer.objects.bulk_create(
        (
            Volunteer(
                organisation=organisations[i % len(organisations)],
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=f"{LAST_NAMES[i % len(LAST_NAMES)]}-{prefix}{i:05d}",
                email=f"wolontariusz.{prefix.lower()}{i:05d}@example.org",
                birth_year=1960 + i % 40,
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    today = timezone.localdate()
    HoursEntry.objects.bulk_create(
        (
            HoursEntry(
                volunteer=volunteer,
                date=today - timedelta(days=i % 60),
                quarters=4 + i % 12,
                activity="Dyżur w kawiarence",
                with_children=False,
                initiative=initiatives[i % len(initiatives)],
            )
            for i, volunteer in enumerate(volunteers)
        ),
        batch_size=2000,
    )
    _resources(n, organisations, prefix)
    return ListRows(n=n, event_id=big.pk)
