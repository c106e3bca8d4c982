"""Finishing a dataset (:mod:`calportal.reports.dataset`) before it is rendered: the suppression
rule of REPORTS.md §3 in the shared variant, and every printed text in the report's language.

:func:`finalise` returns a new dataset; the input is left as it was. Applied to its own result it
gives the same result again (what was hidden stays hidden).

What it reads beyond the shape documented in :mod:`calportal.reports.dataset`:

* A percentage cell (or KPI) may carry ``"numerator"`` and ``"denominator"`` (``"base"`` is read
  as the denominator when ``"denominator"`` is missing): the rate is printed only when the
  denominator is at least 10, otherwise "—" and ``"na"`` is set (REPORTS.md §1, Rates). In the
  shared variant a numerator ``0 < n < k`` hides the rate, which would otherwise give the count
  away with its base. A KPI's comparison value may carry ``"comparison_numerator"`` and
  ``"comparison_denominator"`` likewise. Percentages are numbers from 0 to 100.
* A cell's ``"derived_from"`` lists ``[row, column]`` or ``[table id, row, column]``; a row or
  column is named by its key (a string) or its position (an int). A cell of a percentage or mean
  column without ``"derived_from"`` is taken as computed from the counts and magnitudes of its
  own row (those not derived themselves), and is hidden when any of them is.
* A KPI may carry ``"derived_from"``: the ids of the KPIs it is computed from (PE4 = AT1 ÷ PE1).
* Hours, PLN and uses are magnitudes contributed by persons (REPORTS.md §3.3) when the cell or
  KPI carries ``"contributors"`` (built from an :class:`~calportal.reports.figures.Amount`); a
  plain number in such a column is not about persons (the hours of the events themselves, EV3)
  and is never hidden.
* Unit ``"number"`` (:data:`~calportal.reports.figures.NUMBER`: things counted — events, places,
  initiatives, organisations, resources, meetings) is outside the rule's scope (REPORTS.md
  §3.1): such a cell or KPI prints as a whole number like a count and is never hidden, neither
  by the primary rule nor by the secondary one (it is never chosen to protect a line), and a
  table whose cells are all numbers is never suppressed (the whole-report guard, §3.6, still
  leaves only EV1 and EV3 of a report).
* A cell may carry its own ``"unit"``, which then overrides its column's for that cell — its
  suppression and its printed text (a row of percentages in a table whose columns are years, as
  in the R5 trends table). Such a percentage is hidden with its ``"numerator"`` or its
  ``"derived_from"`` cells; it is not taken as computed from its own row's counts unless that
  row has some.

The thresholds: a table uses the larger of its own ``k`` and the report's; a KPI the larger of
its indicator's and the report's (REPORTS.md §3.2: k may be raised, never lowered).

Totals (REPORTS.md §3.4, see :mod:`calportal.reports.suppression`): only the grand total (where
the total row and the total column meet) being below k collapses a table, or with only a total
row or only a total column every non-zero total of it being below k; any other total below k is
hidden like a count and protected by the secondary rule.

What it writes:

* Shared variant (REPORTS.md §3): on every cell and KPI ``"suppressed"`` (a KPI also
  ``"comparison_suppressed"``); a hidden cell or KPI loses its value (``None``), its numerator
  and what the magnitude rule needed, and the ``"contributors"``/``"largest"`` of every cell and
  KPI are dropped (one person's contribution is not for publication). A table the rule collapses
  gets ``"collapsed": True``, every cell hidden and ``"notice"`` ("Too little data."). Charts of a
  collapsed table are dropped; other charts get ``"omit"`` (the keys of the rows whose charted
  cells are hidden) and a ``"note"`` for the caption. The whole-report guard (§3.6): when PE1 is
  below k, only the KPIs EV1 and EV3 remain, every table collapses and ``"notice"`` says "Too
  little data to publish."
* Internal variant: nothing is hidden (``"suppressed"`` False everywhere, ``"omit"`` empty).
* Both: ``"display"`` on every cell and KPI, a KPI's ``"comparison_display"``,
  ``"delta_display"`` and ``"delta_percent_display"`` (REPORTS.md §1, Comparison), the report's
  ``"legend"`` (§3.7, with the report's k) and each table's ``"legend"`` (with the table's k).

Printed texts (REPORTS.md §1, Rounding): counts and uses as whole numbers, hours to a quarter
(trimmed: "12,25", "12,5", "12"), PLN to the grosz ("1 500,50 zł" / "PLN 1,500.50"), percentages
and means to 0.1 ("12,5%"); "—" not applicable or too small a base, "." no data, "< k" hidden.
Negative numbers take a real minus sign ("−3").
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from calportal.reports import figures, suppression

NOT_APPLICABLE = "—"
NO_DATA = "."
MIN_RATE_BASE = 10  # REPORTS.md §1, Rates: a rate needs a denominator of at least 10
MIN_DELTA_PERCENT_BASE = 10  # REPORTS.md §1, Comparison: Δ% needs a comparison of at least 10
GUARD_INDICATOR = "PE1"  # REPORTS.md §3.6
GUARD_KEEPS = ("EV1", "EV3")

MAGNITUDE_UNITS = (figures.HOURS, figures.PLN, figures.USES)
ADDITIVE_UNITS = (figures.COUNT, figures.NUMBER, *MAGNITUDE_UNITS)
DERIVED_UNITS = (figures.PERCENT, figures.MEAN)


def finalise(dataset: dict) -> dict:
    """The dataset with the suppression rule applied (shared variant) and every printed text
    written in its language; see the module's docstring. Raises ``ValueError`` for a table with
    more than one total row or column, or a ``derived_from`` naming no cell."""
    data = copy.deepcopy(dataset)
    shared = data.get("variant") == "shared"
    base_k = max(3, int(data.get("k") or 3))
    tables = [table for section in data.get("sections", []) for table in section["tables"]]
    with translation.override(data.get("language") or "pl"):
        if shared:
            guard = _guard_applies(data, base_k)
            for table in tables:
                _suppress_table(table, base_k, collapse=guard)
            _suppress_derived(tables, base_k)
            _suppress_kpis(data["kpis"], base_k)
            if guard:
                data["kpis"] = [kpi for kpi in data["kpis"] if kpi["id"] in GUARD_KEEPS]
                data["notice"] = _("Too little data to publish.")
            for table in tables:
                _drop_private(table)
        else:
            for table in tables:
                table["collapsed"] = False
                table["notice"] = None
                for row in table["rows"]:
                    for cell in row["cells"]:
                        cell["suppressed"] = False
            for kpi in data["kpis"]:
                kpi["suppressed"] = kpi["comparison_suppressed"] = False
        for table in tables:
            _write_table(table, base_k)
        has_comparison = data.get("comparison") is not None
        for kpi in data["kpis"]:
            _write_kpi(kpi, has_comparison, base_k)
        for section in data.get("sections", []):
            section["charts"] = _charts(section.get("charts", []), tables, shared)
        data["legend"] = legend(base_k)
    return data


def legend(k: int) -> str:
    """REPORTS.md §3.7, in the active language, parts separated by ";", with the sign of a value
    hidden so that another cannot be worked out from the totals ("x", as GUS prints it)."""
    signs = ngettext(
        "< %(k)s – confidential (fewer than %(k)s person); — not applicable or base too small; "
        ". – no data",
        "< %(k)s – confidential (fewer than %(k)s persons); — not applicable or base too small; "
        ". – no data",
        k,
    ) % {"k": k}
    return f"{signs}; {_('x – hidden so that a confidential value cannot be worked out')}"


# --- suppression (shared variant) ---------------------------------------------------------


def _unit(column: dict, cell: dict) -> str:
    """A cell's unit: its own ``"unit"`` when it has one, else its column's."""
    return cell.get("unit") or column["unit"]


def _table_k(table: dict, base_k: int) -> int:
    return max(base_k, int(table.get("k") or 3))


def _guard_applies(data: dict, base_k: int) -> bool:
    """REPORTS.md §3.6: PE1 below k (zero included: nobody to report on) in the shared variant."""
    for kpi in data.get("kpis", []):
        if kpi["id"] == GUARD_INDICATOR:
            if kpi.get("suppressed"):
                return True
            return kpi.get("value") is not None and kpi["value"] < _kpi_k(kpi, base_k)
    return False


def _total_index(items: list[dict], what: str, table_id: str) -> int | None:
    indices = [i for i, item in enumerate(items) if item.get("total")]
    if len(indices) > 1:
        raise ValueError(f"table {table_id}: more than one total {what}")
    return indices[0] if indices else None


def _suppress_table(table: dict, base_k: int, *, collapse: bool) -> None:
    """Primary, magnitude and secondary rules and the collapse (REPORTS.md §3.2–§3.4) on the
    table's counts and magnitudes; percentages, means and cells derived from others are hidden
    afterwards by :func:`_suppress_derived`."""
    columns, rows = table["columns"], table["rows"]
    k = _table_k(table, base_k)
    values, kinds, contributors, largest, seed = [], [], [], [], []
    for row in rows:
        line = ([], [], [], [], [])
        for column, cell in zip(columns, row["cells"], strict=True):
            unit = _unit(column, cell)
            in_grid = unit in ADDITIVE_UNITS and not cell.get("na") and not cell.get("derived_from")
            line[0].append(cell.get("value") if in_grid else None)
            if unit == figures.COUNT:
                kind = suppression.COUNT
            elif unit in MAGNITUDE_UNITS and cell.get("contributors") is not None:
                kind = suppression.MAGNITUDE
            else:
                kind = suppression.PLAIN
            line[1].append(kind)
            line[2].append(cell.get("contributors"))
            line[3].append(cell.get("largest"))
            line[4].append(bool(cell.get("suppressed")) and in_grid)
        for grid, part in zip((values, kinds, contributors, largest, seed), line, strict=True):
            grid.append(part)
    total_r = _total_index(rows, "row", table["id"])
    total_c = _total_index(columns, "column", table["id"])
    if total_c is not None and columns[total_c]["unit"] not in ADDITIVE_UNITS:
        total_c = None
    result = suppression.suppress(
        values,
        k=k,
        kinds=kinds,
        contributors=contributors,
        largest=largest,
        total_row=total_r if total_r is not None else False,
        total_column=total_c if total_c is not None else False,
        suppressed=seed,
    )
    if collapse or result.collapsed or table.get("collapsed"):
        _collapse(table)
        return
    for row, mask in zip(rows, result.mask, strict=True):
        for column, cell, hidden in zip(columns, row["cells"], mask, strict=True):
            unit = _unit(column, cell)
            cell["suppressed"] = unit != figures.NUMBER and (hidden or bool(cell.get("suppressed")))
            if unit == figures.PERCENT and _numerator_is_hidden(cell, k):
                cell["suppressed"] = True
            # Only a count below k prints "< k"; any other hidden value (one hidden to protect
            # another, hours or PLN with too few contributors, a rate) prints "x", so the
            # reader is never told a wrong range.
            value = cell.get("value")
            cell["below_k"] = bool(cell["suppressed"] and cell.get("below_k")) or bool(
                cell["suppressed"] and unit == figures.COUNT and value is not None and 0 < value < k
            )


def _numerator_is_hidden(item: dict, k: int, prefix: str = "") -> bool:
    """A rate whose numerator is a count below k gives that count away with its base."""
    numerator = item.get(prefix + "numerator")
    return numerator is not None and 0 < numerator < k


def _collapse(table: dict) -> None:
    table["collapsed"] = True
    table["notice"] = _("Too little data.")
    for row in table["rows"]:
        for cell in row["cells"]:
            cell["suppressed"] = True


def _cell_at(tables_by_id: dict, table: dict, reference) -> dict:
    if len(reference) == 3:
        table_id, row_ref, column_ref = reference
        table = tables_by_id.get(table_id)
        if table is None:
            raise ValueError(f"derived_from names an unknown table {table_id!r}")
    else:
        row_ref, column_ref = reference
    row_index = _position(table["rows"], row_ref, "row", table["id"])
    column_index = _position(table["columns"], column_ref, "column", table["id"])
    return table["rows"][row_index]["cells"][column_index]


def _position(items: list[dict], reference, what: str, table_id: str) -> int:
    if isinstance(reference, int) and 0 <= reference < len(items):
        return reference
    for index, item in enumerate(items):
        if item["key"] == str(reference):
            return index
    raise ValueError(f"table {table_id}: derived_from names no {what} {reference!r}")


def _suppress_derived(tables: list[dict], base_k: int) -> None:
    """REPORTS.md §3.5: percentages, means and Δ that use a hidden value are hidden, until
    nothing changes (a derived cell may be derived from another)."""
    by_id = {table["id"]: table for table in tables}
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table.get("collapsed"):
                continue
            columns = table["columns"]
            for row in table["rows"]:
                row_hidden = any(  # the row's own counts and magnitudes, not its Δ cells
                    cell.get("suppressed")
                    for column, cell in zip(columns, row["cells"], strict=True)
                    if _unit(column, cell) in ADDITIVE_UNITS and not cell.get("derived_from")
                )
                for column, cell in zip(columns, row["cells"], strict=True):
                    if cell.get("suppressed") or _unit(column, cell) == figures.NUMBER:
                        continue  # hidden already, or a number (never hidden)
                    if cell.get("derived_from"):
                        sources = [_cell_at(by_id, table, ref) for ref in cell["derived_from"]]
                        hidden = any(source.get("suppressed") for source in sources)
                    else:
                        hidden = _unit(column, cell) in DERIVED_UNITS and row_hidden
                    if hidden:
                        cell["suppressed"] = changed = True


def _kpi_k(kpi: dict, base_k: int) -> int:
    indicator = figures.INDICATORS.get(kpi["id"])
    return max(base_k, int(kpi.get("k") or 3), indicator.k if indicator else 3)


def _kpi_hidden(kpi: dict, k: int, prefix: str) -> bool:
    """Whether the KPI's value (prefix "") or its comparison (prefix "comparison_") is hidden by
    REPORTS.md §3.2/§3.3; a comparison's magnitude information is ``comparison_contributors``
    and ``comparison_largest``."""
    value = kpi.get("value" if not prefix else "comparison")
    unit = kpi["unit"]
    if unit == figures.COUNT:
        return suppression.count_is_hidden(value, k)
    if unit in MAGNITUDE_UNITS and kpi.get(prefix + "contributors") is not None:
        return suppression.magnitude_is_hidden(
            value, kpi[prefix + "contributors"], kpi.get(prefix + "largest")
        )
    if unit == figures.PERCENT:
        return _numerator_is_hidden(kpi, k, prefix)
    return False


def _suppress_kpis(kpis: list[dict], base_k: int) -> None:
    by_id = {kpi["id"]: kpi for kpi in kpis}
    for kpi in kpis:
        k = _kpi_k(kpi, base_k)
        if kpi["unit"] == figures.NUMBER:  # things counted: outside the rule (REPORTS.md §3.1)
            kpi["suppressed"] = kpi["comparison_suppressed"] = False
            continue
        kpi["suppressed"] = bool(kpi.get("suppressed")) or _kpi_hidden(kpi, k, "")
        kpi["comparison_suppressed"] = bool(kpi.get("comparison_suppressed")) or _kpi_hidden(
            kpi, k, "comparison_"
        )
    changed = True
    while changed:  # REPORTS.md §3.5: a KPI computed from a hidden one is hidden
        changed = False
        for kpi in kpis:
            if kpi["unit"] == figures.NUMBER:
                continue  # never hidden (REPORTS.md §3.1)
            sources = [by_id[id] for id in kpi.get("derived_from") or () if id in by_id]
            for flag in ("suppressed", "comparison_suppressed"):
                if not kpi[flag] and any(source[flag] for source in sources):
                    kpi[flag] = changed = True
    for kpi in kpis:
        k = _kpi_k(kpi, base_k)
        for flag, key in (("suppressed", "value"), ("comparison_suppressed", "comparison")):
            # As in tables: only a count below k prints "< k", any other hidden value "x".
            below = kpi.get(f"{key}_below_k") or (
                kpi["unit"] == figures.COUNT and kpi.get(key) is not None and 0 < kpi[key] < k
            )
            kpi[f"{key}_below_k"] = bool(kpi[flag] and below)
        if kpi["suppressed"]:
            kpi["value"] = None
            kpi.pop("numerator", None)
        if kpi["comparison_suppressed"]:
            kpi["comparison"] = None
            kpi.pop("comparison_numerator", None)
        for key in ("contributors", "largest", "comparison_contributors", "comparison_largest"):
            kpi.pop(key, None)


def _drop_private(table: dict) -> None:
    """What a shared dataset keeps of a hidden cell: nothing but the fact."""
    for row in table["rows"]:
        for cell in row["cells"]:
            cell["suppressed"] = bool(cell.get("suppressed"))
            if cell["suppressed"]:
                cell["value"] = None
                if "numerator" in cell:
                    cell["numerator"] = None
            cell["contributors"] = cell["largest"] = None


def _charts(charts: list[dict], tables: list[dict], shared: bool) -> list[dict]:
    """REPORTS.md §3.8: a chart omits the bars of hidden values and says so in its caption."""
    by_id = {table["id"]: table for table in tables}
    kept = []
    for chart in charts:
        table = by_id.get(chart["table"])
        if shared and table is not None and table.get("collapsed"):
            continue
        omit = []
        if shared and table is not None:
            keys = [*chart.get("series", []), *([chart["line"]] if chart.get("line") else [])]
            indices = [i for i, column in enumerate(table["columns"]) if column["key"] in keys]
            # A hidden value draws no bar (the renderer leaves it out); a category is left out
            # only when all its values are hidden.
            hidden = [
                row
                for row in table["rows"]
                if not row.get("total") and any(row["cells"][i].get("suppressed") for i in indices)
            ]
            omit = [
                row["key"]
                for row in hidden
                if indices and all(row["cells"][i].get("suppressed") for i in indices)
            ]
        else:
            hidden = []
        chart["omit"] = omit
        chart["note"] = _("Bars for suppressed values are omitted.") if hidden else None
        kept.append(chart)
    return kept


# --- printed texts ------------------------------------------------------------------------


def _write_table(table: dict, base_k: int) -> None:
    k = _table_k(table, base_k)
    table["legend"] = legend(k)
    table.setdefault("notice", None)
    for row in table["rows"]:
        for column, cell in zip(table["columns"], row["cells"], strict=True):
            unit = _unit(column, cell)
            if unit == figures.PERCENT and _base_too_small(cell):
                cell["na"] = True
            if (
                cell.get("na")
                and not table.get("collapsed")
                and not cell.get("below_k")
                and cell.get("base") is None
            ):
                # Nothing to hide where nothing applies (e.g. the reach of people living
                # outside the municipality).
                cell["suppressed"] = False
                cell["display"] = NOT_APPLICABLE
            elif cell.get("suppressed"):
                cell["display"] = hidden_text(k) if cell.get("below_k") else PROTECTIVE
            elif cell.get("na"):
                cell["display"] = NOT_APPLICABLE
            else:
                cell["display"] = format_value(cell.get("value"), unit)


def _base_too_small(item: dict, prefix: str = "") -> bool:
    """REPORTS.md §1, Rates: shown only when the denominator is at least 10."""
    denominator = item.get(prefix + "denominator")
    if denominator is None and not prefix:
        denominator = item.get("base")
    return denominator is not None and denominator < MIN_RATE_BASE


def _write_kpi(kpi: dict, has_comparison: bool, base_k: int) -> None:
    unit = kpi["unit"]
    k = _kpi_k(kpi, base_k)
    if unit == figures.PERCENT and _base_too_small(kpi):
        kpi["na"] = True
    if unit == figures.PERCENT and _base_too_small(kpi, "comparison_"):
        kpi["comparison_na"] = True
    kpi["display"] = _kpi_text(
        kpi.get("value"), unit, kpi["suppressed"], kpi.get("na"), k, kpi.get("value_below_k")
    )
    kpi["delta_display"] = kpi["delta_percent_display"] = ""
    if not has_comparison:
        kpi["comparison_display"] = ""
        return
    kpi["comparison_display"] = _kpi_text(
        kpi.get("comparison"),
        unit,
        kpi["comparison_suppressed"],
        kpi.get("comparison_na"),
        k,
        kpi.get("comparison_below_k"),
    )
    delta, percent = delta_texts(
        kpi.get("value"),
        kpi.get("comparison"),
        unit,
        suppressed=kpi["suppressed"] or kpi["comparison_suppressed"],
        not_applicable=bool(kpi.get("na") or kpi.get("comparison_na")),
    )
    kpi["delta_percent_display"] = percent
    kpi["delta_display"] = f"{delta} ({percent})" if percent else delta


def _kpi_text(value, unit, suppressed, na, k, below_k=False) -> str:
    if suppressed:
        return hidden_text(k) if below_k else PROTECTIVE
    if na:
        return NOT_APPLICABLE
    return format_value(value, unit)


def delta_texts(current, comparison, unit: str, *, suppressed=False, not_applicable=False):
    """REPORTS.md §1, Comparison: (Δ, Δ%) as printed. Δ = current − comparison; Δ% only when
    the comparison is at least 10 and neither value is hidden, and never for a percentage or a
    mean (their Δ is in percentage points / plain units); comparison 0 and current above 0 →
    "new"; both 0 → "0"; a missing value → no Δ; a hidden one → "—" (REPORTS.md §3.5)."""
    if suppressed:
        return NOT_APPLICABLE, ""
    if current is None or comparison is None:
        return "", ""
    if not_applicable:
        return NOT_APPLICABLE, ""
    if comparison == 0:
        if current == 0:
            return "0", ""
        if current > 0:
            return pgettext("change against the comparison period", "new"), ""
    delta = Decimal(str(current)) - Decimal(str(comparison))
    if unit == figures.PERCENT:
        text = _("%(value)s pp") % {"value": _signed(format_value(abs(delta), figures.MEAN), delta)}
        return text, ""
    text = _signed(format_value(abs(delta), unit), delta)
    if unit in DERIVED_UNITS or comparison < MIN_DELTA_PERCENT_BASE:
        return text, ""
    percent = delta / Decimal(str(comparison)) * 100
    return text, _signed(format_value(abs(percent), figures.PERCENT), _round(percent, "0.1"))


def _signed(text: str, number) -> str:
    if not any(ch in "123456789" for ch in text):
        return text  # rounds to zero: no sign
    if number > 0:
        return "+" + text
    if number < 0:
        return "−" + text
    return text


# A value hidden to protect another (REPORTS.md §3.4) or a magnitude (§3.3): its size is not
# "< k", so it prints as GUS prints a value it may not publish.
PROTECTIVE = "x"


def hidden_text(k: int) -> str:
    """What a hidden value prints (REPORTS.md §3.2)."""
    return f"< {k}"


def _round(value, step: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def format_value(value, unit: str) -> str:
    """A number as the report prints it in the active language (REPORTS.md §1, Rounding);
    ``None`` → "."."""
    if value is None:
        return NO_DATA
    number = Decimal(str(value))
    negative = number < 0
    number = abs(number)
    if unit in (figures.COUNT, figures.NUMBER, figures.USES):
        text = _grouped(_round(number, "1"), 0)
    elif unit == figures.HOURS:
        quarters = _round(number * 4, "1") / 4
        places = max(0, -quarters.normalize().as_tuple().exponent) if quarters else 0
        text = _grouped(quarters, places)
    elif unit == figures.PLN:
        text = _("PLN %(amount)s") % {"amount": _grouped(_round(number, "0.01"), 2)}
    elif unit == figures.PERCENT:
        text = _grouped(_round(number, "0.1"), 1) + "%"
    elif unit == figures.MEAN:
        text = _grouped(_round(number, "0.1"), 1)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    if negative and any(ch in "123456789" for ch in text):
        return "−" + text
    return text


def _grouped(number: Decimal, places: int) -> str:
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
