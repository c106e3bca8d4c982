"""The report's formats lay out a finalised dataset the same way: the workbook keeps numbers as
numbers and what the suppression rule hides as its text, the CSV files are what Polish Excel
opens, each chart is small, labelled SVG that leaves out what it must not show, and the PDF has
its headings, its legend on every page and a long table's header on each page.

The dataset is written by hand, as :func:`calportal.reports.finalise.finalise` leaves it (every
cell's text and suppression flag filled in).
"""

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from openpyxl import load_workbook

from calportal.documents.models import Document
from calportal.documents.registry import XLSX, ZIP, Build, register
from calportal.documents.services import document_render, document_request
from calportal.pdf import render_pdf
from calportal.reports.render import find_table, unique_names
from calportal.reports.render.charts import render_chart
from calportal.reports.render.csv import render_csv_zip
from calportal.reports.render.pdf import PDF_VARIANT, report_pdf_build
from calportal.reports.render.xlsx import render_xlsx
from tests.conftest import require
from tests.factories import UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report-formats"
LEGEND = (
    "< 3 – dane utajnione (mniej niż 3 osoby); — nie dotyczy lub za mała podstawa; . – brak danych"
)
MONTHS = ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
          "wrzesień", "październik", "listopad", "grudzień"]  # fmt: skip
SVG = "{http://www.w3.org/2000/svg}"
COLLAPSED = "Za mało danych."


def polish(value) -> str:
    """A number as finalise prints it in Polish (the renderers never format numbers)."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}"
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\u00a0").replace(".", ",")


def shown(value, *, unit="count") -> dict:
    display = f"{polish(value)}%" if unit == "percent" else polish(value)
    return {"value": value, "na": False, "contributors": None, "largest": None,
            "derived_from": None, "display": display, "suppressed": False}  # fmt: skip


def hidden(value, k=3) -> dict:
    return {"value": value, "na": False, "contributors": None, "largest": None,
            "derived_from": None, "display": f"< {k}", "suppressed": True}  # fmt: skip


def no_data() -> dict:
    return {"value": None, "na": False, "contributors": None, "largest": None,
            "derived_from": None, "display": ".", "suppressed": False}  # fmt: skip


def column(key, label, unit="count", total=False) -> dict:
    return {"key": key, "label": label, "unit": unit, "indicator": None, "total": total}


def row(key, label, cells, total=False) -> dict:
    return {"key": key, "label": label, "total": total, "cells": cells}


def table(id, title, stub, columns, rows, *, collapsed=False, note=None) -> dict:
    return {"id": id, "title": title, "stub": stub, "k": 3, "columns": columns, "rows": rows,
            "note": note, "collapsed": collapsed, "legend": LEGEND,
            "notice": COLLAPSED if collapsed else None}  # fmt: skip


def chart(id, kind, title, table, series, *, line=None, omit=(), note=None) -> dict:
    return {"id": id, "kind": kind, "title": title, "table": table, "series": series,
            "line": line, "categories": "rows", "summary": f"Podsumowanie: {title}.",
            "alt": f"Wykres: {title}", "omit": list(omit), "note": note}  # fmt: skip


def finalised_dataset() -> dict:
    ages = [("0-17", 12, 10), ("18-29", 7, 5), ("30-44", 9, 8), ("45-54", 6, 4),
            ("55-59", 5, 3), ("60-64", 14, 9), ("65-74", 22, 13), ("75-84", 11, 6),
            ("85+", 4, 2)]  # fmt: skip
    age_rows = [
        row(key, key.replace("-", "–"),
            [shown(w), hidden(m) if m < 3 else shown(m), shown(0), shown(w + m, unit="count")])
        for key, w, m in ages
    ]  # fmt: skip
    age_rows.append(row("total", "Razem", [shown(90), shown(60), shown(0), shown(150)], True))
    areas = [("os-slonecznej", "Osiedle Słoneczne", 40, 400, 10.0),
             ("os-jezioro", "Osiedle Jeziorne", 30, 250, 12.0),
             ("wies-b", "Sołectwo Bodzyniewo", 2, 80, None)]  # fmt: skip
    area_rows = [
        row(key, label, [
            shown(pe1) if pe1 >= 3 else hidden(pe1), shown(residents),
            shown(rate, unit="percent") if rate is not None else
            {**no_data(), "na": True, "display": "—"},
        ])
        for key, label, pe1, residents, rate in areas
    ]  # fmt: skip
    month_rows = [
        row(f"{n:02}", name, [shown(100 + 10 * n), shown(90 + 12 * n) if n != 5 else no_data(),
                              shown(40.25 + n)])
        for n, name in enumerate(MONTHS, start=1)
    ]  # fmt: skip
    month_rows.append(row("total", "Razem", [shown(2580), no_data(), shown(561.0)], True))
    hours_rows = [
        row(f"{n:02}", name[:3], [shown(10.5 + n), shown(5.0 * (n % 3 + 1)),
                                  hidden(2.0) if n == 2 else shown(3.75)])
        for n, name in enumerate(MONTHS, start=1)
    ]  # fmt: skip
    organisations = [
        row(f"org-{n}", f"Stowarzyszenie nr {n} „Przyjaciele Śremu”", [shown(n + 3), shown(n)])
        for n in range(1, 46)
    ]
    return {
        "kind": "R1",
        "title": "Sprawozdanie z działalności CAL",
        "subtitle": "Rozdział sprawozdania OPS za 2025 rok",
        "language": "pl",
        "variant": "shared",
        "scope": {"kind": "cal", "id": None, "label": "Całe CAL"},
        "period": {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "label": "rok 2025",
            "identifier": "year_previous",
        },  # fmt: skip
        "comparison": {
            "start": "2024-01-01",
            "end": "2024-12-31",
            "label": "rok 2024",
            "mode": "same_period_last_year",
        },  # fmt: skip
        "data_as_of": "2026-01-15T08:30:00+01:00",
        "k": 3,
        "run": {"number": "R1/2026/0003", "version": 2},
        "notice": None,
        "legend": LEGEND,
        "kpis": [
            {
                "id": "PE1",
                "label": "Uczestnicy (osoby)",
                "unit": "count",
                "value": 150,
                "comparison": 120,
                "display": "150",
                "comparison_display": "120",
                "delta_display": "+30 (+25,0%)",
                "suppressed": False,
                "comparison_suppressed": False,
            },
            {
                "id": "VO3",
                "label": "Godziny wolontariatu",
                "unit": "hours",
                "value": 1234.5,
                "comparison": 1000.0,
                "display": "1\u00a0234,50",
                "comparison_display": "1\u00a0000,00",
                "delta_display": "+234,50 (+23,5%)",
                "suppressed": False,
                "comparison_suppressed": False,
            },
            {
                "id": "SH1",
                "label": "Grupy samopomocowe",
                "unit": "count",
                "value": 2,
                "comparison": 4,
                "display": "< 3",
                "comparison_display": "4",
                "delta_display": "—",
                "suppressed": True,
                "comparison_suppressed": False,
            },
        ],  # fmt: skip
        "sections": [
            {
                "id": "uczestnicy",
                "title": "Uczestnicy",
                "text": ["Osoby obecne co najmniej raz w okresie."],
                "tables": [
                    table(
                        "wiek-plec",
                        "Uczestnicy według wieku i płci",
                        "Wiek",
                        [
                            column("female", "Kobiety"),
                            column("male", "Mężczyźni"),
                            column("not_given", "Nie podano"),
                            column("total", "Razem", total=True),
                        ],
                        age_rows,
                    ),
                    table(
                        "obszary",
                        "Zasięg według obszaru",
                        "Obszar",
                        [
                            column("pe1", "Uczestnicy (PE1)"),
                            column("residents", "Mieszkańcy 60+"),
                            column("re1", "Zasięg RE1 (%)", unit="percent"),
                        ],
                        area_rows,
                    ),
                    table(
                        "nowi-powracajacy",
                        "Nowi i powracający",
                        "Uczestnicy",
                        [column("current", "2025"), column("previous", "2024")],
                        [row("new", "nowi", [hidden(1), hidden(2)])],
                        collapsed=True,
                    ),
                ],  # fmt: skip
                "charts": [
                    chart(
                        "piramida",
                        "pyramid",
                        "Uczestnicy według płci i wieku",
                        "wiek-plec",
                        ["female", "male"],
                        note="Słupki poniżej 3 osób pominięto.",
                    ),
                    chart(
                        "zasieg",
                        "hbar",
                        "Zasięg według obszaru",
                        "obszary",
                        ["re1"],
                        omit=["wies-b"],
                        note="Pominięto obszary z utajnionymi danymi.",
                    ),
                ],  # fmt: skip
                "narrative": [],
            },
            {
                "id": "frekwencja",
                "title": "Frekwencja i wolontariat",
                "text": ["Obecności według miesięcy.", "Godziny według organizacji."],
                "tables": [
                    table(
                        "miesiace",
                        "Obecności według miesięcy",
                        "Miesiąc",
                        [
                            column("at1", "Obecności 2025"),
                            column("at1_prev", "Obecności 2024"),
                            column("hours", "Godziny", unit="hours"),
                        ],
                        month_rows,
                    ),
                    table(
                        "godziny-organizacje",
                        "Godziny wolontariatu według organizacji",
                        "Miesiąc",
                        [
                            column("a", "Fundacja A", "hours"),
                            column("b", "Stowarzyszenie B", "hours"),
                            column("c", "Klub C", "hours"),
                        ],
                        hours_rows,
                    ),
                    table(
                        "organizacje",
                        "Organizacje partnerskie",
                        "Organizacja",
                        [column("events", "Wydarzenia"), column("volunteers", "Wolontariusze")],
                        organisations,
                        note="Organizacje współpracujące w okresie.",
                    ),
                ],  # fmt: skip
                "charts": [
                    chart(
                        "obecnosci",
                        "bar_line",
                        "Obecności według miesięcy",
                        "miesiace",
                        ["at1"],
                        line="at1_prev",
                    ),
                    chart("obecnosci-slupki", "bar", "Obecności 2025", "miesiace", ["at1"]),
                    chart(
                        "godziny",
                        "stacked",
                        "Godziny według organizacji",
                        "godziny-organizacje",
                        ["a", "b", "c"],
                    ),
                ],  # fmt: skip
                "narrative": [],
            },
            {
                "id": "wnioski",
                "title": "Wnioski i potrzeby na kolejny rok",
                "text": [],
                "tables": [],
                "charts": [],
                "narrative": [
                    {
                        "key": "conclusions",
                        "label": "Wnioski",
                        "text": "Więcej zajęć dla osób 75+.\n\nPotrzebna druga sala.",
                    },
                    {"key": "needs", "label": "Potrzeby", "text": "Transport z sołectw."},
                ],  # fmt: skip
            },
        ],
        "definitions": [
            {
                "id": "PE1",
                "name": "Uczestnicy (osoby)",
                "definition": "Liczba różnych osób obecnych co najmniej raz w okresie.",
                "unit": "count",
                "k": 3,
            },
            {
                "id": "VO3",
                "name": "Godziny wolontariatu",
                "definition": "Suma zatwierdzonych godzin z datą w okresie.",
                "unit": "hours",
                "k": 3,
            },
        ],  # fmt: skip
    }


def english(dataset: dict) -> dict:
    return {**dataset, "language": "en"}


@pytest.fixture(scope="module")
def dataset():
    return finalised_dataset()


# --- XLSX ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(dataset):
    return load_workbook(io.BytesIO(render_xlsx(english(dataset))))


def test_the_workbook_has_the_key_figures_first_a_sheet_per_table_and_the_appendices(workbook):
    assert workbook.sheetnames == [
        "Key figures",
        "Uczestnicy według wieku i płci",
        "Zasięg według obszaru",
        "Nowi i powracający",
        "Obecności według miesięcy",
        "Godziny wolontariatu według…",  # Excel's limit, 31 characters: cut at a word
        "Organizacje partnerskie",
        "Parameters",
        "Definitions",
        "Legend",
    ]


def test_sheet_names_are_cut_to_31_characters_and_kept_unique():
    names = unique_names(["A" * 40, "A" * 40, "legend"], limit=31, taken=["Legend"])
    assert names[0] == "A" * 30 + "…"  # cut, and marked as cut
    assert names[1] == "A" * 27 + " (2)" and names[2] == "legend (2)"
    assert all(len(name) <= 31 for name in names)


def test_numbers_stay_numbers_and_what_is_hidden_is_its_text(workbook):
    ages = workbook["Uczestnicy według wieku i płci"]
    assert [c.value for c in ages[3]] == ["Wiek", "Kobiety", "Mężczyźni", "Nie podano", "Razem"]
    assert ages["A3"].font.bold
    assert ages.freeze_panes == "B4"
    assert (ages["A4"].value, ages["B4"].value, ages["E4"].value) == ("0–17", 12, 22)
    assert ages["B4"].number_format == "#,##0"
    assert ages["C12"].value == "< 3"  # men 85+
    assert ages["A13"].value == "Razem" and ages["E13"].value == 150 and ages["E13"].font.bold
    assert ages["A15"].value == LEGEND

    areas = workbook["Zasięg według obszaru"]
    assert areas["D4"].value == pytest.approx(0.10)  # 10% as Excel keeps it
    assert areas["D4"].number_format == "0.0%"
    assert (areas["B6"].value, areas["D6"].value) == ("< 3", "—")

    months = workbook["Obecności według miesięcy"]
    assert months["D4"].value == 41.25 and months["D4"].number_format == "#,##0.00"
    assert months["C8"].value == "."  # no data for May last year


def test_the_key_figures_sheet_has_value_comparison_and_change(workbook):
    sheet = workbook["Key figures"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=6)]
    assert rows == [
        ["Indicator", "Figure", "rok 2025", "rok 2024", "Change (Δ)"],
        ["PE1", "Uczestnicy (osoby)", 150, 120, "+30 (+25,0%)"],
        ["VO3", "Godziny wolontariatu", 1234.5, 1000.0, "+234,50 (+23,5%)"],
        ["SH1", "Grupy samopomocowe", "< 3", 4, "—"],
    ]


def test_a_collapsed_table_prints_its_notice_and_the_appendices_their_texts(workbook):
    assert workbook["Nowi i powracający"]["A3"].value == COLLAPSED
    parameters = {row[0]: row[1] for row in workbook["Parameters"].iter_rows(values_only=True)}
    assert parameters["Period"] == "rok 2025"
    assert parameters["Report number"] == "R1/2026/0003"
    assert parameters["Version"] == "2"
    definitions = list(workbook["Definitions"].iter_rows(min_row=4, values_only=True))
    assert definitions[0][:3] == (
        "PE1",
        "Uczestnicy (osoby)",
        "Liczba różnych osób obecnych co najmniej raz w okresie.",
    )
    legend = [row[0] for row in workbook["Legend"].iter_rows(min_row=3, values_only=True)]
    assert legend == [
        "< 3 – dane utajnione (mniej niż 3 osoby)",
        "— nie dotyczy lub za mała podstawa",
        ". – brak danych",
    ]


# --- CSV -----------------------------------------------------------------------------------


def _read(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = archive.read(name)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_zip_has_a_polish_excel_file_per_table(dataset):
    archive = zipfile.ZipFile(io.BytesIO(render_csv_zip(dataset)))

    assert sorted(archive.namelist()) == sorted(
        ["najwazniejsze-liczby.csv", "wiek-plec.csv", "obszary.csv", "nowi-powracajacy.csv",
         "miesiace.csv", "godziny-organizacje.csv", "organizacje.csv", "parametry.csv",
         "definicje.csv"]
    )  # fmt: skip
    assert b";" in archive.read("miesiace.csv").splitlines()[0]
    months = _read(archive, "miesiace.csv")
    assert months[0] == ["Miesiąc", "Obecności 2025", "Obecności 2024", "Godziny"]
    assert months[1] == ["styczeń", "110", "102", "41,25"]
    assert months[5] == ["maj", "150", ".", "45,25"]
    assert months[-1] == ["Razem", "2580", ".", "561"]
    assert _read(archive, "wiek-plec.csv")[9][2] == "< 3"
    assert _read(archive, "obszary.csv")[1][3] == "10,0"
    assert _read(archive, "nowi-powracajacy.csv")[1] == [COLLAPSED]
    assert ["PE1", "Uczestnicy (osoby)", "150", "120", "+30 (+25,0%)"] in _read(
        archive, "najwazniejsze-liczby.csv"
    )


def test_an_english_csv_zip_keeps_the_separator_and_the_mark_but_writes_decimal_points(dataset):
    archive = zipfile.ZipFile(io.BytesIO(render_csv_zip(english(dataset))))

    assert {"parameters.csv", "definitions.csv", "key-figures.csv"} <= set(archive.namelist())
    assert _read(archive, "miesiace.csv")[1] == ["styczeń", "110", "102", "41.25"]
    assert ["Report number", "R1/2026/0003"] in _read(archive, "parameters.csv")


# --- Charts --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def charts(dataset):
    return {
        chart["id"]: (
            chart,
            render_chart(chart, find_table(dataset, chart["table"]), language="pl"),
        )
        for section in dataset["sections"]
        for chart in section["charts"]
    }


def _svg(chart: dict, dataset: dict) -> str:
    return render_chart(chart, find_table(dataset, chart["table"]), language="pl")


def _parse(svg: str):
    return ElementTree.fromstring(svg)  # noqa: S314 (our own renderer's output)


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in _parse(svg).iter(f"{SVG}text")]


def test_every_kind_of_chart_is_small_labelled_svg_with_text_as_text(charts):
    assert {chart["kind"] for chart, _svg in charts.values()} == {
        "bar", "bar_line", "pyramid", "hbar", "stacked"
    }  # fmt: skip
    for chart, svg in charts.values():
        assert svg.startswith("<svg")  # no XML prolog: it goes inside the HTML
        root = _parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-label") == chart["alt"]
        assert root.find(f"{SVG}title").text == chart["title"]
        assert len(svg.encode()) < 60_000, chart["kind"]
        assert "font-family=\"'DejaVu Sans'\"" in svg


def test_a_chart_leaves_out_the_rows_it_must_omit(charts):
    _chart, svg = charts["zasieg"]
    assert "Osiedle Słoneczne" in _texts(svg)
    assert "Sołectwo Bodzyniewo" not in _texts(svg)
    months = _texts(charts["obecnosci"][1])
    assert "styczeń" in months and "Razem" not in months  # the total row is no category


def test_a_hidden_cell_draws_no_bar_rather_than_a_bar_of_zero(dataset):
    table = find_table(dataset, "godziny-organizacje")
    chart = {"id": "c", "kind": "bar", "title": "Klub C", "table": table["id"],
             "series": ["c"], "line": None, "alt": "Klub C", "omit": []}  # fmt: skip
    svg = render_chart(chart, table, language="pl")
    # twelve months, February's hours of Klub C hidden: eleven bars in the series' colour
    assert svg.count('fill="#0072b2"') == 11


def test_an_unknown_kind_of_chart_is_refused(dataset):
    chart = {"id": "x", "kind": "pie", "title": "x", "table": "miesiace", "series": ["at1"]}
    with pytest.raises(ValueError):
        render_chart(chart, find_table(dataset, "miesiace"), language="pl")


# --- PDF -----------------------------------------------------------------------------------


def test_the_report_page_has_real_headings_header_cells_and_the_notice(dataset):
    guarded = {**dataset, "notice": "Za mało danych do publikacji."}
    template, context = report_pdf_build(guarded)
    with translation.override("pl"):
        html = render_to_string(template, context)

    assert '<html lang="pl">' in html
    assert html.count("<h1>") == 1
    assert "<h2>Uczestnicy</h2>" in html and "<h3>Zasięg według obszaru</h3>" in html
    assert '<th scope="col" class="stub">Wiek</th>' in html
    assert '<th scope="row">Razem</th>' in html
    assert 'role="img" aria-label="Wykres: Zasięg według obszaru"' in html
    assert html.count('class="report-notice" role="note">Za mało danych do publikacji.') == 2
    assert "<h3>Wnioski</h3>" in html and "<p>Potrzebna druga sala.</p>" in html


@pytest.fixture(scope="module")
def pdf_pages(dataset, tmp_path_factory):
    require(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    template, context = report_pdf_build(dataset)
    pdf = render_pdf(template, context, language="en", variant=PDF_VARIANT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_the_pdf_prints_the_legend_on_every_page(pdf_pages):
    assert len(pdf_pages) > 5
    for page in pdf_pages:
        assert "< 3 – dane utajnione (mniej niż 3 osoby)" in page


def test_the_pdf_has_its_cover_contents_and_sections_on_the_pages_the_contents_give(pdf_pages):
    cover, contents = pdf_pages[0], pdf_pages[1]
    assert "Sprawozdanie z działalności CAL" in cover
    assert "R1/2026/0003" in cover and "rok 2024" in cover
    assert "Key figures" in contents and "1 234,50" in contents
    for title, first_words in (
        ("Uczestnicy", "Osoby obecne co najmniej raz w okresie."),
        ("Frekwencja i wolontariat", "Obecności według miesięcy."),
        ("Definitions", "PE1 – Uczestnicy (osoby)"),
    ):
        page = int(re.search(rf"{title} \.*\s*(\d+)", contents).group(1))
        assert first_words in pdf_pages[page - 1], title
    assert COLLAPSED in "".join(pdf_pages)


def test_a_long_table_repeats_its_header_on_each_page(pdf_pages):
    pages = [page for page in pdf_pages if "Stowarzyszenie nr" in page]
    assert len(pages) >= 2
    for page in pages:
        assert re.search(r"Organizacja\s+Wydarzenia\s+Wolontariusze", page)


# --- Documents of other formats ------------------------------------------------------------


@register("tests.report_formats.xlsx", permission="documents.view_document")
def _workbook_document(params: dict) -> Build:
    # the function runs in the document's language
    return Build(content=lambda: get_language().encode(), content_type=XLSX, filename="a.xlsx")


@pytest.fixture
def owner(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return UserFactory(is_superuser=True)


def test_a_builder_may_return_a_spreadsheet_which_is_downloaded_as_one(owner, login):
    document = document_request(
        kind="tests.report_formats.xlsx", params={}, title="Zestawienie", requested_by=owner,
        language="en",
    )  # fmt: skip
    document_render(document_id=document.pk)
    document.refresh_from_db()
    client = login(owner)

    assert document.content_type == XLSX
    assert document.file.name.endswith(".xlsx")
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert b"".join(response.streaming_content) == b"en"
    detail = client.get(f"/en{document.get_absolute_url()}").content.decode()
    assert "Format: XLSX" in detail and "Download the XLSX file" in detail
    assert "<td>XLSX</td>" in client.get(reverse("documents:list")).content.decode()


def test_a_pdf_document_stays_a_pdf(owner):
    document = Document.objects.create(kind="x", title="x", requested_by=owner)
    assert (document.content_type, document.format_label) == ("application/pdf", "PDF")


def test_a_build_is_either_a_template_or_content_of_a_known_type():
    assert Build("pdf/base.html", {}, "a.pdf").content_type == "application/pdf"
    assert Build(content=b"PK", content_type=ZIP, filename="a.zip").content == b"PK"
    with pytest.raises(ValueError):
        Build("pdf/base.html", {}, "a.pdf", content=b"x")
    with pytest.raises(ValueError):
        Build(filename="a.pdf")
    with pytest.raises(ValueError):
        Build(content=b"x", content_type="text/html", filename="a.html")
    with pytest.raises(ValueError):
        Build("pdf/base.html", {}, "a.xlsx", content_type=XLSX)


def test_the_map_shades_each_area_and_leaves_a_hidden_one_unlabelled(dataset):
    table = find_table(dataset, "obszary")
    square = [[17.00, 52.08], [17.02, 52.08], [17.02, 52.09], [17.00, 52.09], [17.00, 52.08]]
    chart = {
        "id": "mapa", "kind": "map", "title": "Zasięg na mapie", "table": "obszary",
        "series": ["re1"], "line": None, "alt": "Mapa zasięgu", "omit": ["wies-b"],
        "geometry": {
            "os-slonecznej": {"type": "Polygon", "coordinates": [square]},
            "os-jezioro": {"type": "MultiPolygon", "coordinates": [
                [[[x + 0.03, y] for x, y in square]], [[[x + 0.06, y] for x, y in square]]]},
            "wies-b": {"type": "Polygon", "coordinates": [[[x, y - 0.02] for x, y in square]]},
        },
    }  # fmt: skip
    svg = render_chart(chart, table, language="pl")
    texts = " ".join(_texts(svg))
    assert "Osiedle Słoneczne" in texts and "10,0" in texts and "12,0" in texts
    assert "Sołectwo Bodzyniewo" not in texts  # its figure is hidden: no label, no shade
    assert _parse(svg).get("aria-label") == "Mapa zasięgu"
    assert svg.count("<path") >= 4  # three areas' four polygons (and the scale)


def test_a_list_too_long_to_print_is_left_to_the_spreadsheet(dataset):
    # Every volunteer of a city (R8's hours per volunteer): the PDF says where the list is
    # instead of printing a hundred pages; the XLSX has every row.
    from calportal.reports.render.pdf import MAX_PDF_ROWS

    long = table(
        "per_person",
        "Per person",
        "Person",
        [column("hours", "Hours")],
        [row(f"p{n}", f"Person {n}", [shown(n)]) for n in range(MAX_PDF_ROWS + 1)],
    )
    data = {**dataset, "sections": [*dataset["sections"]]}
    data["sections"].append(
        {"id": "long", "title": "Long", "text": [], "tables": [long], "charts": []}
    )
    with translation.override("en"):
        _template, context = report_pdf_build(data)
        block = context["sections"][-1]["blocks"][0]
        html = render_to_string("pdf/reports/_table.html", {"table": block["table"]})
    assert block["table"]["rows"] == [] and block["table"]["too_long"] == MAX_PDF_ROWS + 1
    assert "Person 1<" not in html and "301 rows: too many to print" in html
    workbook = load_workbook(io.BytesIO(render_xlsx(data)))
    assert any(sheet.max_row > MAX_PDF_ROWS for sheet in workbook.worksheets)
