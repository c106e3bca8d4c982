"""A resident who reports a need or offers help on the map and gives an e-mail address hears
from us twice: that the report arrived, and what became of it (issue 16)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.utils import translation

from calportal.outbox.models import OutboxMessage, SMSMessage
from resources_map import services
from resources_map.forms import NeedForm, ResourceForm
from resources_map.models import ReportStatus, ResidentReport
from tests.factories import UserFactory


def send_report(language: str = "en", **changes) -> ResidentReport:
    data = {
        "kind": "need",
        "description": "Brakuje ławek przy przychodni.\nSeniorzy nie mają gdzie odpocząć.",
        "place": "ul. Zielona",
        "area": None,
        "name": "Zofia",
        "email": "zofia@example.org",
        "phone": "",
    }
    data.update(changes)
    with translation.override(language):
        return services.report_create(data=data)


def emails(template: str) -> list:
    return list(
        OutboxMessage.objects.filter(template=template).select_related("email").order_by("pk")
    )


def need_form(area, **changes) -> NeedForm:
    data = {
        "title": "Ławki przy przychodni",
        "description": "Brak miejsc do odpoczynku.",
        "areas": [area.pk],
        "severity": "2",
        "found_by": "report",
        "identified_on": "2026-11-01",
        "status": "identified",
    }
    data.update(changes)
    form = NeedForm({key: value for key, value in data.items() if value is not None})
    assert form.is_valid(), form.errors
    return form


def resource_form(**changes) -> ResourceForm:
    data = {
        "name": "Pomoc w ogrodzie",
        "resource_class": "human",
        "kind": "skill",
        "topic": "culture",
        "conditions": "free",
    }
    data.update(changes)
    form = ResourceForm(data)
    assert form.is_valid(), form.errors
    return form


@pytest.fixture
def moderator(db):
    return UserFactory()


def test_the_reporter_gets_an_acknowledgement_in_english(db):
    report = send_report("en")

    [message] = emails("resources_map/report_received")
    assert message.email.to == ["zofia@example.org"]
    assert message.language == "en"
    assert message.email.subject == "We have received your report for the community map"
    assert message.email.message.startswith("Hello Zofia,")
    assert "Brakuje ławek przy przychodni." in message.email.message
    assert message.regarding == report


def test_the_acknowledgement_follows_the_language_of_the_report(db):
    send_report("pl")

    [message] = emails("resources_map/report_received")
    assert message.language == "pl"
    with translation.override("pl"):
        polish = translation.gettext("We have received your report for the community map")
    assert message.email.subject == polish
    assert message.email.message.startswith("Dzień dobry, Zofia,")


def test_a_reporter_with_only_a_mobile_is_texted_the_receipt_and_the_outcome(moderator):
    report = send_report(email="", phone="601234567")
    services.report_reject(report=report, reason="To nie dotyczy gminy.", user=moderator)

    assert not OutboxMessage.objects.exists()
    texts = list(SMSMessage.objects.filter(to="601234567").order_by("pk"))
    assert [sms.template for sms in texts] == [
        "resources_map_report_received",
        "resources_map_report_declined",
    ]
    assert "To nie dotyczy gminy." in texts[1].text
    report.refresh_from_db()
    assert report.phone == ""  # erased once told


def test_a_reporter_with_only_a_landline_cannot_be_told(db):
    send_report(email="", phone="612830000")

    assert not OutboxMessage.objects.exists()
    assert not SMSMessage.objects.exists()


def test_nothing_is_sent_when_the_report_is_not_saved(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_report()
        raise RuntimeError("the request failed after the report was written")

    assert not ResidentReport.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_accepted_public_need_is_told_with_a_link_to_the_map(area, moderator):
    report = send_report("en")

    with translation.override("pl"):  # the moderator's language does not matter
        need = services.report_accept(
            report=report, form=need_form(area, is_public="on"), user=moderator
        )

    [message] = emails("resources_map/report_accepted")
    assert message.email.to == ["zofia@example.org"]
    assert message.language == "en"
    assert message.email.subject == "Your report has been added to the community map"
    assert "one of the needs" in message.email.message
    assert "„Ławki przy przychodni”" in message.email.message
    link = next(line for line in message.email.message.splitlines() if "/map/" in line).strip()
    parts = urlsplit(link)
    assert parts.path == "/en/map/"
    assert parse_qs(parts.query) == {"layer": ["needs"], "q": [need.title]}
    assert message.regarding == report
    report.refresh_from_db()
    assert (report.status, report.email, report.name) == (ReportStatus.ACCEPTED, "", "")


def test_an_accepted_offer_not_shown_to_the_public_has_no_link(moderator):
    report = send_report("en", kind="skill")

    services.report_accept(report=report, form=resource_form(), user=moderator)

    [message] = emails("resources_map/report_accepted")
    assert "one of the resources" in message.email.message
    assert "„Pomoc w ogrodzie”" in message.email.message
    assert "/map/" not in message.email.message
    assert "not shown on the public map" in message.email.message


def test_a_declined_report_is_told_with_the_moderators_reason(moderator):
    report = send_report("en")

    services.report_reject(report=report, reason="This is already on the map.", user=moderator)

    [message] = emails("resources_map/report_declined")
    assert message.email.to == ["zofia@example.org"]
    assert message.email.subject == "Your report for the community map"
    assert "decided not to add it" in message.email.message
    assert "This is already on the map." in message.email.message
    report.refresh_from_db()
    assert (report.status, report.email) == (ReportStatus.REJECTED, "")


def test_a_declined_polish_report_is_told_in_polish(moderator):
    report = send_report("pl")

    with translation.override("en"):
        services.report_reject(report=report, reason="Duplikat", user=moderator)

    [message] = emails("resources_map/report_declined")
    assert message.language == "pl"
    with translation.override("pl"):
        polish = translation.gettext("Your report for the community map")
    assert message.email.subject == polish
    assert message.email.message.startswith("Dzień dobry, Zofia,")


def test_a_moderation_that_fails_tells_nothing(moderator):
    report = send_report("en")

    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_reject(report=report, reason="Spam", user=moderator)
        raise RuntimeError("the request failed after the report was handled")

    assert not emails("resources_map/report_declined")
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW and report.email == "zofia@example.org"


def test_a_report_handled_meanwhile_is_not_told_twice(moderator):
    report = send_report("en")
    services.report_reject(report=report, reason="Spam", user=moderator)

    with pytest.raises(services.ReportError):
        services.report_reject(report=report, reason="Spam", user=moderator)

    assert len(emails("resources_map/report_declined")) == 1
