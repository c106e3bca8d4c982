"""Every report page and action, for every role (REPORTS.md §8): who may, who may not."""

import datetime

import pytest
from django.urls import get_resolver, reverse

from calportal.accounts.roles import Role
from calportal.reports.models import ReportDefinition, ReportRun, ReportSchedule, SoftResult
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.factories import UserFactory

ROLES = ["staff", "team_member", "partner_a", "venue", None]
# GET: view name -> outcome for (staff, team member, partner, venue staff, anonymous). The run
# is an internal R1: the team sees only shared runs, the partner only their own scope.
PAGES = {
    "reports:index": (ALLOWED, ALLOWED, ALLOWED, ALLOWED, LOGIN),  # venue: R9 of its venue
    "reports:new": (ALLOWED, ALLOWED, DENIED, DENIED, LOGIN),  # R1
    "reports:run": (ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "reports:run_status": (ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "reports:schedules": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "reports:schedule_edit": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "reports:schedule_create": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "reports:targets": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
}
# POST-only actions: outcome for the same roles (a redirect counts as done).
ACTIONS = {
    "reports:run_narrative": (ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "reports:run_official": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "reports:run_again": (ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, LOGIN),
    "reports:soft_result_delete": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
}


def test_every_report_url_is_in_the_matrix():
    names = {
        f"reports:{name}"
        for name in get_resolver().namespace_dict["reports"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(PAGES) | set(ACTIONS)


@pytest.fixture
def venue(roles):
    return UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)


@pytest.fixture
def objects(staff):
    run = ReportRun.objects.create(
        kind="R1",
        title="R1",
        parameters={"kind": "R1"},
        variant="internal",
        language="pl",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        status="ready",
        dataset={"kpis": [], "sections": []},
        requested_by=staff,
    )
    definition = ReportDefinition.objects.create(kind="R12", title="Digest", owner=staff)
    schedule = ReportSchedule.objects.create(definition=definition, recurrence="monthly", day=2)
    result = SoftResult.objects.create(
        year=2025, question="Czy poleci Pan/Pani CAL?", respondents=40, positive_percent=90
    )
    return {
        "reports:new": ["R1"],
        "reports:run": [run.pk],
        "reports:run_status": [run.pk],
        "reports:run_narrative": [run.pk],
        "reports:run_official": [run.pk],
        "reports:run_again": [run.pk],
        "reports:schedule_edit": [schedule.pk],
        "reports:schedule_create": ["R12"],
        "reports:soft_result_delete": [result.pk],
    }


def _client(request, login, role):
    return login(request.getfixturevalue(role) if role else None)


@pytest.mark.parametrize("view_name", PAGES)
def test_each_role_gets_the_report_pages_it_may(request, login, objects, view_name):
    # The roles in one test: their fixtures are built once for the five of them.
    for role, expected in zip(ROLES, PAGES[view_name], strict=True):
        client = _client(request, login, role)
        response = client.get(reverse(view_name, args=objects.get(view_name, [])))
        assert_outcome(response, expected), role


@pytest.mark.parametrize("view_name", ACTIONS)
def test_each_role_may_do_only_the_report_actions_it_may(
    request, login, objects, view_name, django_capture_on_commit_callbacks
):
    for role, expected in zip(ROLES, ACTIONS[view_name], strict=True):
        client = _client(request, login, role)
        with django_capture_on_commit_callbacks(execute=False):
            response = client.post(
                reverse(view_name, args=objects[view_name]), {"conclusions": "x"}
            )
        if expected == ALLOWED:
            assert response.status_code == 302, role
            assert not response["Location"].startswith(reverse("accounts:login"))
        else:
            assert_outcome(response, expected)


def test_a_get_of_an_action_is_refused(login, staff, objects):
    response = login(staff).get(reverse("reports:run_official", args=objects["reports:run"]))
    assert response.status_code == 405


@pytest.mark.parametrize("view_name", ["reports:run", "reports:schedule_edit"])
def test_an_unknown_id_is_a_404(login, staff, view_name):
    assert login(staff).get(reverse(view_name, args=[999999])).status_code == 404
