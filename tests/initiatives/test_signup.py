"""A resident signs up on the public event page, without an account."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from initiatives.links import registration_from_token, registration_path, registration_token
from initiatives.models import Participant, Registration, RegistrationStatus
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory
from tests.initiatives.conftest import pl, signup_data


def page(event):
    return reverse("initiatives:event_public", args=[event.pk])


def post(client, event, **overrides):
    return client.post(page(event), signup_data(**overrides))


def personal_path(email="grazyna@example.org") -> str:
    """The personal link is only ever e-mailed: the page after signing up is the same for
    everyone, so that it never tells a stranger whether the person was already signed up."""
    return registration_path(Registration.objects.get(participant__email=email))


def test_a_resident_signs_up_and_gets_a_confirmation_with_a_personal_link_and_ics(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, companions="1", accessibility_needs="Wózek")

    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.places == 2
    event.refresh_from_db()
    assert event.places_taken == 2
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:signup_received", args=[event.pk])
    message = mail.outbox[0]
    assert message.to == ["grazyna@example.org"]
    assert "Warsztaty ceramiczne" in message.subject
    # The token carries the moment it was signed: compare what it opens, not its text.
    token = re.search(r"/registration/(\S+)/", message.body).group(1)
    assert registration_from_token(token) == registration
    name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    assert "STATUS:CONFIRMED" in content and "BEGIN:VEVENT" in content


def test_the_personal_page_shows_the_registration_and_lets_the_person_cancel(client, event):
    post(client, event)
    personal = client.get(personal_path())

    assert personal.status_code == 200
    assert "Grażyna Żółkiewska" in personal.content.decode()
    cancel = client.post(personal_path() + "cancel/")

    assert cancel.status_code == 302
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED
    event.refresh_from_db()
    assert event.places_taken == 0


def test_when_full_the_resident_joins_the_waiting_list_and_is_told_the_position(
    client, event, django_capture_on_commit_callbacks
):
    event.capacity = 1
    event.save()
    post(client, event, email="first@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, email="second@example.org", last_name="Druga")

    second = Registration.objects.get(participant__email="second@example.org")
    assert second.status == RegistrationStatus.WAITING
    assert "STATUS:TENTATIVE" in mail.outbox[-1].attachments[0][1]
    assert pl(
        "All places are taken, so you are on the waiting list: number %(position)s. "
        "If a place is freed, you will get it automatically and we will write to you.",
        position=1,
    ) in " ".join(mail.outbox[-1].body.split())


def test_a_freed_place_goes_to_the_first_on_the_waiting_list_who_is_told_by_email(
    client, event, django_capture_on_commit_callbacks
):
    event.capacity = 1
    event.save()
    post(client, event, email="first@example.org")
    post(client, event, email="second@example.org", last_name="Druga")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(personal_path("first@example.org") + "cancel/")

    second = Registration.objects.get(participant__email="second@example.org")
    assert second.status == RegistrationStatus.CONFIRMED
    # The promoted person is told; the one who cancelled gets the acknowledgement.
    assert [message.to for message in mail.outbox] == [
        ["second@example.org"],
        ["first@example.org"],
    ]


def test_signing_up_twice_answers_as_the_first_time_and_creates_nothing(client, event):
    first = post(client, event, phone="601 234 567")

    response = post(client, event, email="", phone="+48 601-234-567", first_name="grażyna")

    assert response.status_code == 302
    assert response["Location"] == first["Location"]
    assert "601" not in client.get(response["Location"]).content.decode()
    assert Registration.objects.count() == 1
    assert Participant.objects.count() == 1


def test_knowing_someones_phone_does_not_give_their_registration_to_a_stranger(
    client, event, django_capture_on_commit_callbacks
):
    resident = ParticipantFactory(
        first_name="Grażyna", last_name="Żółkiewska", email="", phone="601234567"
    )

    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, email="stranger@example.org", phone="601 234 567")
        post(client, event, email="stranger@example.org", phone="601 234 567")

    resident.refresh_from_db()
    assert resident.email == ""  # the stranger's address was not attached to the resident
    assert not resident.registrations.exists()  # nor the resident's record to the stranger
    # A typed address must be the one on file: the stranger is a new person, whose own (one)
    # registration is confirmed to the address they typed, as anyone's would be; whether the
    # phone is known shows nowhere.
    registration = Registration.objects.get()
    assert registration.participant.email == "stranger@example.org"
    assert {tuple(message.to) for message in mail.outbox} == {("stranger@example.org",)}


def test_a_couple_sharing_an_email_address_are_two_people(client, db):
    event = EventFactory()

    post(client, event, first_name="Anna", last_name="Nowak", email="nowakowie@example.org")
    post(client, event, first_name="Jan", last_name="Nowak", email="nowakowie@example.org")

    assert Registration.objects.count() == 2
    assert sorted(Participant.objects.values_list("first_name", flat=True)) == ["Anna", "Jan"]


def test_repeated_signups_do_not_flood_the_residents_inbox(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            post(client, event)

    assert len(mail.outbox) == 2  # the confirmation, then one repeat of the link


def test_a_known_person_is_recognised_by_email_in_another_letter_case(client, db):
    known = ParticipantFactory(
        first_name="Grażyna", last_name="Żółkiewska", email="halina@example.org"
    )
    event = EventFactory()

    post(client, event, email="Halina@Example.org")

    assert Registration.objects.get().participant == known
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "", "phone": "12"}, "phone"),
        ({"first_name": ""}, "first_name"),
        ({"consent": ""}, "consent"),
        ({"companions": "3"}, "companions"),
        ({"companions": "-1"}, "companions"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client, event, overrides, field
):
    response = post(client, event, **overrides)

    assert response.status_code == 200
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Registration.objects.exists()
    assert not Participant.objects.exists()


def test_a_contact_is_required(client, event):
    response = post(client, event, email="", phone="")

    assert pl("Give an e-mail address or a phone number, so that we can reach you.") in (
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_the_age_rule_is_explained(client, db):
    event = EventFactory(initiative=InitiativeFactory(min_age=60))

    missing = post(client, event)
    too_young = post(client, event, birth_year=str(timezone.localdate().year - 40))
    future = post(client, event, birth_year=str(timezone.localdate().year + 1))

    assert 'id="error_1_id_birth_year"' in missing.content.decode()
    assert pl("This event is for people aged %(age)s and over.", age=60) in (
        too_young.content.decode()
    )
    assert 'id="error_1_id_birth_year"' in future.content.decode()
    assert not Registration.objects.exists()
    ok = post(client, event, birth_year="1950")
    assert ok.status_code == 302


def test_the_age_rule_message_is_english_on_the_english_page(client, db):
    event = EventFactory(initiative=InitiativeFactory(min_age=60))

    response = client.post("/en" + page(event), signup_data(birth_year="2000"))

    assert "This event is for people aged 60 and over." in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "cancelled"}, "This event has been cancelled."),
        ({"registration_closes_at_days": -1}, "Registration for this event has closed."),
    ],
)
def test_signup_outside_the_window_is_refused(client, event, changes, message):
    if "registration_closes_at_days" in changes:
        event.registration_closes_at = timezone.now() + datetime.timedelta(
            days=changes["registration_closes_at_days"]
        )
    else:
        event.status = changes["status"]
    event.save()

    response = post(client, event)

    assert pl(message) in response.content.decode()
    assert not Registration.objects.exists()


def test_signup_before_registration_opens_says_when_it_opens(client, event):
    event.registration_opens_at = timezone.now() + datetime.timedelta(days=2)
    event.save()

    response = post(client, event)

    assert response.status_code == 200
    assert 'class="btn btn-primary btn-lg"' not in response.content.decode()
    assert not Registration.objects.exists()


def test_a_past_event_takes_no_signups(client, db):
    start = timezone.now() - datetime.timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=1))

    post(client, event)

    assert not Registration.objects.exists()


def test_the_honeypot_stops_bots(client, event):
    response = post(client, event, hp_check="http://spam.example")

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_too_many_signups_from_one_address_are_refused(client, event, settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    for n in range(2):
        post(client, event, email=f"p{n}@example.org", last_name=f"N{n}")

    response = post(client, event, email="p9@example.org")

    assert response.status_code == 429
    assert Registration.objects.count() == 2


def test_an_internal_initiatives_event_is_not_public(client, db):
    event = EventFactory(initiative=InitiativeFactory(is_public=False))

    assert client.get(page(event)).status_code == 404
    assert post(client, event).status_code == 404


def test_a_tampered_link_says_so_and_an_old_one_has_expired(client, event):
    post(client, event)
    registration = Registration.objects.get()
    token = registration_token(registration)

    tampered = client.get(reverse("initiatives:registration_personal", args=[token[:-2] + "xx"]))
    cancel_tampered = client.post(
        reverse("initiatives:registration_cancel_public", args=["garbage"])
    )
    assert tampered.status_code == 404
    assert cancel_tampered.status_code == 404
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED

    event.starts_at = timezone.now() - datetime.timedelta(days=60)
    event.ends_at = event.starts_at + datetime.timedelta(hours=1)
    event.save()
    expired = client.get(reverse("initiatives:registration_personal", args=[token]))
    assert expired.status_code == 410


def test_residents_names_never_appear_on_public_pages(client, event):
    post(client, event)

    for url in (
        reverse("initiatives:calendar"),
        reverse("initiatives:calendar_month_current"),
        page(event),
        reverse("initiatives:feed_all"),
        reverse("home"),
    ):
        assert "Żółkiewska" not in client.get(url).content.decode()


def test_cancelling_asks_first_so_a_tap_by_mistake_cancels_nothing(client, event):
    post(client, event)

    question = client.get(personal_path() + "cancel/")

    assert question.status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_fixing_mistakes_does_not_use_up_the_rate_limit(client, event, settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    for _ in range(5):
        post(client, event, email="not-an-address")

    response = post(client, event)

    assert response.status_code == 302
