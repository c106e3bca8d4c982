"""The report engine: runs, files, official versions, access, schedules (REPORTS.md §5, §8)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from calportal.documents.models import DocumentStatus
from calportal.outbox.services import deliver_due
from calportal.reports import access, services
from calportal.reports.figures import Scope
from calportal.reports.models import (
    Recurrence,
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    RunStatus,
)
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory, UserFactory

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=WARSAW)


def _event_with_one_present(initiative=None, *, when=datetime.datetime(2025, 6, 3, 17, 0)):
    from initiatives.models import Registration

    event = EventFactory(
        initiative=initiative or InitiativeFactory(),
        starts_at=when.replace(tzinfo=WARSAW),
        ends_at=(when + datetime.timedelta(hours=2)).replace(tzinfo=WARSAW),
    )
    Registration.objects.create(
        event=event,
        participant=ParticipantFactory(birth_year=1950, gender="female"),
        status="confirmed",
        attendance="present",
        places=1,
    )
    return event


def _r1(variant="internal", timeframe="custom:2025-01-01/2025-12-31"):
    return {
        "kind": "R1",
        "scope": {},
        "timeframe": timeframe,
        "comparison": "same_period_last_year",
        "variant": variant,
        "language": "pl",
        "k": 3,
    }


@pytest.fixture
def built_run(staff, django_capture_on_commit_callbacks):
    """A run built by its task; its files are asked for but not rendered (that takes seconds:
    only ``rendered_run`` does it)."""
    _event_with_one_present()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(parameters=_r1(), requested_by=staff)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def rendered_run(staff, django_capture_on_commit_callbacks):
    _event_with_one_present()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(parameters=_r1(), requested_by=staff)
    run.refresh_from_db()
    return run


def test_a_run_stores_its_dataset_and_renders_three_files(rendered_run):
    run = rendered_run
    assert run.status == RunStatus.READY, run.error
    kpis = {k["id"]: k for k in run.dataset["kpis"]}
    assert kpis["PE1"]["value"] == 1 and kpis["PE1"]["comparison"] == 0
    assert kpis["PE1"]["delta_display"]  # "nowe"
    assert len(run.checksum) == 64
    assert run.data_as_of is not None
    assert [d.content_type for d in run.files()] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    ]
    assert all(d.status == DocumentStatus.READY for d in run.files())


def test_the_spreadsheet_and_the_pdf_print_the_same_figures(rendered_run):
    import subprocess
    import tempfile

    from openpyxl import load_workbook

    run = rendered_run
    workbook = load_workbook(io.BytesIO(run.xlsx.file.read()))
    kpis = {row[0]: row for row in workbook.worksheets[0].iter_rows(values_only=True) if row}
    assert kpis["PE1"][1] == "Uczestnicy (osoby unikalne)"
    assert kpis["PE1"][2] == 1 and kpis["AT1"][2] == 1  # numbers, not text
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(run.pdf.file.read())
        pdf.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "Sprawozdanie z działalności Centrum Aktywności Lokalnej" in text
    assert run.number in text


def test_an_official_run_is_frozen_and_running_it_again_makes_the_next_version(built_run, staff):
    run = services.mark_official(run=built_run, by=staff)
    assert run.is_official and run.version == 1
    with pytest.raises(ValidationError):
        services.narrative_save(run=run, texts={"conclusions": "Nowe"}, by=staff)
    with pytest.raises(ValidationError):
        services.mark_official(run=run, by=staff)
    again = services.run_again(run=run, by=staff)
    assert again.pk != run.pk and again.version == 0 and not again.is_official  # a draft
    assert again.number == f"R1/2025/{again.pk}"
    run.refresh_from_db()
    assert run.is_official and run.version == 1 and run.number == f"R1/2025/{run.pk} v1"
    services.report_build(run_id=again.pk)
    again = services.mark_official(run=again, by=staff)
    assert again.version == 2


def test_narrative_texts_are_kept_on_the_run_and_the_files_made_again(built_run, staff):
    first_pdf = built_run.pdf_id
    run = services.narrative_save(
        run=built_run, texts={"conclusions": "Więcej zajęć w sołectwach.", "needs": ""}, by=staff
    )
    assert run.narrative["conclusions"] == "Więcej zajęć w sołectwach."
    assert run.pdf_id != first_pdf


def test_who_may_have_which_report(staff, team_member, partner_a, partner_b, organisation_a):
    own_event = EventFactory(initiative=InitiativeFactory(lead_organisation=organisation_a))
    other_event = EventFactory()
    cal, own = Scope(), Scope(event=own_event.pk)
    assert access.may_run(staff, "R1", cal, "internal")
    assert access.may_run(team_member, "R1", cal, "shared")
    assert not access.may_run(team_member, "R1", cal, "internal")
    assert not access.may_run(team_member, "R11", own, "internal")
    assert access.may_run(partner_a, "R11", own, "internal")
    assert not access.may_run(partner_a, "R11", Scope(event=other_event.pk), "internal")
    assert not access.may_run(partner_b, "R11", own, "internal")
    assert access.may_run(partner_a, "R12", Scope(organisation=organisation_a.pk), "internal")
    assert not access.may_run(partner_a, "R12", cal, "internal")
    assert not access.may_run(partner_a, "R1", cal, "shared")
    venue = UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)
    # Venue staff use reports (R9 of their own venue) but have none of these.
    assert access.may_use_reports(venue)
    assert not access.may_run(venue, "R1", cal, "shared")
    assert not access.may_run(venue, "R11", own, "internal")
    with pytest.raises(PermissionDenied):
        services.report_request(parameters=_r1(variant="internal"), requested_by=team_member)


@pytest.mark.parametrize(
    "who, index, new_r1, run_page",
    [
        (None, 302, 302, 302),
        ("staff", 200, 200, 200),
        ("team", 200, 200, 404),  # the run is internal: the team sees only shared ones
        ("partner", 200, 403, 404),
        ("venue", 200, 403, 404),  # venue staff have only R9 of their own venue
    ],
)
def test_the_report_pages_per_role(
    built_run, login, staff, team_member, partner_a, who, index, new_r1, run_page
):
    users = {
        None: None,
        "staff": staff,
        "team": team_member,
        "partner": partner_a,
        "venue": UserFactory(email="v@example.org", role=Role.VENUE_STAFF)
        if who == "venue"
        else None,
    }
    client = login(users[who])
    assert client.get(reverse("reports:index")).status_code == index
    assert client.get(reverse("reports:new", args=["R1"])).status_code == new_r1
    assert client.get(reverse("reports:run", args=[built_run.pk])).status_code == run_page
    if run_page == 404:
        download = client.get(reverse("documents:download", args=[built_run.pdf_id]))
        assert download.status_code in (403, 404)


def test_staff_prepare_a_report_from_the_form(staff, login, django_capture_on_commit_callbacks):
    client = login(staff)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:new", args=["R1"]),
            {
                "timeframe": "year_previous",
                "comparison": "none",
                "variant": "shared",
                "language": "en",
            },
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.period_start, run.period_end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert run.comparison_start is None and run.language == "en"
    page = client.get(run.get_absolute_url())
    assert "Key figures" in page.content.decode() or "Najważniejsze" in page.content.decode()
    status = client.get(reverse("reports:run_status", args=[run.pk])).json()
    assert status["status"] == "ready"


def test_bad_periods_get_a_message_not_an_error(staff, login):
    client = login(staff)
    response = client.post(
        reverse("reports:new", args=["R1"]),
        {
            "timeframe": "custom",
            "start": "2025-05-01",
            "end": "2025-04-01",
            "comparison": "none",
            "variant": "internal",
            "language": "pl",
        },
    )
    assert response.status_code == 200
    assert ReportRun.objects.count() == 0
    assert client.get(reverse("reports:new", args=["R99"])).status_code == 404


@pytest.mark.parametrize(
    "recurrence, after, expected",
    [
        (
            Recurrence.MONTHLY,
            datetime.datetime(2026, 12, 2, 7, 0),
            datetime.datetime(2027, 1, 2, 7, 0),
        ),
        (
            Recurrence.MONTHLY,
            datetime.datetime(2026, 3, 1, 23, 0),
            datetime.datetime(2026, 3, 2, 7, 0),
        ),
        (
            Recurrence.QUARTERLY,
            datetime.datetime(2026, 5, 20, 0, 0),
            datetime.datetime(2026, 7, 2, 7, 0),
        ),
        (
            Recurrence.YEARLY,
            datetime.datetime(2026, 1, 2, 7, 0),
            datetime.datetime(2027, 1, 2, 7, 0),
        ),
    ],
)
def test_the_next_run_of_a_schedule_is_in_warsaw_time(recurrence, after, expected):
    schedule = ReportSchedule(recurrence=recurrence, day=2, month=1, time=datetime.time(7, 0))
    result = services.next_occurrence(schedule, after.replace(tzinfo=WARSAW))
    assert result == expected.replace(tzinfo=WARSAW)


@pytest.fixture
def digest_schedule(staff, partner_a, partner_b, organisation_a):
    definition = ReportDefinition.objects.create(
        kind="R12",
        title="Przegląd A",
        owner=staff,
        scope={"organisation": organisation_a.pk},
        timeframe="month_previous",
        variant="internal",
    )
    schedule = ReportSchedule.objects.create(
        definition=definition,
        recurrence=Recurrence.MONTHLY,
        day=2,
        next_run_at=datetime.datetime(2026, 2, 2, 7, 0, tzinfo=WARSAW),
        send_if_empty=True,
    )
    schedule.recipients.set([partner_a, partner_b])
    return schedule


def test_a_due_schedule_sends_a_link_only_to_recipients_allowed_to_see_it(
    digest_schedule, django_capture_on_commit_callbacks, staff
):
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.schedules_run_due() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.schedules_run_due() == 0  # taken once
        deliver_due()
    run = ReportRun.objects.get()
    assert run.schedule == digest_schedule and run.status == RunStatus.READY
    to = {tuple(m.to): m for m in mail.outbox}
    assert set(to) == {("partner.a@example.org",), ("staff@example.org",)}
    body = to[("partner.a@example.org",)].body
    assert run.get_absolute_url() in body
    assert not to[("partner.a@example.org",)].attachments  # a link, never a file
    assert (
        "Beata" in to[("staff@example.org",)].body or "partner.b" in to[("staff@example.org",)].body
    )
    digest_schedule.refresh_from_db()
    assert digest_schedule.next_run_at == datetime.datetime(2026, 3, 2, 7, 0, tzinfo=WARSAW)


def test_an_empty_report_is_not_sent_unless_asked(
    digest_schedule, django_capture_on_commit_callbacks
):
    digest_schedule.send_if_empty = False
    digest_schedule.save()
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.schedules_run_due()
        deliver_due()
    run = ReportRun.objects.get()
    assert run.is_empty
    assert [m.to for m in mail.outbox if "partner.a@example.org" in m.to] == []


def test_a_schedule_failing_five_times_is_disabled_and_its_owner_told(
    digest_schedule, django_capture_on_commit_callbacks, monkeypatch
):
    from calportal.reports import registry

    def broken(request):
        raise RuntimeError("figures unavailable")

    spec = registry.get_kind("R12")
    monkeypatch.setitem(
        registry._kinds, "R12", registry.KindSpec(**{**spec.__dict__, "build": broken})
    )
    moment = NOW
    for _attempt in range(5):
        with time_machine.travel(moment, tick=False):
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    services.schedules_run_due()
            except RuntimeError:
                pass  # the eager task re-raises; a worker would log it
        digest_schedule.refresh_from_db()
        moment = digest_schedule.next_run_at + datetime.timedelta(minutes=1)
    assert digest_schedule.failures == 5 and not digest_schedule.enabled
    deliver_due()
    assert any("staff@example.org" in m.to and "Przegląd A" in m.subject for m in mail.outbox)


def test_the_run_page_says_so_when_no_worker_is_running(staff, login, settings):
    from calportal.health.models import WorkerHeartbeat

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # a broker is configured, so a worker should run
    run = ReportRun.objects.create(
        kind="R1", title="R1", parameters={"kind": "R1"}, variant="internal", language="pl",
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
        requested_by=staff,
    )  # fmt: skip
    status = login(staff).get(reverse("reports:run_status", args=[run.pk])).json()
    assert status["state"] == "no-worker" and "nie działa" in status["message"]
    WorkerHeartbeat.objects.create(worker="celery@here", seen_at=timezone.now())
    status = login(staff).get(reverse("reports:run_status", args=[run.pk])).json()
    assert status["state"] == "pending"


def test_marking_official_needs_the_box_ticked(built_run, staff, login):
    client = login(staff)
    client.post(reverse("reports:run_official", args=[built_run.pk]))
    built_run.refresh_from_db()
    assert not built_run.is_official
    client.post(reverse("reports:run_official", args=[built_run.pk]), {"confirm": "yes"})
    built_run.refresh_from_db()
    assert built_run.is_official


def test_a_partner_sees_the_summaries_of_their_own_initiatives_whoever_made_them(
    staff, partner_a, partner_b, organisation_a, django_capture_on_commit_callbacks
):
    event = _event_with_one_present(InitiativeFactory(lead_organisation=organisation_a))
    parameters = {
        "kind": "R11", "scope": {"event": event.pk}, "timeframe": "custom:2025-06-03/2025-06-03",
        "comparison": "none", "variant": "internal", "language": "pl", "k": 3,
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(parameters=parameters, requested_by=staff)
    assert run.title.startswith("R11") and event.display_title in run.title
    assert list(access.visible_runs(partner_a)) == [run]
    assert list(access.visible_runs(partner_b)) == []


def test_a_partners_digest_shows_only_their_own_warnings(organisation_a, organisation_b):
    from calportal.reports.kinds import digest
    from calportal.reports.periods import Period
    from calportal.reports.registry import Request
    from volunteers.models import HoursEntry, Volunteer

    other = Volunteer.objects.create(
        organisation=organisation_b, first_name="Ola", last_name="Obca", status="active",
        phone="600100200", birth_year=1990,
    )  # fmt: skip
    HoursEntry.objects.create(
        volunteer=other, date=datetime.date(2026, 1, 5), quarters=8, activity="Dyżur"
    )
    HoursEntry.objects.filter(volunteer=other).update(
        created_at=datetime.datetime(2026, 1, 5, 12, tzinfo=WARSAW)
    )
    request = Request(
        "R12", Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)), None,
        Scope(organisation=organisation_a.pk), "internal", "pl", today=datetime.date(2026, 2, 2),
    )  # fmt: skip
    rows = {row["key"]: row for row in digest.build(request)["sections"][0]["tables"][0]["rows"]}
    assert rows["hours_pending"]["cells"][0]["value"] == 0  # organisation B's entry is not theirs
    assert "no_area" not in rows and "passes_expiring" not in rows
    whole = digest.build(Request(
        "R12", request.period, None, Scope(), "internal", "pl", today=request.today,
    ))  # fmt: skip
    rows = {row["key"]: row for row in whole["sections"][0]["tables"][0]["rows"]}
    assert rows["hours_pending"]["cells"][0]["value"] == 1 and "no_area" in rows


def test_files_follow_the_reports_rule_even_for_the_person_who_asked(built_run, staff, login):
    from django.contrib.auth.models import Group

    url = reverse("documents:download", args=[built_run.xlsx_id])
    from calportal.documents.models import Document

    Document.objects.filter(pk=built_run.xlsx_id).update(status="ready")
    staff.groups.set([Group.objects.get(name=Role.CAL_TEAM_MEMBER.value)])
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached on the instance
    client = login(staff)
    assert client.get(url).status_code == 404  # an internal report: no longer theirs to read
    assert client.get(reverse("reports:run", args=[built_run.pk])).status_code == 404


def test_the_cal_team_reads_shared_reports_but_writes_nothing(
    team_member, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(parameters=_r1(variant="shared"), requested_by=team_member)
        services.report_build(run_id=run.pk)
    client = login(team_member)
    assert client.get(reverse("reports:run", args=[run.pk])).status_code == 200
    post = client.post(reverse("reports:run_narrative", args=[run.pk]), {"conclusions": "x"})
    assert post.status_code == 403
    assert client.post(reverse("reports:run_again", args=[run.pk])).status_code == 403


def test_staff_schedule_a_digest_for_a_partner(staff, partner_a, organisation_a, login):
    client = login(staff)
    assert client.get(reverse("reports:schedule_create", args=["R11"])).status_code == 404
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("reports:schedule_create", args=["R12"]),
            {
                "organisation": str(organisation_a.pk), "title": "Przegląd dla A",
                "timeframe": "month_previous", "comparison": "same_period_last_year",
                "variant": "internal", "language": "pl", "recurrence": "monthly", "day": "2",
                "month": "1", "time": "07:00", "recipients": [str(partner_a.pk)],
                "enabled": "on",
            },
        )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    schedule = ReportSchedule.objects.get(definition__title="Przegląd dla A")
    assert schedule.definition.scope == {"organisation": organisation_a.pk}
    assert schedule.definition.owner == staff and list(schedule.recipients.all()) == [partner_a]
    assert schedule.next_run_at == datetime.datetime(2026, 3, 2, 7, 0, tzinfo=WARSAW)
    # A partner may not receive the whole CAL's digest.
    with time_machine.travel(NOW, tick=False):
        refused = client.post(
            reverse("reports:schedule_edit", args=[schedule.pk]),
            {
                "organisation": "", "title": "Przegląd dla A", "timeframe": "month_previous",
                "comparison": "none", "variant": "internal", "language": "pl",
                "recurrence": "monthly", "day": "2", "month": "1", "time": "07:00",
                "recipients": [str(partner_a.pk)], "enabled": "on",
            },
        )  # fmt: skip
    assert (
        refused.status_code == 200
        and "nie mają dostępu do tego raportu" in refused.content.decode()
    )
    schedule.definition.refresh_from_db()
    assert schedule.definition.scope == {"organisation": organisation_a.pk}


def test_the_organiser_gets_the_event_summary_the_day_after(
    partner_a, partner_b, organisation_a, django_capture_on_commit_callbacks
):
    event = _event_with_one_present(
        InitiativeFactory(lead_organisation=organisation_a),
        when=datetime.datetime(2026, 2, 9, 22, 30),  # ends 00:30 on the 10th: counts for the 10th
    )
    yesterday = _event_with_one_present(
        InitiativeFactory(lead_organisation=organisation_a),
        when=datetime.datetime(2026, 2, 9, 17, 0),
    )
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.event_summaries_request() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.event_summaries_request() == 0  # once
        deliver_due()
    run = ReportRun.objects.get()
    assert run.scope == {"event": yesterday.pk} and run.status == RunStatus.READY
    assert (run.period_start, run.period_end) == (datetime.date(2026, 2, 9),) * 2
    assert event.pk != yesterday.pk
    sent = [m for m in mail.outbox if run.get_absolute_url() in m.body]
    assert [m.to for m in sent] == [["partner.a@example.org"]] and not sent[0].attachments
