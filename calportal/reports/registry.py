"""Report kinds: how each turns a request (period, comparison, scope, variant) into a dataset.

A builder runs inside the Celery task. It composes the apps' figures (their ``figures.py``)
into the dataset of :mod:`calportal.reports.dataset`; it never reads an app's models itself.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

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
    narrative: tuple[tuple[str, object], ...] = ()
    variants: tuple[str, ...] = ("internal", "shared")
    is_empty: Callable[[dict], bool] = lambda dataset: False
    # Partner coordinators may run it for their own initiatives (REPORTS.md §8).
    own_scope: bool = False


_kinds: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    _kinds[spec.code] = spec
    return spec


def _load() -> None:
    from calportal.reports import kinds as _modules  # noqa: F401 - they register themselves


def get_kind(code: str) -> KindSpec:
    """Raises ``KeyError`` for a kind nobody registered."""
    _load()
    return _kinds[code]


def kinds() -> list[KindSpec]:
    _load()
    return list(_kinds.values())
