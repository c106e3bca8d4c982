"""What a person asks about includes the text messages sent to them and the office's calls
about them (art. 15; issue 16), and nothing sent to anyone else; erasure removes both."""

import pytest

from calportal.calls.models import CallItem
from calportal.outbox.models import SMSMessage
from calportal.privacy.search import records
from initiatives import services
from initiatives.models import Participant
from tests.factories import EventFactory
from tests.initiatives.conftest import person

pytestmark = pytest.mark.django_db


def test_the_package_lists_the_persons_texts_and_calls_only():
    event = EventFactory(capacity=1)
    first = services.registration_create(event_id=event.pk, person=person(1)).registration
    for n, phone in ((2, "601234567"), (3, "612830000"), (4, "602000111")):
        services.registration_create(event_id=event.pk, person=person(n, email="", phone=phone))
    services.registration_cancel(registration_id=first.pk, by_staff=True)  # 2 is promoted
    assert SMSMessage.objects.exclude(to="601234567").exists()  # others were texted too

    mobile = Participant.objects.get(phone="601234567")
    data = records([f"initiatives.participant:{mobile.pk}"])

    assert {row["type"] for row in data["text_messages"]} == {
        "registration_received",
        "registration_promoted",
    }
    assert [row["reason"] for row in data["calls"]] == [
        str(CallItem.objects.get(phone="601234567").get_reason_display())
    ]
    assert "602000111" not in str(data) and "612830000" not in str(data)


def test_a_shared_phone_does_not_bring_the_spouses_messages():
    event = EventFactory(capacity=5)
    shared = "601234567"
    for first_name in ("Anna", "Jan"):
        services.registration_create(
            event_id=event.pk,
            person=services.PersonData(first_name=first_name, last_name="Nowak", phone=shared),
        )
    anna = Participant.objects.get(first_name="Anna")
    assert SMSMessage.objects.filter(to=shared).count() == 2

    data = records([f"initiatives.participant:{anna.pk}"])

    (text,) = data["text_messages"]
    assert text["type"] == "registration_received"
