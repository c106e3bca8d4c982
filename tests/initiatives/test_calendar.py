"""The public calendar: list, month, filters, feeds; constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Event, TargetGroup
from tests.factories import EventFactory, InitiativeFactory


def titles(response) -> list[str]:
    return [event.display_title for event in response.context["page"]]


def test_the_calendar_lists_upcoming_public_events_with_places_left(client, db):
    EventFactory(title="Piknik", capacity=5)
    EventFactory(title="Wewnętrzne", initiative=InitiativeFactory(is_public=False))
    EventFactory(title="Odwołane", status="cancelled")
    past = timezone.now() - datetime.timedelta(days=3)
    EventFactory(title="Było", starts_at=past, ends_at=past + datetime.timedelta(hours=1))

    response = client.get(reverse("initiatives:calendar"))

    assert titles(response) == ["Piknik"]
    assert "Zostało 5 miejsc" in response.content.decode()


def test_a_full_event_says_the_waiting_list_is_open_and_a_future_one_when_it_opens(client, db):
    full = EventFactory(title="Pełne", capacity=2)
    Event.objects.filter(pk=full.pk).update(places_taken=2)
    opens = timezone.now() + datetime.timedelta(days=3)
    EventFactory(title="Później", registration_opens_at=opens)

    html = client.get("/en" + reverse("initiatives:calendar")).content.decode()

    assert "Full — waiting list open" in html
    assert "Registration opens on" in html


@pytest.mark.clock
def test_filters_by_category_target_group_dates_and_accessibility(client, db):
    seniors = TargetGroup.objects.get(code="seniors_60")
    health = InitiativeFactory(category="health")
    health.target_groups.add(seniors)
    soon = timezone.now() + datetime.timedelta(days=2)
    EventFactory(title="Zdrowie", initiative=health, step_free_access=True, induction_loop=True)
    EventFactory(title="Integracja", starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    url = reverse("initiatives:calendar")

    assert titles(client.get(url, {"category": "health"})) == ["Zdrowie"]
    assert titles(client.get(url, {"target_group": "seniors_60"})) == ["Zdrowie"]
    assert titles(client.get(url, {"accessibility": ["step_free_access", "induction_loop"]})) == [
        "Zdrowie"
    ]
    assert titles(client.get(url, {"date_to": timezone.localdate(soon).isoformat()})) == [
        "Integracja"
    ]


@pytest.mark.parametrize(
    "query",
    [{"category": "x"}, {"date_from": "31.02"}, {"accessibility": "nope"}, {"page": "-1"}],
)
def test_bad_filters_are_not_a_500(client, db, query):
    assert client.get(reverse("initiatives:calendar"), query).status_code == 200


def test_the_month_view_places_events_on_their_days(client, db):
    start = timezone.make_aware(datetime.datetime(2031, 3, 18, 16, 0))
    EventFactory(title="Basen", starts_at=start, ends_at=start + datetime.timedelta(hours=1))

    response = client.get(reverse("initiatives:calendar_month", args=[2031, 3]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Basen" in html
    assert [event.display_title for event in response.context["events"]] == ["Basen"]
    assert client.get(reverse("initiatives:calendar_month", args=[2031, 13])).status_code == 404


def test_the_feeds_list_public_events(client, db):
    event = EventFactory(title="Klub literacki")
    EventFactory(title="Tajne", initiative=InitiativeFactory(is_public=False))

    everything = client.get(reverse("initiatives:feed_all"))
    one = client.get(reverse("initiatives:feed_initiative", args=[event.initiative.slug]))

    assert everything["Content-Type"].startswith("text/calendar")
    assert "Klub literacki" in everything.content.decode()
    assert "Tajne" not in everything.content.decode()
    assert one.content.decode().count("BEGIN:VEVENT") == 1


@pytest.mark.parametrize(
    "url_name", ["initiatives:calendar", "initiatives:calendar_month_current", "home"]
)
def test_public_pages_use_the_same_number_of_queries_for_10_or_500_events(
    client, db, url_name, django_assert_num_queries, django_assert_max_num_queries
):
    initiatives = InitiativeFactory.create_batch(5)
    soon = timezone.now() + datetime.timedelta(hours=3)

    def make(count):
        Event.objects.bulk_create(
            [
                Event(
                    initiative=initiatives[n % 5],
                    starts_at=soon + datetime.timedelta(minutes=n),
                    ends_at=soon + datetime.timedelta(minutes=n + 60),
                    place_name="Sala",
                    capacity=10,
                    step_free_access=bool(n % 2),
                )
                for n in range(count)
            ]
        )

    make(10)
    with django_assert_max_num_queries(30) as baseline:
        client.get(reverse(url_name))
    make(490)

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(url_name))

    assert response.status_code == 200
