"""A resident asks discreetly to join a self-help group; the facilitator accepts and records a
meeting's attendance on a phone-sized checklist. Public pages pass axe."""

import pytest
from playwright.sync_api import expect

from selfhelp.models import JoinRequest, Member, RequestStatus
from tests.browser.test_passes import log_in
from tests.initiatives.conftest import pl
from tests.selfhelp.conftest import make_group, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def group(roles):
    from calportal.accounts.roles import Role
    from tests.factories import UserFactory

    facilitator = UserFactory(
        email="prowadzaca@example.org", full_name="Teresa Wolska", role=Role.GROUP_FACILITATOR
    )
    return make_group(facilitator)


def test_join_accept_and_attendance(live_server, browser, page, group, axe, screenshot):
    page.goto(live_server.url + "/groups/")
    assert axe() == []
    page.get_by_role("link", name=group.name).click()
    assert axe() == []
    page.locator("#id_first_name").fill("Elżbieta")
    page.locator("#id_phone").fill("602 345 678")
    page.locator("#id_contact_time").fill("po 16:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()  # the consent is missing
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pl("Thank you"))
    assert axe() == []
    screenshot("selfhelp-thanks")
    join_request = JoinRequest.objects.get()
    assert join_request.phone == "602345678"
    meeting = make_meeting(group, days_ago=0)  # today: the new member is on the checklist

    phone = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, live_server.url, group.facilitator.email)
    phone.goto(f"{live_server.url}/manage/groups/{group.pk}/")
    phone.get_by_role("link", name="Elżbieta").click()
    phone.get_by_role("button", name=pl("Accept"), exact=True).click()
    expect(phone.locator(".alert-success")).to_be_visible()
    member = Member.objects.get()
    assert JoinRequest.objects.get().status == RequestStatus.JOINED

    phone.goto(f"{live_server.url}/manage/groups/meetings/{meeting.pk}/")
    phone.get_by_label(pl("It took place")).check()
    phone.get_by_label("Elżbieta").check()
    phone.locator("#id_topic").fill("Pierwsze spotkanie")
    phone.get_by_role("button", name=pl("Save the meeting")).click()
    expect(phone.locator(".alert-success")).to_be_visible()
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [member] and meeting.held


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_group_pages_have_no_wcag_violations(live_server, page, group, axe, prefix):
    for path in ("/groups/", f"/groups/{group.slug}/", "/groups/thanks/"):
        page.goto(live_server.url + prefix + path)
        assert axe() == [], path
