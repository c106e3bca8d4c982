"""The report's charts as inline SVG, drawn with matplotlib (no pyplot: no global figure state,
safe in a worker that renders several reports).

A chart draws its table's rows (not the totals) as categories. A row the suppression rule left
out (``chart["omit"]``, set by finalise) is not drawn at all, and a suppressed, "not
applicable" or empty cell draws no bar (never a bar of 0); the chart's note says why. Text stays
text in the SVG (DejaVu Sans, as in the PDF), so the markup is small and searchable. The
colours are the Okabe–Ito set (distinguishable with the common colour-vision deficiencies),
each bar outlined and, in stacked and grouped charts, also hatched, so that a greyscale print
tells the series apart.
"""

import io
import math
import re
from xml.sax.saxutils import escape, quoteattr

from django.utils import formats, translation
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from calportal.reports import figures
from calportal.reports.render import cell_number, unit_label

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#666666")
# Line hatches only: dots and circles are drawn as hundreds of curves and bloat the SVG.
HATCHES = ("", "///", "\\\\\\", "xxx", "---", "|||", "+++", "")
EDGE = "#1a1a1a"
LINE = "#000000"
GRID = "#cccccc"
WIDTH = 6.3  # inches: the A4 page's text width
STYLE = {
    "svg.fonttype": "none",  # text as <text>, not paths
    "svg.hashsalt": "calportal-report",  # the same chart gives the same markup
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#000000",
    "xtick.color": "#000000",
    "ytick.color": "#000000",
    "hatch.linewidth": 0.6,
    "hatch.color": EDGE,
    "legend.frameon": False,
}


def render_chart(chart: dict, table: dict, *, language: str) -> str:
    """The chart as an ``<svg>`` element (no XML prolog), with ``role="img"``, the chart's
    alt text as its ``aria-label`` and its title as ``<title>``. Raises ``ValueError`` for an
    unknown kind."""
    if chart["kind"] not in _DRAW:
        raise ValueError(f"unknown chart kind {chart['kind']!r}")
    with translation.override(language), rc_context(STYLE):
        data = _Data(chart, table)
        figure = Figure(
            figsize=(WIDTH, _height(chart["kind"], len(data.labels))), layout="constrained"
        )
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        if data.is_empty():
            _draw_nothing(axes)
        else:
            _DRAW[chart["kind"]](axes, data)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.set_axisbelow(True)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _tidy(out.getvalue(), chart)


class _Data:
    """The categories (row labels) and, per column key, the numbers to draw (None: none)."""

    def __init__(self, chart: dict, table: dict):
        omit = chart.get("omit") or ()
        omitted = set() if omit is True else {str(key) for key in omit}
        rows = [r for r in table["rows"] if not r.get("total") and r["key"] not in omitted]
        if omit is True or table.get("collapsed"):
            rows = []
        self.columns = {c["key"]: (i, c) for i, c in enumerate(table["columns"])}
        self.labels = [r["label"] for r in rows]
        self._rows = rows
        self.series = list(chart["series"])
        self.line = chart.get("line")
        self.unit = self.columns[self.series[0]][1]["unit"] if self.series else figures.COUNT
        self.keys = [r["key"] for r in rows]
        self.geometry = chart.get("geometry") or {}

    def is_empty(self) -> bool:
        """No value to draw at all (every one zero, hidden or missing)."""
        keys = [*self.series, *([self.line] if self.line else [])]
        return not any(value for key in keys for value in self.values(key))

    def values(self, key: str) -> list:
        index = self.columns[key][0]
        return [cell_number(r["cells"][index]) for r in self._rows]

    def label(self, key: str) -> str:
        return self.columns[key][1]["label"]


def _draw_nothing(axes):
    """A chart without a single value says so, instead of an empty grid of zeros."""
    from django.utils.translation import gettext as _

    axes.text(0.5, 0.5, _("No data to show in this period."), ha="center", va="center",
              fontsize=10, transform=axes.transAxes)  # fmt: skip
    axes.set_xticks([])
    axes.set_yticks([])
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)


def _draw_map(axes, data: _Data):
    """The areas as polygons shaded by the series' value on a sequential scale (cividis: readable
    in greyscale and with colour-vision deficiencies), each labelled with its value; an area
    without a value (hidden, or none) is left white and unlabelled."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon

    values = dict(zip(data.keys, data.values(data.series[0]), strict=True))
    names = dict(zip(data.keys, data.labels, strict=True))
    known = [v for v in values.values() if v is not None]
    norm = Normalize(0, max(known) if known and max(known) > 0 else 1)
    scale = colormaps["cividis_r"]
    patches, colours, labels = [], [], []
    for row_key, geometry in data.geometry.items():
        if not geometry.get("coordinates"):
            continue
        if geometry.get("type") == "MultiPolygon":
            rings = [polygon[0] for polygon in geometry["coordinates"]]
        else:
            rings = geometry["coordinates"][:1]
        value = values.get(row_key)  # an omitted area is drawn white, for the shape of the whole
        for ring in rings:
            patches.append(Polygon(ring, closed=True))
            colours.append(scale(norm(value)) if value is not None else "#ffffff")
        xs = [point[0] for point in rings[0]]
        ys = [point[1] for point in rings[0]]
        labels.append((sum(xs) / len(xs), sum(ys) / len(ys), names.get(row_key, ""), value))
    axes.add_collection(
        PatchCollection(patches, facecolors=colours, edgecolors=EDGE, linewidths=0.6)
    )
    for x, y, name, value in labels:
        if value is not None:
            places = 1 if data.unit == figures.PERCENT else 0
            axes.annotate(
                f"{name}\n{formats.number_format(value, decimal_pos=places, use_l10n=True)}",
                (x, y),
                ha="center",
                va="center",
                fontsize=6.5,
                color="#000000",
                bbox={"boxstyle": "round,pad=0.15", "fc": "#ffffff", "ec": "none", "alpha": 0.85},
            )
    axes.autoscale_view()
    axes.set_aspect(1 / math.cos(math.radians(52)))  # a degree of longitude is shorter
    axes.set_xticks([])
    axes.set_yticks([])
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    if known:
        colourbar = axes.figure.colorbar(ScalarMappable(norm=norm, cmap=scale), ax=axes, shrink=0.7)
        colourbar.set_label(unit_label(data.unit))


def _height(kind: str, categories: int) -> float:
    if kind in ("hbar", "pyramid"):
        return max(2.0, 0.3 * categories + 0.9)
    if kind == "map":
        return 4.2
    return 3.0


def _number(value, _position=None) -> str:
    value = abs(value)  # the pyramid's left half
    places = 0 if float(value).is_integer() else 1
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _value_axis(axis, data: _Data):
    axis.set_major_locator(
        MaxNLocator(nbins=6, integer=data.unit in (figures.COUNT, figures.NUMBER, figures.USES))
    )
    axis.set_major_formatter(FuncFormatter(_number))
    axis.grid(True, color=GRID, linewidth=0.5)


# At most this many category labels under a chart: with more (36 months of a project), every
# n-th is written, the others left blank, instead of labels printed over each other.
MAX_CATEGORY_LABELS = 12


def _category_axis(axes, data: _Data, positions):
    step = -(-len(data.labels) // MAX_CATEGORY_LABELS)  # ceiling division
    labels = [label if index % step == 0 else "" for index, label in enumerate(data.labels)]
    axes.set_xticks(positions, labels)
    if sum(len(label) for label in labels) > 60:
        for label in axes.get_xticklabels():
            label.set_rotation(40)
            label.set_horizontalalignment("right")


def _valid(positions, values):
    """The positions and values of the cells that are drawn."""
    pairs = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
    return [p for p, _v in pairs], [v for _p, v in pairs]


def _unit(axes, data: _Data, which: str = "y"):
    if data.unit not in (figures.COUNT, figures.NUMBER):
        getattr(axes, f"set_{which}label")(unit_label(data.unit))


def _legend(axes, data: _Data, *, below: bool = False):
    """Below the chart (outside the bars, which it would hide) or, for a chart without
    category labels under it, where it covers least."""
    names = [str(data.label(key)) for key in data.series] if data.series else []
    longest = max((len(name) for name in names), default=0)
    if below or len(names) > 4:
        # As many columns as the longest name leaves room for on the page's width (an
        # organisation's full name takes a line of its own rather than being cut off).
        ncols = 4 if longest <= 20 else 2 if longest <= 40 else 1
        axes.figure.legend(loc="outside lower center", ncols=ncols, fontsize=8)
    else:
        axes.legend(loc="best", fontsize=8)


def _bars(axes, data: _Data, *, horizontal: bool):
    count = len(data.labels)
    width = 0.8 / max(len(data.series), 1)
    for number, key in enumerate(data.series):
        offsets = [i - 0.4 + width * (number + 0.5) for i in range(count)]
        positions, heights = _valid(offsets, data.values(key))
        style = {
            "color": PALETTE[number % len(PALETTE)],
            "edgecolor": EDGE,
            "linewidth": 0.5,
            "hatch": HATCHES[number % len(HATCHES)] if len(data.series) > 1 else "",
            "label": data.label(key),
        }
        if horizontal:
            axes.barh(positions, heights, height=width, **style)
        else:
            axes.bar(positions, heights, width=width, **style)


def _draw_bar(axes, data: _Data):
    _bars(axes, data, horizontal=False)
    _category_axis(axes, data, range(len(data.labels)))
    _value_axis(axes.yaxis, data)
    _unit(axes, data)
    if len(data.series) > 1:
        _legend(axes, data)


def _draw_bar_line(axes, data: _Data):
    _bars(axes, data, horizontal=False)
    if data.line:
        points = [math.nan if v is None else v for v in data.values(data.line)]
        axes.plot(
            range(len(points)), points, color=LINE, linewidth=1.4, linestyle="--", marker="o",
            markersize=3.5, label=data.label(data.line),
        )  # fmt: skip
    _category_axis(axes, data, range(len(data.labels)))
    _value_axis(axes.yaxis, data)
    _unit(axes, data)
    _legend(axes, data, below=True)


def _draw_stacked(axes, data: _Data):
    bottoms = [0.0] * len(data.labels)
    for number, key in enumerate(data.series):
        positions, heights = _valid(range(len(data.labels)), data.values(key))
        axes.bar(
            positions, heights, width=0.7, bottom=[bottoms[p] for p in positions],
            color=PALETTE[number % len(PALETTE)], edgecolor=EDGE, linewidth=0.5,
            hatch=HATCHES[number % len(HATCHES)], label=data.label(key),
        )  # fmt: skip
        for position, height in zip(positions, heights, strict=True):
            bottoms[position] += height
    _category_axis(axes, data, range(len(data.labels)))
    _value_axis(axes.yaxis, data)
    _unit(axes, data)
    _legend(axes, data, below=True)


def _draw_hbar(axes, data: _Data):
    _bars(axes, data, horizontal=True)
    axes.set_yticks(range(len(data.labels)), data.labels)
    axes.invert_yaxis()  # the first row at the top, as in the table
    _value_axis(axes.xaxis, data)
    axes.yaxis.grid(False)
    _unit(axes, data, "x")
    if len(data.series) > 1:
        _legend(axes, data)


def _draw_pyramid(axes, data: _Data):
    """Two series mirrored: the first (women) to the left, the second (men) to the right; the
    first row (the youngest band) at the bottom."""
    if len(data.series) != 2:
        raise ValueError("a pyramid has two series")
    left, right = data.series
    rows = range(len(data.labels))
    for number, (key, sign) in enumerate(((left, -1), (right, 1))):
        positions, widths = _valid(rows, data.values(key))
        axes.barh(
            positions, [sign * w for w in widths], height=0.75,
            color=(PALETTE[3], PALETTE[0])[number], edgecolor=EDGE, linewidth=0.5,
            hatch=("///", "")[number], label=data.label(key),
        )  # fmt: skip
    axes.set_yticks(rows, data.labels)
    axes.axvline(0, color=EDGE, linewidth=0.8)
    limit = max(axes.get_xlim(), key=abs)
    axes.set_xlim(-abs(limit), abs(limit))
    _value_axis(axes.xaxis, data)
    _unit(axes, data, "x")
    _legend(axes, data, below=True)


_DRAW = {
    "bar": _draw_bar,
    "bar_line": _draw_bar_line,
    "pyramid": _draw_pyramid,
    "hbar": _draw_hbar,
    "stacked": _draw_stacked,
    "map": _draw_map,
}
KINDS = tuple(_DRAW)

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
# An id's definition (id="…") or a reference to it (#… before a quote or a parenthesis).
_ID_OR_REFERENCE = re.compile(r'(\bid="|#)([^"#)\s]+)(?=[")])')
_STYLE_ELEMENT = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_STYLE = re.compile(r'\sstyle="([^"]*)"')
# SVG presentation attributes: matplotlib's style="..." written as these instead, so that the
# PDF renderer reads them as SVG (it warns about each "unknown" CSS property otherwise).
_PRESENTATION = {
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "font-size", "font-family", "font-weight", "font-style", "text-anchor", "clip-path",
}  # fmt: skip


def _attributes(match: re.Match) -> str:
    declarations = [d.split(":", 1) for d in match.group(1).split(";") if d.strip()]
    if any(len(d) != 2 or d[0].strip() not in _PRESENTATION for d in declarations):
        return match.group(0)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def _tidy(svg: str, chart: dict) -> str:
    """Inline markup: no prolog, no metadata, ids unique in the page, a title and a label."""
    svg = _METADATA.sub("", _PROLOG.sub("", svg, count=1))
    svg = _STYLE.sub(_attributes, _STYLE_ELEMENT.sub("", svg, count=1))
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", f"chart-{chart['id']}")
    # One pass over the markup for all ids (one pass per id took 5 s of R1's PDF with 50
    # organisations' bars: ``manage.py benchmark_reports``).
    ids = set(_ID.findall(svg))
    svg = _ID_OR_REFERENCE.sub(
        lambda m: f"{m.group(1)}{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(0), svg
    )
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-label={quoteattr(chart.get("alt") or "")} ', 1
    )
    opening_end = svg.index(">") + 1
    return f"{svg[:opening_end]}\n<title>{escape(chart['title'])}</title>{svg[opening_end:]}"
