"""A resident signs up, gets the link, cancels; the waiting list moves up; staff take
attendance and download the attendance sheet. All in real Chromium."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Registration, RegistrationStatus
from tests.factories import PASSWORD, EventFactory, InitiativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event(roles, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.SIGNUP_RATE_LIMIT = "100/h"
    initiative = InitiativeFactory(title="Amatorski Klub Literacki", min_age=55)
    return EventFactory(
        initiative=initiative, title="Spotkanie klubu", capacity=1, max_companions=0
    )


def sign_up(page, url, *, first, last, email):
    page.goto(url)
    page.get_by_label("Imię").fill(first)
    page.get_by_label("Nazwisko").fill(last)
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Rok urodzenia").fill("1950")
    page.locator("#id_consent").check()
    page.locator("form button[type=submit].btn-lg").click()


def personal_link(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"(/registration/\S+/)", message.body).group(1)


def test_resident_signs_up_cancels_and_the_waiting_list_moves_up(
    live_server, page, event, screenshot, axe
):
    url = live_server.url + event.get_absolute_url()
    page.goto(url)
    assert axe() == []
    screenshot("event-page-pl")

    sign_up(page, url, first="Grażyna", last="Żółkiewska", email="grazyna@example.org")
    # Everyone, known or new, gets the same page; the personal link comes by e-mail.
    expect(page.locator("h1")).to_contain_text("mamy Pani/Pana zgłoszenie")
    screenshot("registration-received")
    assert axe() == []
    page.goto(live_server.url + personal_link("grazyna@example.org"))
    expect(page.locator(".alert-success").first).to_be_visible()
    screenshot("registration-confirmed")
    assert axe() == []

    sign_up(page, url, first="Józef", last="Ślęzak", email="jozef@example.org")
    expect(page.locator("h1")).to_contain_text("mamy Pani/Pana zgłoszenie")
    page.goto(live_server.url + personal_link("jozef@example.org"))
    expect(page.locator(".alert-info strong")).to_contain_text("1")
    screenshot("registration-waiting")

    page.goto(live_server.url + personal_link("grazyna@example.org"))
    page.locator(".cancel-link").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-secondary")).to_be_visible()

    jozef = Registration.objects.get(participant__email="jozef@example.org")
    assert jozef.status == RegistrationStatus.CONFIRMED
    assert any(m.to == ["jozef@example.org"] for m in mail.outbox[-2:])


def test_staff_take_attendance_and_download_the_attendance_sheet(
    live_server, page, event, staff, screenshot, axe, tmp_path
):
    from initiatives import services

    event.capacity = 5
    event.save()
    for n, surname in enumerate(["Żółkiewska", "Łęcki"]):
        services.registration_create(
            event_id=event.pk,
            person=services.PersonData(
                first_name="Grażyna", last_name=surname, email=f"p{n}@example.org", birth_year=1950
            ),
        )
    # Attendance is taken on the event's day: the event started an hour ago (the browser's server
    # runs on the real clock, so the test moves the event, not the clock).
    started = timezone.now() - datetime.timedelta(hours=1)
    event.starts_at, event.ends_at = started, started + datetime.timedelta(hours=2)
    event.save()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Adres e-mail").fill(staff.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto(live_server.url + f"/manage/events/{event.pk}/attendance/")
    page.get_by_label(re.compile("Żółkiewska")).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot("attendance-phone")
    assert Registration.objects.get(participant__last_name="Żółkiewska").attendance == "present"
    assert Registration.objects.get(participant__last_name="Łęcki").attendance == "absent"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/manage/events/{event.pk}/")
    page.get_by_role("button", name=re.compile("PDF")).click()
    download_link = page.locator("#document-download a")
    expect(download_link).to_be_visible(timeout=30000)
    screenshot("attendance-sheet-ready")
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = Path(tmp_path) / "sheet.pdf"
    download_info.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True).stdout
    assert "Grażyna Żółkiewska" in text
    assert "Grażyna Łęcki" in text


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_event_pages_have_no_wcag_violations(
    live_server, page, event, axe, prefix, screenshot
):
    for path in ("/events/", "/events/month/", f"/events/{event.pk}/"):
        page.goto(live_server.url + prefix + path)
        assert axe() == [], path
    page.goto(live_server.url + prefix + f"/events/{event.pk}/")
    page.locator("form button[type=submit].btn-lg").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe() == []
    screenshot(f"event-errors{prefix.replace('/', '-')}")
