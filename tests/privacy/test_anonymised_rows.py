"""Anonymised rows (PRIVACY.md §2) keep feeding the figures but are nobody on a staff page or in a
resident's flow: lists, searches, choices, duplicate checks, recognition of a person, the pass
counter, exports and reminders leave them out or show them as "Anonymised person"."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from calportal.privacy import anonymise
from initiatives import services as registrations
from initiatives.models import ANONYMISED_PERSON, Participant, Registration
from initiatives.passes import services as passes
from initiatives.passes.models import PartnerVenue, Redemption, SeniorPass
from initiatives.services import PersonData, Residence
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory
from volunteers import selectors as volunteer_selectors
from volunteers.models import ANONYMISED_VOLUNTEER, HoursEntry, Volunteer

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=WARSAW)
D = datetime.date


def at(year, month, day, hour=17):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=WARSAW)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _person(last, *, birth_year=1950, email=None, **fields):
    return Participant.objects.create(
        first_name="Zofia",
        last_name=last,
        email=email or f"{last.lower()}@example.org",
        birth_year=birth_year,
        consent_text_version="2024-01",
        consent_scope="registration",
        consent_given_at=at(2024, 1, 1),
        **fields,
    )


def _came(person, event, **fields):
    return Registration.objects.create(
        event=event,
        participant=person,
        status="confirmed",
        attendance=fields.pop("attendance", "present"),
        places=1,
        **fields,
    )


@pytest.fixture
def old_event(db):
    initiative = InitiativeFactory(title="Kawiarenka")
    return EventFactory(
        initiative=initiative, starts_at=at(2025, 3, 10), ends_at=at(2025, 3, 10, 19)
    )


@pytest.fixture
def anonymised(old_event):
    """Two people of one year of birth who came to the 2025 event, anonymised; one living person."""
    living = _person("Żywa")
    _came(living, old_event, attendance="absent")
    for last in ("Anonimowa", "Bezimienna"):
        person = _person(last)
        _came(person, old_event)
        anonymise.anonymise_participant(person)
    rows = list(Participant.objects.exclude(pk=living.pk))
    assert len(rows) == 2 and all(row.is_anonymised for row in rows)
    return {"living": living, "rows": rows}


# --- participants: lists, duplicates, merge, districts -----------------------------------------


def test_the_participant_pages_list_people_only(
    login, staff, anonymised, django_assert_max_num_queries
):
    client = login(staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("initiatives:participant_list"))
    assert [person.pk for person in page.context["page"]] == [anonymised["living"].pk]

    # The two rows share an empty name and a generalised year: before, a "duplicate".
    duplicates = client.get(reverse("initiatives:participant_duplicates"))
    assert duplicates.context["groups"] == []

    row = anonymised["rows"][0]
    merge = reverse("initiatives:participant_merge", args=[anonymised["living"].pk, row.pk])
    assert client.post(merge).status_code == 302
    assert Participant.objects.filter(pk=row.pk).exists()
    assert Participant.objects.filter(pk=anonymised["living"].pk).exists()
    with pytest.raises(registrations.ParticipantError):
        registrations.participant_merge(keep=anonymised["living"], duplicate=row, by=staff)


def test_mapping_a_district_leaves_anonymised_rows_alone(staff, anonymised, db):
    from resources_map.models import Area

    area = Area.objects.create(name="Osiedle Jeziorany", kind="district")
    row = anonymised["rows"][0]
    Participant.objects.filter(pk=row.pk).update(district="Jeziorany")  # not there, but say it were
    _person("Mapowana", district="Jeziorany")
    mapped = registrations.participants_map_district(
        district_key="jeziorany", residence=Residence(area_id=area.pk), by=staff
    )
    assert mapped == 1
    row.refresh_from_db()
    assert row.area_id is None


def test_a_signup_is_never_recognised_as_an_anonymised_row(anonymised):
    before = set(Participant.objects.values_list("pk", flat=True))
    person = PersonData(
        first_name="Zofia", last_name="Anonimowa", email="anonimowa@example.org", phone="",
        birth_year=1950,
    )  # fmt: skip
    found = registrations.participant_find_or_create(person=person, trusted=True)
    assert found.pk not in before and not found.is_anonymised


# --- the registrations of an old event ---------------------------------------------------------


def test_an_old_event_shows_anonymised_registrations_as_such(login, staff, anonymised, old_event):
    client = login(staff)
    label = str(ANONYMISED_PERSON)
    page = client.get(reverse("initiatives:event_registrations", args=[old_event.pk]))
    html = page.content.decode()
    assert html.count(label) == 2 and "Żywa" in html
    anonymous = Registration.objects.filter(participant__anonymised_year__isnull=False)
    for registration in anonymous:
        cancel = reverse("initiatives:registration_cancel", args=[old_event.pk, registration.pk])
        assert cancel not in html
        assert client.post(cancel).status_code == 404

    # The attendance page: shown, not changeable; saving keeps their "present".
    attendance = reverse("initiatives:event_attendance", args=[old_event.pk])
    html = client.get(attendance).content.decode()
    assert html.count(label) == 2
    shown = [str(r.pk) for r in Registration.objects.filter(event=old_event)]
    client.post(attendance, {"shown": shown, "present": []})
    assert set(anonymous.values_list("attendance", flat=True)) == {"present"}
    assert (
        registrations.attendance_set(
            event=old_event, shown_ids={int(pk) for pk in shown}, present_ids=set()
        )
        == 2
    )

    export = client.get(reverse("initiatives:event_csv", args=[old_event.pk]))
    rows = list(csv.reader(io.StringIO(export.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4  # the header and three registrations: the count stays right
    assert sorted(row[2] for row in rows[1:]) == sorted([label, label, "Zofia"])


def test_the_attendance_sheet_prints_the_label(anonymised, old_event):
    from initiatives.documents import attendance_sheet

    build = attendance_sheet({"event_id": old_event.pk})
    names = [str(row.participant) for row in build.context["rows"]]
    assert names == ["Zofia Żywa", str(ANONYMISED_PERSON), str(ANONYMISED_PERSON)]


# --- senior passes -----------------------------------------------------------------------------


@pytest.fixture
def anonymised_pass(db):
    holder = _person("Karnetowa", birth_year=1950)
    senior_pass = SeniorPass.objects.create(
        holder=holder,
        number="SPS-2025-0001",
        issued_on=D(2025, 2, 1),
        valid_until=D(2025, 12, 31),
        status="expired",
    )
    venue = PartnerVenue.objects.create(
        organisation=OrganisationFactory(sector="business"), name="Kawiarnia", address="Rynek 1"
    )
    Redemption.objects.create(senior_pass=senior_pass, venue=venue, redeemed_at=at(2025, 3, 1))
    anonymise.anonymise_participant(holder)
    piece = SeniorPass.objects.get()
    assert piece.number.startswith("ANON-") and piece.holder.is_anonymised
    return piece


def test_passes_of_anonymised_holders_are_no_one_s(login, staff, anonymised_pass):
    client = login(staff)
    listing = client.get(reverse("passes:pass_list"))
    assert list(listing.context["page"]) == []
    assert client.get(reverse("passes:pass_detail", args=[anonymised_pass.pk])).status_code == 404
    action = reverse("passes:pass_action", args=[anonymised_pass.pk, "reactivate"])
    assert client.post(action).status_code == 404
    assert passes.pass_from_number(anonymised_pass.number) is None
    assert passes.pass_from_number("SPS-2025-0001") is None

    uses = client.get(reverse("passes:redemption_list")).content.decode()
    assert str(ANONYMISED_PERSON) in uses and anonymised_pass.get_absolute_url() not in uses

    # The same person applying again is a new holder, not the anonymised row.
    person = PersonData(
        first_name="Zofia", last_name="Karnetowa", email="karnetowa@example.org", phone="",
        birth_year=1950,
    )  # fmt: skip
    assert not passes._active_pass_for(person).exists()
    new = passes.pass_issue(person=person, issued_by=staff)
    assert not new.holder.is_anonymised and new.holder_id != anonymised_pass.holder_id


# --- volunteers --------------------------------------------------------------------------------


@pytest.fixture
def volunteers(partner_a):
    organisation = partner_a.organisation
    living = Volunteer.objects.create(
        organisation=organisation, first_name="Wanda", last_name="Wolska", birth_year=1990,
        email="wanda@example.org",
    )  # fmt: skip
    gone = Volunteer.objects.create(
        organisation=organisation, first_name="Ewa", last_name="Zapomniana", birth_year=1990,
        email="ewa@example.org",
    )  # fmt: skip
    for volunteer, quarters in ((living, 8), (gone, 12)):
        HoursEntry.objects.create(
            volunteer=volunteer, date=D(2026, 5, 4), quarters=quarters, activity="Świetlica",
            status="approved", decided_at=at(2026, 5, 5),
        )  # fmt: skip
    HoursEntry.objects.create(
        volunteer=gone, date=D(2026, 6, 8), quarters=4, activity="Świetlica", status="submitted"
    )
    anonymise.anonymise_volunteer(gone)
    row = Volunteer.objects.get(anonymised_year__isnull=False)
    return {"living": living, "row": row}


def test_volunteer_lists_and_choices_leave_anonymised_rows_out(login, partner_a, volunteers):
    client = login(partner_a)
    row = volunteers["row"]
    page = client.get(reverse("volunteers:volunteer_list"))
    assert [v.pk for v in page.context["page"]] == [volunteers["living"].pk]
    assert client.get(reverse("volunteers:volunteer_detail", args=[row.pk])).status_code == 404
    form = client.get(reverse("volunteers:hours_create")).context["form"]
    assert list(form.fields["volunteer"].queryset) == [volunteers["living"]]
    hours = client.get(reverse("volunteers:hours_list"))
    assert {entry.volunteer_id for entry in hours.context["page"]} == {volunteers["living"].pk}
    export = (
        client.get(reverse("volunteers:export", args=["entries"])).getvalue().decode("utf-8-sig")
    )
    assert "Wolska" in export and len(export.strip().splitlines()) == 2


def test_the_approval_queue_labels_what_still_waits(login, staff, volunteers):
    page = login(staff).get(reverse("volunteers:approval"))
    assert [entry.volunteer_id for entry in page.context["page"]] == [volunteers["row"].pk]
    assert str(ANONYMISED_VOLUNTEER) in page.content.decode()
    assert volunteer_selectors.dashboard_counts(staff)["waiting"] == 1


def test_the_totals_count_anonymised_hours_in_one_labelled_row(login, staff, volunteers):
    client = login(staff)
    page = client.get(reverse("volunteers:totals"))
    by_volunteer = page.context["by_volunteer"]
    assert [row["anonymised"] for row in by_volunteer] == [False, True]
    assert by_volunteer[1]["volunteer_id"] is None and by_volunteer[1]["hours"] == 3
    assert sum(row["hours"] for row in by_volunteer) == page.context["overall"]["hours"] == 5
    export = (
        client.get(reverse("volunteers:export", args=["totals"])).getvalue().decode("utf-8-sig")
    )
    names = [row[0] for row in csv.reader(io.StringIO(export), delimiter=";")][1:]
    assert names == ["Wanda Wolska", by_volunteer[1]["volunteer__first_name"]]


def test_no_reminder_names_an_anonymised_volunteer(partner_a, volunteers):
    from volunteers.models import Assignment, Opportunity, Shift
    from volunteers.tasks import remind_missing_hours

    opportunity = Opportunity.objects.create(organisation=partner_a.organisation, title="Świetlica")
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=at(2026, 6, 9, 9), ends_at=at(2026, 6, 9, 12)
    )
    Assignment.objects.create(shift=shift, volunteer=volunteers["row"])
    assert remind_missing_hours() == 0


# --- the R4 participant list --------------------------------------------------------------------


def test_the_project_participant_list_says_anonymised_person(roles, staff):
    from openpyxl import load_workbook

    from calportal.projects.documents import workbook
    from calportal.projects.models import Project

    initiative = InitiativeFactory()
    project = Project.objects.create(
        name="Aktywni razem", funder="WUP", programme="FEW", agreement_number="1/25",
        agreement_date=D(2025, 12, 1), start=D(2026, 1, 1), end=D(2027, 12, 31),
        retention_end=D(2033, 12, 31),
    )  # fmt: skip
    project.initiatives.add(initiative)
    event = EventFactory(
        initiative=initiative, starts_at=at(2026, 3, 10), ends_at=at(2026, 3, 10, 19)
    )
    _came(_person("Obecna", phone="601234567"), event)
    erased = _person("Usunięta", phone="601234568")
    _came(erased, event)
    anonymise.anonymise_participant(erased)

    sheet = load_workbook(io.BytesIO(workbook(project))).worksheets[0]
    names = sorted(str(row[1].value) for row in sheet.iter_rows(min_row=2))
    assert names == sorted([str(ANONYMISED_PERSON), "Zofia"])
    assert "" not in names and "None" not in names


def test_r8s_internal_list_names_an_anonymised_volunteer_as_such(volunteers):
    """R8's per-volunteer list (internal) keeps the anonymised volunteer's hours in the totals
    under the label, never an empty name."""
    from calportal.reports.periods import Period
    from volunteers import figures

    rows = figures.by_volunteer(Period(D(2026, 1, 1), D(2026, 12, 31)))

    assert sorted(row["name"] for row in rows) == sorted(
        [str(ANONYMISED_VOLUNTEER), "Wanda Wolska"]
    )
    assert sum(row["VO3"] for row in rows) == 5  # 2 h + 3 h approved
