"""Who may open the call-list pages, and whose items each person sees and may record.

A self-help group's calls are its facilitator's alone (not the OPS, not the self-help
coordinator); a partner organisation's are its own users' (and the OPS's only while the
organisation has no coordinator account); the office's are OPS staff's — not the CAL team's,
which does not see who signed up. Another's item is a 404, on every page and on the outcome
POST."""

import pytest
from django.urls import reverse

from calportal.calls.models import CallAttempt, CallOutcome, CallStatus
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.calls.conftest import add_item

pytestmark = pytest.mark.django_db

ROLES = ["staff", "team_member", "partner_a", "facilitator", "dpo", None]
PAGES = {
    # view name -> outcome for each of ROLES
    "calls:list": (ALLOWED, DENIED, ALLOWED, ALLOWED, DENIED, LOGIN),
    "calls:history": (ALLOWED, DENIED, ALLOWED, ALLOWED, DENIED, LOGIN),
    "calls:today": (ALLOWED, DENIED, ALLOWED, ALLOWED, DENIED, LOGIN),
}


def user_of(request, role):
    return request.getfixturevalue(role) if role else None


@pytest.mark.parametrize("view_name", PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_the_pages_it_may(request, login, view_name, role_index):
    client = login(user_of(request, ROLES[role_index]))

    response = client.get(reverse(view_name))

    assert_outcome(response, PAGES[view_name][role_index], denied_page=True)


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, LOGIN), ("dpo", DENIED)],
    ids=["anonymous", "dpo"],
)
def test_recording_a_call_needs_the_right(request, login, role, expected):
    item = add_item()
    client = login(user_of(request, role))

    response = client.post(reverse("calls:outcome", args=[item.pk]), {"outcome": "reached"})

    assert_outcome(response, expected)
    assert not CallAttempt.objects.exists()


def test_recording_a_call_is_a_post_only(login, staff):
    item = add_item()

    response = login(staff).get(reverse("calls:outcome", args=[item.pk]))

    assert response.status_code == 405
    item.refresh_from_db()
    assert item.status == CallStatus.OPEN


def test_an_unknown_item_is_a_404(login, staff):
    response = login(staff).post(reverse("calls:outcome", args=[999999]), {"outcome": "reached"})

    assert response.status_code == 404


@pytest.fixture
def scoped_items(group, organisation_a, organisation_b, partner_a, partner_b):
    # Both organisations have a coordinator (without one, the office would call for them).
    return {
        "office": add_item(name="Office Person"),
        "group": add_item("join_request", name="Group Person", group=group),
        "org_a": add_item(
            "volunteer_application", name="Org A Person", organisation=organisation_a
        ),
        "org_b": add_item(
            "volunteer_application", name="Org B Person", organisation=organisation_b
        ),
    }


VISIBLE = {
    "staff": {"office"},
    "team_member": set(),
    "selfhelp_coordinator": {"office"},
    "facilitator": {"group"},
    "partner_a": {"org_a"},
    "partner_b": {"org_b"},
    "dpo": set(),
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_person_sees_only_their_own_items(request, login, scoped_items, role):
    from calportal.calls.selectors import items_for

    user = request.getfixturevalue(role)
    expected = {scoped_items[key].name for key in VISIBLE[role]}

    assert set(items_for(user).values_list("name", flat=True)) == expected
    if role in ("dpo", "team_member"):
        return
    html = login(user).get("/en/calls/").content.decode()
    for key, item in scoped_items.items():
        assert (item.name in html) == (key in VISIBLE[role]), (role, key)


@pytest.mark.parametrize("role", VISIBLE)
def test_another_scopes_item_is_a_404_on_the_outcome_post(request, login, scoped_items, role):
    user = request.getfixturevalue(role)
    client = login(user)
    for key, item in scoped_items.items():
        if key in VISIBLE[role] or role in ("dpo", "team_member"):  # these two have no right
            continue

        response = client.post(reverse("calls:outcome", args=[item.pk]), {"outcome": "reached"})

        assert response.status_code == 404, (role, key)
    assert not CallAttempt.objects.exists()


def test_a_facilitator_records_their_groups_call(login, facilitator, scoped_items):
    item = scoped_items["group"]

    response = login(facilitator).post(
        reverse("calls:outcome", args=[item.pk]), {"outcome": CallOutcome.REACHED}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == CallStatus.DONE


def test_the_history_keeps_to_the_same_scopes(login, staff, facilitator, partner_a, scoped_items):
    from calportal.calls.services import record_outcome

    record_outcome(item_id=scoped_items["office"].pk, outcome="reached", by=staff)
    record_outcome(item_id=scoped_items["group"].pk, outcome="reached", by=facilitator)
    record_outcome(item_id=scoped_items["org_a"].pk, outcome="reached", by=partner_a)

    for user, own in [(staff, "Office"), (facilitator, "Group"), (partner_a, "Org A")]:
        html = login(user).get("/en/calls/history/").content.decode()
        for name in ("Office", "Group", "Org A"):
            assert (f"{name} Person" in html) == (name == own), (user, name)


def test_another_facilitator_does_not_see_the_group(login, roles, scoped_items):
    from calportal.accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(email="inny@example.org", role=Role.GROUP_FACILITATOR)

    html = login(other).get("/en/calls/").content.decode()

    assert "Group Person" not in html
    assert "Nobody to call today." in html


def test_the_office_calls_for_an_organisation_without_a_coordinator(staff, partner_a):
    from calportal.calls.selectors import items_for
    from tests.factories import OrganisationFactory

    orphan = OrganisationFactory(name="Koło bez koordynatora")
    add_item("volunteer_application", name="Orphan Person", organisation=orphan)
    add_item("volunteer_application", name="Org A Person", organisation=partner_a.organisation)

    assert set(items_for(staff).values_list("name", flat=True)) == {"Orphan Person"}
    assert set(items_for(partner_a).values_list("name", flat=True)) == {"Org A Person"}
