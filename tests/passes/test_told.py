"""Every pass applicant is told: an acknowledgement of the application and the news that the
pass is ready — by e-mail, by text message, or by a call from the office (issue 16)."""

import pytest
from django.db import transaction
from django.utils import translation

from calportal.calls.models import CallItem, CallReason, CallStatus
from calportal.outbox.models import OutboxMessage, SMSMessage
from initiatives.passes import services
from initiatives.passes.models import PassApplication
from tests.passes.conftest import senior

MOBILE, LANDLINE = "601234567", "612830000"


def emails(template: str) -> list:
    return list(
        OutboxMessage.objects.filter(template=template).select_related("email").order_by("pk")
    )


def apply(n: int = 1, *, call_back: bool = False, **person) -> PassApplication:
    return services.application_create(
        person=senior(n, **person), call_back=call_back, message="Proszę o kartę."
    )


def issue(application: PassApplication, staff):
    return services.pass_issue(
        person=senior(
            1,
            first_name=application.first_name,
            last_name=application.last_name,
            email=application.email,
            phone=str(application.phone or ""),
            birth_year=application.birth_year,
        ),
        issued_by=staff,
        application=application,
    )


# --- The application ------------------------------------------------------------------------


def test_an_applicant_with_e_mail_gets_an_acknowledgement_and_is_not_called(programme):
    with translation.override("en"):
        application = apply(email="halina@example.org", phone=MOBILE)

    [message] = emails("passes/application_received")
    assert message.email.to == ["halina@example.org"]
    assert message.language == "en"
    assert message.email.subject == "We have received your application for the senior pass"
    assert "within a few working days" in message.email.message
    assert message.regarding == application
    assert not SMSMessage.objects.exists()
    assert not CallItem.objects.exists()


def test_a_phone_only_applicant_gets_a_text_message(programme):
    with translation.override("en"):
        application = apply(phone=MOBILE)

    [sms] = SMSMessage.objects.all()
    assert (sms.to, sms.template, sms.regarding) == (
        MOBILE,
        "passes_application_received",
        application,
    )
    assert "received your application for the senior pass" in sms.text
    assert not OutboxMessage.objects.exists()
    assert not CallItem.objects.exists()  # nothing to call about until the pass is ready


def test_the_acknowledgement_is_in_polish_by_default(programme):
    apply(email="halina@example.org")

    [message] = emails("passes/application_received")
    assert message.language == "pl"


def test_asking_to_be_called_back_puts_the_person_on_the_call_list_even_with_e_mail(programme):
    application = apply(email="halina@example.org", phone=MOBILE, call_back=True)

    [item] = CallItem.objects.all()
    assert (item.reason, item.phone, item.regarding) == (
        CallReason.CALL_BACK,
        MOBILE,
        application,
    )
    assert item.organisation is None and item.group is None  # the office calls
    assert len(emails("passes/application_received")) == 1


def test_a_landline_applicant_who_asked_for_a_call_back_gets_no_text_but_a_call(programme):
    with translation.override("en"):
        apply(phone=LANDLINE, call_back=True)

    assert not SMSMessage.objects.exists()
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone, item.language) == (CallReason.CALL_BACK, LANDLINE, "en")
    assert "calling back, as you asked, about your senior pass application" in item.script


def test_nothing_is_sent_when_the_application_is_not_saved(programme):
    with pytest.raises(RuntimeError), transaction.atomic():
        apply(phone=MOBILE, call_back=True)
        raise RuntimeError("the request failed after the application was written")

    assert not PassApplication.objects.exists()
    assert not SMSMessage.objects.exists()
    assert not CallItem.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_same_form_sent_again_is_not_acknowledged_twice(programme):
    first = apply(phone=MOBILE, call_back=True)
    again = apply(phone=MOBILE, call_back=True)

    assert again == first
    assert SMSMessage.objects.filter(template="passes_application_received").count() == 1
    assert CallItem.objects.count() == 1


# --- The pass is ready ------------------------------------------------------------------------


def test_a_phone_only_applicant_is_texted_and_called_when_the_pass_is_ready(programme, staff):
    application = apply(phone=MOBILE, call_back=True)
    with translation.override("en"):  # the staff's language: the person's one is used
        senior_pass = issue(application, staff)

    ready = CallItem.objects.get(reason=CallReason.PASS_READY)
    assert (ready.phone, ready.status, ready.regarding) == (MOBILE, CallStatus.OPEN, application)
    assert ready.language == "pl"
    assert senior_pass.number in ready.script
    assert "Mickiewicza 40" in ready.script
    call_back = CallItem.objects.get(reason=CallReason.CALL_BACK)
    assert call_back.status == CallStatus.OBSOLETE  # answered by the news
    sms = SMSMessage.objects.get(template="passes_pass_ready")
    assert sms.to == MOBILE
    assert senior_pass.number in sms.text


def test_a_landline_applicant_is_only_called_when_the_pass_is_ready(programme, staff):
    application = apply(phone=LANDLINE)
    issue(application, staff)

    assert not SMSMessage.objects.exists()
    [item] = CallItem.objects.all()
    assert (item.reason, item.phone) == (CallReason.PASS_READY, LANDLINE)


def test_an_applicant_with_e_mail_is_written_to_when_the_pass_is_ready(programme, staff):
    with translation.override("en"):
        application = apply(email="halina@example.org", phone=MOBILE)
    senior_pass = issue(application, staff)

    [message] = emails("passes/pass_ready")
    assert message.email.to == ["halina@example.org"]
    assert message.language == "en"  # the language the application was made in
    assert message.email.subject == "Your senior pass is ready to collect"
    assert senior_pass.number in message.email.message
    assert "ul. Mickiewicza 40" in message.email.message
    assert message.regarding == application
    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.exists()


def test_a_pass_issued_without_an_application_tells_nobody_here(programme, staff):
    services.pass_issue(person=senior(1, phone=MOBILE), issued_by=staff)

    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_nothing_is_told_when_issuing_fails(programme, staff):
    application = apply(phone=LANDLINE)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(application, staff)
        raise RuntimeError("the request failed after the pass was written")

    assert not CallItem.objects.filter(reason=CallReason.PASS_READY).exists()
    application.refresh_from_db()
    assert application.status == "new"


def test_rejecting_an_application_takes_its_call_back_off_the_list(programme, staff):
    application = apply(phone=LANDLINE, call_back=True)

    services.application_reject(application=application, reason="Za młoda", handled_by=staff)

    item = CallItem.objects.get()
    assert item.status == CallStatus.OBSOLETE
    assert item.closed_at is not None


def test_an_application_handled_already_cannot_be_rejected(programme, staff):
    application = apply(phone=LANDLINE)
    issue(application, staff)

    with pytest.raises(services.PassError):
        services.application_reject(application=application, reason="x", handled_by=staff)

    assert CallItem.objects.get().status == CallStatus.OPEN  # the pass is still to collect
