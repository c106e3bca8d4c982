"""One person entered twice (REPORTS.md §9, D3): the participants list, the possible
duplicates, and merging two records into one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calportal.accounts.roles import Role
from initiatives import services
from initiatives.models import Attendance, Participant, Registration, RegistrationStatus
from initiatives.passes.models import PassStatus, SeniorPass
from resources_map.models import Area, AreaKind
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import EventFactory, OrganisationFactory, ParticipantFactory, UserFactory

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def register(event, person, status=CONFIRMED, places=1, **fields) -> Registration:
    """A registration as the services leave it: confirmed places are counted on the event."""
    registration = Registration.objects.create(
        event=event, participant=person, status=status, places=places, **fields
    )
    if status == CONFIRMED:
        event.places_taken += places
        event.save(update_fields=["places_taken"])
    return registration


def status_of(registration) -> str:
    registration.refresh_from_db()
    return registration.status


def a_pass(holder, number, status=PassStatus.ACTIVE) -> SeniorPass:
    today = timezone.localdate()
    return SeniorPass.objects.create(
        holder=holder,
        number=number,
        issued_on=today,
        valid_until=today + datetime.timedelta(days=365),
        status=status,
    )


@pytest.fixture
def keep(db):
    return ParticipantFactory(first_name="Anna", last_name="Nowak", email="anna@example.org")


@pytest.fixture
def duplicate(db):
    return ParticipantFactory(first_name="Anna", last_name="Nowak", email="a.nowak@example.org")


# --- The merge service -------------------------------------------------------------------------


def test_every_registration_and_pass_moves_and_the_duplicate_is_deleted(keep, duplicate, staff):
    first, second, third = EventFactory(), EventFactory(), EventFactory()
    kept_registration = register(first, keep)
    moved = register(second, duplicate)
    moved_cancelled = register(third, duplicate, status=CANCELLED)
    old_pass = a_pass(duplicate, "SPS-2026-0001", status=PassStatus.REVOKED)

    result = services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    assert set(keep.registrations.values_list("pk", flat=True)) == {
        kept_registration.pk,
        moved.pk,
        moved_cancelled.pk,
    }
    assert list(keep.passes.all()) == [old_pass]
    assert (result.moved_registrations, result.moved_passes, result.cancelled) == (2, 1, [])
    assert status_of(moved) == CONFIRMED


def test_both_registered_the_newer_is_cancelled_and_the_waiting_list_moves_up(
    keep, duplicate, staff
):
    event = EventFactory(capacity=2)
    older = register(event, keep)
    newer = register(event, duplicate)
    waiting = register(event, ParticipantFactory(), status=WAITING)

    result = services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert [r.pk for r in result.cancelled] == [newer.pk]
    assert status_of(newer) == CANCELLED
    assert status_of(older) == CONFIRMED
    assert status_of(waiting) == CONFIRMED  # the freed place went to the waiting list
    event.refresh_from_db()
    assert event.places_taken == 2
    newer.refresh_from_db()
    assert newer.participant_id == keep.pk  # kept in the person's history, cancelled


def test_a_confirmed_registration_wins_over_the_kept_records_waiting_one(keep, duplicate, staff):
    event = EventFactory(capacity=1)
    confirmed = register(event, duplicate)
    waiting = register(event, keep, status=WAITING)

    services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert status_of(waiting) == CANCELLED
    assert status_of(confirmed) == CONFIRMED
    assert list(keep.registrations.exclude(status=CANCELLED)) == [confirmed]
    event.refresh_from_db()
    assert event.places_taken == 1  # cancelling a waiting registration frees no place


def test_present_wins_over_an_older_confirmed_registration(keep, duplicate, staff):
    start = timezone.now() - datetime.timedelta(days=3)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    older = register(event, keep)
    present = register(event, duplicate, attendance=Attendance.PRESENT)

    services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert status_of(older) == CANCELLED
    assert status_of(present) == CONFIRMED
    event.refresh_from_db()
    assert event.places_taken == 1


def test_the_kept_registration_takes_over_the_certificate_and_the_needs(keep, duplicate, staff):
    first, second, third = EventFactory(), EventFactory(), EventFactory()
    # The older registration is kept; what the newer one declared is not lost.
    kept_first = register(first, keep, accessibility_needs="Wózek")
    register(first, duplicate, certificate_declared=True, accessibility_needs="Pies asystujący")
    kept_second = register(second, duplicate, certificate_declared=True)
    register(second, keep, status=WAITING, accessibility_needs="Pętla indukcyjna")
    kept_third = register(third, keep, accessibility_needs="Wózek")
    register(third, duplicate, accessibility_needs=" Wózek ")  # the same needs: not repeated

    result = services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert len(result.cancelled) == 3
    kept = {
        r.pk: (r.certificate_declared, r.accessibility_needs)
        for r in keep.registrations.exclude(status=CANCELLED)
    }
    assert kept == {
        kept_first.pk: (True, "Wózek\nPies asystujący"),
        kept_second.pk: (True, "Pętla indukcyjna"),
        kept_third.pk: (False, "Wózek"),
    }


def test_empty_fields_of_the_kept_record_are_filled_never_overwritten(staff):
    area = Area.objects.create(name="Helenki", kind=AreaKind.DISTRICT)
    keep = ParticipantFactory(email="anna@example.org", phone="", birth_year=None)
    duplicate = ParticipantFactory(
        email="other@example.org",
        phone="601200300",
        birth_year=1950,
        gender="woman",
        district="Helenki",
        area=area,
    )

    services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    keep.refresh_from_db()
    assert keep.email == "anna@example.org"
    assert (keep.phone, keep.birth_year, keep.gender) == ("601200300", 1950, "woman")
    assert (keep.district, keep.area_id, keep.outside_municipality) == ("Helenki", area.pk, False)


def test_a_known_residence_is_not_replaced_by_the_duplicates(staff):
    keep = ParticipantFactory(outside_municipality=True)
    area = Area.objects.create(name="Helenki", kind=AreaKind.DISTRICT)
    duplicate = ParticipantFactory(area=area)

    services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    keep.refresh_from_db()
    assert (keep.area_id, keep.outside_municipality) == (None, True)


def test_a_person_cannot_be_merged_with_themselves(keep, staff):
    with pytest.raises(services.ParticipantError):
        services.participant_merge(keep=keep, duplicate=keep, by=staff)
    assert Participant.objects.filter(pk=keep.pk).exists()


def test_two_active_passes_are_refused_until_one_is_revoked(keep, duplicate, staff):
    a_pass(keep, "SPS-2026-0001")
    second = a_pass(duplicate, "SPS-2026-0002")
    registration = register(EventFactory(), duplicate)

    with translation.override("en"), pytest.raises(services.ParticipantError, match="Revoke"):
        services.participant_merge(keep=keep, duplicate=duplicate, by=staff)
    assert Participant.objects.filter(pk=duplicate.pk).exists()
    registration.refresh_from_db()
    assert registration.participant_id == duplicate.pk  # nothing moved

    second.status = PassStatus.REVOKED
    second.save()
    services.participant_merge(keep=keep, duplicate=duplicate, by=staff)
    assert keep.passes.count() == 2


def test_who_merged_is_logged(keep, duplicate, staff, caplog):
    with caplog.at_level("INFO", logger="initiatives.services"):
        services.participant_merge(keep=keep, duplicate=duplicate, by=staff)

    assert f"participant {duplicate.pk} merged into participant {keep.pk} by user {staff.pk}" in (
        caplog.text
    )


# --- Possible duplicates ------------------------------------------------------------------------


def test_the_duplicates_page_finds_the_three_kinds_of_pairs(login, staff):
    same_email = [
        ParticipantFactory(first_name="Ala", last_name="Kot", email="Ala@Example.org"),
        ParticipantFactory(first_name="Alicja", last_name="Kot", email="ala@example.org"),
    ]
    same_phone = [
        ParticipantFactory(last_name="Lis", email="", phone="601100100"),
        ParticipantFactory(last_name="Lis-Wrona", email="lis@example.org", phone="601100100"),
    ]
    same_name = [
        ParticipantFactory(first_name="Anna", last_name="O'Neill", birth_year=1950),
        ParticipantFactory(first_name="anna", last_name="o’neill", birth_year=1950),
    ]
    ParticipantFactory(first_name="Anna", last_name="O'Neill", birth_year=1951)  # another year

    response = login(staff).get(reverse("initiatives:participant_duplicates"))

    groups = {
        group["kind"]: [person.pk for person in group["people"]]
        for group in response.context["groups"]
    }
    assert groups == {
        "email": [p.pk for p in same_email],
        "phone": [p.pk for p in same_phone],
        "name": [p.pk for p in same_name],
    }
    page = response.content.decode()
    merge = reverse("initiatives:participant_merge", args=[same_phone[0].pk, same_phone[1].pk])
    assert merge in page


def test_the_duplicates_page_costs_the_same_queries_whatever_the_data(login, staff):
    client = login(staff)
    url = reverse("initiatives:participant_duplicates")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _n in range(2):
        ParticipantFactory(email="shared@example.org", phone="601000001", birth_year=1960)
    few = queries()
    for n in range(2, 12):
        ParticipantFactory(email=f"shared{n % 3}@example.org", phone=f"60100{n:04d}")
        ParticipantFactory(email=f"SHARED{n % 3}@example.org", phone=f"60100{n:04d}")
    assert queries() == few


# --- Participants list --------------------------------------------------------------------------


def test_the_list_finds_people_by_name_email_or_phone(login, staff):
    zofia = ParticipantFactory(first_name="Zofia", last_name="Wrona", email="z@example.org")
    jan = ParticipantFactory(first_name="Jan", last_name="Kos", email="", phone="602333444")
    client = login(staff)
    url = reverse("initiatives:participant_list")

    def found(query):
        return [person.pk for person in client.get(url, {"q": query}).context["page"]]

    assert found("wrona") == [zofia.pk]
    assert found("Z@EXAMPLE") == [zofia.pk]
    assert found("602 333") == [jan.pk]
    assert set(found("")) == {zofia.pk, jan.pk}


def test_the_list_costs_the_same_queries_whatever_the_data(login, staff):
    client = login(staff)
    url = reverse("initiatives:participant_list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    area = Area.objects.create(name="Helenki", kind=AreaKind.DISTRICT)
    event = EventFactory()
    register(event, ParticipantFactory(area=area))
    few = queries()
    for _n in range(30):
        person = ParticipantFactory(area=area)
        register(event, person, status=WAITING)
        a_pass(person, f"SPS-2026-{person.pk:04d}", status=PassStatus.REVOKED)
    assert queries() == few


# --- The merge page -----------------------------------------------------------------------------


def test_the_preview_shows_both_records_the_result_and_the_conflicts(keep, duplicate, login, staff):
    duplicate.birth_year = 1948
    duplicate.save()
    event = EventFactory(title="Warsztaty ceramiczne")
    register(event, keep)
    register(event, duplicate)
    url = reverse("initiatives:participant_merge", args=[keep.pk, duplicate.pk])

    response = login(staff).get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "anna@example.org" in page and "a.nowak@example.org" in page
    birth_row = next(row for row in response.context["rows"] if row["duplicate"] == 1948)
    assert (birth_row["keep"], birth_row["after"], birth_row["filled"]) == ("", 1948, True)
    assert [c.event.pk for c in response.context["conflicts"]] == [event.pk]
    assert "Warsztaty ceramiczne" in page
    assert 'method="post"' in page


def test_confirming_merges_and_a_refused_merge_has_no_button(keep, duplicate, login, staff):
    a_pass(keep, "SPS-2026-0001")
    a_pass(duplicate, "SPS-2026-0002")
    client = login(staff)
    url = reverse("initiatives:participant_merge", args=[keep.pk, duplicate.pk])

    page = client.get(url)
    assert page.context["refusal"]
    assert "Merge the records" not in page.content.decode()
    client.post(url)
    assert Participant.objects.filter(pk=duplicate.pk).exists()

    SeniorPass.objects.filter(holder=duplicate).update(status=PassStatus.REVOKED)
    response = client.post(url)
    assert response.status_code == 302
    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    assert client.get(url).status_code == 302  # merged already: back to the duplicates


def test_an_id_out_of_range_is_not_found(keep, login, staff):
    client = login(staff)
    too_big = 2**63  # one more than PostgreSQL's bigint holds
    for args in ([keep.pk, too_big], [too_big, keep.pk], [keep.pk, 10**20]):
        url = reverse("initiatives:participant_merge", args=args)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert (
        client.get(f"/manage/participants/merge/{keep.pk}/99999999999999999999/").status_code == 404
    )
    # The largest id PostgreSQL holds is merely a record that no longer exists.
    url = reverse("initiatives:participant_merge", args=[keep.pk, 2**63 - 1])
    assert client.get(url).status_code == 302


# --- Who may ------------------------------------------------------------------------------------


@pytest.fixture
def venue_staff(roles):
    organisation = OrganisationFactory(name="Kawiarnia sp. z o.o.", sector="business")
    return UserFactory(
        email="kawiarnia@example.org", organisation=organisation, role=Role.VENUE_STAFF
    )


ROLES = [
    ("staff", ALLOWED),
    ("partner_a", DENIED),
    ("team_member", DENIED),
    ("venue_staff", DENIED),
    (None, LOGIN),
]


@pytest.mark.parametrize(("role", "expected"), ROLES)
@pytest.mark.parametrize(
    "view_name", ["participant_list", "participant_duplicates", "participant_merge"]
)
def test_only_ops_staff_see_participants(
    request, db, login, keep, duplicate, view_name, role, expected
):
    user = request.getfixturevalue(role) if role else None
    args = [keep.pk, duplicate.pk] if view_name == "participant_merge" else []

    response = login(user).get(reverse(f"initiatives:{view_name}", args=args))

    assert_outcome(response, expected, denied_page=True)


@pytest.mark.parametrize(("role", "expected"), [r for r in ROLES if r[1] != ALLOWED])
def test_only_ops_staff_merge(request, db, login, keep, duplicate, role, expected):
    user = request.getfixturevalue(role) if role else None
    url = reverse("initiatives:participant_merge", args=[keep.pk, duplicate.pk])

    assert_outcome(login(user).post(url), expected)
    assert Participant.objects.filter(pk=duplicate.pk).exists()
