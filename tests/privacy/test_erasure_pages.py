"""The erasure pages and the art. 19 notices: who may read, who may erase, what the pages say.

Roles: the Data requests staff (``data_officer``) erase anyone; the DPO reads and never
erases (a POST is 403); OPS staff without the Data requests role, the CAL team and another
organisation's partner coordinator get nothing; a partner coordinator erases only their own
organisation's volunteers.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from calportal.accounts.roles import Role
from calportal.privacy.models import ErasureRecord, RecipientNotice, SubjectRequest
from initiatives.models import RegistrationStatus
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.factories import UserFactory
from tests.privacy.test_erasure import (
    NOW,
    make_venue,
    person_everywhere,
    private_files,  # noqa: F401  (a fixture)
)

ROLES = [
    "dpo",
    "data_officer",
    "staff",
    "partner_a",
    "partner_b",
    "team_member",
    "venue_staff",
    None,
]
REDIRECT = "redirect"  # done, then sent on (a POST that succeeded)

# GET: url name -> outcome for each of ROLES. The volunteer is organisation A's.
ERASURE_MATRIX = {
    "privacy:erasure_list": (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "privacy:erasure_detail": (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "privacy:erasure_preview": (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "privacy:volunteer_erase": (
        ALLOWED,
        ALLOWED,
        DENIED,
        ALLOWED,
        NOT_FOUND,
        DENIED,
        DENIED,
        LOGIN,
    ),
    "privacy:notice_list": (ALLOWED, ALLOWED, DENIED, ALLOWED, ALLOWED, DENIED, ALLOWED, LOGIN),
}
# POST (an empty erasure form: ALLOWED is the form answering with its errors; a notice of
# organisation A marked as read).
ERASURE_POST_MATRIX = {
    "privacy:erasure_preview": (DENIED, ALLOWED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "privacy:volunteer_erase": (DENIED, ALLOWED, DENIED, ALLOWED, NOT_FOUND, DENIED, DENIED, LOGIN),
    "privacy:notice_read": (DENIED, DENIED, DENIED, REDIRECT, NOT_FOUND, DENIED, NOT_FOUND, LOGIN),
}


@pytest.fixture
def matrix_objects(data_officer, organisation_a, organisation_b):
    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.create(
        organisation=organisation_a,
        first_name="Jan",
        last_name="Próbny",
        birth_year=1990,
        email="jan.probny@example.org",
    )
    subject_request = SubjectRequest.objects.create(
        kind="erasure",
        channel="email",
        requester_name="(wnioskodawca)",
        deadline=datetime.date(2026, 4, 16),
        matches=[{"model": "volunteers.volunteer", "pk": volunteer.pk}],
    )
    record = ErasureRecord.objects.create(performed_by=data_officer, erased={"volunteers": 1})
    notice = RecipientNotice.objects.create(
        erasure=record, organisation=organisation_a, text="Dla A"
    )
    venue = make_venue("Kawiarnia Macierz")
    return {
        "privacy:erasure_detail": [record.pk],
        "privacy:erasure_preview": [subject_request.pk],
        "privacy:volunteer_erase": [volunteer.pk],
        "privacy:notice_read": [notice.pk],
        "venue": venue,
    }


def _matrix_user(request, role, objects):
    if role == "venue_staff":
        return UserFactory(organisation=objects["venue"].organisation, role=Role.VENUE_STAFF)
    return request.getfixturevalue(role) if role else None


@pytest.mark.parametrize("view_name", ERASURE_MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, matrix_objects, view_name, role_index):
    client = login(_matrix_user(request, ROLES[role_index], matrix_objects))
    url = reverse(view_name, args=matrix_objects.get(view_name, []))

    assert_outcome(client.get(url), ERASURE_MATRIX[view_name][role_index])


@pytest.mark.parametrize("view_name", ERASURE_POST_MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_may_post_what_it_may(request, login, matrix_objects, view_name, role_index):
    client = login(_matrix_user(request, ROLES[role_index], matrix_objects))
    url = reverse(view_name, args=matrix_objects.get(view_name, []))

    response = client.post(url, {})

    expected = ERASURE_POST_MATRIX[view_name][role_index]
    if expected == REDIRECT:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert_outcome(response, expected)
    if expected != ALLOWED or view_name == "privacy:notice_read":
        assert ErasureRecord.objects.count() == 1  # nothing erased by a refused POST


@pytest.fixture
def world(staff, organisation_a, organisation_b, private_files, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False):
        built = person_everywhere(staff=staff, lead=organisation_a, partner=organisation_b)
    with time_machine.travel(NOW, tick=True):
        yield built


@pytest.fixture
def subject_request(world):
    return SubjectRequest.objects.create(
        kind="erasure",
        channel="email",
        requester_name="(wnioskodawczyni)",
        deadline=datetime.date(2026, 4, 16),
        matches=world.matches,
    )


def _preview_url(subject_request) -> str:
    return reverse("privacy:erasure_preview", args=[subject_request.pk])


# --- the preview from a request ------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [("data_officer", 200), ("dpo", 200), ("staff", 403), ("partner_a", 403), ("team_member", 403)],
)
def test_who_may_open_the_preview(request, subject_request, login, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(_preview_url(subject_request)).status_code == status


def test_the_preview_sends_anonymous_visitors_to_log_in(subject_request, login):
    response = login(None).get(_preview_url(subject_request))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_preview_shows_the_steps_the_categories_and_the_recipients(
    world, subject_request, data_officer, login
):
    response = login(data_officer).get(_preview_url(subject_request))

    page = response.content.decode()
    assert "Spacer z kijkami" in page and "20.03.2026" in page  # the registration to cancel
    assert "Anna K." in page  # who is promoted from the waiting list
    assert world.senior_pass.number in page  # the pass to revoke
    assert "Grupa wsparcia" in page  # the membership to end
    assert str(world.partner) in page and str(world.venue) in page  # art. 19
    assert 'name="confirm"' in page


def test_the_preview_of_a_project_participant_shows_the_rule_the_provision_and_the_date(
    world, subject_request, data_officer, login
):
    from tests.privacy.test_erasure import make_project

    make_project(world.initiative, retention_end=datetime.date(2031, 12, 31))

    page = login(data_officer).get(_preview_url(subject_request)).content.decode()

    assert "art. 82 rozporządzenia 2021/1060 (CPR); art. 17(3)(b) RODO" in page
    assert "31.12.2031" in page


def test_the_dpo_reads_the_preview_but_cannot_erase(world, subject_request, dpo, login):
    client = login(dpo)
    page = client.get(_preview_url(subject_request)).content.decode()
    assert 'name="confirm"' not in page

    response = client.post(_preview_url(subject_request), {"confirm": "on"})

    assert response.status_code == 403
    world.mine.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("who", ["staff", "partner_a", "team_member"])
def test_others_cannot_erase(request, world, subject_request, login, who):
    response = login(request.getfixturevalue(who)).post(
        _preview_url(subject_request), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert not ErasureRecord.objects.exists()


def test_erasing_needs_the_box_ticked(world, subject_request, data_officer, login):
    response = login(data_officer).post(_preview_url(subject_request), {})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert not ErasureRecord.objects.exists()


def test_the_data_officer_erases_and_lands_on_the_record(
    world, subject_request, data_officer, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(data_officer).post(_preview_url(subject_request), {"confirm": "on"})

    record = ErasureRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:erasure_detail", args=[record.pk])
    assert record.request == subject_request and record.performed_by == data_officer
    world.waiting.refresh_from_db()
    assert world.waiting.status == RegistrationStatus.CONFIRMED
    # The request's page now says there is nothing left, and links the record.
    page = login(data_officer).get(_preview_url(subject_request)).content.decode()
    assert 'name="confirm"' not in page
    assert reverse("privacy:erasure_detail", args=[record.pk]) in page


def test_a_pending_complaint_needs_its_reason(world, subject_request, data_officer, login):
    client = login(data_officer)
    response = client.post(_preview_url(subject_request), {"confirm": "on", "hold_for_claim": "on"})
    assert response.status_code == 200 and response.context["form"].errors["claim_reason"]

    response = client.post(
        _preview_url(subject_request),
        {"confirm": "on", "hold_for_claim": "on", "claim_reason": "Skarga do UODO"},
    )

    record = ErasureRecord.objects.get()
    assert response.status_code == 302 and record.erased == {}
    assert record.reason == "Skarga do UODO"


def test_blocked_hours_are_shown_and_no_form(world, subject_request, data_officer, login):
    from volunteers.models import HoursEntry

    HoursEntry.objects.create(
        volunteer=world.volunteer, date=datetime.date(2026, 3, 12), quarters=6, activity="Biuro"
    )
    client = login(data_officer)
    page = client.get(_preview_url(subject_request)).content.decode()
    assert "12.03.2026" in page and 'name="confirm"' not in page

    response = client.post(_preview_url(subject_request), {"confirm": "on"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ErasureRecord.objects.exists()


def test_unknown_requests_are_404(data_officer, login):
    assert login(data_officer).get("/data-protection/erasure/request/999999/").status_code == 404


# --- the volunteer's erasure by their organisation -----------------------------------------------


def _volunteer_url(volunteer) -> str:
    return reverse("privacy:volunteer_erase", args=[volunteer.pk])


@pytest.mark.parametrize(
    "who, status",
    [
        ("partner_a", 200),  # the volunteer's own organisation
        ("partner_b", 404),  # another organisation's volunteer
        ("data_officer", 200),
        ("dpo", 200),
        ("staff", 403),
        ("team_member", 403),
    ],
)
def test_who_may_open_a_volunteers_erasure(request, world, login, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(_volunteer_url(world.volunteer)).status_code == status


def test_a_partner_coordinator_erases_their_own_volunteer(world, partner_a, login):
    client = login(partner_a)
    assert "Grupa wsparcia" not in client.get(_volunteer_url(world.volunteer)).content.decode()

    response = client.post(_volunteer_url(world.volunteer), {"confirm": "on"})

    record = ErasureRecord.objects.get()
    assert response["Location"] == reverse("privacy:erasure_detail", args=[record.pk])
    assert record.erased["volunteers"] == 1 and record.performed_by == partner_a
    assert client.get(response["Location"]).status_code == 200  # they read what they did
    # Only the volunteer: her registrations, pass and membership are untouched.
    world.mine.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("who, status", [("partner_b", 404), ("dpo", 403), ("staff", 403)])
def test_others_cannot_erase_a_volunteer(request, world, login, who, status):
    response = login(request.getfixturevalue(who)).post(
        _volunteer_url(world.volunteer), {"confirm": "on"}
    )
    assert response.status_code == status
    assert not ErasureRecord.objects.exists()


def test_a_volunteers_erasure_sends_anonymous_visitors_to_log_in(world, login):
    response = login(None).get(_volunteer_url(world.volunteer))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_volunteer_is_404(partner_a, data_officer, login):
    assert login(partner_a).get("/data-protection/erasure/volunteer/999999/").status_code == 404
    assert login(data_officer).get("/data-protection/erasure/volunteer/999999/").status_code == 404


# --- the records ---------------------------------------------------------------------------------


def _records(n: int, by) -> list[ErasureRecord]:
    from calportal.organisations.models import Organisation

    organisation = Organisation.objects.first()
    records = []
    for i in range(n):
        record = ErasureRecord.objects.create(
            performed_by=by,
            erased={"registrations": 2, "participants": 1},
            kept=[
                {
                    "category": "project_registrations",
                    "count": 1,
                    "rule": "project_registration",
                    "provision": "art. 17(3)(b) RODO",
                    "until": "2031-12-31",
                }
            ],
        )
        RecipientNotice.objects.create(
            erasure=record, organisation=organisation, text=f"Notice {i}"
        )
        records.append(record)
    return records


@pytest.mark.parametrize(
    "who, status",
    [("data_officer", 200), ("dpo", 200), ("staff", 403), ("partner_a", 403), ("team_member", 403)],
)
def test_who_may_read_the_erasure_records(
    request, data_officer, organisation_a, login, who, status
):
    (record,) = _records(1, data_officer)
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:erasure_list")).status_code == status
    assert client.get(reverse("privacy:erasure_detail", args=[record.pk])).status_code == status


def test_the_record_page_shows_the_rule_and_the_date(data_officer, organisation_a, login):
    (record,) = _records(1, data_officer)
    page = (
        login(data_officer)
        .get(reverse("privacy:erasure_detail", args=[record.pk]))
        .content.decode()
    )
    assert "art. 17(3)(b) RODO" in page and "31.12.2031" in page and "Notice 0" in page


def test_the_record_list_takes_the_same_queries_for_more_rows(
    data_officer, organisation_a, login, django_assert_max_num_queries
):
    client = login(data_officer)
    _records(2, data_officer)
    client.get(reverse("privacy:erasure_list"))  # warm the session and the permissions
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("privacy:erasure_list"))
    _records(20, data_officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("privacy:erasure_list"))
    assert response.status_code == 200


def test_bad_pages_and_unknown_records_do_not_break(data_officer, login):
    client = login(data_officer)
    assert client.get(reverse("privacy:erasure_list") + "?page=abc").status_code == 200
    assert client.get(reverse("privacy:notice_list") + "?page=-1").status_code == 200
    assert client.get("/data-protection/erasure/999999/").status_code == 404
    assert client.get(reverse("privacy:erasure_list"), {"page": "9" * 30}).status_code == 200


def test_the_records_send_anonymous_visitors_to_log_in(db, login):
    response = login(None).get(reverse("privacy:erasure_list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- art. 19 notices -----------------------------------------------------------------------------


@pytest.fixture
def notices(data_officer, organisation_a, organisation_b):
    venue = make_venue("Kawiarnia Rynek")
    record = ErasureRecord.objects.create(performed_by=data_officer, erased={"registrations": 1})
    return {
        "a": RecipientNotice.objects.create(
            erasure=record, organisation=organisation_a, text="Dla A"
        ),
        "b": RecipientNotice.objects.create(
            erasure=record, organisation=organisation_b, text="Dla B"
        ),
        "venue": RecipientNotice.objects.create(erasure=record, venue=venue, text="Dla kawiarni"),
        "venue_object": venue,
    }


@pytest.fixture
def venue_staff(notices):
    return UserFactory(organisation=notices["venue_object"].organisation, role=Role.VENUE_STAFF)


@pytest.mark.parametrize(
    "who, status, sees",
    [
        ("partner_a", 200, {"Dla A"}),
        ("partner_b", 200, {"Dla B"}),
        ("venue_staff", 200, {"Dla kawiarni"}),
        ("dpo", 200, {"Dla A", "Dla B", "Dla kawiarni"}),
        ("data_officer", 200, {"Dla A", "Dla B", "Dla kawiarni"}),
        ("staff", 403, set()),
        ("team_member", 403, set()),
    ],
)
def test_who_sees_which_notices(request, notices, venue_staff, login, who, status, sees):
    response = login(request.getfixturevalue(who)).get(reverse("privacy:notice_list"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert {text for text in ("Dla A", "Dla B", "Dla kawiarni") if text in page} == sees


def test_a_recipient_marks_a_notice_as_read(notices, partner_a, login):
    client = login(partner_a)
    response = client.post(reverse("privacy:notice_read", args=[notices["a"].pk]))

    assert response.status_code == 302
    notices["a"].refresh_from_db()
    assert notices["a"].read_at is not None and notices["a"].read_by == partner_a
    from calportal.privacy.erasure import unread_notice_count

    assert unread_notice_count(partner_a) == 0


@pytest.mark.parametrize(
    "who, notice, status",
    [
        ("partner_a", "b", 404),  # another organisation's notice
        ("venue_staff", "a", 404),
        ("venue_staff", "venue", 302),
        ("dpo", "a", 403),  # reads all, marks none
        ("staff", "a", 403),
    ],
)
def test_only_the_recipient_marks_a_notice(
    request, notices, venue_staff, login, who, notice, status
):
    response = login(request.getfixturevalue(who)).post(
        reverse("privacy:notice_read", args=[notices[notice].pk])
    )
    assert response.status_code == status


def test_marking_as_read_takes_a_post_and_a_login(notices, partner_a, login):
    url = reverse("privacy:notice_read", args=[notices["a"].pk])
    assert login(partner_a).get(url).status_code == 405
    response = login(None).post(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert login(None).get(reverse("privacy:notice_list")).status_code == 302


def test_the_notice_list_takes_the_same_queries_for_more_rows(
    notices, partner_a, organisation_a, data_officer, login, django_assert_max_num_queries
):
    client = login(partner_a)
    client.get(reverse("privacy:notice_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("privacy:notice_list"))
    record = ErasureRecord.objects.create(performed_by=data_officer)
    for i in range(15):
        RecipientNotice.objects.create(erasure=record, organisation=organisation_a, text=f"N{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("privacy:notice_list")).status_code == 200
