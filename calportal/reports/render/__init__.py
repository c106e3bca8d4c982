"""The report's formats: PDF (:mod:`.pdf`), XLSX (:mod:`.xlsx`), a zip of CSV files
(:mod:`.csv`) and the charts the PDF shows (:mod:`.charts`).

Each renderer lays out a *finalised* dataset (:mod:`calportal.reports.dataset`, after
:func:`calportal.reports.finalise.finalise`): every printed text — a cell's "< 3", a KPI's
comparison and Δ, the legend, the whole-report notice, a chart's note — comes from the dataset,
so the three formats say the same. A renderer only decides where things go; where a number must
stay a number (a spreadsheet cell, a CSV field, a bar's height) it takes the cell's value.
"""

import re
import unicodedata

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from calportal.reports import dataset as shape

NOT_APPLICABLE = "—"  # REPORTS.md §3.7: not applicable, or too small a base
NO_DATA = "."  # no data


def in_language(dataset: dict):
    """Render in the report's language (its texts are already in it; this is for the
    renderers' own words: sheet names, "Period", axis units)."""
    return translation.override(dataset.get("language") or settings.LANGUAGE_CODE)


def find_table(dataset: dict, table_id: str) -> dict | None:
    for table in shape.tables(dataset):
        if table["id"] == table_id:
            return table
    return None


def cell_number(cell: dict):
    """The cell's value when it is printed as a number; None when it is printed as text
    (suppressed, not applicable or no data: see :func:`cell_text`)."""
    if cell.get("suppressed") or cell.get("na") or cell.get("value") is None:
        return None
    return cell["value"]


def kpi_number(kpi: dict, which: str = "value"):
    """A KPI's value (``which="comparison"``: its comparison value) when it is printed as a
    number; None when it is printed as text ("< 3", "—")."""
    prefix = "" if which == "value" else f"{which}_"
    if kpi.get(f"{prefix}suppressed") or kpi.get(f"{prefix}na") or kpi.get(which) is None:
        return None
    return kpi[which]


def cell_text(cell: dict) -> str:
    """What the cell prints: its finalised text ("< 3", "—", "." or the formatted number)."""
    if cell.get("display"):
        return cell["display"]
    if cell.get("na"):
        return NOT_APPLICABLE
    if cell.get("value") is None:
        return NO_DATA
    return str(cell["value"])


def collapsed_notice(table: dict) -> str:
    """What a table collapsed by the suppression rule prints instead of its rows."""
    return table.get("notice") or _("Too little data.")


def variant_label(variant: str) -> str:
    """The variant's name, as the report form shows it (calportal.reports.models)."""
    return {
        "shared": _("Shared (small numbers hidden)"),
        "internal": _("Internal (all figures)"),
        "venue": _("For the venue (its own uses only)"),
    }.get(variant, variant)


def data_as_of(dataset: dict) -> str:
    """The "data as of" moment in the report's language and the portal's time zone."""
    value = dataset.get("data_as_of") or ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def report_facts(dataset: dict, *, with_title: bool = True) -> list[tuple[str, str]]:
    """The report's parameters as (label, text) pairs, in the order the cover, the
    "Parameters" sheet and ``parametry.csv`` print them (the cover, whose heading is the title,
    without the title and subtitle). Call within :func:`in_language`."""
    comparison = dataset.get("comparison")
    facts = [
        (pgettext("report", "Scope"), (dataset.get("scope") or {}).get("label", "")),
        (pgettext("report", "Period"), (dataset.get("period") or {}).get("label", "")),
        (
            _("Compared with"),
            comparison.get("label", "") if comparison else pgettext("comparison", "none"),
        ),
        (pgettext("report", "Variant"), variant_label(dataset.get("variant", ""))),
        (_("Data as of"), data_as_of(dataset)),
    ]
    if with_title:
        subtitle = [(_("Subtitle"), dataset["subtitle"])] if dataset.get("subtitle") else []
        facts = [(pgettext("report", "Report"), dataset.get("title", "")), *subtitle, *facts]
    run = dataset.get("run") or {}
    if run.get("number"):
        facts.append((_("Report number"), str(run["number"])))
    if run.get("version"):
        facts.append((_("Version"), str(run["version"])))
    if run.get("status"):
        facts.append((_("Status"), str(run["status"])))
    return facts


def unique_names(names, *, limit: int, taken=()) -> list[str]:
    """``names`` cut to ``limit`` characters (at a word's end when there is one, with "…") and
    made unique (case-insensitively, also against ``taken``) by a numbered suffix."""
    used = {name.lower() for name in taken}
    result = []
    for name in names:
        name = _shortened(name.strip(), limit) or "_"
        candidate, number = name, 1
        while candidate.lower() in used:
            number += 1
            suffix = f" ({number})"
            candidate = name[: limit - len(suffix)].rstrip() + suffix
        used.add(candidate.lower())
        result.append(candidate)
    return result


def _shortened(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def file_slug(text: str) -> str:
    """A file name's stem: ASCII letters, digits, "-" and "_" only."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-").lower() or "table"


def unit_label(unit: str) -> str:
    """A unit's name, as the definitions appendix and the charts' axes print it."""
    from calportal.reports import figures

    return {
        figures.COUNT: pgettext("unit", "number"),
        figures.NUMBER: pgettext("unit", "number"),
        figures.HOURS: pgettext("unit", "hours"),
        figures.PLN: pgettext("unit", "PLN"),
        figures.USES: pgettext("unit", "uses"),
        figures.PERCENT: "%",
        figures.MEAN: pgettext("unit", "mean"),
    }.get(unit, unit or "")


def kpi_header(dataset: dict) -> list[str]:
    """The key figures' column labels (XLSX and CSV): without a comparison, no comparison
    and no change columns."""
    labels = [
        _("Indicator"),
        pgettext("report", "Figure"),
        (dataset.get("period") or {}).get("label", ""),
    ]
    if dataset.get("comparison"):
        labels += [dataset["comparison"].get("label", ""), _("Change (Δ)")]
    return labels


def definitions_header() -> list[str]:
    return [
        _("Indicator"),
        pgettext("report", "Name"),
        _("Definition"),
        pgettext("report", "Unit"),
        _("Smallest count shown"),
    ]
