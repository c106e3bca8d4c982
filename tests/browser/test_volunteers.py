"""A coordinator logs a week for three volunteers in the grid (one cell wrong, then fixed), the
OPS approves in bulk, and the coordinator downloads a certificate showing the right total."""

import datetime
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_passes import log_in
from tests.initiatives.conftest import pl
from tests.volunteers.conftest import make_agreement, make_volunteer
from volunteers.models import EntryStatus, HoursEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_approval_and_certificate(
    live_server, browser, partner_a, staff, organisation_a, tmp_path, settings, axe, page
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    volunteers = [
        make_volunteer(organisation_a, n, first_name=first, last_name=last)
        for n, (first, last) in enumerate(
            [("Julia", "Kamińska"), ("Bartosz", "Wiśniewski"), ("Natalia", "Lewandowska")]
        )
    ]
    for volunteer in volunteers:
        make_agreement(volunteer)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"

    def cell(volunteer, offset):
        return f"#h-{volunteer.pk}-{(monday + datetime.timedelta(days=offset)).isoformat()}"

    coordinator = browser.new_context(locale="pl-PL", accept_downloads=True).new_page()
    log_in(coordinator, live_server.url, partner_a.email)
    coordinator.goto(f"{live_server.url}/manage/volunteering/hours/week/?week={week}")
    coordinator.locator("#id_activity").fill("Pomoc przy pikniku")
    coordinator.get_by_role("radio", name="Nie", exact=True).check()  # free-text work: no children
    coordinator.locator(cell(volunteers[0], 0)).fill("2")
    coordinator.locator(cell(volunteers[0], 2)).fill("1,5")
    coordinator.locator(cell(volunteers[1], 1)).fill("3")
    coordinator.locator(cell(volunteers[2], 4)).fill("2,3")  # not a quarter step
    coordinator.get_by_role("button", name=pl("Save the week")).click()

    expect(coordinator.locator("#error-summary")).to_be_focused()
    expect(coordinator.locator(cell(volunteers[2], 4))).to_have_attribute("aria-invalid", "true")
    expect(coordinator.locator(cell(volunteers[0], 2))).to_have_value("1,5")
    assert not HoursEntry.objects.exists()
    coordinator.locator(cell(volunteers[2], 4)).fill("2,25")
    coordinator.get_by_role("button", name=pl("Save the week")).click()
    expect(coordinator.locator(".alert-success")).to_be_visible()
    assert HoursEntry.objects.count() == 4

    reviewer = browser.new_context(locale="pl-PL").new_page()
    log_in(reviewer, live_server.url, staff.email)
    reviewer.goto(f"{live_server.url}/manage/volunteering/approval/")
    for entry in HoursEntry.objects.all():
        reviewer.locator(f"#entry-{entry.pk}").check()
    reviewer.get_by_role("button", name=pl("Approve"), exact=True).click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    assert set(HoursEntry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}

    julia = volunteers[0]
    coordinator.goto(f"{live_server.url}/manage/volunteers/{julia.pk}/")
    coordinator.locator("#id_certificate-period_from").fill(monday.isoformat())
    coordinator.locator("#id_certificate-period_to").fill(today.isoformat())
    coordinator.get_by_role("button", name=pl("Prepare the certificate")).click()
    download_link = coordinator.locator("#document-download a")
    expect(download_link).to_be_visible(timeout=30000)
    with coordinator.expect_download() as download_info:
        download_link.click()
    pdf = Path(tmp_path) / "certificate.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Julia Kamińska" in text
    assert "3,5" in text  # 2 + 1.5 approved hours


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_become_a_volunteer_has_no_wcag_violations(
    live_server, page, partner_a, axe, prefix, screenshot
):
    page.goto(live_server.url + prefix + "/volunteer/")
    assert axe() == []
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe() == []
    screenshot(f"volunteer-apply{prefix.replace('/', '-')}")
