"""Where a page tells people to call, it gives the office's number (CONTACT_PHONE) as a tel:
link; a deployment without one gets the e-mail address instead, never "call us" with no number
or an empty "(, cal@ops.srem.pl)"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives import services
from initiatives.links import registration_token
from initiatives.models import Event, Registration, RegistrationStatus
from tests.factories import EventFactory
from tests.initiatives.conftest import person, signup_data

OFFICE_TEL = "tel:+48612830000"
OFFICE_EMAIL = "cal@ops.srem.pl"
MAILTO = f'href="mailto:{OFFICE_EMAIL}"'


def english(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def text(html: str) -> str:
    """The page's words, tags left out (links within the text) and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", html)).split())


def home(client):
    return client.get(english("home"))


def calendar(client):
    return client.get(english("initiatives:calendar"))


def event_page(client):
    return client.get(english("initiatives:event_public", EventFactory().pk))


def already_signed_up(client):
    event = EventFactory()
    client.post(english("initiatives:event_public", event.pk), signup_data())
    response = client.post(english("initiatives:event_public", event.pk), signup_data())
    # The page anyone gets after signing up, which says to call if only a phone was given.
    response = client.get(response["Location"])
    assert "Thank you: we have your signup" in response.content.decode()
    return response


def broken_link(client):
    return client.get(english("initiatives:registration_personal", "not-a-token"))


def group_larger_than_the_event(client):
    event = EventFactory(capacity=4, max_companions=3)
    services.registration_create(event_id=event.pk, person=person(1), companions=1)
    services.registration_create(event_id=event.pk, person=person(2), companions=2)
    waiting = Registration.objects.get(status=RegistrationStatus.WAITING)
    Event.objects.filter(pk=event.pk).update(capacity=2, places_taken=2)  # e.g. older data
    response = client.get(english("initiatives:registration_personal", registration_token(waiting)))
    assert "larger than the event" in response.content.decode()
    return response


# page -> the words that ask people to call (shown only with a number)
PAGES = {
    home: "ask for help by phone",
    calendar: "by phone",
    event_page: "sign up by phone",
    already_signed_up: "please call us",
    broken_link: "call us",
    group_larger_than_the_event: "Phone:",
}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_pages_that_ask_people_to_call_give_the_number(client, db, settings, page):
    settings.CONTACT_PHONE = "61 283 00 00"
    settings.CONTACT_EMAIL = OFFICE_EMAIL

    html = page(client).content.decode()

    assert OFFICE_TEL in html
    assert "61 283 00 00" in html
    assert PAGES[page] in text(html)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_without_a_number_they_give_the_e_mail_and_do_not_ask_to_call(client, db, settings, page):
    settings.CONTACT_PHONE = ""
    settings.CONTACT_EMAIL = OFFICE_EMAIL

    html = page(client).content.decode()

    assert MAILTO in html
    assert "tel:" not in html
    words = text(html)
    assert PAGES[page] not in words
    assert "(," not in words and "( ," not in words


def test_already_signed_up_without_a_number_says_to_write(client, db, settings):
    settings.CONTACT_PHONE = ""
    settings.CONTACT_EMAIL = OFFICE_EMAIL

    words = text(already_signed_up(client).content.decode())

    assert f"For any question, please write to us at {OFFICE_EMAIL}." in words


def test_a_group_larger_than_the_event_is_given_both_ways_to_reach_the_office(client, db, settings):
    settings.CONTACT_PHONE = "61 283 00 00"
    settings.CONTACT_EMAIL = OFFICE_EMAIL

    words = text(group_larger_than_the_event(client).content.decode())

    assert f"Phone: 61 283 00 00 · E-mail: {OFFICE_EMAIL}" in words


def test_with_neither_number_nor_e_mail_nothing_dangles(client, db, settings):
    settings.CONTACT_PHONE = ""
    settings.CONTACT_EMAIL = ""

    for page in PAGES:
        words = text(page(client).content.decode())
        assert PAGES[page] not in words, page.__name__
        assert "Phone:" not in words and "E-mail: ·" not in words, page.__name__
        assert "write to us at ." not in words and "Questions: ." not in words, page.__name__
