"""Staff lists of initiatives, events, registrations, participants and passes at city scale:
the same, pinned number of queries at 10 rows and at 10,000 rows, a page of rows rather than
all of them, and search fields instead of drop-downs of thousands of options.

The 10,000 rows are built once for the module (``bulk_create``, inside a transaction rolled
back at the end) and every list is requested at 10 and then at 10,000 rows."""

import datetime
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calportal.accounts.roles import Role, grant
from calportal.contacts import name_key
from calportal.organisations.models import Kind, Organisation, Sector
from initiatives.models import Event, Initiative, Participant, Registration
from initiatives.passes.models import PartnerVenue, PassApplication, Redemption, SeniorPass
from tests.conftest import ROLE_PERMISSIONS
from tests.factories import EventFactory, OrganisationFactory, UserFactory

LARGE = 10_000


def build(n: int, tag: str) -> dict:
    """``n`` organisations, initiatives (one event each), participants, passes, open pass
    applications and uses of a pass; the first event has ``n`` registrations (half confirmed,
    a quarter waiting, a quarter cancelled). All with ``bulk_create``; ``tag`` keeps names and
    numbers of two builds apart. Returns ``{"event": the first event}``."""
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Stowarzyszenie {tag} {i}", sector=Sector.NON_GOVERNMENTAL, kind=Kind.NGO
        )
        for i in range(n)
    )
    initiatives = Initiative.objects.bulk_create(
        Initiative(
            title=f"Inicjatywa {tag} {i}",
            slug=f"inicjatywa-{tag}-{i}",
            kind="workshops",
            category="integration",
            lead_organisation=organisations[i],
            is_public=True,
        )
        for i in range(n)
    )
    confirmed = n // 2
    events = Event.objects.bulk_create(
        Event(
            initiative=initiatives[i],
            starts_at=now + datetime.timedelta(days=1 + i % 300, hours=i % 7),
            ends_at=now + datetime.timedelta(days=1 + i % 300, hours=i % 7 + 2),
            place_name=f"Sala {i}",
            capacity=max(n, 10) if i == 0 else 10,
            places_taken=confirmed if i == 0 else 0,
        )
        for i in range(n)
    )
    people = Participant.objects.bulk_create(
        Participant(
            first_name="Zofia",
            last_name=f"Nowak{tag}{i}",
            name_key=name_key("Zofia", f"Nowak{tag}{i}"),
            email=f"zofia.{tag}.{i}@example.org",
            phone=f"6{i:08d}",
            birth_year=1940 + i % 30,
            consent_text_version="2026-11",
            consent_scope="registration",
            consent_given_at=now,
        )
        for i in range(n)
    )
    statuses = ["confirmed", "confirmed", "waiting", "cancelled"]
    Registration.objects.bulk_create(
        Registration(
            event=events[0],
            participant=people[i],
            status=statuses[i % 4],
            source=["online", "phone", "office"][i % 3],
            attendance="present" if i % 4 < 2 and i % 3 == 0 else "",
            accessibility_needs="wózek" if i % 5 == 0 else "",
            queued_at=now - datetime.timedelta(minutes=n - i),
            cancelled_at=now if statuses[i % 4] == "cancelled" else None,
        )
        for i in range(n)
    )
    passes = SeniorPass.objects.bulk_create(
        SeniorPass(
            holder=people[i],
            number=f"{tag}-{i:05d}",
            issued_on=timezone.localdate(),
            valid_until=timezone.localdate() + datetime.timedelta(days=365),
        )
        for i in range(n)
    )
    PassApplication.objects.bulk_create(
        PassApplication(
            first_name="Jan",
            last_name=f"Wniosek{tag}{i}",
            name_key=name_key("Jan", f"Wniosek{tag}{i}"),
            birth_year=1950,
            phone=f"5{i:08d}",
            consent_text_version="2026-11",
            consent_given_at=now,
        )
        for i in range(n)
    )
    venue = PartnerVenue.objects.create(
        organisation=organisations[0], name=f"Kawiarnia {tag}", address="Rynek 1"
    )
    Redemption.objects.bulk_create(
        Redemption(senior_pass=passes[i], venue=venue, redeemed_at=now) for i in range(n)
    )
    return {"event": events[0]}


def _lists(event) -> dict:
    return {
        "event_registrations": reverse("initiatives:event_registrations", args=[event.pk]),
        "initiative_list": reverse("initiatives:initiative_list"),
        "event_list": reverse("initiatives:event_list"),
        "participant_list": reverse("initiatives:participant_list"),
        "pass_list": reverse("passes:pass_list"),
        "application_list": reverse("passes:application_list"),
        "redemption_list": reverse("passes:redemption_list"),
    }


# The queries of each list, the same at 10 and at 10,000 rows.
PINNED = {
    "event_registrations": 13,
    "initiative_list": 6,
    "event_list": 6,
    "participant_list": 7,
    "pass_list": 7,
    "application_list": 7,
    "redemption_list": 7,
}


def _measure(client, event) -> dict:
    measured = {}
    for name, url in _lists(event).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        measured[name] = {"queries": len(queries), "body": response.content.decode()}
    return measured


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Every list requested by staff with 10 rows of everything and again with 10,000 more
    (built once, rolled back at the end): ``{"small": {list: {"queries", "body"}}, "large":
    …}``."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The role groups, in case a transactional test emptied the database before.
        grant(django_apps, ROLE_PERMISSIONS)
        staff = UserFactory(email="scale-staff@example.org", role=Role.OPS_STAFF)
        client = Client()
        client.force_login(staff)
        with translation.override("en"):
            small_event = build(10, "S")["event"]
            _measure(client, small_event)  # once first: caches of content types and the like
            small = _measure(client, small_event)
            large_event = build(LARGE, "L")["event"]
            large = _measure(client, large_event)
            large["second_page"] = client.get(
                reverse("initiatives:event_registrations", args=[large_event.pk]),
                {"waiting_page": "2", "confirmed_page": "x"},
            ).content.decode()
        transaction.set_rollback(True)
    return {"small": small, "large": large}


@pytest.mark.parametrize("name", PINNED)
def test_each_list_runs_the_same_pinned_number_of_queries_at_10_and_10000_rows(measured, name):
    small, large = measured["small"][name]["queries"], measured["large"][name]["queries"]
    assert small == large == PINNED[name]


def test_the_registrations_of_a_big_event_come_a_page_of_each_list_at_a_time(measured):
    body = measured["large"]["event_registrations"]["body"]

    assert body.count('name="to_event"') == 100  # 50 confirmed and 50 waiting, each movable
    assert "Page 1 of 100" in body  # 5,000 confirmed
    assert "Page 1 of 50" in body  # 2,500 waiting and 2,500 cancelled
    assert "waiting_page=2" in body and "#waiting-title" in body


def test_a_later_page_of_the_waiting_list_numbers_places_from_where_it_left_off(measured):
    body = measured["large"]["second_page"]

    assert "Page 2 of 50" in body
    assert re.search(r'<td data-label="#">51</td>', body)
    assert not re.search(r'<td data-label="#">50</td>', body)
    assert "Page 1 of 100" in body  # an unreadable page number gives the first page


def test_the_organisation_filters_are_search_fields_not_drop_downs_of_every_organisation(
    measured,
):
    for name in ("initiative_list", "event_list"):
        body = measured["large"][name]["body"]
        assert "Stowarzyszenie L 9999" not in body
        assert 'autocomplete/initiatives-organisations/"' in body


def test_pass_applications_come_a_page_at_a_time(measured):
    body = measured["large"]["application_list"]["body"]

    assert "10010 applications waiting" in body
    assert body.count('name="reason"') == 25


# --- The organisation search field filters the lists -------------------------------------------


@pytest.mark.django_db
def test_a_picked_or_typed_organisation_lists_what_it_leads_or_partners(client, staff):
    leader = OrganisationFactory(name="Towarzystwo Nadzieja")
    partner = OrganisationFactory(name="Klub Seniora Jesień")
    led = EventFactory(initiative__title="Warsztaty", initiative__lead_organisation=leader)
    partnered = EventFactory(initiative__title="Spacery", initiative__lead_organisation=leader)
    partnered.initiative.partner_organisations.add(partner)
    EventFactory(initiative__title="Kino")
    client.force_login(staff)

    with translation.override("en"):
        by_pick = client.get(
            reverse("initiatives:event_list"),
            {"organisation": f"Klub Seniora Jesień #{partner.pk}"},
        ).content.decode()
        by_text = client.get(
            reverse("initiatives:initiative_list"), {"organisation": "nadzieja"}
        ).content.decode()
        suggestions = client.get(
            reverse("autocomplete", args=["initiatives-organisations"]), {"q": "jesie"}
        ).json()

    assert "Spacery" in by_pick and "Warsztaty" not in by_pick and "Kino" not in by_pick
    assert "Spacery" in by_text and "Warsztaty" in by_text and "Kino" not in by_text
    assert led.initiative.title == "Warsztaty"
    assert suggestions == {"results": [f"Klub Seniora Jesień #{partner.pk}"]}


@pytest.mark.django_db
def test_someone_who_may_not_see_initiatives_gets_no_suggestions(client, roles):
    client.force_login(UserFactory(email="nobody@example.org"))

    response = client.get(
        reverse("autocomplete", args=["initiatives-organisations"]), {"q": "nadz"}
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_page_links_of_the_event_list_keep_the_filters(client, staff):
    for day in range(30):
        EventFactory(
            initiative__title="Gimnastyka",
            starts_at=timezone.now() + datetime.timedelta(days=day + 1),
        )
    client.force_login(staff)

    body = client.get(reverse("initiatives:event_list"), {"q": "Gimnastyka"}).content.decode()

    assert "q=Gimnastyka&amp;page=2" in body
