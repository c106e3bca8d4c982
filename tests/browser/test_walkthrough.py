"""Real Chromium, real pages: the walk a newcomer takes through the foundation."""

import pytest
from playwright.sync_api import expect

from calportal.organisations.models import Organisation
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_language_switch_login_and_adding_an_organisation(
    live_server, page, staff, screenshot, axe
):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Centrum Aktywności Lokalnej w Śremie"
    )
    screenshot("home-pl")
    assert axe() == []

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local Activity Centre in Śrem")
    screenshot("home-en")
    assert axe() == []

    page.get_by_role("link", name="Polski").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")

    page.get_by_role("link", name="Logowanie dla pracowników i partnerów").click()
    page.get_by_label("Adres e-mail").fill(staff.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna")
    screenshot("dashboard-staff")

    menu = page.get_by_role("navigation", name="Menu główne")
    menu.get_by_role("button", name="Organizacja", exact=True).click()
    menu.get_by_role("link", name="Organizacje").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizacje")
    assert axe() == []

    page.get_by_role("link", name="Dodaj organizację").click()
    page.get_by_label("Sektor").select_option("ngo")
    page.get_by_role("button", name="Zapisz").click()
    name_error = page.locator("#error_1_id_name")
    expect(name_error).to_contain_text("To pole jest wymagane.")
    expect(page.locator("#error-summary")).to_be_visible()
    screenshot("organisation-form-error")
    assert axe() == []
    assert not Organisation.objects.exists()

    page.locator("#id_name").fill("Klub Seniora „Jesień”")
    page.get_by_label("Kod pocztowy").fill("63-100")
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klub Seniora „Jesień”")
    expect(page.get_by_role("status")).to_contain_text("Dodano organizację")
    screenshot("organisation-created")
    assert Organisation.objects.filter(name="Klub Seniora „Jesień”").exists()


def test_the_first_tab_reaches_a_visible_skip_link(live_server, page):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Przejdź do treści")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main")


@pytest.mark.parametrize(
    "path", ["/privacy/", "/accessibility/", "/en/accessibility/", "/accounts/login/"]
)
def test_public_pages_have_no_wcag_violations(live_server, page, axe, screenshot, path):
    page.goto(live_server.url + path)

    assert axe() == []
    screenshot("public" + path.replace("/", "-").rstrip("-"))


def test_the_largest_text_size_keeps_the_page_usable(live_server, page, axe, screenshot):
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="A++").click()

    expect(page.locator("html")).to_have_class("text-size-xlarge")
    font_size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert font_size == "22px"
    assert axe() == []
    screenshot("home-xlarge-text")


def test_pages_work_under_the_real_content_security_policy(live_server, browser, staff):
    """Everything the pages load (scripts, styles, fonts) is allowed by our own policy."""
    from initiatives.passes.models import PartnerVenue
    from tests.factories import EventFactory, OrganisationFactory

    event = EventFactory()
    PartnerVenue.objects.create(
        organisation=OrganisationFactory(sector="business"),
        name="Kawiarnia",
        address="Rynek 1",
        latitude="52.089",
        longitude="17.015",
    )
    context = browser.new_context(locale="pl-PL")  # CSP enforced, unlike the axe fixture
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    for path in (
        "/",
        "/events/",
        "/events/month/",
        f"/events/{event.pk}/",
        "/accounts/login/",
        "/senior-friend/",
    ):
        page.goto(live_server.url + path)
    assert page.locator(".leaflet-interactive").count() == 1  # the map drew its point
    page.get_by_role("link", name="A++").click()
    context.close()

    assert violations == []
