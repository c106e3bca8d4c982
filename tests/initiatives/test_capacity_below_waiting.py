"""Places cannot be lowered below a group on the waiting list: it could never get in while its
page promised a place. The same for self-help groups' members."""

from django.urls import reverse
from django.utils import timezone, translation

from initiatives import services
from initiatives.models import Event, Registration, RegistrationStatus
from tests.factories import EventFactory
from tests.initiatives.conftest import person


def _edit_data(event: Event, capacity: str) -> dict:
    return {
        "title": event.title,
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place_name": event.place_name,  # only the places change
        "address": event.address,
        "max_companions": "3",
        "capacity": capacity,
    }


def test_lowering_places_below_a_waiting_group_is_refused_and_names_the_group(login, staff):
    event = EventFactory(title="Majówka", capacity=4, max_companions=3)
    services.registration_create(event_id=event.pk, person=person(1), companions=1)  # 2 places
    services.registration_create(
        event_id=event.pk, person=person(2), companions=2
    )  # a group of 3 waits: only 2 places are left
    waiting = Registration.objects.get(status=RegistrationStatus.WAITING)
    assert waiting.places == 3

    with translation.override("en"):
        url = reverse("initiatives:event_edit", args=[event.pk])
    response = login(staff).post(url, _edit_data(event, "2"))

    event.refresh_from_db()
    assert response.status_code == 200
    assert event.capacity == 4
    error = " ".join(response.context["form"].errors["capacity"])
    assert "Jan Łęcki2" in error and "3" in error
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING


def test_the_service_refuses_but_allows_places_that_still_fit_the_group(db):
    event = EventFactory(capacity=4, max_companions=3)
    services.registration_create(event_id=event.pk, person=person(1), companions=1)
    services.registration_create(event_id=event.pk, person=person(2), companions=2)

    try:
        services.event_set_capacity(event_id=event.pk, capacity=2)
    except services.RegistrationError:
        pass
    else:  # pragma: no cover
        raise AssertionError("lowering below the waiting group of 3 was accepted")
    services.event_set_capacity(event_id=event.pk, capacity=3)

    event.refresh_from_db()
    assert event.capacity == 3


def test_a_waiting_group_larger_than_the_event_is_told_to_contact_the_office(client, db):
    from initiatives.links import registration_token

    event = EventFactory(capacity=4, max_companions=3)
    services.registration_create(event_id=event.pk, person=person(1), companions=1)
    services.registration_create(event_id=event.pk, person=person(2), companions=2)
    waiting = Registration.objects.get(status=RegistrationStatus.WAITING)
    Event.objects.filter(pk=event.pk).update(capacity=2, places_taken=2)  # e.g. older data

    with translation.override("en"):
        url = reverse("initiatives:registration_personal", args=[registration_token(waiting)])
    body = client.get(url).content.decode()

    assert "larger than the event" in body
    assert "number 1 on the waiting list" not in body
