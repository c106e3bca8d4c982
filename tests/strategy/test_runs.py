"""R2, R3 and R7 as runs: who may have which variant (REPORTS.md §8), the files they make, the
XLSX printing the PDF's figures, and R2's forecasts typed on the run reaching both files.

Set ``H5_PDF_DIR`` to keep the PDFs (to look at them as PNGs)."""

import datetime
import io
import os
import subprocess
import tempfile
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook

from calportal.accounts.roles import Role
from calportal.reports import access, services
from calportal.reports.documents import run_dataset
from calportal.reports.models import RunStatus
from calportal.reports.render.xlsx import render_xlsx
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
KINDS = ("R2", "R3", "R7")


def _TITLE():
    from django.utils.translation import gettext

    return gettext("Forms of cooperation by sector")


def _parameters(kind, variant="internal", language="pl"):
    return {
        "kind": kind,
        "scope": {},
        "timeframe": "custom:2025-01-01/2025-12-31",
        "comparison": "none",
        "variant": variant,
        "language": language,
        "k": 3,
    }


@pytest.fixture
def venue_staff(roles):
    return UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)


@pytest.mark.parametrize("kind", KINDS)
def test_ops_staff_get_every_variant_the_team_the_shared_one_others_none(
    kind, staff, team_member, partner_a, venue_staff
):
    assert access.allowed_variants(staff, kind) == ["internal", "shared"]
    assert access.allowed_variants(team_member, kind) == ["shared"]
    assert access.allowed_variants(partner_a, kind) == []
    assert access.allowed_variants(venue_staff, kind) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_team_member_cannot_ask_for_the_internal_variant(kind, team_member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_request(parameters=_parameters(kind), requested_by=team_member)


def _rendered(kind, user, capture, language="pl", variant="internal"):
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        run = services.report_request(
            parameters=_parameters(kind, variant, language), requested_by=user
        )
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error
    return run


def _pdf_text(run) -> str:
    data = run.pdf.file.read()
    keep = os.environ.get("H5_PDF_DIR")
    if keep:
        with open(f"{keep}/{run.kind}-{run.language}-{run.variant}.pdf", "wb") as file:
            file.write(data)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        return subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout


@pytest.mark.django_db
def test_r3_pdf_and_xlsx_print_the_same_figures(data, staff, django_capture_on_commit_callbacks):
    run = _rendered("R3", staff, django_capture_on_commit_callbacks)
    assert [d.content_type for d in run.files()] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    workbook = load_workbook(io.BytesIO(run.xlsx.file.read()))
    rows = {
        row[0]: row
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and row[0]
    }
    # baseline (year), target (year), 2024, 2025, Δ, path (50,0%), status, source
    a = rows["A rośnie (osoby)"]
    assert a[1:7] == ("100 (2020)", "200 (2030)", 120, 150, 30, 0.5)
    text = _pdf_text(run)
    assert "A rośnie" in text and "50,0%" in text and "110,0%" in text


@pytest.mark.django_db
def test_r7_xlsx_totals_equal_the_pdfs(data, staff, django_capture_on_commit_callbacks):
    run = _rendered("R7", staff, django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(run.xlsx.file.read()))
    sheet = next(s for s in workbook.worksheets if s.cell(row=1, column=1).value == _TITLE())
    total = {row[0]: row[-1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert list(total.values())[:12] == [4, 1, 1, 3000, 1, 1, 1, 0, 1, 2, 4.5, 2]
    text = _pdf_text(run)
    assert "3 000,00" in text.replace("\xa0", " ")


@pytest.mark.django_db
def test_r2_forecasts_typed_on_the_run_reach_the_files(
    data, staff, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(parameters=_parameters("R2"), requested_by=staff)
        services.report_build(run_id=run.pk)
        run.refresh_from_db()
        services.narrative_save(
            run=run, texts={"forecast_PE1_1": "3", "forecast_VO3_2": "6.50"}, by=staff
        )
    run.refresh_from_db()
    dataset = run_dataset(run)
    table = dataset["sections"][0]["tables"][0]
    pe1 = next(r for r in table["rows"] if r["key"] == "PE1")
    assert [c["display"] for c in pe1["cells"]] == ["0", "1", "2", "3", "."]
    workbook = load_workbook(io.BytesIO(render_xlsx(dataset)))
    sheet = next(s for s in workbook.worksheets if s.title == "OZPS-CAL")
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values[pe1["label"]] == (0, 1, 2, 3, ".")
    vo3 = next(r for r in table["rows"] if r["key"] == "VO3")
    assert values[vo3["label"]] == (0, 0, 4.5, ".", 6.5)


def _built(kind, user, capture, variant="internal"):
    with time_machine.travel(NOW, tick=False), capture(execute=False):
        run = services.report_request(parameters=_parameters(kind, variant), requested_by=user)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_staff_type_a_forecast_on_the_r2_run_page(
    data, staff, login, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    run = _built("R2", staff, django_capture_on_commit_callbacks)
    client = login(staff)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert 'name="forecast_PE1_1"' in page and "OZPS-CAL" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("reports:run_narrative", args=[run.pk]),
            {"forecast_PE1_1": "abc", "forecast_VO3_2": "6,5"},
        )
    assert response.status_code == 200  # not a number: the form says so, nothing saved
    run.refresh_from_db()
    assert not run.narrative.get("forecast_VO3_2")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reports:run_narrative", args=[run.pk]), {"forecast_PE1_1": "3"})
    run.refresh_from_db()
    assert run.narrative["forecast_PE1_1"] == "3"


@pytest.mark.django_db
def test_a_team_member_reads_the_shared_r3_run_page(
    data, team_member, login, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    run = _built("R3", team_member, django_capture_on_commit_callbacks, variant="shared")
    page = login(team_member).get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "A rośnie (osoby)" in page and "100 (2020)" in page and "&lt; 3" in page
