"""Who may open which page: every view, every role.

Anonymous visitors are sent to log in; a logged-in role without the right gets 403.
"""

import pytest
from django.urls import reverse

from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import TeamMeetingFactory, TeamMemberFactory

# view name -> expected outcome for (staff, partner_a, team_member, anonymous)
MATRIX = {
    "dashboard": (ALLOWED, ALLOWED, ALLOWED, LOGIN),
    "organisations:list": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "organisations:create": (ALLOWED, DENIED, DENIED, LOGIN),
    "organisations:detail": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "organisations:edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "team:workspace": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "team:meeting_detail": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "team:meeting_create": (ALLOWED, DENIED, DENIED, LOGIN),
    "team:meeting_edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "team:member_create": (ALLOWED, DENIED, DENIED, LOGIN),
    "team:member_edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "team:task_edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "accounts:user_list": (ALLOWED, DENIED, DENIED, LOGIN),
    "accounts:user_invite": (ALLOWED, DENIED, DENIED, LOGIN),
    "accounts:password_change": (ALLOWED, ALLOWED, ALLOWED, LOGIN),
    "home": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "privacy": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "accessibility": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
}
ROLES = ["staff", "partner_a", "team_member", None]


@pytest.fixture
def objects(organisation_a):
    member = TeamMemberFactory(organisation=organisation_a)
    meeting = TeamMeetingFactory()
    from calportal.team.models import TeamTask

    return {
        "organisations:detail": [organisation_a.pk],
        "organisations:edit": [organisation_a.pk],
        "team:meeting_detail": [meeting.pk],
        "team:meeting_edit": [meeting.pk],
        "team:member_edit": [member.pk],
        "team:task_edit": [TeamTask.objects.get(number=1).pk],
    }


@pytest.mark.parametrize("view_name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, objects, view_name, role_index):
    role = ROLES[role_index]
    user = request.getfixturevalue(role) if role else None
    client = login(user)
    url = reverse(view_name, args=objects.get(view_name, []))

    response = client.get(url)

    expected = MATRIX[view_name][role_index]
    assert_outcome(response, expected, denied_page=True)


@pytest.mark.parametrize(
    "view_name",
    ["organisations:detail", "organisations:edit", "team:meeting_detail", "team:member_edit"],
)
def test_an_unknown_id_is_a_404_not_a_500(login, staff, view_name):
    response = login(staff).get(reverse(view_name, args=[999999]))

    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.content.decode()


def test_a_deactivated_account_cannot_use_its_session(login, staff):
    client = login(staff)
    staff.is_active = False
    staff.save()

    response = client.get(reverse("organisations:list"))

    assert response.status_code == 302
