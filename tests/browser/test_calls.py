"""Staff work the call list on a phone: big touch targets, nothing scrolls sideways, and a
tap on "Reached" takes the person off the list."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from calportal.calls.models import CallAttempt, CallOutcome, CallStatus
from tests.browser.test_passes import log_in
from tests.calls.conftest import add_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW_JS = (Path(__file__).resolve().parent / "overflow.js").read_text()
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44


def test_staff_record_a_call_on_a_phone(live_server, browser, staff, axe, page, screenshot):
    reached = add_item(
        "promoted",
        name="Helena Wiśniewska",
        phone="601234567",
        script="Dzień dobry, zwolniło się miejsce na warsztatach ceramiki w czwartek o 10:00.",
    )
    other = add_item(
        "pass_ready",
        name="Stanisław Nowakowski-Długonazwiskowy",
        phone="602345678",
        script="Legitymacja „Śremski Przyjaciel Seniora” czeka do odbioru w OPS.",
    )
    for _ in range(3):  # flagged: not reached three times, back on today's list
        from calportal.calls import services
        from calportal.calls.models import CallItem

        services.record_outcome(item_id=other.pk, outcome=CallOutcome.NOT_REACHED, by=staff)
        CallItem.objects.filter(pk=other.pk).update(due_on=reached.due_on)

    phone = browser.new_context(locale="en-GB", viewport=PHONE, has_touch=True).new_page()
    log_in(phone, live_server.url, staff.email)
    phone.goto(live_server.url + "/en/calls/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Call list")

    card = phone.locator(f"#item-{reached.pk}")
    expect(card.get_by_role("heading", name="Helena Wiśniewska")).to_be_visible()
    call_link = card.get_by_role("link", name="Call 601 234 567")
    expect(call_link).to_have_attribute("href", "tel:+48601234567")
    targets = [call_link] + [card.get_by_role("button").nth(i) for i in range(4)]
    for target in targets:
        box = target.bounding_box()
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box
    expect(phone.locator(f"#item-{other.pk} .call-flag")).to_contain_text("Flagged")

    layout = phone.evaluate(OVERFLOW_JS, True)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert layout["offenders"] == [], layout

    card.locator("input[name=note]").fill("Przyjdzie w czwartek")
    card.get_by_role("button", name="Reached", exact=True).tap()

    expect(phone.locator(".alert-success")).to_contain_text("Helena Wiśniewska was reached")
    expect(phone.locator(f"#item-{reached.pk}")).to_have_count(0)
    expect(phone.locator(f"#item-{other.pk}")).to_be_visible()
    attempt = CallAttempt.objects.get(item=reached)
    assert (attempt.outcome, attempt.note, attempt.by_id) == (
        "reached",
        "Przyjdzie w czwartek",
        staff.pk,
    )
    reached.refresh_from_db()
    assert reached.status == CallStatus.DONE
    layout = phone.evaluate(OVERFLOW_JS, True)
    assert layout["offenders"] == [], layout

    # The same list on a desktop passes the WCAG 2.1 AA audit.
    log_in(page, live_server.url, staff.email)
    page.goto(live_server.url + "/en/calls/")
    assert axe() == []
    screenshot("calls-list-desktop")
    page.goto(live_server.url + "/calls/history/")
    assert axe() == []
    page.goto(live_server.url + "/today/")
    assert axe() == []
