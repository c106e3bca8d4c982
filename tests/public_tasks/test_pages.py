"""Public-task pages by role, the IDOR guards (task, R6 run, its files), the form's validation
and the R6 timetable (REPORTS.md §5, §8, §9 D8)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from calportal.accounts.roles import Role
from calportal.public_tasks import services as task_services
from calportal.public_tasks.models import CostLine, PlannedResult, PublicTask, TaskAction
from calportal.reports import access, services
from calportal.reports.figures import Scope
from calportal.reports.models import ReportRun
from calportal.reports.periods import WARSAW
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.factories import InitiativeFactory, UserFactory

D = datetime.date


def make_task(organisation, **fields) -> PublicTask:
    values = {
        "contract_number": f"OPS.524.{organisation.pk}.2026",
        "contract_date": D(2026, 2, 25),
        "title": f"Zadanie {organisation.name}",
        "organisation": organisation,
        "starts_on": D(2026, 3, 1),
        "ends_on": D(2026, 6, 30),
        "grant_amount": Decimal("3000.00"),
    }
    values.update(fields)
    return PublicTask.objects.create(**values)


@pytest.fixture
def venue_staff(roles):
    return UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)


@pytest.fixture
def tasks(organisation_a, organisation_b):
    return {"a": make_task(organisation_a), "b": make_task(organisation_b)}


def users(request_fixture, who):
    return None if who == "anonymous" else request_fixture.getfixturevalue(who)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("staff", ALLOWED, ALLOWED),
        ("partner_a", ALLOWED, NOT_FOUND),
        ("partner_b", NOT_FOUND, ALLOWED),
        ("team_member", DENIED, DENIED),
        ("venue_staff", DENIED, DENIED),
        ("anonymous", LOGIN, LOGIN),
    ],
)
def test_task_pages_by_role(request, login, tasks, who, own, other):
    client = login(users(request, who))
    for task, expected in ((tasks["a"], own), (tasks["b"], other)):
        for name in ("detail", "edit"):
            response = client.get(reverse(f"public_tasks:{name}", args=[task.pk]))
            assert_outcome(response, expected)
    listed = {ALLOWED: ALLOWED, NOT_FOUND: ALLOWED}.get(own, own)
    assert_outcome(client.get(reverse("public_tasks:list")), listed)
    assert_outcome(client.get(reverse("public_tasks:create")), listed)


@pytest.mark.django_db
def test_the_list_shows_a_partner_only_their_tasks(login, tasks, partner_a, staff):
    body = login(partner_a).get(reverse("public_tasks:list")).content.decode()
    assert tasks["a"].title in body and tasks["b"].title not in body
    body = login(staff).get(reverse("public_tasks:list")).content.decode()
    assert tasks["a"].title in body and tasks["b"].title in body


@pytest.mark.django_db
def test_the_list_takes_the_same_queries_whatever_the_number_of_tasks(
    login, staff, organisation_a, django_assert_num_queries
):
    client = login(staff)
    make_task(organisation_a)
    client.get(reverse("public_tasks:list"))  # warm the caches (session, permissions)
    with django_assert_num_queries(6) as few:
        client.get(reverse("public_tasks:list"))
    for n in range(30):
        make_task(organisation_a, contract_number=f"X/{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("public_tasks:list"))
    assert response.context["page"].paginator.count == 31
    assert len(response.context["page"].object_list) == 25


@pytest.mark.django_db
def test_the_detail_links_to_the_r6_request(login, staff, tasks):
    body = login(staff).get(reverse("public_tasks:detail", args=[tasks["a"].pk])).content
    assert f'href="/reports/new/R6/?task={tasks["a"].pk}"'.encode() in body


def form_data(**overrides) -> dict:
    data = {
        "contract_number": "OPS.524.9.2026",
        "contract_date": "2026-02-25",
        "title": "Aktywny senior",
        "starts_on": "2026-03-01",
        "ends_on": "2026-06-30",
        "grant_amount": "3000,00",
        "grant_spent": "0",
        "own_financial_planned": "0",
        "own_financial": "0",
        "own_non_financial_planned": "0",
        "members_work_value": "0",
        "in_kind_value": "0",
        "other_revenue": "0",
        "recipient_fees": "0",
    }
    for prefix in ("results", "actions", "costs"):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "results-0-position": "1",
            "results-0-name": "Uczestnicy",
            "results-0-target": "20",
            "results-0-measured_by": "PE1",
            "actions-0-position": "1",
            "actions-0-name": "Spotkania",
            "actions-0-planned_start": "2026-03-01",
            "actions-0-planned_end": "2026-06-30",
            "costs-0-position": "1",
            "costs-0-kind": "administrative",
            "costs-0-name": "Koordynacja",
            "costs-0-planned": "500,00",
            "costs-0-incurred": "0",
        }
    )
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_partner_creates_a_task_of_their_own_organisation(login, partner_a, organisation_b):
    own_initiative = InitiativeFactory(lead_organisation=partner_a.organisation)
    other_initiative = InitiativeFactory(lead_organisation=organisation_b)
    client = login(partner_a)
    response = client.post(
        reverse("public_tasks:create"),
        form_data(organisation=str(organisation_b.pk), initiatives=[str(other_initiative.pk)]),
    )
    assert response.status_code == 200  # someone else's initiative cannot be linked
    assert "initiatives" in response.context["form"].errors
    assert not PublicTask.objects.exists()
    response = client.post(
        reverse("public_tasks:create"),
        form_data(organisation=str(organisation_b.pk), initiatives=[str(own_initiative.pk)]),
    )
    task = PublicTask.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert task.organisation == partner_a.organisation  # the organisation typed is ignored
    assert task.created_by == partner_a
    assert list(task.initiatives.all()) == [own_initiative]
    assert PlannedResult.objects.get().measured_by == "PE1"
    assert TaskAction.objects.get().name == "Spotkania"
    assert CostLine.objects.get().planned == Decimal("500.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2026-02-01"}, "ends_on"),
        ({"grant_amount": "-5"}, "grant_amount"),
        ({"contract_date": "1800-01-01"}, "contract_date"),
        ({"costs-0-planned": "-1"}, "planned"),
        ({"results-0-target": "0"}, "target"),
        ({"actions-0-planned_end": "2026-01-01"}, "planned_end"),
        ({"results-0-achieved_typed": "5"}, "achieved_typed"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(login, staff, organisation_a, overrides, field):
    client = login(staff)
    response = client.post(
        reverse("public_tasks:create"), form_data(organisation=str(organisation_a.pk), **overrides)
    )
    assert response.status_code == 200
    errors = dict(response.context["form"].errors)
    for name in ("results", "actions", "costs"):
        for form in response.context[name].forms:
            errors.update(form.errors)
    assert field in errors
    assert not PublicTask.objects.exists() and not CostLine.objects.exists()


@pytest.mark.django_db
def test_model_validation():
    from django.core.exceptions import ValidationError

    from tests.factories import OrganisationFactory

    task = PublicTask(
        contract_number="1",
        contract_date=D(2026, 1, 1),
        title="T",
        organisation=OrganisationFactory(),
        starts_on=D(2026, 5, 1),
        ends_on=D(2026, 4, 1),
        grant_amount=Decimal("-1"),
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "grant_amount" in error.value.message_dict
    assert "The task cannot end before it starts." in str(error.value)
    with translation.override("pl"), pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "Zadanie nie może kończyć się przed rozpoczęciem." in str(error.value)


def r6(task, variant="shared"):
    return {
        "kind": "R6",
        "scope": {"task": task.pk},
        "timeframe": f"task:{task.pk}",
        "comparison": "none",
        "variant": variant,
        "language": "pl",
        "k": 3,
    }


@pytest.mark.django_db
def test_r6_access_partners_own_tasks_only(tasks, partner_a, partner_b, staff, team_member):
    a, b = Scope(task=tasks["a"].pk), Scope(task=tasks["b"].pk)
    assert access.may_run(staff, "R6", b, "internal")
    assert access.may_run(partner_a, "R6", a, "shared")
    assert access.may_run(partner_a, "R6", a, "internal")
    assert not access.may_run(partner_a, "R6", b, "shared")
    assert not access.may_run(team_member, "R6", a, "shared")
    assert not access.may_run(partner_a, "R6", Scope(), "shared")
    from calportal.reports.registry import get_scope

    assert [pk for pk, _label in get_scope("task").choices(partner_a)] == [tasks["a"].pk]
    assert len(get_scope("task").choices(staff)) == 2
    assert get_scope("task").choices(team_member) == []
    with pytest.raises(Exception) as refused:
        services.report_request(parameters=r6(tasks["b"]), requested_by=partner_a)
    assert refused.type.__name__ == "PermissionDenied"


@pytest.mark.django_db
def test_idor_partner_b_cannot_open_as_run_nor_its_files(
    login, tasks, partner_a, partner_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(parameters=r6(tasks["a"]), requested_by=partner_a)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "ready", run.error
    files = [run.pdf_id, run.xlsx_id]
    assert all(files)
    client = login(partner_b)
    assert client.get(reverse("reports:run", args=[run.pk])).status_code == 404
    for document in files:
        for name in ("documents:detail", "documents:download"):
            assert client.get(reverse(name, args=[document])).status_code == 404
    assert run not in access.visible_runs(partner_b)
    assert client.get(reverse("public_tasks:detail", args=[tasks["a"].pk])).status_code == 404
    client = login(partner_a)
    assert client.get(reverse("reports:run", args=[run.pk])).status_code == 200
    assert client.get(reverse("documents:detail", args=[files[0]])).status_code == 200
    assert run in access.visible_runs(partner_a)
    page = client.get(reverse("public_tasks:detail", args=[tasks["a"].pk])).content.decode()
    assert reverse("reports:run", args=[run.pk]) in page


@pytest.mark.django_db
def test_the_request_form_offers_only_own_tasks(login, tasks, partner_a):
    response = login(partner_a).get(reverse("reports:new", args=["R6"]) + f"?task={tasks['a'].pk}")
    assert response.status_code == 200
    choices = [value for value, _label in response.context["form"].fields["task"].choices]
    assert choices == [tasks["a"].pk]  # a report is about one task: no empty choice
    assert response.context["form"]["task"].value() == str(tasks["a"].pk)


# --- The timetable (REPORTS.md §5) ------------------------------------------------------------


def at(month, day):
    return datetime.datetime(2026, month, day, 6, 30, tzinfo=WARSAW)


@pytest.mark.django_db
def test_due_reports_drafts_once_then_reminds_once(
    tasks, partner_a, partner_b, staff, django_capture_on_commit_callbacks
):
    task = tasks["a"]
    PublicTask.objects.filter(pk=tasks["b"].pk).update(ends_on=D(2026, 12, 31))
    PublicTask.objects.filter(pk=task.pk).update(created_by=partner_a)
    with django_capture_on_commit_callbacks(execute=False):
        with time_machine.travel(at(6, 29), tick=False):
            assert task_services.due_reports() == {"drafts": 0, "reminders": 0}
        with time_machine.travel(at(6, 30), tick=False):
            assert task_services.due_reports() == {"drafts": 1, "reminders": 0}
            assert task_services.due_reports() == {"drafts": 0, "reminders": 0}  # once
    draft = ReportRun.objects.get()
    assert draft.kind == "R6" and draft.scope == {"task": task.pk}
    assert (draft.period_start, draft.period_end) == (D(2026, 3, 1), D(2026, 6, 30))
    assert draft.requested_by == partner_a  # the creator, who may complete it
    task.refresh_from_db()
    assert task.draft_requested_at is not None and task.reminder_sent_at is None
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(at(7, 19), tick=False):
            assert task_services.due_reports()["reminders"] == 0
        with time_machine.travel(at(7, 20), tick=False):
            assert task_services.due_reports()["reminders"] == 1
            assert task_services.due_reports()["reminders"] == 0
    from post_office.models import Email

    recipients = sorted(email.to[0] for email in Email.objects.all())
    assert recipients == sorted([partner_a.email, staff.email])  # not partner B
    assert "OPS.524." in Email.objects.first().subject


@pytest.mark.django_db
def test_no_draft_nor_reminder_when_an_official_r6_exists(tasks, staff):
    task = tasks["a"]
    PublicTask.objects.filter(pk=tasks["b"].pk).update(ends_on=D(2026, 12, 31))
    ReportRun.objects.create(
        kind="R6",
        title="R6",
        parameters=r6(task),
        scope={"task": task.pk},
        variant="shared",
        language="pl",
        period_start=task.starts_on,
        period_end=task.ends_on,
        is_official=True,
    )
    with time_machine.travel(at(7, 25), tick=False):
        assert task_services.due_reports() == {"drafts": 0, "reminders": 0}
    from post_office.models import Email

    assert not Email.objects.exists()
    assert ReportRun.objects.count() == 1
    task.refresh_from_db()
    assert task.draft_requested_at is not None and task.reminder_sent_at is not None


@pytest.mark.django_db
def test_tasks_commissioned_per_organisation(organisation_a, organisation_b):
    from calportal.public_tasks.figures import tasks_commissioned
    from calportal.reports.periods import Period

    make_task(organisation_a)  # 2026-03-01 – 06-30, 3000
    make_task(organisation_a, starts_on=D(2025, 11, 1), ends_on=D(2026, 1, 15), grant_amount=500)
    make_task(organisation_b, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))  # not in 2026
    assert tasks_commissioned(Period(D(2026, 1, 1), D(2026, 12, 31))) == {
        organisation_a.pk: {"tasks": 2, "amount": Decimal("3500.00")}
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    ["a\x00b", "9999-01-01", "0001-01-01", "x" * 10000, str(2**63), "1e400", "NaN"],
)
def test_hostile_input_is_refused_with_a_message(login, staff, organisation_a, hostile):
    fields = ("contract_number", "contract_date", "ends_on", "grant_amount", "title")
    data = form_data(organisation=str(organisation_a.pk), **dict.fromkeys(fields, hostile))
    data.update({"results-0-target": hostile, "costs-0-planned": hostile})
    response = login(staff).post(reverse("public_tasks:create"), data)
    assert response.status_code == 200
    assert not PublicTask.objects.exists()


@pytest.mark.django_db
def test_a_partner_prepares_r6_of_their_task_for_its_own_period(
    login, tasks, partner_a, django_capture_on_commit_callbacks
):
    client = login(partner_a)
    data = {
        "task": str(tasks["a"].pk),
        "timeframe": "own",
        "comparison": "none",
        "variant": "shared",
        "language": "pl",
    }
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reports:new", args=["R6"]), data)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert run.scope == {"task": tasks["a"].pk} and run.requested_by == partner_a
    assert (run.period_start, run.period_end) == (D(2026, 3, 1), D(2026, 6, 30))
    refused = client.post(reverse("reports:new", args=["R6"]), {**data, "task": tasks["b"].pk})
    assert refused.status_code == 200 and "task" in refused.context["form"].errors
    assert ReportRun.objects.count() == 1
