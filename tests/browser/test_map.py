"""A resident offers a room; staff moderate it into a resource; it shows in the guide and on the
map. On a closed network (no tile server) the map still shows its areas and points."""

import pytest
from playwright.sync_api import expect

from resources_map.models import Area, AreaKind, ReportStatus, ResidentReport, Resource
from tests.browser.test_passes import log_in
from tests.initiatives.conftest import pl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Sala w remizie OSP w Psarskiem"


@pytest.fixture
def village(roles, settings):
    settings.MAP_TILE_URL = ""  # a closed network: no tiles at all
    return Area.objects.create(
        name="Psarskie",
        kind=AreaKind.VILLAGE,
        latitude="52.105000",
        longitude="17.102000",
        boundary={
            "type": "Polygon",
            "coordinates": [
                [[17.09, 52.1], [17.11, 52.1], [17.11, 52.11], [17.09, 52.11], [17.09, 52.1]]
            ],
        },
        population_total=1100,
    )


def test_a_report_becomes_a_resource_in_the_guide_and_on_the_map(
    live_server, browser, page, village, staff, axe, screenshot
):
    page.goto(live_server.url + "/map/report/")
    assert axe() == []
    page.get_by_label(pl("I can offer a room or equipment")).check()
    page.locator("#id_description").fill(NAME + ": sala na 40 osób, z zapleczem kuchennym.")
    page.locator("#id_area").select_option(label="Psarskie")
    page.locator("#id_name").fill("Jan Kowalski")
    page.locator("#id_email").fill("jan@example.org")
    page.locator("main form button[type=submit]").click()
    # Forgot the consent: the error summary takes the focus and nothing is lost.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_name")).to_have_value("Jan Kowalski")
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pl("Thank you for your report"))
    assert axe() == []
    report = ResidentReport.objects.get()

    staff_page = browser.new_context(locale="pl-PL").new_page()
    log_in(staff_page, live_server.url, staff.email)
    staff_page.goto(live_server.url + "/manage/map/reports/")
    staff_page.locator(f"a[href$='/reports/{report.pk}/accept/']").click()
    expect(staff_page.locator("#id_name")).to_have_value(
        NAME + ": sala na 40 osób, z zapleczem kuchennym."
    )
    staff_page.locator("#id_name").fill(NAME)
    expect(staff_page.locator("#id_resource_class")).to_have_value("material")
    expect(staff_page.locator("#id_kind")).to_have_value("room")
    staff_page.locator("#id_topic").select_option("culture")
    # The point picker: a click on the map fills in the coordinates.
    staff_page.locator("#point-picker").click()
    expect(staff_page.locator("#id_latitude")).not_to_have_value("")
    clicked = (
        float(staff_page.locator("#id_latitude").input_value()),
        float(staff_page.locator("#id_longitude").input_value()),
    )
    assert 51.95 <= clicked[0] <= 52.2 and 16.8 <= clicked[1] <= 17.3, clicked  # in the box
    staff_page.locator("#id_latitude").fill("52.105200")
    staff_page.locator("#id_longitude").fill("17.101500")
    staff_page.locator("#id_opening_hours").fill("po uzgodnieniu z sołtysem")
    staff_page.locator("#id_is_public").check()
    staff_page.locator("main form [type=submit]").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(NAME)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert Resource.objects.get().is_public

    page.goto(live_server.url + "/where-to-get-help/")
    expect(page.locator("main")).to_contain_text(NAME)
    expect(page.locator("main")).to_contain_text("po uzgodnieniu z sołtysem")
    assert "jan@example.org" not in page.content()
    assert axe() == []
    screenshot("map-guide")

    page.goto(live_server.url + "/map/")
    expect(page.locator(".map-list")).to_contain_text(NAME)
    expect(page.locator("#community-map")).to_have_attribute("data-loaded", "2")
    pin = page.locator(f".leaflet-marker-icon[title='{NAME}']")
    expect(pin).to_be_visible()
    expect(page.locator("#community-map path.leaflet-interactive")).to_have_count(1)  # the area
    pin.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(NAME)
    # The popup fades in; axe must measure contrast once it is opaque (a busy machine is slow).
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert axe() == []
    screenshot("map-public")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_map_pages_have_no_wcag_violations(live_server, page, village, axe, prefix):
    from tests.resources_map.conftest import make_need, make_resource

    make_resource(name="Świetlica", area=village)
    make_need([village], title="Dojazd do miasta")
    for path in ("/map/", "/where-to-get-help/", "/map/report/", "/map/?layer=needs&area=abc"):
        page.goto(live_server.url + prefix + path)
        if path == "/map/":  # the area, the resource and the need
            expect(page.locator("#community-map")).to_have_attribute("data-loaded", "3")
        elif path.startswith("/map/?"):  # the area and the need
            expect(page.locator("#community-map")).to_have_attribute("data-loaded", "2")
        assert axe() == [], path


def test_the_list_beside_the_map_is_reachable_by_keyboard(live_server, page, village):
    from tests.resources_map.conftest import make_resource

    make_resource(name="Świetlica", area=village)
    page.goto(live_server.url + "/map/")
    page.locator(".map-list").focus()
    expect(page.locator(".map-list")).to_be_focused()
    expect(page.locator(".map-list")).to_have_attribute(
        "aria-label", pl("List of what the map shows")
    )
