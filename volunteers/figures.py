"""Volunteering figures for the reports: VO1–VO8 of REPORTS.md §2.

Every figure is aggregate SQL over this app's own models; the report kinds call these functions
and never read the models themselves (see :mod:`calportal.reports.figures`).

* An hours entry belongs to a period by its ``date``; only **approved** entries count in
  VO1–VO5 (submitted and rejected hours are shown apart by :func:`hours_by_status`).
* A shift belongs to a period by the local date it starts on; a certificate by ``issued_on``.
* **Scope**: an **organisation** covers the volunteers it hosts (their entries, shifts of its
  opportunities, their certificates); an **initiative** covers entries logged for it, or for an
  opportunity of it or of one of its events, and the shifts of those opportunities; an
  **event** covers entries and shifts of the opportunities for that event; an **area** covers
  the volunteers who can reach it (``Volunteer.areas``). Certificates are per volunteer, not per
  piece of work: an initiative or an event has none (0); shifts have no area (0 for an area).
* Whether a volunteer is new (VO2) and how long they have been engaged (VO5, VO6) is judged on
  all their approved work, not only on the part the scope covers.
* An anonymised volunteer (PRIVACY.md §2) is one row per calendar year of work; the row keeps the
  year their approved work began (VO2) and, when earlier, the day it began (VO5). Its checks
  for work with children are deleted, so VO6's "without a valid check" leaves such rows out.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Greatest,
    Least,
    Lower,
    Trim,
    TruncMonth,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calportal.reports.figures import (
    COUNT,
    HOURS,
    PERCENT,
    PLN,
    WHOLE_CAL,
    Amount,
    Scope,
    age_band_case,
    age_in_year,
    amounts_by,
    define,
    linked,
)
from calportal.reports.periods import WARSAW, Period
from volunteers.models import (
    ANONYMISED_VOLUNTEER,
    Agreement,
    Certificate,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerRate,
    VolunteerStatus,
    WorkKind,
)
from volunteers.selectors import pln, rate_of_entry, value_sum, with_compliance, with_rate

VO1 = define(
    "VO1",
    _("Active volunteers"),
    _("Distinct volunteers with at least one approved hours entry dated in the period."),
)
VO2 = define(
    "VO2",
    _("New volunteers"),
    _("Volunteers counted in VO1 whose first approved hours entry ever is dated in the period."),
)
VO3 = define(
    "VO3",
    pgettext_lazy("report indicator", "Volunteer hours"),
    _(
        "The sum of the approved hours entries dated in the period (quarter hours ÷ 4); "
        "submitted and rejected hours are shown separately and never added in."
    ),
    unit=HOURS,
)
VO4 = define(
    "VO4",
    _("Value of volunteer work (PLN)"),
    _(
        "The sum of hours × rate over the approved hours entries dated in the period, each "
        "entry at the rate in force on its date for its kind of work: the row of the dated "
        "rate table for that kind with the latest “valid from” not after the entry's date, "
        "else the general row (for every kind without its own rate) with the latest “valid "
        "from” not after it; an entry with no rate in force counts 0 zł. The report prints "
        "each rate used and its source."
    ),
    unit=PLN,
)
VO5 = define(
    "VO5",
    _("Volunteers under 30 days / 30 days or more"),
    _(
        "Volunteers counted in VO1 by how long they have been engaged: the days from their "
        "first to their last approved hours entry up to the end of the period, widened to "
        "their agreements' start and end when they have agreements (an open agreement runs to "
        "the end of the period) — under 30 days, or 30 days or more."
    ),
)
VO6 = define(
    "VO6",
    _("Compliance"),
    _(
        "Volunteers counted in VO1 engaged for 30 days or more (as in VO5) with approved hours "
        "in the period on days no agreement covers; and volunteers with approved hours of work "
        "with children in the period on a day without a valid check (internal reports only)."
    ),
)
VO7 = define(
    "VO7",
    _("Shift fill rate"),
    _(
        "The sum of volunteers assigned ÷ the sum of volunteers needed over shifts starting in "
        "the period."
    ),
    unit=PERCENT,
)
VO8 = define(
    "VO8",
    _("Certificates issued"),
    _("Volunteer certificates issued in the period."),
    unit=COUNT,
)

UNDER_30_DAYS = "under_30_days"
FROM_30_DAYS = "30_days_or_more"
ENGAGEMENT_DAYS = 30
_THIRTY_DAYS = datetime.timedelta(days=ENGAGEMENT_DAYS)


# --- Scoping -----------------------------------------------------------------------------------


def _entries(scope: Scope) -> QuerySet[HoursEntry]:
    """Every hours entry (any status, any date) the scope covers."""
    entries = HoursEntry.objects.all()
    if scope.kind == "organisation":
        return entries.filter(volunteer__organisation_id=scope.organisation)
    if scope.kind == "initiative":
        return entries.filter(
            Q(initiative_id=scope.initiative)
            | Q(opportunity__initiative_id=scope.initiative)
            | Q(opportunity__event__initiative_id=scope.initiative)
        )
    if scope.kind == "event":
        return entries.filter(opportunity__event_id=scope.event)
    if scope.kind == "area":
        return entries.filter(volunteer__areas=scope.area)
    covered = linked(scope)
    if covered is not None:
        initiatives, events = list(covered.initiatives), list(covered.events)
        return entries.filter(
            Q(initiative_id__in=initiatives)
            | Q(opportunity__initiative_id__in=initiatives)
            | Q(opportunity__event__initiative_id__in=initiatives)
            | Q(opportunity__event_id__in=events)
        )
    return entries


def _approved(period: Period, scope: Scope) -> QuerySet[HoursEntry]:
    return _entries(scope).filter(
        status=EntryStatus.APPROVED, date__gte=period.start, date__lte=period.end
    )


def _active_volunteers(period: Period, scope: Scope) -> QuerySet[Volunteer]:
    """The volunteers of VO1, as a queryset of volunteers."""
    return Volunteer.objects.filter(
        Exists(_approved(period, scope).filter(volunteer=OuterRef("pk")))
    )


def _first_in(entries: QuerySet[HoursEntry], period: Period) -> QuerySet[HoursEntry]:
    """The entries of volunteers with no approved entry before the period (VO2)."""
    earlier = HoursEntry.objects.filter(
        volunteer=OuterRef("volunteer"), status=EntryStatus.APPROVED, date__lt=period.start
    )
    return (
        entries.filter(~Exists(earlier))
        .alias(came_before=_came_before(period, "volunteer__"))
        .filter(came_before=False)
    )


def _came_before(period: Period, prefix: str = "") -> Case:
    """Whether an anonymised volunteer row (PRIVACY.md §2: one row per year of hours) says that
    the person's first approved hours were in an earlier year (``first_years["cal"]``)."""
    return Case(
        When(Q(**{f"{prefix}first_years__cal__lt": period.start.year}), then=Value(True)),
        default=Value(False),
    )


def _hours(quarters) -> Decimal:
    return Decimal(quarters or 0) / 4


def _hours_by(entries: QuerySet[HoursEntry], keys: tuple[str, ...]) -> dict[tuple, Amount]:
    """Entries grouped by ``keys`` (fields or annotations), each cell an :class:`Amount` of
    hours: the sum, distinct volunteers, and the most hours of one volunteer.
    One query (see :func:`calportal.reports.figures.amounts_by`)."""
    return {
        key: Amount(_hours(amount.value), amount.contributors, _hours(amount.largest))
        for key, amount in amounts_by(entries, keys, "volunteer", Sum("quarters")).items()
    }


def _total_hours(entries: QuerySet[HoursEntry]) -> Amount:
    totals = entries.aggregate(
        quarters=Sum("quarters"), volunteers=Count("volunteer", distinct=True)
    )
    largest = (
        entries.values("volunteer")
        .annotate(quarters=Sum("quarters"))
        .order_by("-quarters")
        .values_list("quarters", flat=True)
        .first()
    )
    return Amount(_hours(totals["quarters"]), totals["volunteers"], _hours(largest))


# --- VO1–VO4 -----------------------------------------------------------------------------------


def active_volunteers(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """VO1: distinct volunteers with at least one approved hours entry dated in ``period``."""
    return _approved(period, scope).aggregate(n=Count("volunteer", distinct=True))["n"]


def resident_volunteers(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """R5's "volunteers who are residents": volunteers of VO1 who named at least one area of
    the municipality where they can help (the portal records no address; the areas they chose
    are the best evidence it has). One query."""
    active = _approved(period, scope).values("volunteer_id")
    return Volunteer.objects.filter(pk__in=active, areas__isnull=False).distinct().count()


def new_volunteers(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """VO2: the volunteers of VO1 whose first approved hours entry ever is in ``period``."""
    entries = _first_in(_approved(period, scope), period)
    return entries.aggregate(n=Count("volunteer", distinct=True))["n"]


def volunteer_hours(period: Period, scope: Scope = WHOLE_CAL) -> Amount:
    """VO3: approved hours dated in ``period`` as an :class:`Amount` (Decimal hours, in
    quarters), its contributors the volunteers and its largest part the most hours of one
    volunteer. Two queries."""
    return _total_hours(_approved(period, scope))


def hours_of_status(period: Period, scope: Scope, status: str) -> Amount:
    """Hours dated in ``period`` of one status (``"submitted"`` = pending, ``"approved"``,
    ``"rejected"``) as an :class:`Amount` with its volunteers. Two queries."""
    entries = _entries(scope).filter(date__gte=period.start, date__lte=period.end, status=status)
    return _total_hours(entries)


def hours_by_status(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, Decimal]:
    """Hours dated in ``period`` by status: ``{"submitted" (pending), "approved",
    "rejected": Decimal hours}``, every status present. One query."""
    rows = (
        _entries(scope)
        .filter(date__gte=period.start, date__lte=period.end)
        .values("status")
        .annotate(quarters=Sum("quarters"))
        .order_by()
    )
    by_status = dict.fromkeys(EntryStatus.values, Decimal(0))
    for row in rows:
        by_status[row["status"]] = _hours(row["quarters"])
    return by_status


def _values_by(entries: QuerySet[HoursEntry], keys: tuple[str, ...]) -> dict[tuple, Amount]:
    """The value of ``entries`` (VO4: quarters ÷ 4 × the rate of each entry, see
    :func:`volunteers.selectors.rate_of_entry`) grouped by ``keys``, each an :class:`Amount` in
    zł (to 0.01) with the volunteers who contributed and the largest value of one volunteer.
    One query, the rate looked up per entry in SQL."""
    return {
        key: Amount(pln(amount.value / 4), amount.contributors, pln(amount.largest / 4))
        for key, amount in amounts_by(with_rate(entries), keys, "volunteer", value_sum()).items()
    }


def volunteer_value(period: Period, scope: Scope = WHOLE_CAL) -> Amount:
    """VO4: Σ hours × the rate in force on each approved entry's date for its kind of work
    (REPORTS.md §2, §9 D6), over the approved entries dated in ``period``, as an
    :class:`Amount` in zł (to 0.01) with the volunteers who contributed and the largest value
    of one volunteer. One query."""
    return _values_by(_approved(period, scope), ()).get((), Amount(Decimal("0.00")))


def rates_in_force(period: Period) -> list[dict]:
    """The rows of the rate table that apply on at least one day of ``period``: for each kind
    of work with rows of its own and for the general row (``work_kind`` None), the row in force
    on the first day and every row taking effect later in the period. Each ``{"id", "work_kind"
    (id or None), "work_kind_name" ("" for the general row), "rate" (Decimal zł an hour),
    "valid_from" (date), "source" (str)}``, ordered by kind (general first), then date. One
    query."""
    rows = (
        VolunteerRate.objects.filter(valid_from__lte=period.end)
        .select_related("work_kind")
        .order_by("work_kind__name", "work_kind_id", "valid_from")
    )
    by_kind: dict = {}
    for rate in rows:
        by_kind.setdefault(rate.work_kind_id, []).append(rate)
    result = []
    for kind_rows in sorted(by_kind.values(), key=lambda r: (r[0].work_kind_id is not None,)):
        started = [r for r in kind_rows if r.valid_from <= period.start][-1:]
        later = [r for r in kind_rows if r.valid_from > period.start]
        for rate in started + later:
            result.append(
                {
                    "id": rate.pk,
                    "work_kind": rate.work_kind_id,
                    "work_kind_name": rate.work_kind.name if rate.work_kind else "",
                    "rate": rate.hourly_rate,
                    "valid_from": rate.valid_from,
                    "source": rate.source,
                }
            )
    return result


def work_kinds() -> dict[int, str]:
    """``{kind of work id: name}`` of every kind, offered or not. One query."""
    return dict(WorkKind.objects.order_by("name").values_list("pk", "name"))


def by_work_kind(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, dict]:
    """Approved hours in ``period`` and their value by kind of work and the rate row applied:
    ``{(kind id or None, rate row id or None): {"hours": Amount (hours), "value": Amount
    (zł)}}`` — a kind whose rate changed within the period has a key per rate row; entries
    with no kind use the general rate. Two queries."""
    entries = _approved(period, scope).annotate(rate_row=rate_of_entry("pk"))
    hours = _hours_by(entries, ("work_kind", "rate_row"))
    values = _values_by(entries, ("work_kind", "rate_row"))
    return {key: {"hours": amount, "value": values[key]} for key, amount in hours.items()}


# --- VO5, VO6 ----------------------------------------------------------------------------------


def _with_span(volunteers: QuerySet[Volunteer], period: Period) -> QuerySet[Volunteer]:
    """Annotate ``span`` (a duration): from the first approved entry ever — or the earliest
    agreement's start, if earlier — to the last approved entry up to the end of ``period`` — or
    the latest agreement's end, if later (an open agreement: the end of ``period``). Only
    agreements starting by the end of ``period`` count. An anonymised row of one year
    (PRIVACY.md §2) adds ``first_years["since"]``: the day the person's work began before that
    year (at most 30 days before 1 January, which decides the same)."""
    approved = HoursEntry.objects.filter(
        volunteer=OuterRef("pk"), status=EntryStatus.APPROVED, date__lte=period.end
    ).order_by()
    agreements = Agreement.objects.filter(
        volunteer=OuterRef("pk"), starts_on__lte=period.end
    ).order_by()
    # The first and the last day as the (volunteer, date) index gives them in order: a few rows
    # read per volunteer, where MIN/MAX … GROUP BY read all their entries, at each use of the
    # span (R1 on 5,000 volunteers and 100,000 entries: 1.6 s → 0.1 s).
    first_entry = approved.order_by("date").values("date")[:1]
    last_entry = approved.order_by("-date").values("date")[:1]
    agreement_start = agreements.values("volunteer").annotate(day=Min("starts_on")).values("day")
    agreement_end = (
        agreements.values("volunteer")
        .annotate(day=Max(Coalesce("ends_on", Value(period.end))))
        .values("day")
    )
    return volunteers.alias(
        span_start=Least(
            Subquery(first_entry, output_field=DateField()),
            Subquery(agreement_start, output_field=DateField()),
            # An anonymised row of one year keeps when the person's work began before it.
            Cast(KT("first_years__since"), DateField()),
        ),
        span_end=Greatest(
            Subquery(last_entry, output_field=DateField()),
            Subquery(agreement_end, output_field=DateField()),
        ),
    ).alias(span=ExpressionWrapper(F("span_end") - F("span_start"), output_field=DurationField()))


def _span_counts() -> dict:
    return {
        UNDER_30_DAYS: Count("pk", filter=Q(span__lt=_THIRTY_DAYS)),
        FROM_30_DAYS: Count("pk", filter=Q(span__gte=_THIRTY_DAYS)),
    }


def volunteer_span(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, int]:
    """VO5: the volunteers of VO1 by how long they have been engaged: ``{"under_30_days": n,
    "30_days_or_more": n}`` (the two add up to VO1). One query."""
    return _with_span(_active_volunteers(period, scope), period).aggregate(**_span_counts())


class _CollapseSpaces(Func):
    """Runs of white space made one space: PostgreSQL's ``regexp_replace``; SQLite (the
    embedded default) has none, so there it is the function registered by
    :func:`sqlite_functions`."""

    function = "regexp_replace"

    def __init__(self, expression):
        super().__init__(expression, Value(r"\s+"), Value(" "), Value("g"))


def sqlite_functions(sender, connection, **kwargs) -> None:
    """On every new SQLite connection: ``regexp_replace(text, pattern, replacement, flags)``
    (the ``g`` flag only: every match), as PostgreSQL has it."""
    if connection.vendor != "sqlite":
        return
    import re

    def regexp_replace(text, pattern, replacement, flags):
        if text is None:
            return None
        return re.sub(pattern, replacement, text, count=0 if "g" in (flags or "") else 1)

    connection.connection.create_function("regexp_replace", 4, regexp_replace, deterministic=True)


def _folded(expression):
    """Text compared as :func:`volunteers.models.folded_title` does: trimmed, runs of spaces
    made one, lower case (SQL ``lower`` stands in for Python's case folding)."""
    return Lower(_CollapseSpaces(Trim(expression)))


def _child_work() -> Q:
    """Entries of work with children, by the rule of :func:`volunteers.models.is_child_work`."""
    titled_like_child_work = Opportunity.objects.alias(folded=_folded(F("title"))).filter(
        organisation=OuterRef("volunteer__organisation"),
        involves_children=True,
        folded=_folded(OuterRef("activity")),
    )
    return (
        Q(opportunity__involves_children=True)
        | Q(with_children=True)
        | (Q(opportunity__isnull=True) & ~Q(activity="") & Exists(titled_like_child_work))
    )


def compliance(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, int]:
    """VO6 (internal reports only): ``{"no_agreement": volunteers of VO1 engaged 30 days or
    more (VO5) with approved hours in ``period`` on a day no agreement covers,
    "no_child_check": volunteers with approved hours of work with children in ``period`` on a
    day without a valid check}``. Two queries."""
    covering_agreement = Agreement.objects.filter(
        volunteer=OuterRef("volunteer"), starts_on__lte=OuterRef("date")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("date")))
    valid_check = ChildSafetyCheck.objects.filter(
        volunteer=OuterRef("volunteer"), checked_on__lte=OuterRef("date")
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("date")))
    approved = _approved(period, scope)
    uncovered = approved.filter(volunteer=OuterRef("pk")).filter(~Exists(covering_agreement))
    no_agreement = (
        _with_span(Volunteer.objects.filter(Exists(uncovered)), period)
        .filter(span__gte=_THIRTY_DAYS)
        .count()
    )
    # Anonymised rows have no checks any more (PRIVACY.md §1 deletes them): not judged.
    no_child_check = (
        approved.filter(_child_work(), volunteer__anonymised_year=None)
        .filter(~Exists(valid_check))
        .aggregate(n=Count("volunteer", distinct=True))["n"]
    )
    return {"no_agreement": no_agreement, "no_child_check": no_child_check}


# --- VO7, VO8 ----------------------------------------------------------------------------------


def shift_fill(period: Period, scope: Scope = WHOLE_CAL) -> tuple[int, int]:
    """VO7: ``(Σ assigned, Σ needed)`` over shifts starting in ``period`` (by local date); the
    fill rate is their quotient. ``(0, 0)`` for an area (shifts have none). One query."""
    if scope.kind == "area":
        return 0, 0
    totals = _shifts(period, scope).aggregate(assigned=Sum("assigned_count"), needed=Sum("needed"))
    return totals["assigned"] or 0, totals["needed"] or 0


def _shifts(period: Period, scope: Scope) -> QuerySet[Shift]:
    """Shifts starting in ``period`` (by local date) that ``scope`` covers (none for an area)."""
    start, until = period.bounds()
    shifts = Shift.objects.filter(starts_at__gte=start, starts_at__lt=until)
    if scope.kind == "organisation":
        shifts = shifts.filter(opportunity__organisation_id=scope.organisation)
    elif scope.kind == "initiative":
        shifts = shifts.filter(
            Q(opportunity__initiative_id=scope.initiative)
            | Q(opportunity__event__initiative_id=scope.initiative)
        )
    elif scope.kind == "event":
        shifts = shifts.filter(opportunity__event_id=scope.event)
    elif scope.kind == "area":
        shifts = shifts.none()
    return shifts


def certificates_issued(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """VO8: certificates issued in ``period``. 0 for an initiative or an event."""
    certificates = Certificate.objects.filter(
        issued_on__gte=period.start, issued_on__lte=period.end
    )
    if scope.kind == "organisation":
        certificates = certificates.filter(volunteer__organisation_id=scope.organisation)
    elif scope.kind == "area":
        certificates = certificates.filter(volunteer__areas=scope.area)
    elif scope.kind in ("initiative", "event"):
        return 0
    return certificates.count()


# --- Breakdowns --------------------------------------------------------------------------------


def by_organisation(period: Period, scope: Scope = WHOLE_CAL) -> dict[int, dict]:
    """VO1–VO5 per hosting organisation: ``{organisation id: {"VO1": int, "VO2": int, "VO3":
    Amount (hours), "VO4": Amount (PLN), "under_30_days": int, "30_days_or_more": int}}``, only
    organisations with approved hours in ``period``. Four queries (VO4 at the rate in force on
    each entry's date, see :func:`volunteer_value`)."""
    approved = _approved(period, scope)
    hours = _hours_by(approved, ("volunteer__organisation",))
    new = dict(
        _first_in(approved, period)
        .values("volunteer__organisation")
        .annotate(n=Count("volunteer", distinct=True))
        .order_by()
        .values_list("volunteer__organisation", "n")
    )
    spans = {
        row["organisation"]: row
        for row in _with_span(_active_volunteers(period, scope), period)
        .values("organisation")
        .annotate(**_span_counts())
        .order_by()
    }
    values = _values_by(approved, ("volunteer__organisation",))
    return {
        organisation: {
            "VO1": amount.contributors,
            "VO2": new.get(organisation, 0),
            "VO3": amount,
            "VO4": values[(organisation,)],
            UNDER_30_DAYS: spans[organisation][UNDER_30_DAYS],
            FROM_30_DAYS: spans[organisation][FROM_30_DAYS],
        }
        for (organisation,), amount in hours.items()
    }


def hours_by_month_organisation(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, Amount]:
    """VO3 per month and hosting organisation: ``{("YYYY-MM", organisation id): Amount}``, only
    cells with approved hours. One query."""
    entries = _approved(period, scope).annotate(month=TruncMonth("date"))
    cells = _hours_by(entries, ("month", "volunteer__organisation"))
    return {(month.strftime("%Y-%m"), org): amount for (month, org), amount in cells.items()}


def _volunteers(scope: Scope) -> QuerySet[Volunteer]:
    """The volunteers ``scope`` covers: hosted by the organisation, reaching the area, or (an
    initiative, an event, a project) with hours logged for it."""
    volunteers = Volunteer.objects.all()
    if scope.kind == "organisation":
        return volunteers.filter(organisation_id=scope.organisation)
    if scope.kind == "area":
        return volunteers.filter(areas=scope.area)
    if scope.kind == "cal":
        return volunteers
    return volunteers.filter(Exists(_entries(scope).filter(volunteer=OuterRef("pk"))))


def by_age_band(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, dict[str, int]]:
    """R8 (a): the volunteers by age band (:data:`~calportal.reports.figures.AGE_BANDS`, age
    in the year the period ends, REPORTS.md §1): ``{band: {"VO1", "VO2", "ended" (volunteers
    whose ``ended_on`` is in ``period``, active in it or not), "under_30_days",
    "30_days_or_more" (VO5)}}``; only bands with someone in them. Two queries."""
    band = age_band_case(age_in_year(Value(period.end.year), F("birth_year")))
    earlier = HoursEntry.objects.filter(
        volunteer=OuterRef("pk"), status=EntryStatus.APPROVED, date__lt=period.start
    )
    rows = (
        _with_span(_active_volunteers(period, scope), period)
        .alias(returning=Exists(earlier), came_before=_came_before(period))
        .annotate(band=band)
        .values("band")
        .annotate(
            VO1=Count("pk"),
            VO2=Count("pk", filter=Q(returning=False, came_before=False)),
            **_span_counts(),
        )
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    empty = {"VO1": 0, "VO2": 0, "ended": 0, UNDER_30_DAYS: 0, FROM_30_DAYS: 0}
    for row in rows:
        result[row.pop("band")] = {**empty, **row}
    ended = (
        _volunteers(scope)
        .filter(ended_on__gte=period.start, ended_on__lte=period.end)
        .annotate(band=band)
        .values("band")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in ended:
        result.setdefault(row["band"], dict(empty))["ended"] = row["n"]
    return result


def volunteers_ended(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """Volunteers whose ``ended_on`` falls in ``period`` (R8's "ended in the period")."""
    return _volunteers(scope).filter(ended_on__gte=period.start, ended_on__lte=period.end).count()


def by_month_status(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, Amount]:
    """R8 (b): hours dated in ``period`` per month and status: ``{("YYYY-MM", status): Amount
    (hours)}`` (status ``submitted`` = pending, ``approved``, ``rejected``); only cells with
    hours. One query."""
    entries = (
        _entries(scope)
        .filter(date__gte=period.start, date__lte=period.end)
        .annotate(month=TruncMonth("date"))
    )
    cells = _hours_by(entries, ("month", "status"))
    return {(month.strftime("%Y-%m"), status): amount for (month, status), amount in cells.items()}


def value_by_month(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, Amount]:
    """R8 (b): VO4 per month: ``{"YYYY-MM": Amount (zł)}``, only months with approved hours.
    One query."""
    entries = _approved(period, scope).annotate(month=TruncMonth("date"))
    return {
        month.strftime("%Y-%m"): amount
        for (month,), amount in _values_by(entries, ("month",)).items()
    }


def by_opportunity(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, dict]:
    """R8 (c): VO3 and VO7 per piece of work: ``{key: {"label": str, "VO3": Amount (hours),
    "assigned": int, "needed": int}}``, where ``key`` is ``"opportunity-<id>"`` (its hours and
    the shifts starting in ``period``), ``"initiative-<id>"`` for an initiative (hours logged
    for it without an opportunity) and ``"other"`` for work described in words. Four
    queries."""
    work = Case(
        When(
            opportunity__isnull=False,
            then=Concat(Value("opportunity-"), Cast("opportunity_id", CharField())),
        ),
        When(
            initiative__isnull=False,
            then=Concat(Value("initiative-"), Cast("initiative_id", CharField())),
        ),
        default=Value("other"),
        output_field=CharField(),
    )
    hours = _hours_by(_approved(period, scope).annotate(work=work), ("work",))
    result = {
        key: {"label": "", "VO3": amount, "assigned": 0, "needed": 0}
        for (key,), amount in hours.items()
    }
    shifts = (
        _shifts(period, scope)
        .values("opportunity")
        .annotate(assigned=Sum("assigned_count"), needed=Sum("needed"))
        .order_by()
    )
    for row in shifts:
        key = f"opportunity-{row['opportunity']}"
        result.setdefault(key, {"label": "", "VO3": Amount(Decimal(0)), "assigned": 0, "needed": 0})
        result[key].update(assigned=row["assigned"] or 0, needed=row["needed"] or 0)
    from initiatives.models import Initiative

    opportunities = {k.split("-")[1] for k in result if k.startswith("opportunity-")}
    initiatives = {k.split("-")[1] for k in result if k.startswith("initiative-")}
    titles = {
        f"opportunity-{pk}": title
        for pk, title in Opportunity.objects.filter(pk__in=opportunities).values_list("pk", "title")
    }
    titles |= {
        f"initiative-{pk}": title
        for pk, title in Initiative.objects.filter(pk__in=initiatives).values_list("pk", "title")
    }
    for key, row in result.items():
        row["label"] = titles.get(key, "")
    return result


def compliance_list(period: Period, scope: Scope = WHOLE_CAL) -> list[dict]:
    """R8 (e), internal only (names are personal data): the volunteers of VO6 with what is
    wrong, ``[{"id", "name", "no_agreement": hours (Decimal) worked in ``period`` on days no
    agreement covers — only for volunteers engaged 30 days or more (VO5), else 0,
    "no_child_check": hours of work with children in ``period`` on days without a valid
    check}]``, only volunteers with either, by name. Two queries."""
    covering_agreement = Agreement.objects.filter(
        volunteer=OuterRef("volunteer"), starts_on__lte=OuterRef("date")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("date")))
    valid_check = ChildSafetyCheck.objects.filter(
        volunteer=OuterRef("volunteer"), checked_on__lte=OuterRef("date")
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("date")))
    long_engaged = (
        _with_span(Volunteer.objects.all(), period).filter(span__gte=_THIRTY_DAYS).values("pk")
    )
    rows = (
        _approved(period, scope)
        .alias(
            uncovered=Q(~Exists(covering_agreement), volunteer__in=long_engaged),
            unchecked=Q(_child_work(), ~Exists(valid_check), volunteer__anonymised_year=None),
        )
        .values(
            "volunteer",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__anonymised_year",
        )
        .annotate(
            no_agreement=Coalesce(Sum("quarters", filter=Q(uncovered=True)), 0),
            no_child_check=Coalesce(Sum("quarters", filter=Q(unchecked=True)), 0),
        )
        .filter(Q(no_agreement__gt=0) | Q(no_child_check__gt=0))
        .order_by("volunteer__last_name", "volunteer__first_name", "volunteer")
    )
    return [
        {
            "id": row["volunteer"],
            "name": _name(
                row["volunteer__first_name"],
                row["volunteer__last_name"],
                row["volunteer__anonymised_year"],
            ),
            "no_agreement": _hours(row["no_agreement"]),
            "no_child_check": _hours(row["no_child_check"]),
        }
        for row in rows
    ]


CHECK_WARNING_DAYS = 60


def _name(first: str, last: str, anonymised_year) -> str:
    """A volunteer's name in R8's internal lists; an anonymised volunteer (PRIVACY.md §2) has
    none and is shown as such."""
    if anonymised_year is not None:
        return str(ANONYMISED_VOLUNTEER)
    return f"{first} {last}"


def checks_expiring(day: datetime.date, scope: Scope = WHOLE_CAL) -> list[dict]:
    """R8 (e), internal only: volunteers (not ended) whose latest check for work with
    children runs out within :data:`CHECK_WARNING_DAYS` days after ``day`` (inclusive):
    ``[{"id", "name", "valid_until": date}]``, soonest first. One query."""
    latest = (
        ChildSafetyCheck.objects.filter(volunteer=OuterRef("pk"))
        .order_by(F("valid_until").desc(nulls_first=True))
        .values("valid_until")[:1]
    )
    rows = (
        _volunteers(scope)
        .exclude(status=VolunteerStatus.ENDED)
        .annotate(valid_until=Subquery(latest, output_field=DateField()))
        .filter(
            valid_until__gte=day, valid_until__lte=day + datetime.timedelta(days=CHECK_WARNING_DAYS)
        )
        .order_by("valid_until", "last_name", "first_name", "pk")
        .values("pk", "first_name", "last_name", "anonymised_year", "valid_until")
    )
    return [
        {
            "id": r["pk"],
            "name": _name(r["first_name"], r["last_name"], r["anonymised_year"]),
            "valid_until": r["valid_until"],
        }
        for r in rows
    ]


def by_volunteer(period: Period, scope: Scope = WHOLE_CAL) -> list[dict]:
    """R8 (e), internal only: approved hours per volunteer in ``period`` and their value,
    ``[{"id", "name", "VO3": Decimal hours, "VO4": Decimal zł}]`` by name. One query."""
    rows = (
        with_rate(_approved(period, scope))
        .values(
            "volunteer",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__anonymised_year",
        )
        .annotate(value=value_sum(), quarters=Sum("quarters"))
        .order_by("volunteer__last_name", "volunteer__first_name", "volunteer")
    )
    return [
        {
            "id": row["volunteer"],
            "name": _name(
                row["volunteer__first_name"],
                row["volunteer__last_name"],
                row["volunteer__anonymised_year"],
            ),
            "VO3": _hours(row["quarters"]),
            "VO4": pln(row["value"] / 4),
        }
        for row in rows
    ]


def certificates_list(period: Period, scope: Scope = WHOLE_CAL) -> list[dict]:
    """R8 (f), internal only: the certificates of VO8, ``[{"number", "name", "hours"
    (Decimal)}]`` by date of issue and number. One query."""
    certificates = Certificate.objects.filter(
        issued_on__gte=period.start, issued_on__lte=period.end
    )
    if scope.kind == "organisation":
        certificates = certificates.filter(volunteer__organisation_id=scope.organisation)
    elif scope.kind == "area":
        certificates = certificates.filter(volunteer__areas=scope.area)
    elif scope.kind != "cal":
        return []
    return [
        {"number": number, "name": _name(first, last, anonymised), "hours": _hours(quarters)}
        for number, first, last, anonymised, quarters in certificates.order_by(
            "issued_on", "year", "sequence"
        ).values_list(
            "number",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__anonymised_year",
            "total_quarters",
        )
    ]


# --- Monthly digest warnings -------------------------------------------------------------------


def hours_pending_older_than(days: int, today: datetime.date, scope: Scope = WHOLE_CAL) -> int:
    """Hours entries still waiting for a decision that were logged more than ``days`` days
    before ``today`` (logged on a local date before ``today − days``)."""
    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=days), datetime.time.min, tzinfo=WARSAW
    )
    return _entries(scope).filter(status=EntryStatus.SUBMITTED, created_at__lt=cutoff).count()


def without_agreement_past(days: int, today: datetime.date, scope: Scope = WHOLE_CAL) -> int:
    """Active volunteers whose first hours are more than ``days`` days before ``today`` and
    who have no agreement covering ``today`` (the rule of the volunteers' compliance list); for
    an initiative or an event, those of its volunteers."""
    volunteers = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
    if scope.kind == "organisation":
        volunteers = volunteers.filter(organisation_id=scope.organisation)
    elif scope.kind == "area":
        volunteers = volunteers.filter(areas=scope.area)
    elif scope.kind in ("initiative", "event"):
        volunteers = volunteers.filter(Exists(_entries(scope).filter(volunteer=OuterRef("pk"))))
    return (
        with_compliance(volunteers, on=today)
        .filter(has_agreement=False, work_started__lt=today - datetime.timedelta(days=days))
        .count()
    )


# --- NW2: organisations hosting volunteers -----------------------------------------------------


def organisations_active(period: Period) -> set[int]:
    """Ids of the organisations hosting volunteers with approved hours in ``period`` (NW2)."""
    return set(
        _approved(period, WHOLE_CAL)
        .values_list("volunteer__organisation", flat=True)
        .distinct()
        .order_by()
    )


def organisations_first_activity() -> dict[int, datetime.date]:
    """For "new partners" of NW2: ``{organisation id: the date of the first approved hours of a
    volunteer it hosts}``. One query."""
    return dict(
        HoursEntry.objects.filter(status=EntryStatus.APPROVED)
        .values("volunteer__organisation")
        .annotate(first=Min("date"))
        .order_by()
        .values_list("volunteer__organisation", "first")
    )
