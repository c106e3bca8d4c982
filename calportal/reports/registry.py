"""Report kinds: how each turns a request (period, comparison, scope, variant) into a dataset.

A builder runs inside the Celery task. It composes the apps' figures (their ``figures.py``)
into the dataset of :mod:`calportal.reports.dataset`; it never reads an app's models itself.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import Promise

from calportal.reports.figures import Scope
from calportal.reports.periods import Period


@dataclass(frozen=True)
class Request:
    """What a builder is asked for. ``comparison`` is None when no comparison was asked."""

    kind: str
    period: Period
    comparison: Period | None
    scope: Scope
    variant: str  # "shared" | "internal"
    language: str  # "pl" | "en"
    k: int = 3
    today: datetime.date | None = None
    narrative: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class KindSpec:
    """A report kind: its builder, the scopes it takes, the period it defaults to, the
    narrative fields staff fill in, and whether a dataset counts as empty (nothing to send)."""

    code: str
    build: Callable[[Request], dict]
    scopes: tuple[str, ...] = ("cal",)
    default_timeframe: str = "year_previous"
    # The comparison the request form proposes: "none" for reports about a project or a task
    # and for those with columns of several years of their own (R2, R3).
    default_comparison: str = "same_period_last_year"
    narrative: tuple[tuple[str, object], ...] = ()
    variants: tuple[str, ...] = ("internal", "shared")
    is_empty: Callable[[dict], bool] = lambda dataset: False
    # Partner coordinators may run it for their own initiatives (REPORTS.md §8).
    own_scope: bool = False
    # What the report is for, one sentence on the reports page (translated lazily).
    description: Promise | str = ""
    # The CAL team may read its shared variant for the whole CAL (REPORTS.md §8).
    team_shared: bool = False
    # The variants OPS staff get; None: all of ``variants`` (R10: only by topic).
    ops_variants: tuple[str, ...] | None = None
    # Who else may have it, for a kind whose audience is not the default one (venue staff,
    # facilitators, partner coordinators on their own tasks). ``audience(user)``: the variants
    # the user may have (most complete first, [] for none); ``may_scope(user, scope, variant)``:
    # whether that user may have it for that scope; ``runs_filter(user)``: a ``Q`` over
    # ``ReportRun`` of this kind's runs the user may open (a superset; may_scope decides).
    audience: Callable[[object], list[str]] | None = None
    may_scope: Callable[[object, Scope, str], bool] | None = None
    runs_filter: Callable[[object], Q] | None = None
    # Typed values kept on the run (ReportRun.narrative) that change the figures, not only the
    # texts: ``with_inputs(dataset, narrative) -> dataset`` is applied before every rendering.
    with_inputs: Callable[[dict, dict], dict] | None = None
    # The files made for each run, and per variant where a variant gets fewer (R10: the XLSX
    # is for the coordinator's variant only).
    formats: tuple[str, ...] = ("pdf", "xlsx", "csv")
    variant_formats: dict | None = None
    # Called with (user, run) whenever a user opens a run's page or downloads one of its files
    # (R10: reading it is written to the self-help access log).
    on_read: Callable[[object, object], None] | None = None
    # Whether staff can make a schedule for it (R11 follows its event instead).
    schedulable: bool = True


_kinds: dict[str, KindSpec] = {}


@dataclass(frozen=True)
class ScopeKind:
    """Something a report can be made for besides the whole CAL (a project, a public task, a
    venue, a self-help group): the form's label, the choices a user may pick
    (``choices(user) -> [(pk, label)]``), the name printed in a run's title (``title(pk)``),
    and, when it has dates of its own, the period identifier of them (``timeframe(pk)``, e.g.
    ``"project:12"``, resolved by :func:`calportal.reports.periods.register_prefix`)."""

    name: str
    label: Promise | str
    choices: Callable[[object], list[tuple[int, str]]]
    title: Callable[[int], str]
    timeframe: Callable[[int], str] | None = None


_scopes: dict[str, ScopeKind] = {}


def register_scope(scope: ScopeKind) -> ScopeKind:
    _scopes[scope.name] = scope
    return scope


def get_scope(name: str) -> ScopeKind | None:
    """The registered scope kind, or None (the CAL, initiatives, events, organisations and
    areas are built in)."""
    _load()
    return _scopes.get(name)


def register(spec: KindSpec) -> KindSpec:
    _kinds[spec.code] = spec
    return spec


def _load() -> None:
    from calportal.reports import kinds as _modules  # noqa: F401 - they register themselves


def narrative_fields(spec: KindSpec) -> list[tuple[str, object, str]]:
    """The kind's narrative fields as ``(key, label, type)``; ``type`` is ``"text"`` (a free
    text) or ``"decimal"`` (a typed number, e.g. a forecast or an amount, kept on the run as a
    string such as ``"1234.50"``; ``""`` when not given). A kind declares a field as
    ``(key, label)`` or ``(key, label, type)``."""
    return [(item[0], item[1], item[2] if len(item) > 2 else "text") for item in spec.narrative]


def formats_of(spec: KindSpec, variant: str) -> tuple[str, ...]:
    """The files made for a run of this kind in this variant."""
    if spec.variant_formats and variant in spec.variant_formats:
        return spec.variant_formats[variant]
    return spec.formats


def is_registered(code: str) -> bool:
    _load()
    return code in _kinds


def get_kind(code: str) -> KindSpec:
    """Raises ``KeyError`` for a kind nobody registered."""
    _load()
    return _kinds[code]


def kinds() -> list[KindSpec]:
    _load()
    return list(_kinds.values())
