"""A person asking to join a self-help group hears from us — by e-mail, by a text message
that names neither the group nor its topic, or by a call from the facilitator — and the call
leaves the list once the request is handled (issue 16)."""

import pytest
from django.db import transaction
from django.utils import translation

from calportal.calls import selectors as call_list
from calportal.calls.models import CallItem, CallReason, CallStatus
from calportal.outbox.models import OutboxMessage, SMSMessage
from selfhelp import services
from selfhelp.models import JoinRequest
from tests.selfhelp.conftest import join_data

MOBILE, LANDLINE = "601234567", "612830000"


def ask(group, **changes) -> JoinRequest:
    data = join_data(**changes)
    with translation.override(data.pop("language", "pl")):
        return services.request_create(group=group, data=data)


def reveals(text: str, group) -> bool:
    lowered = text.lower()
    return any(
        word.lower() in lowered
        for word in (group.name, group.get_topic_display(), "żałob", "bereave", "grief", "group")
    ) or any(word in lowered for word in ("grup", "wsparcia"))


def test_a_person_with_e_mail_gets_the_acknowledgement_and_is_not_called(group):
    join_request = ask(group, email="ela@example.org", phone=MOBILE, contact_way="email")

    [message] = OutboxMessage.objects.select_related("email")
    assert message.template == "selfhelp/request_received"
    assert message.email.to == ["ela@example.org"]
    assert message.regarding == join_request
    assert not reveals(message.email.subject, group)
    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.exists()


def test_a_phone_only_person_gets_a_neutral_text_and_the_facilitator_calls(
    group, facilitator, other_facilitator, staff
):
    with translation.override("en"):
        join_request = ask(group, email="", phone=MOBILE, contact_way="phone", language="en")

    [sms] = SMSMessage.objects.all()
    assert (sms.to, sms.template, sms.language) == (MOBILE, "selfhelp_request_received", "en")
    assert "thank you for your message" in sms.text
    assert not reveals(sms.text, group)
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone, item.regarding) == (
        CallReason.JOIN_REQUEST,
        MOBILE,
        join_request,
    )
    assert item.group == group and item.organisation is None
    assert not reveals(item.script, group)  # whoever answers the phone hears nothing of it
    # Only the group's facilitator sees the item: not another facilitator, not the office.
    assert list(call_list.items_for(facilitator)) == [item]
    assert not call_list.items_for(other_facilitator).exists()
    assert not call_list.items_for(staff).exists()


def test_a_landline_gets_no_text_but_a_call(group):
    ask(group, email="", phone=LANDLINE, contact_way="phone")

    assert not SMSMessage.objects.exists()
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone, item.group) == (CallReason.JOIN_REQUEST, LANDLINE, group)


def test_asking_for_a_phone_call_puts_the_person_on_the_list_even_with_e_mail(group):
    ask(group, email="ela@example.org", phone=MOBILE, contact_way="phone")

    assert OutboxMessage.objects.filter(template="selfhelp/request_received").count() == 1
    assert not SMSMessage.objects.exists()  # the e-mail is the acknowledgement
    [item] = CallItem.objects.all()
    assert (item.reason, item.group) == (CallReason.JOIN_REQUEST, group)


def test_nothing_is_sent_when_the_request_is_not_saved(group):
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(group, email="", phone=MOBILE, contact_way="phone")
        raise RuntimeError("the request failed after the request was written")

    assert not JoinRequest.objects.exists()
    assert not SMSMessage.objects.exists()
    assert not CallItem.objects.exists()


def test_asking_again_is_not_acknowledged_twice(group):
    first = ask(group, email="", phone=MOBILE, contact_way="phone")
    again = ask(group, email="", phone=MOBILE, contact_way="phone")

    assert again == first
    assert SMSMessage.objects.count() == 1
    assert CallItem.objects.count() == 1


def test_accepting_the_request_takes_the_call_off_the_list(group):
    join_request = ask(group, email="", phone=LANDLINE, contact_way="phone")

    services.request_accept(join_request=join_request, last_name="Nowak")

    assert CallItem.objects.get().status == CallStatus.OBSOLETE


@pytest.mark.parametrize("withdrawn", [False, True], ids=["declined", "withdrawn"])
def test_declining_or_withdrawing_takes_the_call_off_the_list(group, withdrawn):
    join_request = ask(group, email="", phone=LANDLINE, contact_way="phone")

    services.request_decline(join_request=join_request, message="", withdrawn=withdrawn)

    item = CallItem.objects.get()
    assert item.status == CallStatus.OBSOLETE
    assert item.closed_at is not None


def test_marking_the_person_contacted_takes_the_call_off_the_list(group):
    join_request = ask(group, email="", phone=LANDLINE, contact_way="phone")

    services.request_mark_contacted(join_request=join_request, note="Rozmawiałyśmy.")

    assert CallItem.objects.get().status == CallStatus.OBSOLETE


def test_erasing_the_request_erases_the_call_and_the_text_message(group, facilitator):
    join_request = ask(group, email="", phone=MOBILE, contact_way="phone")
    services.request_decline(join_request=join_request, message="", withdrawn=True)
    join_request.refresh_from_db()

    services.request_erase(join_request=join_request, user=facilitator)

    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.exists()
