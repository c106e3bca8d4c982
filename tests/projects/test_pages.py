"""Project pages × roles, the forms' validation, and the restricted participant list."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from calportal.documents.models import Document, DocumentStatus
from calportal.projects.documents import KIND
from calportal.projects.models import IndicatorValue, Project, ProjectIndicator
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.projects.conftest import WARSAW

NOW = datetime.datetime(2027, 1, 20, 9, 0, tzinfo=WARSAW)


def _users(request, names):
    return {name: request.getfixturevalue(name) if name else None for name in names}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("staff", ALLOWED),
        ("partner_a", DENIED),
        ("team_member", DENIED),
        ("venue_staff", DENIED),
        (None, LOGIN),
    ],
)
def test_who_may_open_the_project_pages(request, login, project_data, who, expected):
    project, period = project_data["project"], project_data["h2"]
    client = login(request.getfixturevalue(who) if who else None)
    for url in (
        reverse("projects:list"),
        reverse("projects:create"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:edit", args=[project.pk]),
        reverse("projects:indicator_values", args=[project.pk, period.pk]),
    ):
        assert_outcome(client.get(url), expected)


def test_the_list_takes_a_constant_number_of_queries(
    login, staff, project_data, django_assert_num_queries
):
    client = login(staff)
    client.get(reverse("projects:list"))  # warm the session and permission caches
    # The same number however many projects there are (one page of them).
    with django_assert_num_queries(6):
        assert client.get(reverse("projects:list")).status_code == 200
    for number in range(4):
        Project.objects.create(
            name=f"Projekt {number}",
            funder="Urząd Marszałkowski",
            agreement_number=f"U/{number}",
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            retention_end=datetime.date(2031, 12, 31),
        )
    with django_assert_num_queries(6):
        response = client.get(reverse("projects:list"))
    assert "Aktywni razem" in response.content.decode()
    assert "Projekt 3" in response.content.decode()


def _form_data(**changes):
    data = {
        "name": "Razem w Śremie",
        "funder": "Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027",
        "programme": "FEW 2021–2027",
        "agreement_number": "FEWP.06.10-IZ.00-0002/26",
        "agreement_date": "2026-01-10",
        "start": "2026-02-01",
        "end": "2027-06-30",
        "retention_end": "2032-12-31",
        "period-TOTAL_FORMS": "2",
        "period-INITIAL_FORMS": "0",
        "period-MIN_NUM_FORMS": "0",
        "period-MAX_NUM_FORMS": "40",
        "period-0-start": "2026-02-01",
        "period-0-end": "2026-07-31",
        "period-0-due": "2026-08-10",
        "period-1-start": "",
        "period-1-end": "",
        "indicator-TOTAL_FORMS": "1",
        "indicator-INITIAL_FORMS": "0",
        "indicator-MIN_NUM_FORMS": "0",
        "indicator-MAX_NUM_FORMS": "30",
        "indicator-0-name": "Liczba osób objętych wsparciem",
        "indicator-0-kind": "output",
        "indicator-0-measure": "started",
        "indicator-0-target_women": "40",
        "indicator-0-target_men": "20",
        "indicator-0-target_total": "60",
    }
    data.update(changes)
    return data


def test_staff_add_a_project_with_its_periods_and_indicators(login, staff, roles):
    client = login(staff)
    response = client.post(reverse("projects:create"), _form_data())
    project = Project.objects.get(name="Razem w Śremie")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.periods.get().due == datetime.date(2026, 8, 10)
    assert project.indicators.get().target_total == 60


@pytest.mark.parametrize(
    "changes",
    [
        {"end": "2026-01-01"},  # ends before it starts
        {"retention_end": "2027-01-01"},  # documents kept less long than the project
        {"period-0-start": "2025-12-01"},  # a reporting period before the project
        {"period-1-start": "2026-07-01", "period-1-end": "2026-09-30"},  # overlapping periods
        {"period-0-end": "2026-01-15"},  # a period ending before it starts
        {"indicator-0-target_total": "-1"},
        {"indicator-0-target_total": ""},  # the total target must be given
        {"indicator-0-target_women": "x"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(login, staff, roles, changes):
    client = login(staff)
    response = client.post(reverse("projects:create"), _form_data(**changes))
    assert response.status_code == 200
    assert not Project.objects.filter(name="Razem w Śremie").exists()
    page = response.content.decode()
    assert "invalid-feedback" in page or "alert-danger" in page


def test_typed_values_are_saved_per_reporting_period(login, staff, project_data):
    client = login(staff)
    typed, h2 = project_data["typed"], project_data["h2"]
    url = reverse("projects:indicator_values", args=[project_data["project"].pk, h2.pk])
    response = client.post(
        url, {f"i{typed.pk}_women": "3", f"i{typed.pk}_men": "2", f"i{typed.pk}_total": "5"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=typed, period=h2)
    assert (value.women, value.men, value.total) == (3, 2, 5)
    response = client.post(url, {f"i{typed.pk}_total": "-4"})
    assert response.status_code == 200  # refused with a message
    assert IndicatorValue.objects.get(indicator=typed, period=h2).total == 5
    # A period of another project: 404.
    other = Project.objects.create(
        name="Inny",
        funder="X",
        agreement_number="1",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        retention_end=datetime.date(2030, 1, 1),
    )
    assert (
        client.get(reverse("projects:indicator_values", args=[other.pk, h2.pk])).status_code == 404
    )


def test_r4_is_prepared_for_a_reporting_period_from_the_project_page(
    login, staff, project_data, django_capture_on_commit_callbacks
):
    from calportal.reports.models import ReportRun

    client = login(staff)
    project, h2 = project_data["project"], project_data["h2"]
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("projects:period_report", args=[project.pk, h2.pk]), {"variant": "shared"}
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.kind, run.variant, run.scope) == ("R4", "shared", {"project": project.pk})
    assert (run.period_start, run.period_end) == (h2.start, h2.end)


# -- the restricted participant list -----------------------------------------------------------


def _request_list(client, project, capture):
    with capture(execute=True):
        return client.post(reverse("projects:participant_list", args=[project.pk]))


def test_an_assigned_ops_user_gets_the_list(
    login, staff, project_data, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    client = login(staff)
    project = project_data["project"]
    response = _request_list(client, project, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=KIND)
    assert response["Location"] == document.get_absolute_url()
    assert document.status == DocumentStatus.READY and document.requested_by == staff
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    # (Polish once the lead has merged the translations: "Nr uczestnika", …)
    assert header[0] in ("Nr uczestnika", "Participant no.") and header[2] == "Nazwisko"
    assert [row[2] for row in rows[1:]] == ["Adamska", "Bąk", "Cichy", "Fiołek", "Górska"]
    # A: 26 at first support, 2 attendances; the columns to fill in are empty and yellow.
    a = rows[1]
    assert a[5] == 26 and a[12] == 2
    assert rows[2][13]  # B declared a disability with consent
    assert all(value in (None, "") for value in a[14:])
    assert sheet.cell(row=1, column=15).fill.fgColor.rgb.endswith("FFF2A8")
    assert len(header) == 14 + 8


def test_an_unassigned_ops_user_and_other_roles_are_refused(
    request,
    login,
    project_data,
    other_staff,
    partner_a,
    team_member,
    venue_staff,
    staff,
    django_capture_on_commit_callbacks,
):
    project = project_data["project"]
    for user in (other_staff, partner_a, team_member, venue_staff):
        response = _request_list(login(user), project, django_capture_on_commit_callbacks)
        assert response.status_code == 403
    assert not Document.objects.filter(kind=KIND).exists()
    assert (
        login(None).post(reverse("projects:participant_list", args=[project.pk])).status_code == 302
    )
    # A list asked for by the assigned user: nobody else may open it, even OPS staff.
    _request_list(login(staff), project, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=KIND)
    for user in (other_staff, partner_a, team_member, venue_staff):
        client = login(user)
        assert client.get(document.get_absolute_url()).status_code == 404
        download = reverse("documents:download", args=[document.pk])
        assert client.get(download).status_code == 404
    # Unassigned later: no longer.
    project.staff.remove(staff)
    assert login(staff).get(document.get_absolute_url()).status_code == 404


def test_the_list_is_deleted_after_seven_days_and_its_record_kept(
    login, staff, project_data, django_capture_on_commit_callbacks
):
    from calportal.projects.tasks import delete_expired_lists

    project = project_data["project"]
    with time_machine.travel(NOW, tick=False):
        _request_list(login(staff), project, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=KIND)
    name = document.file.name
    storage = document.file.storage
    assert storage.exists(name)
    with time_machine.travel(NOW + datetime.timedelta(days=6, hours=23), tick=False):
        assert delete_expired_lists() == 0
        assert login(staff).get(document.get_absolute_url()).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=7, minutes=1), tick=False):
        # Past the expiry the link is dead even before the sweep has run.
        assert login(staff).get(document.get_absolute_url()).status_code == 404
        assert delete_expired_lists() == 1
        assert delete_expired_lists() == 0  # idempotent
    document.refresh_from_db()
    assert not storage.exists(name) and not document.file
    assert document.requested_by == staff and document.created_at and document.title
    assert document.params["project"] == project.pk and document.params["deleted_at"]
    assert ProjectIndicator.objects.filter(project=project).count() == 2


def test_the_demo_project_loads_once(roles, staff):
    from calportal.projects.demo import projects_demo_load

    project = projects_demo_load()
    assert project is not None and projects_demo_load() is None
    assert project.periods.count() == 6 and project.indicators.count() == 3
    assert list(project.staff.all()) == [staff]
    assert project.retention_end > project.end


def test_r4_request_form_offers_the_projects_and_their_own_period(
    login, staff, project_data, django_capture_on_commit_callbacks
):
    from calportal.reports.models import ReportRun

    client = login(staff)
    project = project_data["project"]
    url = reverse("reports:new", args=["R4"])
    response = client.get(url, {"project": project.pk})
    assert response.status_code == 200
    assert "Aktywni razem" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url,
            {
                "project": project.pk,
                "timeframe": "own",
                "comparison": "none",
                "variant": "internal",
                "language": "pl",
            },
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert (run.period_start, run.period_end) == (project.start, project.end)
    assert run.scope == {"project": project.pk}


@pytest.mark.parametrize("who", ["partner_a", "team_member", "venue_staff"])
def test_others_cannot_ask_for_r4(request, login, project_data, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("reports:new", args=["R4"])).status_code == 403


@pytest.mark.parametrize(
    "who, expected",
    [("partner_a", DENIED), ("team_member", DENIED), ("venue_staff", DENIED), (None, LOGIN)],
)
def test_others_cannot_prepare_r4_from_the_project_page(
    request, login, project_data, who, expected
):
    from calportal.reports.models import ReportRun

    client = login(request.getfixturevalue(who) if who else None)
    url = reverse(
        "projects:period_report", args=[project_data["project"].pk, project_data["h2"].pk]
    )
    assert_outcome(client.post(url, {"variant": "internal"}), expected)
    assert not ReportRun.objects.exists()


def test_a_period_of_another_project_is_not_found(login, staff, project_data):
    other = Project.objects.create(
        name="Inny",
        funder="X",
        agreement_number="1",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        retention_end=datetime.date(2030, 1, 1),
    )
    url = reverse("projects:period_report", args=[other.pk, project_data["h2"].pk])
    assert login(staff).post(url).status_code == 404
