"""R6 – the public-task report (REPORTS.md §6 R6) on a small fixed data set, values by hand.

Task T (contract 2026-03-01 – 2026-06-30, organisation "Nadzieja") covers initiative I1 whole
and the single event E4 of initiative I2. Areas: A_town (urban), A_village (not urban).

    event  initiative  local start         length   status     present (absent)
    E0     I1          2026-02-20 10:00    2 h      held       P1           (before the task)
    E1     I1          2026-03-10 10:00    2 h      held       P1, P2
    E2     I1          2026-04-14 10:00    3 h      held       P1, P3 (P2 absent)
    E3     I1          2026-05-20 10:00    2 h      cancelled  —
    E4     I2          2026-06-05 16:00    1.5 h    held       P4           (linked single event)
    E5     I2          2026-06-06 10:00    2 h      held       P2           (not in the task)

    person  gender  born  age in 2026 → band  residence
    P1      woman   1950  76 → 75–84          A_town
    P2      man     1958  68 → 65–74          A_village
    P3      woman   1990  36 → 30–44          outside the municipality
    P4      —       —     not given           not given

Over the contract period: EV1 = E1, E2, E4 = 3; EV3 = 2 + 3 + 1.5 = 6.5 h;
AT1 = 2 + 2 + 1 = 5; PE1 = {P1, P2, P3, P4} = 4 (town 1, villages 1, outside 1, not given 1).

Volunteer hours (rate 30.00 zł/h): V1 approved 2026-03-10 4 h for I1; V2 approved
2026-04-14 2.5 h for I1 and submitted 2026-04-15 1 h for I1 (pending: never counted);
V3 approved 2026-06-06 3 h for I2 (I2 is not in the task as a whole). VO1 = 2,
VO3 = 6.5 h, VO4 = 6.5 × 30 = 195.00 zł.

Planned results: EV1 target 3 → 3, 100 %; PE1 target 5 → 4, 80.0 % (not flagged); AT1
target 7 → 5, 71.4 % (flagged); typed 79 of 100 → 79.0 % (flagged); typed 80 of 100 →
80.0 % (not flagged); typed with no value → "." (not flagged).

Costs: I.1 room (action 1) 2000.00 / 1800.50; I.2 materials (action 2) 1000.00 / 1100.00;
II.1 coordination 500.00 / 500.00 → per contract 3500.00, incurred 3400.50.
Sources: grant 3000.00 per contract, 2900.50 spent; own financial 200.00 / 150.00; own
non-financial per contract 300.00; incurred = VO4 195.00 + members' work 100.00 + in kind
55.00 = 350.00; own = 150.00 + 350.00 = 500.00; grant + own = 3400.50 = the costs incurred.
Shares incurred: 2900.50 ÷ 3400.50 = 85.296 → 85.3 %; 500 ÷ 2900.50 = 17.238 → 17.2 %;
350 ÷ 2900.50 = 12.067 → 12.1 %. Per contract: 3000 ÷ 3500 = 85.7 %; 500 ÷ 3000 = 16.7 %;
300 ÷ 3000 = 10.0 %.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from calportal.public_tasks.models import CostLine, PlannedResult, PublicTask, TaskAction
from calportal.reports import services
from calportal.reports.kinds.public_task import below_threshold, percent_of
from calportal.reports.models import RunStatus
from calportal.reports.periods import WARSAW, Period, PeriodError, resolve
from initiatives.models import Registration
from resources_map.models import Area
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ParticipantFactory,
)
from volunteers.models import EntryStatus, HoursEntry, Volunteer

D = datetime.date
NOW = datetime.datetime(2026, 7, 10, 9, 0, tzinfo=WARSAW)


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=WARSAW)


def set_rate(rate: Decimal) -> None:
    """The value of an hour of volunteer work, wherever VO4 reads it from (the settings or the
    dated rate table)."""
    from volunteers import models as volunteer_models

    if hasattr(volunteer_models, "VolunteerRate"):
        volunteer_models.VolunteerRate.objects.all().delete()
        volunteer_models.VolunteerRate.objects.create(
            valid_from=D(2000, 1, 1), hourly_rate=rate, source="test"
        )
    settings = volunteer_models.VolunteeringSettings.current()
    if hasattr(settings, "hourly_rate"):
        settings.hourly_rate = rate
        settings.save()


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        set_rate(Decimal("30.00"))
        town = Area.objects.create(name="Osiedle Jeziorany", kind="district", urban=True)
        village = Area.objects.create(name="Dąbrowa", kind="village", urban=False)
        nadzieja = OrganisationFactory(name="TPP „Nadzieja”")
        i1 = InitiativeFactory(title="Kawiarenka seniora", lead_organisation=nadzieja)
        i2 = InitiativeFactory(title="Piknik rodzinny", lead_organisation=nadzieja)

        def event(initiative, month, day, hours, hour=10, status="scheduled"):
            starts = at(month, day, hour)
            return EventFactory(
                initiative=initiative,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=hours),
                status=status,
            )

        e0 = event(i1, 2, 20, 2)
        e1 = event(i1, 3, 10, 2)
        e2 = event(i1, 4, 14, 3)
        event(i1, 5, 20, 2, status="cancelled")
        e4 = event(i2, 6, 5, 1.5, hour=16)
        e5 = event(i2, 6, 6, 2)
        p1 = ParticipantFactory(gender="woman", birth_year=1950, area=town)
        p2 = ParticipantFactory(gender="man", birth_year=1958, area=village)
        p3 = ParticipantFactory(gender="woman", birth_year=1990, outside_municipality=True)
        p4 = ParticipantFactory(gender="not_given", birth_year=None)
        for ev, person, attendance in [
            (e0, p1, "present"),
            (e1, p1, "present"),
            (e1, p2, "present"),
            (e2, p1, "present"),
            (e2, p3, "present"),
            (e2, p2, "absent"),
            (e4, p4, "present"),
            (e5, p2, "present"),
        ]:
            Registration.objects.create(
                event=ev, participant=person, status="confirmed", attendance=attendance, places=1
            )
        volunteers = [
            Volunteer.objects.create(
                organisation=nadzieja, first_name=f"V{n}", last_name="Testowy", birth_year=1990
            )
            for n in (1, 2, 3)
        ]
        for volunteer, day, hours, status, initiative in [
            (volunteers[0], D(2026, 3, 10), 4, EntryStatus.APPROVED, i1),
            (volunteers[1], D(2026, 4, 14), 2.5, EntryStatus.APPROVED, i1),
            (volunteers[1], D(2026, 4, 15), 1, EntryStatus.SUBMITTED, i1),
            (volunteers[2], D(2026, 6, 6), 3, EntryStatus.APPROVED, i2),
        ]:
            HoursEntry.objects.create(
                volunteer=volunteer,
                date=day,
                quarters=int(hours * 4),
                status=status,
                initiative=initiative,
                decided_at=None if status == EntryStatus.SUBMITTED else at(7, 1),
            )
        task = PublicTask.objects.create(
            contract_number="OPS.524.3.2026",
            contract_date=D(2026, 2, 25),
            title="Aktywny senior w gminie Śrem",
            organisation=nadzieja,
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 6, 30),
            grant_amount=Decimal("3000.00"),
            grant_spent=Decimal("2900.50"),
            own_financial_planned=Decimal("200.00"),
            own_financial=Decimal("150.00"),
            own_non_financial_planned=Decimal("300.00"),
            members_work_value=Decimal("100.00"),
            in_kind_value=Decimal("55.00"),
            other_revenue=Decimal("40.00"),
            other_revenue_info="Odsetki bankowe",
            recipient_fees=Decimal("0.00"),
        )
        task.initiatives.set([i1])
        task.events.set([e4])
        for position, (name, target, measured_by, typed) in enumerate(
            [
                ("Spotkania", "3", "EV1", None),
                ("Uczestnicy", "5", "PE1", None),
                ("Uczestnictwa", "7", "AT1", None),
                ("Ankiety", "100", "typed", "79"),
                ("Porady", "100", "typed", "80"),
                ("Publikacje", "10", "typed", None),
            ]
        ):
            PlannedResult.objects.create(
                task=task,
                position=position,
                name=name,
                target=Decimal(target),
                measured_by=measured_by,
                achieved_typed=None if typed is None else Decimal(typed),
                source="Listy obecności" if measured_by == "typed" else "",
            )
        a1 = TaskAction.objects.create(
            task=task,
            position=1,
            name="Spotkania kawiarenki",
            initiative=i1,
            planned_start=D(2026, 3, 1),
            planned_end=D(2026, 6, 30),
            description="Cotygodniowe spotkania.",
        )
        a2 = TaskAction.objects.create(
            task=task,
            position=2,
            name="Piknik",
            initiative=i2,
            planned_start=D(2026, 6, 1),
            planned_end=D(2026, 6, 30),
            deviations="Przesunięty o tydzień.",
        )
        TaskAction.objects.create(
            task=task,
            position=3,
            name="Promocja",
            planned_start=D(2026, 3, 1),
            planned_end=D(2026, 3, 31),
        )
        for kind, action, name, planned, incurred in [
            ("action", a1, "Wynajem sali", "2000.00", "1800.50"),
            ("action", a2, "Materiały", "1000.00", "1100.00"),
            ("administrative", None, "Koordynacja", "500.00", "500.00"),
        ]:
            CostLine.objects.create(
                task=task,
                kind=kind,
                action=action,
                name=name,
                planned=Decimal(planned),
                incurred=Decimal(incurred),
            )
        yield {"task": task, "i1": i1, "i2": i2}
        transaction.set_rollback(True)


def build(task, timeframe=None, variant="internal", language="en"):
    parameters = {
        "kind": "R6",
        "scope": {"task": task.pk},
        "timeframe": timeframe or f"task:{task.pk}",
        "comparison": "none",
        "variant": variant,
        "language": language,
        "k": 3,
    }
    with time_machine.travel(NOW, tick=False):
        run = services.report_request(parameters=parameters, requested_by=None)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error
    return run


def section(run, id):
    return next(s for s in run.dataset["sections"] if s["id"] == id)


def table(run, id):
    return next(t for s in run.dataset["sections"] for t in s["tables"] if t["id"] == id)


def values(tab):
    return {r["key"]: [c["value"] for c in r["cells"]] for r in tab["rows"]}


def displays(tab):
    return {r["key"]: [c["display"] for c in r["cells"]] for r in tab["rows"]}


@pytest.fixture(scope="module")
def final_run(data, django_db_blocker):
    with django_db_blocker.unblock():
        return build(data["task"])


@pytest.mark.django_db
def test_the_threshold_is_exact():
    assert below_threshold(Decimal("79"), Decimal("100"))
    assert not below_threshold(Decimal("80"), Decimal("100"))
    assert below_threshold(Decimal("7.998"), Decimal("10"))  # 79.98 % prints 80.0 % yet flagged
    assert percent_of(Decimal("7.998"), Decimal("10")) == Decimal("80.0")
    assert not below_threshold(None, Decimal("10"))


@pytest.mark.django_db
def test_the_task_period_identifier(data):
    task = data["task"]
    assert resolve(f"task:{task.pk}") == Period(D(2026, 3, 1), D(2026, 6, 30))
    for bad in ("task:999999", "task:abc", "task:"):
        with pytest.raises(PeriodError):
            resolve(bad)


@pytest.mark.django_db
def test_results_against_targets_flag_79_but_not_80(final_run):
    assert final_run.dataset["report_type"] == "final"
    results = section(final_run, "part1")["results"]
    got = [(r["name"], r["achieved"], r["percent"], r["below_target"]) for r in results]
    assert got == [
        ("Spotkania", 3, 100.0, False),
        ("Uczestnicy", 4, 80.0, False),
        ("Uczestnictwa", 5, 71.4, True),
        ("Ankiety", 79, 79.0, True),
        ("Porady", 80, 80.0, False),
        ("Publikacje", None, None, False),
    ]
    rows = table(final_run, "results")["rows"]
    assert [r["below_target"] for r in rows] == [False, False, True, True, False, False]
    assert rows[3]["label"] == "4. Ankiety — below the 80 % threshold"
    assert rows[4]["label"] == "5. Porady"
    assert displays(table(final_run, "results"))["result-4"] == ["100", "79", "79.0%"]
    assert displays(table(final_run, "results"))["result-6"] == ["10", ".", "."]


@pytest.mark.django_db
def test_the_scale_of_the_work(final_run):
    assert values(table(final_run, "scale")) == {
        "EV1": [3],
        "EV3": [6.5],
        "PE1": [4],
        "AT1": [5],
        "VO1": [2],
        "VO3": [6.5],
    }
    assert values(table(final_run, "residence")) == {
        "town": [1],
        "villages": [1],
        "outside": [1],
        "not_given": [1],
        "total": [4],
    }
    age = values(table(final_run, "age_gender"))
    assert age["75-84"] == [1, 0, 0, 1]
    assert age["65-74"] == [0, 1, 0, 1]
    assert age["30-44"] == [1, 0, 0, 1]
    assert age["total"] == [2, 1, 1, 4]


@pytest.mark.django_db
def test_actions_with_planned_and_actual_dates(final_run):
    actions = section(final_run, "part1_actions")["actions"]
    got = [(a["name"], a["actual_start"], a["actual_end"], a["events"]) for a in actions]
    assert got == [
        ("Spotkania kawiarenki", "2026-03-10", "2026-04-14", 2),
        ("Piknik", "2026-06-05", "2026-06-05", 1),
        ("Promocja", None, None, None),  # outside the portal: "—"
    ]
    text = section(final_run, "part1_actions")["text"]
    assert text[0].startswith("1. Spotkania kawiarenki. Planned: 1 Mar 2026 – 30 Jun 2026.")
    assert text[0].endswith("Carried out: 10 Mar 2026 – 14 Apr 2026. Cotygodniowe spotkania.")
    assert "Deviations: Przesunięty o tydzień." in text[1]
    assert "Carried out: not recorded in the portal." in text[2]


@pytest.mark.django_db
def test_the_expenditure_and_the_sources(final_run):
    assert values(table(final_run, "costs")) == {
        "action-1": [2000, 1800.5],
        "action-2": [1000, 1100],
        "action-sum": [3000, 2900.5],
        "administrative-1": [500, 500],
        "administrative-sum": [500, 500],
        "total": [3500, 3400.5],
    }
    sources = values(table(final_run, "sources"))
    assert sources["total"] == [3500, 3400.5]
    assert sources["grant"] == [3000, 2900.5]
    assert sources["own"] == [500, 500]
    assert sources["own_financial"] == [200, 150]
    assert sources["own_non_financial"] == [300, 350]
    assert sources["volunteers"] == [None, 195]
    assert sources["members"] == [None, 100]
    assert sources["in_kind"] == [None, 55]
    assert sources["grant_share"] == [85.7, 85.3]
    assert sources["own_share"] == [16.7, 17.2]
    assert sources["non_financial_share"] == [10.0, 12.1]
    assert table(final_run, "sources")["note"].count("differ") == 0  # they add up
    assert values(table(final_run, "other_revenue")) == {"other_revenue": [40]}
    assert table(final_run, "other_revenue")["note"] == "Odsetki bankowe"


@pytest.mark.django_db
def test_statements_and_narrative_fields(final_run):
    statements = section(final_run, "statements")["text"]
    assert statements[0] == "I (we) declare that:"
    assert statements[1] == (
        "1) since the date of the contract the legal status of the Contractor(s) has not changed;"
    )
    assert len(statements) == 6
    assert section(final_run, "part3")["narrative"][0]["key"] == "additional_info"


@pytest.mark.django_db
def test_a_period_before_the_contract_end_makes_a_partial_report(data):
    run = build(data["task"], timeframe="custom:2026-03-01/2026-04-30")
    assert run.dataset["report_type"] == "partial"
    assert run.dataset["title"] == "Partial report on the performance of a public task"
    assert values(table(run, "scale"))["EV1"] == [2]
    assert values(table(run, "sources"))["volunteers"] == [None, 195]  # V1 4 h + V2 2.5 h


@pytest.mark.django_db
def test_values_typed_on_the_task_are_frozen_into_the_run(data, final_run):
    task = data["task"]
    PublicTask.objects.filter(pk=task.pk).update(title="Zmieniony tytuł")
    CostLine.objects.filter(task=task, name="Koordynacja").update(incurred=Decimal("9999"))
    final_run.refresh_from_db()
    assert final_run.dataset["task"]["title"] == "Aktywny senior w gminie Śrem"
    assert values(table(final_run, "costs"))["total"] == [3500, 3400.5]


@pytest.mark.django_db
def test_the_shared_variant_hides_small_counts_but_not_money(data):
    run = build(data["task"], variant="shared")
    scale = displays(table(run, "scale"))
    assert scale["EV1"] == ["3"]  # events are not persons
    assert scale["VO1"] == ["< 3"]
    assert table(run, "residence")["collapsed"] is False
    assert displays(table(run, "residence"))["town"] == ["< 3"]
    assert values(table(run, "costs"))["total"] == [3500, 3400.5]
    assert displays(table(run, "sources"))["grant"] == ["PLN 3,000.00", "PLN 2,900.50"]


@pytest.mark.django_db
def test_the_pdf_and_the_spreadsheet_print_the_same_totals(data):
    """One PDF rendered (Polish): the costs and the sources print what the XLSX holds."""
    import io
    import subprocess
    import tempfile

    from openpyxl import load_workbook

    from calportal.pdf import render_pdf
    from calportal.reports.documents import run_dataset
    from calportal.reports.render.pdf import PDF_VARIANT, report_pdf_build
    from calportal.reports.render.xlsx import render_xlsx

    run = build(data["task"], language="pl")
    dataset = run_dataset(run)
    workbook = load_workbook(io.BytesIO(render_xlsx(dataset)))
    printed = {}
    for id in ("costs", "sources"):
        tab = table(run, id)
        sheet = next(s for s in workbook.worksheets if s["A1"].value == tab["title"])
        printed[id] = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True) if row[0]}
    total_label = table(run, "costs")["rows"][-1]["label"]
    assert printed["costs"][total_label] == (3500, 3400.5)  # numbers, not text
    grant_label = table(run, "sources")["rows"][1]["label"]
    assert printed["sources"][grant_label] == (3000, 2900.5)
    share_label = table(run, "sources")["rows"][8]["label"]
    assert printed["sources"][share_label] == (0.857, 0.853)  # stored as fractions
    template, context = report_pdf_build(dataset)
    pdf = render_pdf(template, context, language="pl", variant=PDF_VARIANT)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    for amount in ("3 500,00", "3 400,50", "2 900,50", "195,00", "85,3%", "17,2%", "12,1%"):
        assert amount in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert "OPS.524.3.2026" in text


def test_the_shared_variant_hides_a_small_portal_result_as_the_scale_table_does(data):
    # A result measured by VO1 (2 volunteers, target 5): "< 3" in Part I.1 as in the scale of
    # the work, its % hidden with it and no "below 80 %" flag that would tell (REPORTS.md §3).
    PlannedResult.objects.create(
        task=data["task"], position=10, name="Wolontariusze", target=Decimal("5"),
        measured_by="VO1", achieved_typed=None, source="",
    )  # fmt: skip
    run = build(data["task"], variant="shared")
    assert displays(table(run, "scale"))["VO1"] == ["< 3"]
    results = table(run, "results")
    row = next(row for row in results["rows"] if row["label"].endswith("Wolontariusze"))
    assert [cell["display"] for cell in row["cells"]][1:] == ["< 3", "x"]
    assert not row["below_target"]
    internal = table(build(data["task"], variant="internal"), "results")
    row = next(row for row in internal["rows"] if "Wolontariusze" in row["label"])
    assert [cell["display"] for cell in row["cells"]][1] == "2"
    assert row["below_target"]
