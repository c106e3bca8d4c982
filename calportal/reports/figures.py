"""The vocabulary every app's figures share: scopes, indicators, amounts and age bands.

Each domain app computes its own figures in its ``figures.py`` (aggregate SQL over its own
models) and describes them here with :func:`define`; the report kinds compose those functions
and never touch an app's models. An indicator's id, its name and its definition live next to
the code that computes it, and a report's definitions appendix is generated from
:data:`INDICATORS` (source of every definition: REPORTS.md §2).

A figure function takes ``(period, scope)`` — a :class:`~calportal.reports.periods.Period` and a
:class:`Scope` — and returns a number, an :class:`Amount`, or a breakdown: a dict from a key
(a string, or a tuple of strings) to those.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.functional import Promise

# Units of a figure: how it is printed and which suppression rule applies (REPORTS.md §3).
COUNT = "count"  # persons or things counted: "< k" below k
NUMBER = "number"  # things counted: events, places, initiatives, organisations, resources,
# meetings — never suppressed (REPORTS.md §3.1)
HOURS = "hours"  # a magnitude contributed by persons: the GUS rule (≥ 3 contributors, ≤ 75 %)
PLN = "pln"
USES = "uses"  # pass uses: a count, but contributed by holders (the magnitude rule)
PERCENT = "percent"  # derived: suppressed with what it is computed from
MEAN = "mean"
UNITS = (COUNT, NUMBER, HOURS, PLN, USES, PERCENT, MEAN)


# The scope fields, the most specific first (an event belongs to an initiative, …).
SCOPE_KINDS = ("event", "initiative", "task", "project", "group", "venue", "organisation", "area")


@dataclass(frozen=True)
class Scope:
    """What a figure covers: the whole CAL (everything ``None``), or one initiative, one event,
    one organisation (initiatives it leads or partners, volunteers it hosts, venues it runs),
    one area (persons living there, resources and needs there), one project (funding
    agreement: its initiatives), one public task (its initiatives and events), one partner
    venue of the senior pass or one self-help group."""

    initiative: int | None = None
    event: int | None = None
    organisation: int | None = None
    area: int | None = None
    project: int | None = None
    task: int | None = None
    venue: int | None = None
    group: int | None = None

    @property
    def kind(self) -> str:
        """``"cal"``, or the name of the one field set (the most specific first)."""
        for name in SCOPE_KINDS:
            if getattr(self, name) is not None:
                return name
        return "cal"

    def as_dict(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Scope":
        data = data or {}
        return cls(**{name: int(data[name]) for name in cls.__dataclass_fields__ if data.get(name)})


WHOLE_CAL = Scope()


@dataclass(frozen=True)
class Linked:
    """What a project or a public task covers: whole initiatives (every event of them) and
    single events of other initiatives (ids)."""

    initiatives: frozenset = frozenset()
    events: frozenset = frozenset()


# Scope kinds defined by the initiatives and events linked to them ("project", "task"):
# name → function(pk) -> Linked. Registered by the app that owns them (in its AppConfig.ready).
_LINKED: dict[str, object] = {}


def register_linked_scope(name: str, resolver) -> None:
    """Let figures of events, attendance and volunteer hours take ``Scope(<name>=pk)``:
    ``resolver(pk)`` returns the :class:`Linked` initiatives and events (an unknown pk gives an
    empty :class:`Linked`, so its figures are zero)."""
    _LINKED[name] = resolver


def linked(scope: Scope) -> Linked | None:
    """The initiatives and events a project or task scope covers; None for any other scope."""
    resolver = _LINKED.get(scope.kind)
    if resolver is None:
        return None
    return resolver(getattr(scope, scope.kind))


@dataclass(frozen=True)
class Amount:
    """A magnitude (hours, PLN, uses) with what the suppression rule needs: how many persons
    contributed to it and the largest single contribution (REPORTS.md §3.3)."""

    value: Decimal | int
    contributors: int = 0
    largest: Decimal | int = 0
    # Deliberately no addition: distinct contributors of two cells cannot be added (the same
    # person may be in both); group in SQL instead (:func:`amounts_by`).


@dataclass(frozen=True)
class Indicator:
    """One indicator of REPORTS.md §2: its id (``"PE1"``), its name and its exact definition
    (translated: English msgids, Polish in the catalogue), the unit it is counted in and the
    smallest cell a shared report may print (``k``: 3, or 5 for disability and self-help)."""

    id: str
    name: Promise | str
    definition: Promise | str
    unit: str = COUNT
    k: int = 3
    notes: tuple = field(default=())

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": str(self.name),
            "definition": str(self.definition),
            "unit": self.unit,
            "k": self.k,
        }


INDICATORS: dict[str, Indicator] = {}


def define(
    id: str, name: Promise | str, definition: Promise | str, *, unit: str = COUNT, k: int = 3
) -> Indicator:
    """Register an indicator and return it. Raises ``ValueError`` for an unknown unit, a k below
    3 or an id already defined differently."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if k < 3:
        raise ValueError("k may be raised, never lowered below 3 (REPORTS.md §3.2)")
    indicator = Indicator(id=id, name=name, definition=definition, unit=unit, k=k)
    existing = INDICATORS.get(id)
    if existing is not None and existing != indicator:
        raise ValueError(f"indicator {id} is already defined")
    INDICATORS[id] = indicator
    return indicator


def definitions(ids) -> list[dict]:
    """The definitions appendix for the given ids, in the given order, each as
    ``{"id", "name", "definition", "unit", "k"}`` in the active language. Raises ``KeyError``
    for an id nobody defined."""
    return [INDICATORS[id].as_dict() for id in dict.fromkeys(ids)]


# Age bands (REPORTS.md §1): key, lowest age, highest age (None: no upper limit). The age is
# "wiek w roku": the reference year minus the year of birth.
AGE_BANDS = (
    ("0-17", 0, 17),
    ("18-29", 18, 29),
    ("30-44", 30, 44),
    ("45-54", 45, 54),
    ("55-59", 55, 59),
    ("60-64", 60, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85+", 85, None),
)
AGE_UNKNOWN = "unknown"
AGE_BAND_KEYS = tuple(key for key, _low, _high in AGE_BANDS) + (AGE_UNKNOWN,)
# Roll-ups of the default bands.
ESF_BANDS = {
    "<18": ("0-17",),
    "18-29": ("18-29",),
    "30-54": ("30-44", "45-54"),
    "55+": ("55-59", "60-64", "65-74", "75-84", "85+"),
}
SENIOR_BANDS = ("60-64", "65-74", "75-84", "85+")

# Residence keys besides an area's id (REPORTS.md §1, "Residence").
OUTSIDE = "outside"  # poza gminą
NOT_GIVEN = "not_given"  # brak danych

# Genders as the reports print them; the portal stores "" for "not given".
GENDERS = ("female", "male", "not_given")


def age_band_case(age: Combinable) -> Case:
    """An SQL expression giving the :data:`AGE_BANDS` key of ``age`` (an integer expression of
    whole years, e.g. :func:`age_in_year`), or ``"unknown"`` when it is NULL."""
    whens = []
    for key, low, high in AGE_BANDS:
        condition = Q(GreaterThanOrEqual(age, low))
        if high is not None:
            condition &= Q(LessThanOrEqual(age, high))
        whens.append(When(condition, then=Value(key)))
    return Case(*whens, default=Value(AGE_UNKNOWN))


def age_in_year(year: Combinable, birth_year: Combinable):
    """``year − birth_year`` as an integer SQL expression (NULL when the birth year is)."""
    return ExpressionWrapper(year - birth_year, output_field=IntegerField())


def amounts_by(queryset, keys: tuple[str, ...], person: str, value) -> dict[tuple, Amount]:
    """Group ``queryset`` by ``keys`` (fields or annotations) and give each group an
    :class:`Amount`: the sum of ``value`` (an aggregate expression over one row, e.g.
    ``Count("pk")`` or ``Sum("quarters")``), the number of distinct ``person`` values that
    contributed, and the largest sum of one person — what the magnitude rule needs
    (REPORTS.md §3.3). One query: the rows are first summed per (group, person) in SQL, then per
    group, so the cost grows with the data only linearly (no correlated subquery per group).
    Returns ``{tuple of key values: Amount}``; groups without rows are absent."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    per_person = queryset.values(*keys, person).annotate(_part=value).order_by()
    try:
        sql, params = per_person.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``pk__in=[]``: a scope that covers nothing
        return {}
    compiler = per_person.query.get_compiler(per_person.db)
    quote = compiler.quote_name_unless_alias
    # The inner query's output columns are named after the keys (their aliases).
    columns = ", ".join(quote(key) for key in keys)
    # Only quoted identifiers and Django's own compiled query go into the text; values are
    # parameters.
    select = f"{columns}, " if columns else ""
    group = f" GROUP BY {columns}" if columns else ""
    outer = f"SELECT {select}SUM(_part), COUNT(*), MAX(_part) FROM ({sql}) AS per_person{group}"  # noqa: S608
    with connections[per_person.db].cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    convert = _key_converters(per_person, keys)
    width = len(keys)
    return {
        tuple(convert[i](value) for i, value in enumerate(row[:width])): Amount(
            row[width] or 0, row[width + 1], row[width + 2] or 0
        )
        for row in rows
    }


def _key_converters(queryset, keys: tuple[str, ...]) -> list:
    """For each key, a function turning the database's raw value into Python's, as the ORM
    would (dates stay dates on SQLite too)."""
    from django.db import connections

    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(queryset.db)
    compiler.setup_query()
    expressions = {alias: expression for expression, _sql, alias in compiler.select if alias}
    functions = []
    for key in keys:
        expression = expressions.get(key)
        converters = (
            connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if expression is not None
            else []
        )

        def convert(value, converters=converters, expression=expression):
            for converter in converters:
                value = converter(value, expression, connection)
            return value

        functions.append(convert)
    return functions
