"""The report as a zip of CSV files, one per table, for spreadsheets and other programs
(REPORTS.md §4): UTF-8 with a byte-order mark and ";" between fields, as Polish Excel opens
them and the portal's own CSV import reads them. A Polish report writes decimal commas
("12,5"); an English one keeps the ";" and the mark but writes decimal points ("12.5"), so
that both open in a spreadsheet set to their language. Numbers are written without thousands
separators; what the suppression rule hides is its text ("< 3"), as are "—" and ".".
Percentages are written as percentages (12.5 for 12.5%), as the column's label says."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from calportal.reports import dataset as shape
from calportal.reports import figures
from calportal.reports.render import (
    cell_number,
    cell_text,
    collapsed_notice,
    definitions_header,
    file_slug,
    in_language,
    kpi_header,
    kpi_number,
    report_facts,
    unit_label,
)

BOM = "\ufeff"
SEPARATOR = ";"
# Decimal places a number keeps in a CSV field, by unit (REPORTS.md §1, rounding).
DECIMALS = {
    figures.HOURS: 2,
    figures.PLN: 2,
    figures.PERCENT: 1,
    figures.MEAN: 1,
}
# The fixed files' names (without ".csv"), by language.
FILE_NAMES = {
    "pl": {"kpis": "najwazniejsze-liczby", "parameters": "parametry", "definitions": "definicje"},
    "en": {"kpis": "key-figures", "parameters": "parameters", "definitions": "definitions"},
}


def render_csv_zip(dataset: dict) -> bytes:
    """The finalised ``dataset`` as a zip file's bytes: ``<table id>.csv`` for each table, plus
    the key figures, ``parametry.csv`` and ``definicje.csv`` (English names for an English
    report)."""
    language = dataset.get("language") or "pl"
    decimal_comma = language == "pl"
    names = FILE_NAMES.get(language, FILE_NAMES["en"])
    out = io.BytesIO()
    with in_language(dataset), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        taken = set(names.values())

        def write(stem: str, rows: list[list], *, fixed: bool = False):
            if not fixed:  # a table's file: a name of its own
                stem = candidate = file_slug(stem)
                number = 1
                while candidate in taken:
                    number += 1
                    candidate = f"{stem}-{number}"
                taken.add(candidate)
                stem = candidate
            archive.writestr(f"{stem}.csv", _csv(rows))

        write(names["kpis"], _kpi_rows(dataset, decimal_comma), fixed=True)
        for table in shape.tables(dataset):
            write(table["id"], _table_rows(table, decimal_comma))
        parameters = [[label, text] for label, text in report_facts(dataset)]
        if dataset.get("notice"):
            parameters.append([pgettext("report", "Notice"), dataset["notice"]])
        if dataset.get("legend"):
            parameters.append([_("Legend"), dataset["legend"]])
        header = [pgettext("report", "Parameter"), pgettext("report", "Value")]
        write(names["parameters"], [header, *parameters], fixed=True)
        write(
            names["definitions"],
            [definitions_header()]
            + [
                [d["id"], d["name"], d["definition"], unit_label(d.get("unit")), d.get("k")]
                for d in dataset.get("definitions", [])
            ],
            fixed=True,
        )
    return out.getvalue()


def _csv(rows: list[list]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerows(rows)
    return (BOM + text.getvalue()).encode("utf-8")


def number_text(value, unit: str, *, decimal_comma: bool) -> str:
    """A number as a CSV field: whole numbers as they are; hours (whole quarters) without
    trailing zeros ("12.25", "12.5", "12"); PLN with two decimals, percentages and means with
    one."""
    if isinstance(value, int) or unit not in DECIMALS:
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
    else:
        text = f"{value:.{DECIMALS[unit]}f}"
        if unit == figures.HOURS:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _field(number, text: str, unit: str, decimal_comma: bool) -> str:
    if number is None:
        return text
    return number_text(number, unit, decimal_comma=decimal_comma)


def _table_rows(table: dict, decimal_comma: bool) -> list[list]:
    header = [table.get("stub") or ""] + [c["label"] for c in table["columns"]]
    if table.get("collapsed"):
        return [header, [collapsed_notice(table)]]
    rows = [header]
    for row in table["rows"]:
        rows.append(
            [row["label"]]
            + [
                _field(
                    cell_number(cell),
                    cell_text(cell),
                    cell.get("unit") or column["unit"],
                    decimal_comma,
                )
                for column, cell in zip(table["columns"], row["cells"], strict=True)
            ]
        )
    return rows


def _kpi_rows(dataset: dict, decimal_comma: bool) -> list[list]:
    comparison = dataset.get("comparison")
    rows = [kpi_header(dataset)]
    for kpi in dataset.get("kpis", []):
        value = kpi_number(kpi)
        line = [kpi["id"], kpi["label"], _field(value, kpi.get("display") or "", kpi["unit"],
                                                decimal_comma)]  # fmt: skip
        if comparison:
            previous = kpi_number(kpi, "comparison")
            line += [
                _field(previous, kpi.get("comparison_display") or "", kpi["unit"], decimal_comma),
                kpi.get("delta_display") or "",
            ]
        rows.append(line)
    return rows
