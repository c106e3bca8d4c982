"""Erasure of a person's data (art. 17, PRIVACY.md §4): the preview, the steps done first, the
exceptions kept with their rule and date, one transaction, and a record and notices without
personal data.

The clock stands at Monday 16 March 2026, 10:00 in Warsaw. The person, Zofia Wrzosowska, is in
every app (see :func:`person_everywhere`); the helpers here are also used by
``test_erasure_pages.py`` and ``test_no_trace.py``.
"""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from calportal.privacy import erasure
from calportal.privacy.models import ErasureRecord, RecipientNotice
from initiatives.models import Registration, RegistrationStatus
from initiatives.passes import services as pass_services
from initiatives.passes.models import PartnerVenue, PassApplication, PassStatus, SeniorPass
from initiatives.services import PersonData, registration_create
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=WARSAW)
TODAY = NOW.date()
FIRST, LAST = "Zofia", "Wrzosowska"
EMAIL, PHONE = "zofia.wrzosowska@example.org", "601999888"
# Everything that must not be found once she is erased.
TRACES = [
    f"{FIRST} {LAST}",
    f"{LAST} {FIRST}",
    LAST,
    EMAIL,
    PHONE,
    "601 999 888",
]


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=WARSAW)


def her(**changes) -> PersonData:
    fields = {
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE,
        "birth_year": 1950,
        "gender": "woman",
        **changes,
    }
    return PersonData(**fields)


def make_event(initiative, start: datetime.datetime, **fields):
    return EventFactory(
        initiative=initiative,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        **fields,
    )


def attended(participant, event, **fields) -> Registration:
    return Registration.objects.create(
        event=event,
        participant=participant,
        places=1,
        status=RegistrationStatus.CONFIRMED,
        attendance="present",
        **fields,
    )


def make_venue(name="Kawiarnia Pod Lipami") -> PartnerVenue:
    organisation = OrganisationFactory(name=f"{name} sp. z o.o.", sector="business")
    return PartnerVenue.objects.create(
        organisation=organisation,
        name=name,
        address="Rynek 1",
        active_from=datetime.date(2020, 1, 1),
    )


class World:
    """What :func:`person_everywhere` made; ``matches`` are her confirmed records."""

    def __init__(self, **items):
        self.__dict__.update(items)

    @property
    def matches(self) -> list[dict]:
        return [
            {"model": "initiatives.participant", "pk": self.participant.pk},
            {"model": "initiatives.passapplication", "pk": self.application.pk},
            {"model": "volunteers.volunteer", "pk": self.volunteer.pk},
            {"model": "selfhelp.member", "pk": self.member.pk},
            {"model": "selfhelp.joinrequest", "pk": self.join_request.pk},
            {"model": "resources_map.residentreport", "pk": self.report.pk},
            {"model": "accounts.user", "pk": self.account.pk},
        ]


def person_everywhere(*, staff, lead, partner, venue_user=None) -> World:
    """Zofia Wrzosowska (born 1950, a woman) in every app, built through the apps' services
    where they exist, with three other people at the 2025 event so the figures are not hers
    alone:

    * an initiative led by ``lead`` with ``partner`` as partner: a 2025 event she attended
      (accessibility needs typed) with three others, and an event on 20 March 2026 (one
      place) she signed up for online, with Anna Kolejka on the waiting list;
    * a senior pass issued on 1 June 2025 from her application, used on 1 July 2025 and
      today at a venue;
    * a volunteer of ``lead`` with approved hours in September 2025 (no written agreement);
    * a current member of a self-help group (her request joined), named in a meeting's notes;
    * a new report to the map with her contact; a user account with her e-mail;
    * e-mails to her, and one to the office naming her; an attendance sheet of the 2025 event
      stored as a file.
    """
    from calportal.documents.models import Document
    from calportal.outbox.services import queue_rendered_email
    from resources_map.models import ReportKind, ResidentReport
    from selfhelp.models import ContactWay, Group, JoinRequest, Meeting, Member, Topic
    from volunteers.models import EntryStatus, HoursEntry, Volunteer, VolunteerStatus

    initiative = InitiativeFactory(title="Akademia pełni życia", lead_organisation=lead)
    initiative.partner_organisations.add(partner)
    past = make_event(initiative, at(2025, 6, 3, 17, 0), title="Warsztaty ruchowe")
    participant = ParticipantFactory(
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        birth_year=1950,
        gender="woman",
    )
    past_registration = attended(participant, past, accessibility_needs="Poruszam się na wózku")
    for n, year in enumerate((1948, 1955, 1962)):
        attended(ParticipantFactory(birth_year=year, gender="woman" if n else "man"), past)

    venue = make_venue()
    venue_user = venue_user or UserFactory(organisation=venue.organisation)
    with time_machine.travel(at(2025, 6, 1, 9, 0), tick=False):
        application = PassApplication.objects.create(
            first_name=FIRST,
            last_name=LAST,
            birth_year=1950,
            phone=PHONE,
            email=EMAIL,
            message="Proszę o karnet",
            consent_text_version="2025",
            consent_given_at=timezone.now(),
        )
        senior_pass = pass_services.pass_issue(
            person=her(), issued_by=staff, application=application
        )
    with time_machine.travel(at(2025, 7, 1, 11, 0), tick=False):
        pass_services.redemption_record(
            pass_id=senior_pass.pk, venue_id=venue.pk, recorded_by=venue_user
        )

    with time_machine.travel(NOW, tick=False):
        future = make_event(
            initiative, at(2026, 3, 20, 17, 0), title="Spacer z kijkami", capacity=1
        )
        mine = registration_create(event_id=future.pk, person=her(), language="pl").registration
        waiting = registration_create(
            event_id=future.pk,
            person=PersonData(first_name="Anna", last_name="Kolejka", email="anna@example.org"),
        ).registration
        pass_services.redemption_record(
            pass_id=senior_pass.pk, venue_id=venue.pk, recorded_by=venue_user
        )

    volunteer = Volunteer.objects.create(
        organisation=lead,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        birth_year=1950,
        status=VolunteerStatus.ACTIVE,
        notes="Dzwonić po 16",
        message="Chętnie pomogę",
    )
    HoursEntry.objects.create(
        volunteer=volunteer,
        date=datetime.date(2025, 9, 10),
        quarters=8,
        activity="Piknik",
        status=EntryStatus.APPROVED,
        decided_at=at(2025, 9, 11, 9, 0),
        decided_by=staff,
    )

    facilitator = UserFactory(full_name="Teresa Prowadząca")
    group = Group.objects.create(
        name="Grupa wsparcia",
        slug="wsparcie",
        topic=Topic.BEREAVEMENT,
        description="Dla osób po stracie.",
        who_for="Dla dorosłych.",
        facilitator=facilitator,
        place="Biblioteka",
        weekday=1,
        starts_at=datetime.time(17, 0),
    )
    join_request = JoinRequest.objects.create(
        group=group,
        first_name=FIRST,
        phone=PHONE,
        email=EMAIL,
        contact_way=ContactWay.EMAIL,
        message="Straciłam męża.",
        consent_given_at=at(2025, 4, 1, 9, 0),
        status="joined",
    )
    member = Member.objects.create(
        group=group,
        first_name=FIRST,
        last_name=LAST,
        phone=PHONE,
        email=EMAIL,
        joined_on=datetime.date(2025, 5, 1),
        request=join_request,
    )
    meeting = Meeting.objects.create(
        group=group,
        starts_at=at(2025, 10, 7, 17, 0),
        held=True,
        notes=f"Pani {FIRST} {LAST} opowiedziała o swojej stracie.",
    )
    meeting.attendees.add(member)

    report = ResidentReport.objects.create(
        kind=ReportKind.NEED,
        description="Brak podjazdu przy bibliotece.",
        name=f"{FIRST} {LAST}",
        email=EMAIL,
        phone=PHONE,
        consent_given_at=at(2026, 3, 1, 9, 0),
    )
    account = UserFactory(email=EMAIL, full_name=f"{FIRST} {LAST}", phone=PHONE)

    queue_rendered_email(
        f"Prośba o telefon: {FIRST} {LAST}",
        f"Pani {FIRST} {LAST} prosi o kontakt pod numerem 601 999 888.",
        None,
        ["biuro@example.org"],
        template="test/office",
    )
    sheet = Document.objects.create(
        kind="initiatives.attendance_sheet",
        params={"event_id": past.pk},
        title="Lista obecności",
        status="ready",
        requested_by=staff,
    )
    sheet.file.save("lista.pdf", ContentFile(f"{LAST} {FIRST}, tel. {PHONE}".encode()), save=True)
    return World(
        initiative=initiative,
        past=past,
        future=future,
        participant=participant,
        past_registration=past_registration,
        mine=mine,
        waiting=waiting,
        venue=venue,
        senior_pass=senior_pass,
        application=application,
        volunteer=volunteer,
        group=group,
        join_request=join_request,
        member=member,
        meeting=meeting,
        report=report,
        account=account,
        sheet=sheet,
        lead=lead,
        partner=partner,
    )


@pytest.fixture
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "outbox": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "outbox"},
        },
    }
    return tmp_path


@pytest.fixture
def world(staff, organisation_a, organisation_b, private_files, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return person_everywhere(staff=staff, lead=organisation_a, partner=organisation_b)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def make_project(initiative, *, retention_end=datetime.date(2031, 12, 31)):
    from calportal.projects.models import Project

    project = Project.objects.create(
        name="Aktywni razem (EFS+)",
        funder="WUP w Poznaniu – FEW 2021–2027",
        agreement_number="FEWP.06.01-IZ.00-0001/25",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        retention_end=retention_end,
    )
    project.initiatives.add(initiative)
    return project


# --- the preview ---------------------------------------------------------------------------------


def test_the_preview_lists_what_goes_now_what_runs_first_and_who_is_told(world, clock):
    preview = erasure.preview(world.matches)

    erased = dict(preview.erase_now)
    assert erased[erasure.category_label("registrations_cancelled")] == 1
    assert erased[erasure.category_label("registrations")] == 2
    assert erased[erasure.category_label("participants")] == 1
    assert erased[erasure.category_label("passes")] == 1
    assert erased[erasure.category_label("redemptions")] == 2
    assert erased[erasure.category_label("pass_applications")] == 1
    assert erased[erasure.category_label("volunteers")] == 1
    assert erased[erasure.category_label("hours")] == 1
    assert erased[erasure.category_label("selfhelp_members")] == 1
    assert erased[erasure.category_label("map_reports")] == 1
    assert erased[erasure.category_label("accounts")] == 1
    assert preview.kept == []
    assert preview.blocked == []
    kinds = [step.kind for step in preview.steps_first]
    assert kinds == ["cancel_registration", "revoke_pass", "end_volunteering", "end_membership"]
    cancel = preview.steps_first[0]
    assert "Spacer z kijkami" in cancel.text and "20.03.2026" in cancel.text
    assert cancel.detail.endswith("Anna K.")
    assert world.senior_pass.number in preview.steps_first[1].text
    assert sorted(preview.recipients) == sorted(
        [str(world.lead), str(world.partner), str(world.venue)]
    )
    # Reading changes nothing.
    world.mine.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CONFIRMED


def test_an_esf_project_participant_is_kept_until_the_retention_end_with_the_provision(
    world, clock
):
    make_project(world.initiative, retention_end=datetime.date(2031, 12, 31))

    preview = erasure.preview([{"model": "initiatives.participant", "pk": world.participant.pk}])

    kept = {item.rule: item for item in preview.kept}
    assert set(kept) == {"project_registration"}
    project = kept["project_registration"]
    assert project.until == datetime.date(2031, 12, 31)
    assert "art. 17(3)(b)" in project.provision and "2021/1060" in project.provision
    assert project.rule_label == str(erasure.RULES["project_registration"].data)
    labels = {item.label: item.count for item in preview.kept}
    assert labels[erasure.category_label("project_registrations")] == 1
    assert labels[erasure.category_label("participants")] == 1
    # The future registration is still cancelled; the 2025 pass piece stays with the 2025 year.
    assert dict(preview.erase_now)[erasure.category_label("registrations_cancelled")] == 1
    assert erasure.category_label("participants") not in dict(preview.erase_now)


def test_an_esf_participant_erased_keeps_the_project_year_and_loses_the_rest(world, clock):
    make_project(world.initiative)

    record = erasure.erase(
        [{"model": "initiatives.participant", "pk": world.participant.pk}], user=None
    )

    world.participant.refresh_from_db()  # still there: the project needs them until 2031
    assert world.participant.anonymised_year is None
    world.past_registration.refresh_from_db()
    assert world.past_registration.participant_id == world.participant.pk
    assert world.past_registration.accessibility_needs == ""
    assert world.past_registration.had_accessibility_needs
    world.mine.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CANCELLED
    # The cancelled 2026 registration is anonymised: another row, without the name.
    assert world.mine.participant_id != world.participant.pk
    assert world.mine.participant.last_name == ""
    entry = next(e for e in record.kept if e["rule"] == "project_registration")
    assert entry["until"] == "2031-12-31" and "17(3)(b)" in entry["provision"]


def test_a_public_task_participant_is_kept_for_the_contract_period(world, clock):
    from calportal.public_tasks.models import PublicTask

    task = PublicTask.objects.create(
        contract_number="1/2025",
        contract_date=datetime.date(2025, 1, 10),
        title="Aktywny senior",
        organisation=world.partner,
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2025, 11, 30),
        grant_amount=10000,
    )
    task.initiatives.add(world.initiative)

    preview = erasure.preview([{"model": "initiatives.participant", "pk": world.participant.pk}])

    kept = {item.rule: item for item in preview.kept}
    # 5 full calendar years after 2025: kept until the end of 2030.
    assert kept["public_task_registration"].until == datetime.date(2030, 12, 31)
    assert "17(3)(b)" in kept["public_task_registration"].provision


# --- the steps first -----------------------------------------------------------------------------


def test_erasure_cancels_the_future_registration_and_promotes_the_waiting_list(
    world, clock, data_officer
):
    erasure.erase(world.matches, user=data_officer)

    world.mine.refresh_from_db()
    world.waiting.refresh_from_db()
    world.future.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CANCELLED
    assert world.waiting.status == RegistrationStatus.CONFIRMED
    assert world.future.places_taken == 1


def test_erasure_revokes_the_active_pass_first(world, clock, data_officer):
    record = erasure.erase(world.matches, user=data_officer)

    senior_pass = SeniorPass.objects.get(pk=world.senior_pass.pk)
    assert senior_pass.status == PassStatus.REVOKED
    assert senior_pass.number != world.senior_pass.number  # the card's number stops working
    assert senior_pass.status_changes.filter(status=PassStatus.REVOKED, started_on=TODAY).exists()
    assert not PassApplication.objects.filter(pk=world.application.pk).exists()
    assert record.erased["pass_applications"] == 1


def test_a_current_member_is_recorded_as_having_left_and_then_erased(world, clock, data_officer):
    erasure.erase(world.matches, user=data_officer)

    world.member.refresh_from_db()
    assert world.member.left_on == TODAY
    assert world.member.erased_at is not None
    assert (world.member.first_name, world.member.last_name, world.member.email) == ("", "", "")
    assert world.member.meetings.filter(pk=world.meeting.pk).exists()  # attendance facts stay
    world.meeting.refresh_from_db()
    assert LAST not in world.meeting.notes
    world.join_request.refresh_from_db()
    assert world.join_request.erased_at is not None and world.join_request.email == ""


def test_hours_waiting_for_a_decision_block_the_erasure_and_are_listed(world, clock, data_officer):
    from volunteers.models import HoursEntry

    HoursEntry.objects.create(
        volunteer=world.volunteer, date=datetime.date(2026, 3, 12), quarters=6, activity="Biuro"
    )

    preview = erasure.preview(world.matches)
    assert len(preview.blocked) == 1
    assert (
        f"no. {world.volunteer.pk}" in preview.blocked[0]
        or str(world.volunteer.pk) in preview.blocked[0]
    )
    assert "12.03.2026" in preview.blocked[0]
    with pytest.raises(erasure.ErasureBlocked):
        erasure.erase(world.matches, user=data_officer)
    world.mine.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CONFIRMED
    assert not ErasureRecord.objects.exists()


def test_one_cannot_erase_ones_own_account(world, clock):
    preview = erasure.preview(world.matches, user=world.account)
    assert preview.blocked
    with pytest.raises(erasure.ErasureBlocked):
        erasure.erase(world.matches, user=world.account)


# --- one transaction -----------------------------------------------------------------------------


def test_a_failure_in_the_middle_changes_nothing(world, clock, data_officer, monkeypatch):
    from selfhelp import services as selfhelp_services

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(selfhelp_services, "member_erase", broken)

    with pytest.raises(RuntimeError):
        erasure.erase(world.matches, user=data_officer)

    # By then the registration was cancelled, the pass revoked, the participant and the
    # volunteer anonymised and the member recorded as left: all of it rolled back.
    world.mine.refresh_from_db()
    world.waiting.refresh_from_db()
    assert world.mine.status == RegistrationStatus.CONFIRMED
    assert world.waiting.status == RegistrationStatus.WAITING
    assert SeniorPass.objects.get(pk=world.senior_pass.pk).status == PassStatus.ACTIVE
    world.participant.refresh_from_db()
    assert world.participant.last_name == LAST
    world.volunteer.refresh_from_db()
    assert world.volunteer.status == "active" and world.volunteer.email == EMAIL
    world.member.refresh_from_db()
    assert world.member.left_on is None
    assert PassApplication.objects.filter(pk=world.application.pk).exists()
    assert not ErasureRecord.objects.exists()
    assert not RecipientNotice.objects.exists()


# --- the record and the notices ------------------------------------------------------------------


def test_the_record_and_the_notices_hold_no_name_e_mail_or_phone(world, clock, data_officer):
    record = erasure.erase(world.matches, user=data_officer)

    stored = json.dumps([record.erased, record.kept, record.reason], ensure_ascii=False)
    notices = list(record.notices.order_by("pk"))
    stored += " ".join(notice.text for notice in notices)
    for trace in TRACES + [FIRST]:
        assert trace.lower() not in stored.lower(), trace
    assert record.performed_by == data_officer
    assert record.erased["registrations_cancelled"] == 1
    assert record.erased["participants"] == 1
    assert record.erased["selfhelp_members"] == 1
    assert record.kept == []
    recipients = {(n.organisation_id, n.venue_id) for n in notices}
    assert recipients == {(world.lead.pk, None), (world.partner.pk, None), (None, world.venue.pk)}
    partner_notice = next(n for n in notices if n.organisation_id == world.partner.pk)
    assert "Warsztaty ruchowe" in partner_notice.text and "03.06.2025" in partner_notice.text
    lead_notice = next(n for n in notices if n.organisation_id == world.lead.pk)
    assert (
        f"nr {world.volunteer.pk}" in lead_notice.text
        or str(world.volunteer.pk) in lead_notice.text
    )
    venue_notice = next(n for n in notices if n.venue_id == world.venue.pk)
    assert world.senior_pass.number in venue_notice.text
    assert " 2 " in venue_notice.text  # her two uses at the venue, counted before the erasure


def test_a_partner_coordinator_erasing_their_volunteer_does_not_notify_themselves(
    world, clock, partner_a
):
    record = erasure.erase(
        [{"model": "volunteers.volunteer", "pk": world.volunteer.pk}], user=partner_a
    )
    assert record.erased["volunteers"] == 1
    assert not record.notices.exists()


def test_a_volunteer_with_an_agreement_keeps_it_and_loses_contact_and_profile(
    world, clock, data_officer
):
    from volunteers.models import Agreement, ChildSafetyCheck

    Agreement.objects.create(
        volunteer=world.volunteer,
        starts_on=datetime.date(2025, 5, 1),
        ends_on=datetime.date(2025, 12, 31),
        scope="Pikniki",
        signed_on=datetime.date(2025, 4, 28),
    )
    ChildSafetyCheck.objects.create(
        volunteer=world.volunteer, checked_on=datetime.date(2025, 4, 20), checked_by="J. Nowak"
    )
    matches = [{"model": "volunteers.volunteer", "pk": world.volunteer.pk}]

    preview = erasure.preview(matches)
    (kept,) = preview.kept
    assert kept.rule == "volunteer_agreement"
    assert kept.until == datetime.date(2031, 12, 31)  # 6 full calendar years after 2025
    assert "17(3)(e)" in kept.provision

    record = erasure.erase(matches, user=data_officer)
    world.volunteer.refresh_from_db()
    assert (world.volunteer.email, world.volunteer.phone, world.volunteer.notes) == ("", "", "")
    assert world.volunteer.message == "" and world.volunteer.status == "ended"
    assert world.volunteer.last_name == LAST  # the agreement's party, kept until 2031
    assert world.volunteer.agreements.count() == 1
    assert not ChildSafetyCheck.objects.filter(volunteer=world.volunteer).exists()
    assert record.erased["volunteer_contact"] == 1
    assert record.erased["child_safety_checks"] == 1
    assert record.kept[0]["until"] == "2031-12-31"


def test_a_pending_complaint_keeps_everything_and_records_why(world, clock, data_officer):
    record = erasure.erase(
        world.matches, user=data_officer, hold_for_claim=True, reason="Skarga do UODO z 2.03.2026"
    )

    assert record.erased == {}
    (entry,) = record.kept
    assert entry["rule"] == erasure.CLAIM_RULE and entry["provision"] == "art. 17(3)(e) RODO"
    assert record.reason == "Skarga do UODO z 2.03.2026"
    world.participant.refresh_from_db()
    world.mine.refresh_from_db()
    assert world.participant.last_name == LAST
    assert world.mine.status == RegistrationStatus.CONFIRMED
    with pytest.raises(erasure.ErasureError):
        erasure.erase(world.matches, user=data_officer, hold_for_claim=True, reason="  ")


def test_a_second_erasure_finds_nothing_left(world, clock, data_officer):
    erasure.erase(world.matches, user=data_officer)

    preview = erasure.preview(world.matches)
    assert preview.is_empty


def test_matches_that_make_no_sense_are_ignored(db):
    preview = erasure.preview(
        [{"model": "initiatives.participant", "pk": "x"}, {"model": "auth.group", "pk": 1}, "junk"]
    )
    assert preview.is_empty
