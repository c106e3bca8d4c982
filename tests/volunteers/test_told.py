"""Every volunteering applicant is told that the application arrived — by e-mail or text
message — and one with only a phone is called by the hosting organisation (issue 16)."""

import pytest
from django.db import transaction
from django.utils import translation

from calportal.calls import selectors as call_list
from calportal.calls.models import CallItem, CallReason, CallStatus
from calportal.outbox.models import OutboxMessage, SMSMessage
from volunteers import services
from volunteers.models import Volunteer, VolunteerStatus

MOBILE, LANDLINE = "601234567", "612830000"


def apply(organisation, **changes) -> Volunteer:
    data = {
        "organisation": organisation,
        "first_name": "Ewa",
        "last_name": "Nowa",
        "birth_year": 1990,
        "phone": "",
        "email": "",
        "availability": ["mon_pm"],
    }
    data.update(changes)
    return services.volunteer_apply(data=data)


def test_an_applicant_with_e_mail_gets_an_acknowledgement_and_is_not_called(organisation_a):
    with translation.override("en"):
        volunteer = apply(organisation_a, email="ewa@example.org", phone=MOBILE)

    [message] = OutboxMessage.objects.select_related("email")
    assert message.template == "volunteers/application_received"
    assert message.email.to == ["ewa@example.org"]
    assert message.language == "en"
    assert message.email.subject == "We have received your volunteering application"
    assert organisation_a.name in message.email.message
    assert message.regarding == volunteer
    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.exists()


def test_a_phone_only_applicant_is_texted_and_called_by_the_organisation(
    organisation_a, partner_a, partner_b, staff
):
    with translation.override("en"):
        volunteer = apply(organisation_a, phone=MOBILE)

    [sms] = SMSMessage.objects.all()
    assert (sms.to, sms.template, sms.language) == (
        MOBILE,
        "volunteers_application_received",
        "en",
    )
    assert organisation_a.name in sms.text
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone, item.regarding) == (
        CallReason.VOLUNTEER_APPLICATION,
        MOBILE,
        volunteer,
    )
    assert item.organisation == organisation_a and item.group is None
    assert organisation_a.name in item.script
    # The partner's coordinators call; another partner and the office do not see it.
    assert list(call_list.items_for(partner_a)) == [item]
    assert not call_list.items_for(partner_b).exists()
    assert not call_list.items_for(staff).exists()
    assert not OutboxMessage.objects.exists()


def test_a_landline_applicant_is_only_called(organisation_a):
    apply(organisation_a, phone=LANDLINE)

    assert not SMSMessage.objects.exists()
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone) == (CallReason.VOLUNTEER_APPLICATION, LANDLINE)
    assert item.language == "pl"


def test_nothing_is_sent_when_the_application_is_not_saved(organisation_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        apply(organisation_a, phone=MOBILE)
        raise RuntimeError("the request failed after the application was written")

    assert not Volunteer.objects.exists()
    assert not SMSMessage.objects.exists()
    assert not CallItem.objects.exists()


def test_the_same_application_sent_again_is_not_acknowledged_twice(organisation_a):
    first = apply(organisation_a, phone=MOBILE)
    again = apply(organisation_a, phone=MOBILE)

    assert again == first
    assert SMSMessage.objects.count() == 1
    assert CallItem.objects.count() == 1


@pytest.mark.parametrize("status", [VolunteerStatus.ACTIVE, VolunteerStatus.ENDED])
def test_deciding_on_the_applicant_takes_the_call_off_the_list(organisation_a, status):
    volunteer = apply(organisation_a, phone=LANDLINE)

    services.volunteer_set_status(volunteer=volunteer, status=status)

    item = CallItem.objects.get()
    assert item.status == CallStatus.OBSOLETE
    assert item.closed_at is not None


def test_a_failed_decision_keeps_the_call_on_the_list(organisation_a):
    volunteer = apply(organisation_a, phone=LANDLINE, birth_year=2012)  # a minor

    with pytest.raises(services.VolunteeringError):
        services.volunteer_set_status(volunteer=volunteer, status=VolunteerStatus.ACTIVE)

    assert CallItem.objects.get().status == CallStatus.OPEN
