"""The retention rules (PRIVACY.md §1) with the clock frozen: each applies on the first run
after its date and not a day before; a dry run changes nothing; the periods set by the OPS
decide; a second run finds nothing; one failing rule does not stop the others."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from calportal.documents.models import Document, DocumentStatus
from calportal.privacy import retention
from calportal.privacy.models import RetentionRule, RetentionRun, RetentionUnit
from calportal.projects.models import Project
from initiatives.models import Participant, Registration
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=WARSAW)


def on(year, month, day, hour=3):
    """The clock at ``hour`` (local) of that day: when the nightly run happens."""
    return time_machine.travel(at(year, month, day, hour), tick=False)


def register(participant, when, *, initiative=None, status="confirmed", **fields):
    event = EventFactory(
        initiative=initiative or InitiativeFactory(),
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
    )
    return Registration.objects.create(
        event=event, participant=participant, status=status, places=1, **fields
    )


def identifiable(participant) -> bool:
    return Participant.objects.filter(pk=participant.pk, anonymised_year=None).exists()


def set_period(code, amount, unit=None):
    RetentionRule.objects.update_or_create(
        code=code,
        defaults={"amount": amount, "unit": unit or RetentionRule.objects.get(code=code).unit},
    )


# -- registrations ------------------------------------------------------------------------


def test_a_registration_becomes_anonymous_on_the_first_run_after_30_june_not_a_day_before(roles):
    person = ParticipantFactory(first_name="Halina", birth_year=1950, gender="woman")
    registration = register(person, at(2025, 3, 10))

    with on(2026, 6, 30):
        run = retention.run()
    assert run.counts["registration"] == 0 and not run.error
    assert identifiable(person)

    with on(2026, 7, 1):
        run = retention.run()
    assert run.counts["registration"] == 1, run.error
    assert not Participant.objects.filter(pk=person.pk).exists()
    registration.refresh_from_db()
    assert registration.participant.anonymised_year == 2025
    assert registration.participant.first_name != "Halina"
    assert 2025 in {cell["year"] for cell in run.small_cells}  # one person: a small cell


def test_a_later_event_in_the_same_year_keeps_the_year_until_it_is_due_too(roles):
    person = ParticipantFactory()
    project_initiative = InitiativeFactory()
    Project.objects.create(
        name="FEW ESF+",
        funder="WUP",
        agreement_number="FEWP.06.01-IP.01-0001/25",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        retention_end=datetime.date(2030, 12, 31),
    ).initiatives.add(project_initiative)
    register(person, at(2025, 3, 10))  # plain: due 1 July 2026
    register(person, at(2025, 11, 5), initiative=project_initiative)  # the project's

    with on(2026, 7, 1):
        assert retention.run().counts["registration"] == 0
    assert identifiable(person)
    assert Registration.objects.filter(participant=person).count() == 2


def test_an_esf_projects_participants_stay_until_the_agreements_retention_end(roles):
    person = ParticipantFactory()
    initiative = InitiativeFactory()
    project = Project.objects.create(
        name="Aktywni seniorzy",
        funder="WUP w Poznaniu",
        agreement_number="FEWP/1/25",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2026, 12, 31),
        retention_end=datetime.date(2031, 12, 31),
    )
    project.initiatives.add(initiative)
    register(person, at(2025, 6, 1), initiative=initiative)

    with on(2026, 7, 1):
        retention.run()
    with on(2031, 12, 31):
        assert retention.run().counts["project_registration"] == 0
    assert identifiable(person)
    with on(2032, 1, 1):
        assert retention.run().counts["project_registration"] == 1
    assert not Participant.objects.filter(pk=person.pk).exists()


def test_a_public_tasks_registrations_stay_five_full_years_after_the_task(roles, organisation_a):
    from calportal.public_tasks.models import PublicTask

    person = ParticipantFactory()
    registration = register(person, at(2025, 5, 10))
    task = PublicTask.objects.create(
        contract_number="1/2025",
        contract_date=datetime.date(2025, 3, 1),
        title="Seniorzy",
        organisation=organisation_a,
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 11, 30),
        grant_amount=1000,
    )
    task.events.add(registration.event)

    with on(2030, 12, 31):
        retention.run()
    assert identifiable(person)
    with on(2031, 1, 1):
        assert retention.run().counts["public_task_registration"] == 1
    assert not identifiable(person)


def test_cancelled_registrations_go_30_days_after_the_event(roles):
    person = ParticipantFactory()
    cancelled = register(person, at(2026, 3, 10), status="cancelled")

    with on(2026, 4, 8):
        assert retention.run().counts["cancelled_registration"] == 0
    assert identifiable(person)
    with on(2026, 4, 9):
        assert retention.run().counts["cancelled_registration"] == 1
    cancelled.refresh_from_db()
    assert cancelled.participant.anonymised_year == 2026
    assert not Participant.objects.filter(pk=person.pk).exists()  # nothing else to keep


def test_the_accessibility_needs_text_is_deleted_30_days_after_the_event_not_29(roles):
    registration = register(
        ParticipantFactory(), at(2026, 3, 10), accessibility_needs="Poruszam się na wózku"
    )

    with on(2026, 4, 8):
        assert retention.run().counts["accessibility_needs"] == 0
    registration.refresh_from_db()
    assert registration.accessibility_needs == "Poruszam się na wózku"

    with on(2026, 4, 9):
        assert retention.run().counts["accessibility_needs"] == 1
    registration.refresh_from_db()
    assert registration.accessibility_needs == "" and registration.had_accessibility_needs


def test_changing_a_rules_period_changes_what_is_due(roles, data_officer):
    registration = register(ParticipantFactory(), at(2026, 3, 10), accessibility_needs="Pętla")
    set_period("accessibility_needs", 10)

    with on(2026, 3, 19):
        assert retention.run().counts["accessibility_needs"] == 0
    with on(2026, 3, 20):
        assert retention.run().counts["accessibility_needs"] == 1
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""


def test_a_dry_run_changes_nothing(roles, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    person = ParticipantFactory()
    registration = register(person, at(2025, 3, 10), accessibility_needs="Tłumacz PJM")
    with on(2026, 1, 5):
        sheet = _document("initiatives.attendance_sheet")

    with on(2026, 7, 1):
        run = retention.run(dry_run=True)

    assert run.dry_run and run.finished_at and not run.error
    assert run.counts["registration"] == 1
    assert run.counts["accessibility_needs"] == 1
    assert run.counts["generated_files"] == 1
    assert identifiable(person)
    registration.refresh_from_db()
    assert registration.accessibility_needs == "Tłumacz PJM"
    sheet.refresh_from_db()
    assert sheet.file and sheet.file.storage.exists(sheet.file.name)
    assert "deleted_at" not in sheet.params
    assert run.small_cells == []


def test_a_second_run_finds_nothing_left(roles):
    register(ParticipantFactory(), at(2025, 3, 10), accessibility_needs="Schody")
    register(ParticipantFactory(), at(2025, 4, 10), status="cancelled")

    with on(2026, 7, 1):
        first = retention.run()
        second = retention.run()
    assert first.counts["registration"] == 1 and first.counts["cancelled_registration"] == 1
    assert not first.error
    assert second.total == 0 and not second.error


def test_one_failing_rule_does_not_stop_the_others(roles):
    registration = register(ParticipantFactory(), at(2026, 3, 10), accessibility_needs="Winda")
    # A period no sweeper can compute (the agreement's own date on a rule without one).
    set_period("login_attempts", 0, RetentionUnit.AGREEMENT)

    with on(2026, 6, 1):
        run = retention.run()

    assert "login_attempts" in run.error and "login_attempts" not in run.counts
    assert run.counts["accessibility_needs"] == 1
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""


def test_a_run_cut_short_by_the_time_limit_is_saved_and_the_next_night_goes_on(roles, monkeypatch):
    """A first production run over years of backlog: the task's soft time limit stops the
    rule it is in (rolled back), the run is saved with what was done, and the next run
    finishes the rest."""
    from celery.exceptions import SoftTimeLimitExceeded

    registration = register(ParticipantFactory(), at(2026, 3, 10), accessibility_needs="Winda")
    sweeper = retention.sweepers()["accessibility_needs"]
    monkeypatch.setattr(
        type(sweeper),
        "apply",
        lambda *args, **kwargs: (_ for _ in ()).throw(SoftTimeLimitExceeded()),
    )

    with on(2026, 6, 1):
        cut = retention.run()

    assert cut.finished_at is not None
    assert "accessibility_needs" in cut.error and "time limit" in cut.error
    assert "accessibility_needs" not in cut.counts
    registration.refresh_from_db()
    assert registration.accessibility_needs == "Winda"

    monkeypatch.undo()
    with on(2026, 6, 2):
        assert retention.run().counts["accessibility_needs"] == 1


# -- files -----------------------------------------------------------------------------------


def _document(kind, **params):
    document = Document.objects.create(
        kind=kind, params=params, title="Lista", status=DocumentStatus.READY
    )
    document.file.save("lista.pdf", ContentFile(b"%PDF-1.7 Halina"), save=True)
    return document


def test_files_with_personal_data_go_after_30_days_and_their_records_after_a_year(
    roles, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with on(2026, 3, 1, hour=12):
        sheet = _document("initiatives.attendance_sheet", event_id=1)
        diagnosis = _document("resources_map.diagnosis")  # names nobody: kept
    name = sheet.file.name

    with on(2026, 3, 30):
        assert retention.run().counts["generated_files"] == 0
    with on(2026, 3, 31):
        assert retention.run().counts["generated_files"] == 1
    sheet.refresh_from_db()
    assert not sheet.file and not sheet.file.storage.exists(name)
    assert sheet.params["deleted_at"] and sheet.title == "Lista"
    diagnosis.refresh_from_db()
    assert diagnosis.file

    with on(2027, 3, 30):
        assert retention.run().counts["document_metadata"] == 0
    with on(2027, 4, 1):
        assert retention.run().counts["document_metadata"] == 1
    assert not Document.objects.filter(pk=sheet.pk).exists()


def test_a_project_participant_list_goes_after_7_days(roles, settings, tmp_path):
    from calportal.projects.documents import KIND

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with on(2026, 3, 1, hour=12):
        listing = _document(KIND, project=1)
    with on(2026, 3, 7):
        assert retention.run().counts["project_participant_list"] == 0
    with on(2026, 3, 8):
        assert retention.run().counts["project_participant_list"] == 1
    listing.refresh_from_db()
    assert not listing.file


def test_a_subject_access_package_and_its_link_go_after_7_days(roles, settings, tmp_path):
    from calportal.privacy.models import DeliveryLink, SubjectRequest

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with on(2026, 3, 1, hour=12):
        request = SubjectRequest.objects.create(
            kind="access",
            channel="email",
            requester_name="Halina Nowak",
            deadline=datetime.date(2026, 4, 1),
        )
        package = _document("privacy.subject_access_package", request=request.pk)
        link = DeliveryLink.objects.create(
            request=request,
            document=package,
            token_hash="t" * 64,
            pin_hash="p" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    with on(2026, 3, 7):
        assert retention.run().counts["subject_access_package"] == 0
    with on(2026, 3, 8):
        assert retention.run().counts["subject_access_package"] == 2
    link.refresh_from_db()
    package.refresh_from_db()
    assert link.pin_hash == "" and link.token_hash != "t" * 64
    assert not package.file and package.params["deleted_at"]
    with on(2026, 3, 9):
        assert retention.run().counts["subject_access_package"] == 0


# -- people other than participants ----------------------------------------------------------


def test_a_deactivated_account_is_pseudonymised_12_months_later(roles, staff, data_officer):
    from calportal.accounts.models import User
    from calportal.accounts.services import user_set_active

    with on(2025, 5, 10, hour=12):
        user_set_active(user=staff, active=False, acting_user=data_officer)
    staff.refresh_from_db()
    assert staff.deactivated_at is not None

    with on(2026, 5, 9):
        assert retention.run().counts["staff_account"] == 0
    with on(2026, 5, 10):
        assert retention.run().counts["staff_account"] == 1
    account = User.objects.get(pk=staff.pk)
    assert account.full_name == f"konto usunięte #{staff.pk}"
    assert "staff@example.org" not in account.email and account.email.endswith(".invalid")
    assert not account.has_usable_password() and account.phone == ""


def test_reactivating_an_account_clears_its_deactivation(roles, staff, data_officer):
    from calportal.accounts.services import user_set_active

    user_set_active(user=staff, active=False, acting_user=data_officer)
    user_set_active(user=staff, active=True, acting_user=data_officer)
    staff.refresh_from_db()
    assert staff.is_active and staff.deactivated_at is None


def test_login_attempts_are_deleted_after_90_days(roles):
    from axes.models import AccessAttempt, AccessLog

    with on(2026, 1, 1, hour=12):
        AccessAttempt.objects.create(
            username="x@example.org", ip_address="10.0.0.1", user_agent="", failures_since_start=1
        )
        AccessLog.objects.create(username="x@example.org", ip_address="10.0.0.1", user_agent="")
    with on(2026, 3, 31):
        assert retention.run().counts["login_attempts"] == 0
    with on(2026, 4, 1):
        assert retention.run().counts["login_attempts"] == 2
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()


def test_an_ended_volunteers_contact_goes_12_months_after_they_ended(roles, organisation_a):
    from volunteers.models import HoursEntry, Volunteer

    volunteer = Volunteer.objects.create(
        organisation=organisation_a,
        first_name="Jan",
        last_name="Wolny",
        email="jan@example.org",
        phone="601234567",
        birth_year=1990,
        status="ended",
        ended_on=datetime.date(2025, 9, 30),
        notes="Woli soboty",
        availability=["sat_am"],
    )
    HoursEntry.objects.create(
        volunteer=volunteer, date=datetime.date(2025, 6, 1), quarters=8, activity="Festyn"
    )

    with on(2026, 9, 29):
        assert retention.run().counts["volunteer_contact"] == 0
    with on(2026, 9, 30):
        assert retention.run().counts["volunteer_contact"] == 1
    volunteer.refresh_from_db()
    assert (volunteer.email, volunteer.phone, volunteer.notes, volunteer.availability) == (
        "",
        "",
        "",
        [],
    )
    assert volunteer.first_name == "Jan"  # the agreement rule keeps the name for 6 full years


def test_a_former_self_help_member_is_erased_90_days_after_leaving(roles, staff):
    from selfhelp.models import Group, Member

    group = Group.objects.create(
        name="Po stracie",
        slug="po-stracie",
        topic="bereavement",
        description="Grupa",
        who_for="Osoby w żałobie",
        place="OPS",
        weekday=2,
        starts_at=datetime.time(17),
        duration_minutes=90,
        max_size=10,
        status="active",
        facilitator=staff,
    )
    member = Member.objects.create(
        group=group,
        first_name="Ewa",
        last_name="Smutna",
        phone="601234567",
        joined_on=datetime.date(2025, 1, 10),
        left_on=datetime.date(2026, 1, 10),
    )
    with on(2026, 4, 9):
        assert retention.run().counts["selfhelp_member"] == 0
    with on(2026, 4, 10):
        assert retention.run().counts["selfhelp_member"] == 1
    member.refresh_from_db()
    assert member.erased_at and (member.first_name, member.last_name, member.phone) == ("", "", "")


def test_the_self_help_access_log_goes_after_3_years(roles, staff):
    from selfhelp.models import AccessLog, Group

    group = Group.objects.create(
        name="RON",
        slug="ron",
        topic="disability",
        description="Grupa",
        who_for="Rodziny",
        place="OPS",
        weekday=1,
        starts_at=datetime.time(17),
        duration_minutes=90,
        max_size=10,
        status="active",
        facilitator=staff,
    )
    with on(2023, 5, 10, hour=12):
        AccessLog.objects.create(user=staff, group=group, action="members")
    with on(2026, 5, 9):
        assert retention.run().counts["audit_trail"] == 0
    with on(2026, 5, 10):
        assert retention.run().counts["audit_trail"] >= 1
    assert not AccessLog.objects.exists()


def test_a_pass_holder_is_anonymised_12_months_after_the_pass_ended_unless_renewed(roles):
    from initiatives.passes.models import SeniorPass

    gone, renewed = ParticipantFactory(birth_year=1950), ParticipantFactory(birth_year=1951)
    for number, holder in ((1, gone), (2, renewed)):
        SeniorPass.objects.create(
            holder=holder,
            number=f"SPS-2024-000{number}",
            issued_on=datetime.date(2024, 3, 1),
            valid_until=datetime.date(2025, 2, 28),
            status="expired",
        )
    SeniorPass.objects.create(
        holder=renewed,
        number="SPS-2025-0003",
        issued_on=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2026, 2, 28),
        status="active",
    )

    with on(2026, 2, 27):
        assert retention.run().counts["pass_holder"] == 0
    assert identifiable(gone)
    with on(2026, 2, 28):
        assert retention.run().counts["pass_holder"] == 2  # the years 2024 and 2025
    assert not Participant.objects.filter(pk=gone.pk).exists()
    assert identifiable(renewed)  # an active pass keeps every year it touches
    assert SeniorPass.objects.filter(holder__anonymised_year=2024).exists()  # the facts stay


def test_volunteer_agreements_are_anonymised_6_full_years_after_the_year_they_ended(
    roles, organisation_a
):
    from volunteers.models import Agreement, HoursEntry, Volunteer

    volunteer = Volunteer.objects.create(
        organisation=organisation_a,
        first_name="Jan",
        last_name="Dawny",
        birth_year=1980,
        status="ended",
        ended_on=datetime.date(2019, 6, 30),
    )
    Agreement.objects.create(
        volunteer=volunteer,
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2019, 6, 30),
        signed_on=datetime.date(2019, 1, 1),
        scope="Festyny",
    )
    HoursEntry.objects.create(
        volunteer=volunteer, date=datetime.date(2019, 5, 1), quarters=8, activity="Festyn"
    )

    with on(2025, 12, 31):
        assert retention.run().counts["volunteer_agreement"] == 0
    assert Volunteer.objects.filter(pk=volunteer.pk, first_name="Jan").exists()
    with on(2026, 1, 1):
        assert retention.run().counts["volunteer_agreement"] == 1
    assert not Volunteer.objects.filter(first_name="Jan", last_name="Dawny").exists()
    assert HoursEntry.objects.filter(quarters=8).exists()  # the hours stay, anonymous


def test_an_ended_volunteer_with_an_agreement_but_no_hours_is_not_deleted_as_an_applicant(
    roles, organisation_a
):
    """Review finding: the applicant rule deleted ended volunteers who never logged hours,
    agreements and all, six months after they applied. A signed agreement is kept by its own
    rule (6 full calendar years, art. 17(3)(b)/(e))."""
    from volunteers.models import Agreement, Volunteer

    with on(2025, 1, 10):
        volunteer = Volunteer.objects.create(
            organisation=organisation_a,
            first_name="Ewa",
            last_name="Umowna",
            email="ewa@example.org",
            birth_year=1970,
            status="ended",
            ended_on=datetime.date(2025, 3, 31),
        )
    Agreement.objects.create(
        volunteer=volunteer,
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2025, 3, 31),
        signed_on=datetime.date(2025, 2, 1),
        scope="Kawiarenka",
    )
    never_started = Volunteer.objects.create(
        organisation=organisation_a,
        first_name="Adam",
        last_name="Chętny",
        birth_year=1999,
        status="applicant",
    )
    Volunteer.objects.filter(pk=never_started.pk).update(created_at=at(2025, 1, 10))

    with on(2025, 12, 1):
        counts = retention.run().counts

    assert counts["volunteer_applicant"] == 1
    assert not Volunteer.objects.filter(pk=never_started.pk).exists()
    assert Agreement.objects.filter(volunteer=volunteer).exists()


def test_a_period_of_zero_is_refused(login, data_officer):
    from django.urls import reverse

    edit = reverse("privacy:retention_rule_edit", args=["registration"])
    response = login(data_officer).post(edit, {"amount": "0", "unit": "days"})

    assert response.status_code == 200
    rule = RetentionRule.objects.get(code="registration")
    assert (rule.amount, rule.unit) == (1, "june_30")


def test_rejected_applications_and_handled_call_backs_are_deleted(roles):
    from initiatives.passes.models import PassApplication

    def application(n, **fields):
        return PassApplication.objects.create(
            first_name="Anna",
            last_name=f"Wnioskująca{n}",
            birth_year=1955,
            phone="60123456" + str(n),
            consent_text_version="2026-01",
            consent_given_at=timezone.now(),
            **fields,
        )

    with on(2026, 1, 10, hour=12):
        rejected = application(1, status="rejected", rejection_reason="Za młoda")
        call_back = application(2, status="issued", call_back=True)
        waiting = application(3, call_back=True)  # not handled yet: kept

    with on(2026, 4, 9):
        assert retention.run().counts["pass_call_back"] == 0
    with on(2026, 4, 10):
        assert retention.run().counts["pass_call_back"] == 1
    with on(2026, 7, 9):
        assert retention.run().counts["pass_application_rejected"] == 0
    with on(2026, 7, 10):
        assert retention.run().counts["pass_application_rejected"] == 1
    assert set(PassApplication.objects.values_list("pk", flat=True)) == {waiting.pk}
    assert not PassApplication.objects.filter(pk__in=[rejected.pk, call_back.pk]).exists()


def test_a_map_reports_contact_goes_6_months_after_moderation(roles):
    from resources_map.models import ResidentReport

    with on(2026, 1, 10, hour=12):
        report = ResidentReport.objects.create(
            kind="need",
            description="Brak ławek przy przystanku",
            name="Jan",
            phone="601234567",
            consent_given_at=timezone.now(),
            status="rejected",
            reject_reason="Poza gminą",
            handled_at=timezone.now(),
        )
    with on(2026, 7, 9):
        assert retention.run().counts["map_report_contact"] == 0
    with on(2026, 7, 10):
        assert retention.run().counts["map_report_contact"] == 1
    report.refresh_from_db()
    assert (report.name, report.phone, report.description) == ("", "", "Brak ławek przy przystanku")


def test_facilitator_notes_go_12_months_after_the_meeting(roles, staff):
    from selfhelp.models import Group, Meeting

    group = Group.objects.create(
        name="RON",
        slug="ron-notes",
        topic="disability_families",
        description="Grupa",
        who_for="Rodziny",
        place="OPS",
        weekday=1,
        starts_at=datetime.time(17),
        duration_minutes=90,
        max_size=10,
        status="active",
        facilitator=staff,
    )
    meeting = Meeting.objects.create(
        group=group, starts_at=at(2025, 3, 4, 17), held=True, notes="Pani E. mówiła o synu"
    )
    with on(2026, 3, 3):
        assert retention.run().counts["facilitator_notes"] == 0
    with on(2026, 3, 4):
        assert retention.run().counts["facilitator_notes"] == 1
    meeting.refresh_from_db()
    assert meeting.notes == "" and meeting.held


def test_an_internal_reports_files_go_after_30_days_a_shared_ones_stay(
    roles, settings, tmp_path, staff
):
    from calportal.reports.models import ReportRun

    settings.PRIVATE_MEDIA_ROOT = tmp_path

    def report_run(variant):
        return ReportRun.objects.create(
            kind="R1",
            title="Sprawozdanie",
            variant=variant,
            language="pl",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        )

    internal, shared = report_run("internal"), report_run("shared")
    with on(2026, 1, 5, hour=12):
        internal_pdf = _document("reports.pdf", run=internal.pk)
        shared_pdf = _document("reports.pdf", run=shared.pk)
    with on(2026, 2, 4):
        assert retention.run().counts["generated_files"] == 1
    internal_pdf.refresh_from_db()
    shared_pdf.refresh_from_db()
    assert not internal_pdf.file and shared_pdf.file


def test_due_soon_lists_what_falls_due_in_the_next_30_days(roles):
    register(ParticipantFactory(), at(2026, 3, 10), accessibility_needs="Pętla indukcyjna")
    register(ParticipantFactory(), at(2026, 3, 20), accessibility_needs="Winda")

    with on(2026, 3, 15):
        soon = {item["rule"]: item for item in retention.due_soon(30)}
    assert soon["accessibility_needs"]["count"] == 1
    assert soon["accessibility_needs"]["first_due"] == datetime.date(2026, 4, 9)

    with on(2026, 4, 9):
        soon = {item["rule"]: item for item in retention.due_soon(30)}
    assert soon["accessibility_needs"]["count"] == 1  # the one due today is in the next run
    assert soon["accessibility_needs"]["first_due"] == datetime.date(2026, 4, 19)


def test_the_run_records_who_started_it(roles, data_officer):
    run = retention.run(dry_run=True, user=data_officer)
    assert RetentionRun.objects.get(pk=run.pk).started_by == data_officer
    assert set(run.counts) <= set(retention.RULES)
    assert timezone.now() >= run.started_at


# -- the nightly task, through the real broker to a real worker ------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker reads what the test commits
def test_the_nightly_task_runs_in_a_worker_and_a_second_delivery_finds_nothing(roles):
    import os
    import subprocess
    import time
    import uuid
    from pathlib import Path

    import redis
    from django.db import connection

    from calportal.celery import app
    from calportal.privacy.tasks import apply_retention
    from calportal.queue import resume_broker
    from tests.calportal.faults import database_url, worker_command
    from tests.conftest import require

    require(connection.vendor == "postgresql", "a worker shares only a PostgreSQL test database")
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {redis_url} does not answer: {exc}")

    # Real time here (the worker's clock is not frozen): an event well over a year ago.
    long_ago = timezone.now() - datetime.timedelta(days=800)
    person = ParticipantFactory()
    register(person, long_ago, accessibility_needs="Wózek")

    queue = f"test-retention-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    resume_broker()
    worker = subprocess.Popen(
        worker_command(queue=queue),
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "REDIS_URL": redis_url,
            "DATABASE_URL": database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
        },
    )
    try:
        apply_retention.apply_async(queue=queue)
        apply_retention.apply_async(queue=queue)  # delivered twice: safe
        deadline = time.monotonic() + 90
        while (
            time.monotonic() < deadline
            and RetentionRun.objects.filter(finished_at__isnull=False).count() < 2
        ):
            time.sleep(0.3)
        runs = list(RetentionRun.objects.order_by("started_at", "pk"))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.Redis.from_url(redis_url).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
    assert [run.dry_run for run in runs] == [False, False], runs
    assert runs[0].counts["registration"] == 1 and not runs[0].error
    assert runs[1].total == 0 and not runs[1].error
    assert not Participant.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize(
    "amount,unit",
    [
        (30, "days"),
        (1, "months"),
        (6, "months"),
        (12, "months"),
        (3, "years"),
        (1, "june_30"),
        (6, "full_years"),
        (0, "days"),
    ],
)
def test_the_last_anchor_is_the_exact_inverse_of_the_due_date(amount, unit):
    rule = RetentionRule(code="x", amount=amount, unit=unit)
    day = datetime.date(2027, 12, 25)
    for _ in range(800):
        anchor = retention.last_anchor(rule, day)
        assert rule.due(anchor) <= day < rule.due(anchor + datetime.timedelta(days=1)), (
            day,
            anchor,
        )
        day -= datetime.timedelta(days=1)
