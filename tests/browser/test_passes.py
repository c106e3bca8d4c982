"""Staff issue a pass and print it; a venue scans its QR code and records a coffee."""

import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from initiatives.passes.models import PartnerVenue, ProgrammeSettings, Redemption, SeniorPass
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def venue_user(roles, settings, tmp_path):
    from calportal.accounts.roles import Role

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProgrammeSettings.objects.update_or_create(pk=1, defaults={"uses_per_month": 4})
    organisation = OrganisationFactory(name="Kawiarnia Pod Ratuszem", sector="business")
    PartnerVenue.objects.create(
        organisation=organisation, name="Kawiarnia „Pod Ratuszem”", address="Rynek 12"
    )
    return UserFactory(
        email="kawiarnia@example.org", organisation=organisation, role=Role.VENUE_STAFF
    )


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_issue_print_scan_and_record(live_server, browser, staff, venue_user, tmp_path, screenshot):
    import zxingcpp

    staff_page = browser.new_context(locale="pl-PL", accept_downloads=True).new_page()
    log_in(staff_page, live_server.url, staff.email)
    staff_page.goto(live_server.url + "/manage/passes/new/")
    staff_page.locator("#id_first_name").fill("Józefa")
    staff_page.locator("#id_last_name").fill("Śliwińska")
    staff_page.locator("#id_birth_year").fill("1948")
    staff_page.locator("#id_phone").fill("601 234 567")
    staff_page.locator("main form [type=submit]").click()
    senior_pass = SeniorPass.objects.get()
    expect(staff_page.get_by_role("heading", level=1)).to_contain_text(senior_pass.number)

    staff_page.locator("form[action$='/print/'] button").first.click()
    download_link = staff_page.locator("#document-download a")
    expect(download_link).to_be_visible(timeout=30000)
    with staff_page.expect_download() as download_info:
        download_link.click()
    pdf = Path(tmp_path) / "pass.pdf"
    download_info.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "card")], check=True)
    link = zxingcpp.read_barcodes(Image.open(next(Path(tmp_path).glob("card*.png"))))[0].text
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    phone = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, live_server.url, venue_user.email)
    phone.goto(live_server.url + path)
    expect(phone.locator(".verdict-valid")).to_contain_text("Józefa")
    expect(phone.locator(".verdict-valid")).to_contain_text("4")
    assert "Śliwińska" not in phone.content()
    screenshot_path = Path(__file__).resolve().parents[2] / "test-artifacts"
    screenshot_path.mkdir(exist_ok=True)
    phone.screenshot(path=str(screenshot_path / "counter-valid.png"), full_page=True)

    phone.locator("main form button[type=submit]").click()
    expect(phone.locator(".verdict-valid")).to_contain_text("3")
    phone.screenshot(path=str(screenshot_path / "counter-recorded.png"), full_page=True)
    assert Redemption.objects.filter(senior_pass=senior_pass).count() == 1

    phone.goto(live_server.url + path)
    expect(phone.locator(".verdict-valid")).to_contain_text("3")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_programme_pages_have_no_wcag_violations(
    live_server, page, axe, venue_user, prefix, screenshot
):
    for path in ("/senior-friend/", "/senior-friend/apply/"):
        response = page.goto(live_server.url + prefix + path)
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe() == [], path
    screenshot(f"senior-friend-apply{prefix.replace('/', '-')}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe() == []
