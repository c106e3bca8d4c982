"""R4 built by the report engine: tables (a)–(d) against hand-computed values, the shared
variant's suppression, and the PDF and XLSX printing the same figures."""

import datetime
import io
import os
import shutil
import subprocess
import tempfile
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from calportal.reports import access, services
from calportal.reports.figures import Scope
from calportal.reports.models import RunStatus

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOW = datetime.datetime(2027, 1, 20, 9, 0, tzinfo=WARSAW)


def _parameters(project, period, variant="internal", language="pl"):
    return {
        "kind": "R4",
        "scope": {"project": project.pk},
        "timeframe": f"project:{project.pk}/{period.pk}",
        "comparison": "none",
        "variant": variant,
        "language": language,
        "k": 3,
    }


def _build(staff, parameters, capture):
    with time_machine.travel(NOW, tick=False), capture(execute=False):
        run = services.report_request(parameters=parameters, requested_by=staff)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error
    return run


def _table(run, table_id):
    for section in run.dataset["sections"]:
        for table in section["tables"]:
            if table["id"] == table_id:
                return table
    raise KeyError(table_id)


def _values(table):
    return {row["key"]: [cell["value"] for cell in row["cells"]] for row in table["rows"]}


def _displays(table):
    return {row["key"]: [cell["display"] for cell in row["cells"]] for row in table["rows"]}


def test_r4_for_the_second_half_year(project_data, staff, django_capture_on_commit_callbacks):
    data = project_data
    run = _build(
        staff, _parameters(data["project"], data["h2"]), django_capture_on_commit_callbacks
    )
    assert (run.period_start, run.period_end) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31),
    )
    indicators = _values(_table(run, "indicators"))
    # Started: in H2 women 1 (G), men 2 (B, F), total 4 (C not given); cumulative from
    # 1.01.2026: women 2 (A, G), men 2, total 5 — A is not counted again in H2; 5/50 = 10 %.
    started_key, typed_key = f"indicator-{data['started'].pk}", f"indicator-{data['typed'].pk}"
    assert indicators[f"{started_key}-target"] == [30, 20, 50, None]
    assert indicators[f"{started_key}-period"] == [1, 2, 4, None]
    assert indicators[f"{started_key}-cumulative"] == [2, 2, 5, 10.0]
    # Typed: H2 2/1/3; cumulative H1 + H2 = 3/1/4; 4/10 = 40 %.
    assert indicators[f"{typed_key}-target"] == [None, None, 10, None]
    assert indicators[f"{typed_key}-period"] == [2, 1, 3, None]
    assert indicators[f"{typed_key}-cumulative"] == [3, 1, 4, 40.0]
    started = _values(_table(run, "started_age_sex"))
    # columns: women, men, not given, total
    assert started["<18"] == [0, 0, 0, 0]
    assert started["18-29"] == [0, 0, 0, 0]  # A started in H1
    assert started["30-54"] == [0, 1, 0, 1]  # F
    assert started["55+"] == [1, 1, 0, 2]  # G, B
    assert started["unknown"] == [0, 0, 1, 1]  # C
    assert started["total"] == [1, 2, 1, 4]
    disability = _values(_table(run, "started_disability"))
    assert disability["declared"] == [1, 2, 0, 3]
    assert disability["not_declared"] == [0, 0, 1, 1]
    settlement = _values(_table(run, "started_urban_rural"))
    assert settlement["urban"] == [0, 1, 0, 1]
    assert settlement["rural"] == [1, 1, 0, 2]
    assert settlement["outside"] == [0, 0, 1, 1]
    assert settlement["not_given"] == [0, 0, 0, 0]
    area = _values(_table(run, "started_area"))
    town, village = data["areas"]
    assert area[str(town.pk)] == [1] and area[str(village.pk)] == [2]
    assert area["outside"] == [1] and area["total"] == [4]
    support = _values(_table(run, "support"))
    # E2 only: 1 event, 2 h, 5 attendances, 5 persons, 1.0 per person.
    assert support == {"EV1": [1], "EV3": [2], "AT1": [5], "PE1": [5], "PE4": [1.0]}
    monthly = _values(_table(run, "started_monthly"))
    # Target 50 over 24 months: 2.1 a month; 4 started in August.
    assert monthly["2026-08"] == [4, 2.1] and monthly["2026-07"] == [0, 2.1]
    kpis = {k["label"]: k["value"] for k in run.dataset["kpis"]}
    assert list(kpis.values()) == [4, 5, 5, 1, 5]  # PR1, PR1 since the start, PE1, EV1, AT1


def test_r4_for_the_first_half_year_counts_a(
    project_data, staff, django_capture_on_commit_callbacks
):
    data = project_data
    run = _build(
        staff, _parameters(data["project"], data["h1"]), django_capture_on_commit_callbacks
    )
    started = _values(_table(run, "started_age_sex"))
    assert started["18-29"] == [1, 0, 0, 1] and started["total"] == [1, 0, 0, 1]


def test_the_shared_variant_hides_the_disability_counts_below_five(
    project_data, staff, django_capture_on_commit_callbacks
):
    data = project_data
    run = _build(
        staff,
        _parameters(data["project"], data["h2"], "shared"),
        django_capture_on_commit_callbacks,
    )
    disability = _table(run, "started_disability")
    assert disability["k"] == 5
    # 3 declared (< 5) and its cells 1 and 2: hidden; the total 4 < 5 collapses the table.
    shown = _displays(disability)
    assert "3" not in shown["declared"]
    assert all(cell["suppressed"] for cell in disability["rows"][0]["cells"] if cell["value"])


def test_only_ops_staff_may_have_r4(project_data, staff, team_member, partner_a):
    scope = Scope(project=project_data["project"].pk)
    assert access.may_run(staff, "R4", scope, "internal")
    assert access.may_run(staff, "R4", scope, "shared")
    for user in (team_member, partner_a):
        assert not access.may_run(user, "R4", scope, "shared")
        with pytest.raises(PermissionDenied):
            services.report_request(
                parameters=_parameters(project_data["project"], project_data["h2"], "shared"),
                requested_by=user,
            )


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_pdf_and_the_spreadsheet_print_the_same_figures(
    project_data, staff, django_capture_on_commit_callbacks, language
):
    from openpyxl import load_workbook

    data = project_data
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(
            parameters=_parameters(data["project"], data["h2"], language=language),
            requested_by=staff,
        )
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error
    workbook = load_workbook(io.BytesIO(run.xlsx.file.read()))
    sheet_title = _table(run, "started_age_sex")["title"]
    sheet = next(ws for ws in workbook.worksheets if ws.cell(row=1, column=1).value == sheet_title)
    totals = [
        row for row in sheet.iter_rows(values_only=True) if row and row[0] in ("Razem", "Total")
    ]
    assert totals and list(totals[-1][1:5]) == [1, 2, 1, 4]
    pdf_bytes = run.pdf.file.read()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(pdf_bytes)
        pdf.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
        # To look at the pages: R4_PDF_DIR=/tmp/h3 pytest … then pdftoppm the copies.
        if os.environ.get("R4_PDF_DIR"):
            shutil.copy(pdf.name, os.path.join(os.environ["R4_PDF_DIR"], f"r4-{language}.pdf"))
    assert data["project"].name in text
    assert data["project"].agreement_number in text
    # The indicator's rows: target 30/20/50, the period 1/2/4, cumulative 2/2/5 and 10 %.
    percent = "10,0" if language == "pl" else "10.0"
    flat = " ".join(text.split())
    assert "30 20 50 —" in flat
    assert "1 2 4 —" in flat
    assert f"2 2 5 {percent}" in flat


def test_the_shared_variant_of_a_period_with_too_few_persons_prints_the_notice(
    project_data, staff, django_capture_on_commit_callbacks
):
    data = project_data
    # H1: only A came (PE1 = 1 < 3): the whole-report guard (REPORTS.md §3.6).
    run = _build(
        staff,
        _parameters(data["project"], data["h1"], "shared"),
        django_capture_on_commit_callbacks,
    )
    assert run.dataset["notice"]
    started = _table(run, "started_age_sex")
    assert started["collapsed"]
