"""A report's dataset: the one structure every format is rendered from.

A report kind builds a dataset from the apps' figures; :func:`calportal.reports.finalise.finalise`
then applies the suppression rule (shared variant) and writes each printed text; the PDF, the
XLSX and the CSV renderers only lay out what the finished dataset says, so the three formats
always show the same numbers. The dataset is stored on the run as JSON.

Shape (plain dicts and lists, JSON-serialisable)::

    dataset = {
        "kind": "R1", "title": str, "subtitle": str, "language": "pl" | "en",
        "variant": "shared" | "internal",
        "scope": {"kind": "cal" | "initiative" | ..., "id": int | None, "label": str},
        "period": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "label": str, "identifier": str},
        "comparison": None | {"start", "end", "label", "mode"},
        "data_as_of": ISO datetime, "k": int (the report's base threshold, ≥ 3),
        "notice": None | str,            # the whole-report guard's text, set by finalise
        "kpis": [KPI], "sections": [Section],
        "definitions": [{"id", "name", "definition", "unit", "k"}],
        "legend": str,                   # set by finalise
    }
    KPI = {"id": indicator id, "label": str, "unit": unit, "value": number | None,
           "comparison": number | None, "contributors"/"largest": for magnitudes (optional),
           # set by finalise:
           "display": str, "comparison_display": str, "delta_display": str, "suppressed": bool}
    Section = {"id": str, "title": str, "text": [str], "tables": [Table], "charts": [Chart],
               "narrative": [{"key": str, "label": str, "text": str}]}
    Table = {"id": unique slug (the sheet's / CSV file's name), "title": str, "stub": str,
             "k": int, "columns": [Column], "rows": [Row], "note": str | None,
             "collapsed": bool}           # finalise: "za mało danych" instead of the table
    Column = {"key": str, "label": str, "unit": unit, "indicator": id | None, "total": bool}
    Row = {"key": str, "label": str, "total": bool, "cells": [Cell]}   # one cell per column
    Cell = {"value": number | None,       # None: no data (".")
            "na": bool,                   # not applicable / base too small ("—")
            "contributors": int | None, "largest": number | None,   # magnitudes only
            "derived_from": [[row, column], ...] | None,  # a %, mean or Δ: suppressed with these
            # set by finalise:
            "display": str, "suppressed": bool}
    Chart = {"id": str, "kind": "bar" | "bar_line" | "pyramid" | "hbar" | "stacked",
             "title": str, "table": table id, "series": [column keys], "line": column key | None,
             "categories": "rows",        # the table's non-total rows are the categories
             "summary": str,              # one sentence, printed under the chart
             "alt": str}

Units are those of :mod:`calportal.reports.figures`. Numbers are ints, or floats for hours (in
quarters, so exact), PLN (two decimals), percentages and means.
"""

from collections.abc import Iterable

from calportal.reports.figures import COUNT, INDICATORS, Amount


def cell(value, *, na: bool = False, derived_from=None) -> dict:
    """A table cell for a number, an :class:`Amount` (its contributors kept for the
    magnitude rule) or None (no data)."""
    if isinstance(value, Amount):
        return {
            "value": _number(value.value),
            "na": na,
            "contributors": value.contributors,
            "largest": _number(value.largest),
            "derived_from": derived_from,
        }
    return {
        "value": _number(value),
        "na": na,
        "contributors": None,
        "largest": None,
        "derived_from": derived_from,
    }


def _number(value):
    if value is None or isinstance(value, int | float):
        return value
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and not isinstance(value, float) else as_float


def column(
    key: str, label, *, unit: str | None = None, indicator: str | None = None, total: bool = False
) -> dict:
    """A column; its unit defaults to the indicator's."""
    if unit is None:
        unit = INDICATORS[indicator].unit if indicator else COUNT
    return {"key": key, "label": str(label), "unit": unit, "indicator": indicator, "total": total}


def row(key, label, cells: Iterable, *, total: bool = False) -> dict:
    return {
        "key": str(key),
        "label": str(label),
        "total": total,
        "cells": [c if isinstance(c, dict) else cell(c) for c in cells],
    }


def table(
    id: str,
    title,
    columns: list[dict],
    rows: list[dict],
    *,
    stub="",
    k: int | None = None,
    note=None,
) -> dict:
    """A table; its ``k`` defaults to the largest of its columns' indicators' (at least 3)."""
    if k is None:
        k = max([INDICATORS[c["indicator"]].k for c in columns if c["indicator"]] + [3])
    for r in rows:
        if len(r["cells"]) != len(columns):
            raise ValueError(f"table {id}: row {r['key']} has {len(r['cells'])} cells")
    return {
        "id": id,
        "title": str(title),
        "stub": str(stub),
        "k": k,
        "columns": columns,
        "rows": rows,
        "note": str(note) if note else None,
        "collapsed": False,
    }


def kpi(indicator: str, value, comparison=None, *, label=None) -> dict:
    """A headline figure with its comparison value (None when there is no comparison)."""
    definition = INDICATORS[indicator]
    data = {
        "id": indicator,
        "label": str(label or definition.name),
        "unit": definition.unit,
        "value": _number(value.value if isinstance(value, Amount) else value),
        "comparison": _number(comparison.value if isinstance(comparison, Amount) else comparison),
    }
    if isinstance(value, Amount):
        data["contributors"], data["largest"] = value.contributors, _number(value.largest)
    if isinstance(comparison, Amount):
        data["comparison_contributors"] = comparison.contributors
        data["comparison_largest"] = _number(comparison.largest)
    return data


def section(id: str, title, *, text=(), tables=(), charts=(), narrative=()) -> dict:
    return {
        "id": id,
        "title": str(title),
        "text": [str(t) for t in text],
        "tables": list(tables),
        "charts": list(charts),
        "narrative": list(narrative),
    }


def chart(
    id: str,
    kind: str,
    title,
    *,
    table: str,
    series: list[str],
    summary,
    alt,
    line: str | None = None,
) -> dict:
    return {
        "id": id,
        "kind": kind,
        "title": str(title),
        "table": table,
        "series": series,
        "line": line,
        "categories": "rows",
        "summary": str(summary),
        "alt": str(alt),
    }


def tables(dataset: dict) -> list[dict]:
    """Every table of the dataset, in order."""
    return [t for s in dataset["sections"] for t in s["tables"]]
