"""The report as a PDF (REPORTS.md §4): the documents pipeline renders
``templates/pdf/reports/report.html`` with the context :func:`report_pdf_build` prepares.

The page: a cover with the report's parameters, a table of contents with page numbers, the key
figures as cards, each section with its text, tables and charts (a chart as inline SVG, then its
one-sentence summary and note, then its data table), the narrative fields, the definitions
appendix, and the legend at the foot of every page."""

from django.utils.safestring import mark_safe

from calportal.reports.render import (
    find_table,
    in_language,
    report_facts,
    unit_label,
)
from calportal.reports.render.charts import render_chart

TEMPLATE = "pdf/reports/report.html"
# Tagged PDF for screen readers (REPORTS.md §4): headings, tables with their header cells,
# the charts' alt texts and the document's language reach the PDF's structure tree. Pass it as
# ``Build(..., pdf_variant=PDF_VARIANT)`` or ``render_pdf(..., variant=PDF_VARIANT)``.
PDF_VARIANT = "pdf/ua-1"


# Tables of this many columns (besides the stub) are printed on a landscape page.
LANDSCAPE_COLUMNS = 8
# Tables of more rows than this are not printed in the PDF, only in the XLSX and CSV files.
MAX_PDF_ROWS = 300


def report_pdf_build(dataset: dict) -> tuple[str, dict]:
    """``(template, context)`` for :func:`calportal.pdf.render_pdf` (render it in
    ``dataset["language"]``: the template's own words follow the active language; with
    ``variant=PDF_VARIANT`` for a tagged PDF)."""
    language = dataset.get("language") or "pl"
    with in_language(dataset):
        context = {
            "report": dataset,
            "language": language,
            "facts": report_facts(dataset, with_title=False),
            "sections": [_section(section, dataset, language) for section in dataset["sections"]],
            "definitions": [
                {**definition, "unit_label": unit_label(definition.get("unit"))}
                for definition in dataset.get("definitions", [])
            ],
        }
    return TEMPLATE, context


def _section(section: dict, dataset: dict, language: str) -> dict:
    """The section's blocks in order: each table with the charts drawn from it before it, then
    any chart whose table is in another section (that table printed again after it)."""
    charts = list(section.get("charts", []))
    blocks = []
    for table in section.get("tables", []):
        own = [chart for chart in charts if chart["table"] == table["id"]]
        blocks.append({"table": table, "charts": _drawn(own, table, language)})
    own_tables = {table["id"] for table in section.get("tables", [])}
    for chart in charts:
        if chart["table"] not in own_tables:
            table = find_table(dataset, chart["table"])
            if table is not None:
                blocks.append({"table": table, "charts": _drawn([chart], table, language)})
    # A list longer than a PDF can usefully hold (every volunteer of the city) is left to the
    # spreadsheet: the PDF says so instead of printing a hundred pages.
    blocks = [
        {**block, "table": {**block["table"], "rows": [], "too_long": len(block["table"]["rows"])}}
        if len(block["table"]["rows"]) > MAX_PDF_ROWS
        else block
        for block in blocks
    ]
    # A section with a wide table is printed on landscape pages, its heading and its other
    # tables with it (rather than a heading alone on a portrait page).
    wide = any(len(block["table"]["columns"]) >= LANDSCAPE_COLUMNS for block in blocks)
    return {**section, "blocks": blocks, "landscape": wide}


def _drawn(charts: list[dict], table: dict, language: str) -> list[dict]:
    if table.get("collapsed"):
        return []  # the table's notice says why there is nothing to draw
    return [
        # matplotlib escapes the labels it writes; the title and alt are escaped by render_chart
        {"chart": chart, "svg": mark_safe(render_chart(chart, table, language=language))}  # noqa: S308
        for chart in charts
        if chart.get("omit") is not True
    ]
