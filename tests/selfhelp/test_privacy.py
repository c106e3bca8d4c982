"""Who sees what of a self-help group: the table of the issue, guessed ids, exports, and the
access log that records every sensitive view."""

import pytest
from django.urls import reverse
from django.utils import timezone

from selfhelp.models import AccessAction, AccessLog
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.selfhelp.conftest import make_meeting, make_member, make_request

# staff = OPS staff without the oversight role
ROLES = ["facilitator", "overseer", "other_facilitator", "staff", "partner_a", "team_member", None]


def row(facilitator, overseer, other_facilitator, staff, partner, team, anonymous):
    return (facilitator, overseer, other_facilitator, staff, partner, team, anonymous)


SENSITIVE = row(ALLOWED, ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN)
MATRIX = {
    "selfhelp:group_list": row(*[ALLOWED] * 7),
    "selfhelp:group_public": row(*[ALLOWED] * 7),
    "selfhelp:thanks": row(*[ALLOWED] * 7),
    "selfhelp:manage_list": row(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, LOGIN),
    # R10 (REPORTS.md §8): OPS by topic, the coordinator, a facilitator of a group; a facilitator
    # without a group, partner coordinators and the CAL team: no.
    "selfhelp:figures": row(ALLOWED, ALLOWED, DENIED, ALLOWED, DENIED, DENIED, LOGIN),
    "selfhelp:group_create": row(DENIED, ALLOWED, DENIED, ALLOWED, DENIED, DENIED, LOGIN),
    "selfhelp:group_edit": row(DENIED, ALLOWED, DENIED, ALLOWED, DENIED, DENIED, LOGIN),
    "selfhelp:access_log": row(DENIED, ALLOWED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "selfhelp:workspace": SENSITIVE,
    "selfhelp:request_detail": SENSITIVE,
    "selfhelp:meeting_detail": SENSITIVE,
    "selfhelp:members_csv": SENSITIVE,
}
POST_ONLY = {
    "selfhelp:figures_pdf",
    "selfhelp:request_action",
    "selfhelp:member_action",
    "selfhelp:meetings_generate",
    "selfhelp:group_accepting",
}


@pytest.fixture
def objects(group):
    return {
        "selfhelp:group_public": [group.slug],
        "selfhelp:group_edit": [group.pk],
        "selfhelp:workspace": [group.pk],
        "selfhelp:members_csv": [group.pk],
        "selfhelp:request_detail": [make_request(group).pk],
        "selfhelp:meeting_detail": [make_meeting(group).pk],
    }


def test_the_matrix_covers_every_page():
    from selfhelp.urls import urlpatterns

    assert {f"selfhelp:{p.name}" for p in urlpatterns} == set(MATRIX) | POST_ONLY


@pytest.mark.parametrize("view_name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_sees_exactly_what_it_should(request, login, objects, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)

    response = client.get(reverse(view_name, args=objects.get(view_name, [])))

    expected = MATRIX[view_name][role_index]
    assert_outcome(response, expected)


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("selfhelp:request_action", "request", {"action": "accept"}),
        ("selfhelp:request_action", "request", {"action": "decline"}),
        ("selfhelp:request_action", "request", {"action": "note"}),
        ("selfhelp:member_action", "member", {"action": "leave"}),
        ("selfhelp:meetings_generate", "group", {}),
    ],
)
def test_nobody_else_acts_on_a_groups_people(
    login, group, other_facilitator, staff, name, args, data
):
    join_request = make_request(group)
    member = make_member(group)
    target = {"request": join_request, "member": member, "group": group}[args]
    url_args = [target.pk] + ([data["action"]] if "action" in data else [])
    for user in (other_facilitator, staff):
        response = login(user).post(
            reverse(name, args=url_args),
            {"left_on": "2026-01-01", "start": "2026-01-01", "end": "2026-03-01", "note": "x"},
        )
        assert response.status_code == 404
    join_request.refresh_from_db()
    member.refresh_from_db()
    assert join_request.status == "new" and join_request.note == ""
    assert member.left_on is None and not group.meetings.exists()


def test_public_and_non_sensitive_pages_never_show_members_requests_or_notes(
    client, login, group, staff, partner_a, team_member
):
    make_member(group, "Halina", last_name="Tajemnicza")
    make_request(group, "Elżbieta", message="Straciłam męża")
    make_meeting(group, notes="Notatka prowadzącej", held=True)
    pages = [
        reverse("selfhelp:group_list"),
        reverse("selfhelp:group_public", args=[group.slug]),
        reverse("selfhelp:manage_list"),
        reverse("selfhelp:figures"),
    ]
    for user in (None, staff, partner_a, team_member):
        for url in pages:
            body = login(user).get(url).content.decode()
            for secret in ("Tajemnicza", "Halina", "Elżbieta", "Straciłam", "Notatka prowadzącej"):
                assert secret not in body, (user, url, secret)
    # Anonymous counts for staff: yes; for the public: not even the number of members.
    assert "1 / 10" in login(staff).get(reverse("selfhelp:manage_list")).content.decode()
    assert (
        "1 / 10"
        not in client.get(reverse("selfhelp:group_public", args=[group.slug])).content.decode()
    )


def test_a_facilitator_sees_their_own_group_only(login, facilitator, group, other_group):
    make_member(other_group, "Beata")
    client = login(facilitator)

    assert client.get(reverse("selfhelp:workspace", args=[other_group.pk])).status_code == 404
    assert client.get(reverse("selfhelp:members_csv", args=[other_group.pk])).status_code == 404
    listing = client.get(reverse("selfhelp:manage_list")).context
    assert listing["workspace"] == {group.pk}


def test_every_sensitive_view_is_recorded_in_the_access_log(login, overseer, group):
    join_request = make_request(group)
    meeting = make_meeting(group)
    member = make_member(group, left_on=None)
    client = login(overseer)

    client.get(reverse("selfhelp:workspace", args=[group.pk]))
    client.get(reverse("selfhelp:request_detail", args=[join_request.pk]))
    client.get(reverse("selfhelp:meeting_detail", args=[meeting.pk]))
    client.get(reverse("selfhelp:members_csv", args=[group.pk]))
    client.post(
        reverse("selfhelp:member_action", args=[member.pk, "leave"]),
        {"left_on": timezone.localdate().isoformat()},  # not before they joined, whenever that is
    )
    client.post(reverse("selfhelp:member_action", args=[member.pk, "erase"]))

    logged = list(
        AccessLog.objects.order_by("pk").values_list("user_id", "group_id", "action", "object_id")
    )
    assert logged == [
        (overseer.pk, group.pk, AccessAction.MEMBERS, None),
        (overseer.pk, group.pk, AccessAction.REQUESTS, None),
        (overseer.pk, group.pk, AccessAction.REQUEST, join_request.pk),
        (overseer.pk, group.pk, AccessAction.MEETING, meeting.pk),
        (overseer.pk, group.pk, AccessAction.EXPORT, None),
        (overseer.pk, group.pk, AccessAction.ERASE, member.pk),
    ]
    log_page = client.get(reverse("selfhelp:access_log")).content.decode()
    assert overseer.full_name in log_page


def test_refused_and_unknown_views_are_not_logged(login, staff, group):
    login(staff).get(reverse("selfhelp:workspace", args=[group.pk]))
    login(staff).get(reverse("selfhelp:workspace", args=[999999]))
    assert not AccessLog.objects.exists()


def test_the_members_export_goes_only_to_those_who_may_see_members(login, facilitator, group):
    make_member(group, "Halina")
    response = login(facilitator).get(reverse("selfhelp:members_csv", args=[group.pk]))

    assert response.status_code == 200
    assert "Halina" in response.getvalue().decode("utf-8-sig")
    assert response["Cache-Control"] == "no-store"
