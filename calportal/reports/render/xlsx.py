"""The report as a workbook: the key figures first, one sheet per table, then the parameters,
the definitions and the legend (REPORTS.md §4). Numbers stay numbers (with a number format by
unit); what the suppression rule hides is text ("< 3"), as are "—" and "."."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from calportal.reports import dataset as shape
from calportal.reports import figures
from calportal.reports.render import (
    cell_number,
    cell_text,
    collapsed_notice,
    definitions_header,
    in_language,
    kpi_header,
    kpi_number,
    report_facts,
    unique_names,
    unit_label,
)

SHEET_NAME_LIMIT = 31  # Excel's
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
NUMBER_FORMATS = {
    figures.COUNT: "#,##0",
    figures.NUMBER: "#,##0",
    figures.USES: "#,##0",
    figures.HOURS: "#,##0.00",
    figures.PLN: "#,##0.00",
    figures.PERCENT: "0.0%",
    figures.MEAN: "#,##0.0",
}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
HEADER_ROW = 3  # a table's title is in row 1, its header in row 3


def render_xlsx(dataset: dict) -> bytes:
    """The finalised ``dataset`` as an XLSX file's bytes. Percentages (values 0–100) are stored
    as fractions with a percent format, so that Excel shows 12.5 as "12.5%"."""
    with in_language(dataset):
        workbook = Workbook()
        workbook.remove(workbook.active)
        tables = shape.tables(dataset)
        fixed = [_("Key figures"), _("Parameters"), _("Definitions"), _("Legend")]
        names = unique_names(
            [t["title"].translate(FORBIDDEN_IN_SHEET_NAMES) or t["id"] for t in tables],
            limit=SHEET_NAME_LIMIT,
            taken=fixed,
        )
        legend = dataset.get("legend") or ""
        _kpi_sheet(workbook.create_sheet(fixed[0]), dataset, legend)
        for table, name in zip(tables, names, strict=True):
            _table_sheet(workbook.create_sheet(name), table, table.get("legend") or legend)
        _parameters_sheet(workbook.create_sheet(fixed[1]), dataset)
        _definitions_sheet(workbook.create_sheet(fixed[2]), dataset)
        _legend_sheet(workbook.create_sheet(fixed[3]), legend)
        workbook.properties.title = dataset.get("title", "")
        workbook.properties.language = dataset.get("language", "")
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def _put(sheet, row: int, column: int, number, text: str, unit: str):
    """A number with its unit's format, or the text that stands for it."""
    target = sheet.cell(row=row, column=column)
    if number is None:
        target.value = text
        target.alignment = RIGHT
    else:
        # A percentage as Excel keeps it (0.125 for 12.5 %), without float noise.
        target.value = round(number / 100, 6) if unit == figures.PERCENT else number
        target.number_format = NUMBER_FORMATS.get(unit, "General")
    return target


def _header(sheet, row: int, labels: list[str]):
    for column, label in enumerate(labels, start=1):
        target = sheet.cell(row=row, column=column, value=label)
        target.font = BOLD
        target.fill = HEADER_FILL
        target.alignment = WRAP


def _widths(sheet, widths: list[int]):
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _title(sheet, text: str, notice: str | None = None) -> int:
    """The sheet's title in row 1 (and the whole-report notice under it); returns the first
    free row after a blank one."""
    sheet.cell(row=1, column=1, value=text).font = TITLE
    row = 2
    if notice:
        sheet.cell(row=2, column=1, value=notice).font = BOLD
        row = 3
    return row + 1


def _kpi_sheet(sheet, dataset: dict, legend: str):
    comparison = dataset.get("comparison")
    header_row = _title(sheet, _("Key figures"), dataset.get("notice"))
    _header(sheet, header_row, kpi_header(dataset))
    for row, kpi in enumerate(dataset.get("kpis", []), start=header_row + 1):
        sheet.cell(row=row, column=1, value=kpi["id"])
        sheet.cell(row=row, column=2, value=kpi["label"])
        value = kpi_number(kpi)
        _put(sheet, row, 3, value, kpi.get("display") or "", kpi["unit"])
        if comparison:
            previous = kpi_number(kpi, "comparison")
            _put(sheet, row, 4, previous, kpi.get("comparison_display") or "", kpi["unit"])
            sheet.cell(row=row, column=5, value=kpi.get("delta_display") or "").alignment = RIGHT
    if legend:
        last = header_row + len(dataset.get("kpis", []))
        sheet.cell(row=last + 2, column=1, value=legend).font = Font(italic=True, size=9)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _widths(sheet, [10, 48, 16, 16, 18])


def _table_sheet(sheet, table: dict, legend: str):
    sheet.cell(row=1, column=1, value=table["title"]).font = TITLE
    if table.get("collapsed"):
        sheet.cell(row=HEADER_ROW, column=1, value=collapsed_notice(table)).font = BOLD
        last = HEADER_ROW
        widths = [60]
    else:
        columns = table["columns"]
        _header(sheet, HEADER_ROW, [table.get("stub") or ""] + [c["label"] for c in columns])
        row_number = HEADER_ROW
        for row_number, row in enumerate(table["rows"], start=HEADER_ROW + 1):
            label = sheet.cell(row=row_number, column=1, value=row["label"])
            label.alignment = WRAP
            for index, (column, cell) in enumerate(zip(columns, row["cells"], strict=True)):
                target = _put(
                    sheet,
                    row_number,
                    index + 2,
                    cell_number(cell),
                    cell_text(cell),
                    cell.get("unit") or column["unit"],
                )
                if row.get("total") or column.get("total"):
                    target.font = BOLD
            if row.get("total"):
                label.font = BOLD
        last = row_number
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
        stub_width = max([len(r["label"]) for r in table["rows"]] + [len(table.get("stub") or "")])
        widths = [min(max(stub_width + 2, 14), 50)] + [
            min(max(len(c["label"]) // 2 + 2, 12), 24) for c in columns
        ]
    row_number = last + 2
    if table.get("note"):
        sheet.cell(row=row_number, column=1, value=table["note"])
        row_number += 1
    if legend:
        sheet.cell(row=row_number, column=1, value=legend).font = Font(italic=True, size=9)
    _widths(sheet, widths)


def _parameters_sheet(sheet, dataset: dict):
    first = _title(sheet, _("Parameters"), dataset.get("notice"))
    for row, (label, text) in enumerate(report_facts(dataset), start=first):
        sheet.cell(row=row, column=1, value=label).font = BOLD
        sheet.cell(row=row, column=2, value=text).alignment = WRAP
    _widths(sheet, [24, 70])


def _definitions_sheet(sheet, dataset: dict):
    header_row = _title(sheet, _("Definitions"))
    _header(
        sheet,
        header_row,
        definitions_header(),
    )
    for row, definition in enumerate(dataset.get("definitions", []), start=header_row + 1):
        values = [
            definition["id"],
            definition["name"],
            definition["definition"],
            unit_label(definition.get("unit")),
            definition.get("k"),
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value).alignment = WRAP
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _widths(sheet, [10, 30, 80, 12, 12])


def _legend_sheet(sheet, legend: str):
    first = _title(sheet, _("Legend"))
    parts = [part.strip() for part in legend.split(";") if part.strip()]
    for row, part in enumerate(parts, start=first):
        sheet.cell(row=row, column=1, value=part)
    _widths(sheet, [70])
