"""Figures of the „Śremski Przyjaciel Seniora” programme for the reports: PA1–PA5 of REPORTS.md §2.

Every figure is aggregate SQL over this programme's own models; the report kinds call these
functions and never read the models themselves (see :mod:`calportal.reports.figures`).

* A pass is **active on a day** when it was issued on or before that day, is valid until that
  day or later, and its status at the end of that day is "active" — the status of its latest
  history row (:class:`~initiatives.passes.models.PassStatusChange`) starting on or before the
  day. A pass suspended, revoked or replaced on a day is therefore not active on that day.
* A redemption belongs to a period by the local (Europe/Warsaw) date of ``redeemed_at``.
* **Scope**: the whole CAL; an **area** covers the holders living there (``Participant.area``)
  and their uses; an **organisation** covers the uses at the venue it runs, and a **venue**
  (``Scope(venue=…)``, R9's venue statement) the uses at that venue — both without holder data
  (pass stocks, new, expired and revoked passes and holders count 0: a venue's statement shows
  its own uses only, REPORTS.md §6 R9); any other scope (an initiative, an event, a project, a
  public task, a self-help group) has no pass figures (every function returns zeros).
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractIsoWeekDay,
    ExtractQuarter,
    ExtractYear,
    TruncDate,
    TruncMonth,
)
from django.utils.translation import gettext_lazy as _

from calportal.reports.figures import (
    AGE_BAND_KEYS,
    GENDERS,
    NOT_GIVEN,
    OUTSIDE,
    PERCENT,
    USES,
    WHOLE_CAL,
    Amount,
    Scope,
    age_band_case,
    age_in_year,
    amounts_by,
    define,
)
from calportal.reports.periods import WARSAW, Period
from initiatives.models import Gender
from initiatives.passes.models import (
    PartnerVenue,
    PassStatus,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)

PA1 = define(
    "PA1",
    _("Active passes"),
    _(
        "(a) stock: passes active on the last day of the period; (b) passes active on at least "
        "one day of the period, taken from each pass's status history. A pass is active on a "
        "day when it was issued on or before that day, is valid until that day or later and "
        "its status at the end of that day is active."
    ),
)
PA2 = define(
    "PA2",
    _("New passes"),
    _(
        "Passes issued in the period, excluding passes issued to replace a lost pass (those "
        "that replace another pass)."
    ),
)
PA3 = define(
    "PA3",
    _("Uses"),
    _(
        "Redemptions of passes in the period (by the local date of the redemption), per venue, "
        "per month and per weekday."
    ),
    unit=USES,
)
PA4 = define(
    "PA4",
    _("Pass users"),
    _(
        "Distinct holders with at least one redemption in the period; usage rate = those "
        "holders ÷ distinct holders of passes active on at least one day of the period (PA1b)."
    ),
)
PA5 = define(
    "PA5",
    _("Pool use"),
    _(
        "Per venue: the mean over the ISO weeks (Monday to Sunday) wholly inside the period "
        "in which the venue took part in the programme of the week's redemptions ÷ the "
        "venue's weekly pool (its own pool, or else the programme's; the current value)."
    ),
    unit=PERCENT,
)

# How the reports name the portal's genders (calportal.reports.figures.GENDERS).
_GENDER_KEY = Case(
    When(holder__gender=Gender.WOMAN, then=Value("female")),
    When(holder__gender=Gender.MAN, then=Value("male")),
    default=Value("not_given"),
    output_field=CharField(),
)
# The order of a pass's history rows: by the day a status began, then by when it was recorded.
_HISTORY_ORDER = ("started_on", "changed_at", "pk")


# --- Scoping -----------------------------------------------------------------------------------


def _passes(scope: Scope) -> QuerySet[SeniorPass] | None:
    """The passes a scope covers, or None when it has no holder data."""
    if scope.kind == "cal":
        return SeniorPass.objects.all()
    if scope.kind == "area":
        return SeniorPass.objects.filter(holder__area_id=scope.area)
    return None


def _redemptions(period: Period, scope: Scope) -> QuerySet[Redemption] | None:
    """The redemptions of the period a scope covers, or None when it has no pass figures."""
    start, until = period.bounds()
    redemptions = Redemption.objects.filter(redeemed_at__gte=start, redeemed_at__lt=until)
    if scope.kind == "cal":
        return redemptions
    if scope.kind == "area":
        return redemptions.filter(senior_pass__holder__area_id=scope.area)
    if scope.kind == "organisation":
        return redemptions.filter(venue__organisation_id=scope.organisation)
    if scope.kind == "venue":
        return redemptions.filter(venue_id=scope.venue)
    return None


def _local_date(field: str = "redeemed_at"):
    return TruncDate(field, tzinfo=WARSAW)


# --- Which passes are active -------------------------------------------------------------------


def _active_on(passes: QuerySet[SeniorPass], day: datetime.date) -> QuerySet[SeniorPass]:
    """The passes active on ``day`` (their status at the end of that day)."""
    status_then = (
        PassStatusChange.objects.filter(senior_pass=OuterRef("pk"), started_on__lte=day)
        .order_by(*(f"-{field}" for field in _HISTORY_ORDER))
        .values("status")[:1]
    )
    return (
        passes.filter(issued_on__lte=day, valid_until__gte=day)
        .alias(status_then=Subquery(status_then))
        .filter(status_then=PassStatus.ACTIVE)
    )


def _active_in(passes: QuerySet[SeniorPass], period: Period) -> QuerySet[SeniorPass]:
    """The passes active on at least one day of ``period``: those with an "active" history row
    whose days — from the day it starts to the day before the next row starts — meet both the
    period and the pass's own ``issued_on``–``valid_until``."""
    next_start = (
        PassStatusChange.objects.filter(senior_pass=OuterRef("senior_pass"))
        .filter(
            Q(started_on__gt=OuterRef("started_on"))
            | Q(started_on=OuterRef("started_on"), changed_at__gt=OuterRef("changed_at"))
            | Q(
                started_on=OuterRef("started_on"),
                changed_at=OuterRef("changed_at"),
                pk__gt=OuterRef("pk"),
            )
        )
        .order_by(*_HISTORY_ORDER)
        .values("started_on")[:1]
    )
    # next_start: the first day on which the pass no longer had the status (NULL: it still has).
    ends_in_time = Q(next_start__isnull=True) | (
        Q(next_start__gt=period.start)
        & Q(next_start__gt=OuterRef("issued_on"))
        & Q(next_start__gt=F("started_on"))
    )
    active_spells = (
        PassStatusChange.objects.filter(senior_pass=OuterRef("pk"), status=PassStatus.ACTIVE)
        .annotate(next_start=Subquery(next_start))
        .filter(Q(started_on__lte=period.end) & Q(started_on__lte=OuterRef("valid_until")))
        .filter(ends_in_time)
    )
    return passes.filter(issued_on__lte=period.end, valid_until__gte=period.start).filter(
        Exists(active_spells)
    )


# --- PA1, PA2 ----------------------------------------------------------------------------------


def passes_active_on(day: datetime.date, scope: Scope = WHOLE_CAL) -> int:
    """PA1a: the number of passes active on ``day`` (the stock; a report takes the period's
    last day). 0 for a scope without holder data."""
    passes = _passes(scope)
    return 0 if passes is None else _active_on(passes, day).count()


def passes_active_in_queryset(period: Period, scope: Scope = WHOLE_CAL) -> QuerySet[SeniorPass]:
    """The passes active on at least one day of ``period`` (PA1b), from the status history, as
    a :class:`SeniorPass` queryset to count or to take the holders from (also used by the
    reach figures, RE1/RE2). A pass without any history row is never active. Empty for a scope
    without holder data (an organisation, an initiative or an event)."""
    passes = _passes(scope)
    return SeniorPass.objects.none() if passes is None else _active_in(passes, period)


def passes_active_in(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PA1b: the number of passes active on at least one day of ``period``, from the status
    history. 0 for a scope without holder data."""
    return passes_active_in_queryset(period, scope).count()


def passes_new(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PA2: the number of passes issued in ``period``, not counting those issued to replace a
    lost pass. 0 for a scope without holder data. A pass anonymised across years is a row per
    year (PRIVACY.md §2, :mod:`calportal.privacy.anonymise`): only its first piece, whose
    history reaches back to the year of issue, counts."""
    passes = _passes(scope)
    if passes is None:
        return 0
    # A pass anonymised across years is split into a row per year (PRIVACY.md §2): only the
    # piece whose history reaches back to the issue year is the pass that was issued.
    history = PassStatusChange.objects.filter(senior_pass=OuterRef("pk"))
    issued_piece = ~Exists(history) | Exists(
        history.filter(started_on__year__lte=OuterRef("issued_on__year"))
    )
    return (
        passes.filter(issued_on__gte=period.start, issued_on__lte=period.end, replaces__isnull=True)
        .filter(issued_piece)
        .count()
    )


def passes_ended(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, int]:
    """R9's companions of PA2: ``{"expired": n, "revoked": n}`` — passes whose status history
    has an "expired" (the day after ``valid_until``, written by the nightly expiry) or a
    "revoked" row beginning on a day of ``period``; each pass counted once per status. One
    query. Zeros for a scope without holder data (an organisation, a venue, …)."""
    passes = _passes(scope)
    if passes is None:
        return {"expired": 0, "revoked": 0}
    in_period = Q(
        status_changes__started_on__gte=period.start, status_changes__started_on__lte=period.end
    )
    return passes.aggregate(
        expired=Count(
            "pk", filter=in_period & Q(status_changes__status=PassStatus.EXPIRED), distinct=True
        ),
        revoked=Count(
            "pk", filter=in_period & Q(status_changes__status=PassStatus.REVOKED), distinct=True
        ),
    )


# --- PA3, PA4 ----------------------------------------------------------------------------------


def _uses_by(redemptions: QuerySet[Redemption], keys: tuple[str, ...]) -> dict[tuple, Amount]:
    """Redemptions grouped by ``keys`` (fields or annotations of ``redemptions``), each cell an
    :class:`Amount`: uses, distinct holders, and the most uses by one holder.
    One query (see :func:`calportal.reports.figures.amounts_by`)."""
    return amounts_by(redemptions, keys, "senior_pass__holder", Count("pk"))


def pass_uses(period: Period, scope: Scope = WHOLE_CAL) -> Amount:
    """PA3: the redemptions in ``period`` as an :class:`Amount` of uses, its contributors the
    distinct holders and its largest part the most uses by one holder (for the magnitude
    rule). Two queries."""
    redemptions = _redemptions(period, scope)
    if redemptions is None:
        return Amount(0)
    totals = redemptions.aggregate(
        uses=Count("pk"), holders=Count("senior_pass__holder", distinct=True)
    )
    largest = (
        redemptions.values("senior_pass__holder")
        .annotate(uses=Count("pk"))
        .order_by("-uses")
        .values_list("uses", flat=True)
        .first()
    )
    return Amount(totals["uses"], totals["holders"], largest or 0)


def _with_month(redemptions: QuerySet[Redemption]) -> QuerySet[Redemption]:
    # The month of the local date (a date: the first of the month).
    return redemptions.annotate(month=TruncMonth(_local_date()))


def _months(period: Period) -> list[str]:
    """``"YYYY-MM"`` of every month ``period`` touches, in order."""
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def pass_uses_by_venue_month(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, Amount]:
    """PA3 per venue and month: ``{(venue id, "YYYY-MM"): Amount}``, only cells with uses
    (month of the local date of the redemption). One query."""
    redemptions = _redemptions(period, scope)
    if redemptions is None:
        return {}
    cells = _uses_by(_with_month(redemptions), ("venue", "month"))
    return {(venue, month.strftime("%Y-%m")): amount for (venue, month), amount in cells.items()}


def pass_uses_by_venue_quarter(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, Amount]:
    """PA3 per venue and quarter: ``{(venue id, "YYYY Qn"): Amount}``, only cells with uses
    (quarter of the local date of the redemption). Each cell is grouped in SQL, so its
    contributors are the distinct holders of the whole quarter (a holder using a venue in
    three months of it counts once). One query."""
    redemptions = _redemptions(period, scope)
    if redemptions is None:
        return {}
    quarters = redemptions.annotate(
        year=ExtractYear("redeemed_at", tzinfo=WARSAW),
        quarter=ExtractQuarter("redeemed_at", tzinfo=WARSAW),
    )
    cells = _uses_by(quarters, ("venue", "year", "quarter"))
    return {
        (venue, f"{year:04d} Q{quarter}"): amount
        for (venue, year, quarter), amount in cells.items()
    }


def pass_uses_by_venue(period: Period, scope: Scope = WHOLE_CAL) -> dict[int, Amount]:
    """PA3 per venue: ``{venue id: Amount}`` over the whole ``period``, only venues with uses;
    the contributors of a cell are the distinct holders who used the venue in the period. One
    query."""
    redemptions = _redemptions(period, scope)
    if redemptions is None:
        return {}
    return {venue: amount for (venue,), amount in _uses_by(redemptions, ("venue",)).items()}


def pass_uses_by_month(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, Amount]:
    """PA3 per month: ``{"YYYY-MM": Amount}`` with every month of ``period`` present (a month
    without uses: ``Amount(0)``). One query."""
    by_month = dict.fromkeys(_months(period), Amount(0))
    redemptions = _redemptions(period, scope)
    if redemptions is not None:
        for (month,), amount in _uses_by(_with_month(redemptions), ("month",)).items():
            by_month[month.strftime("%Y-%m")] = amount
    return by_month


def pass_uses_by_weekday(period: Period, scope: Scope = WHOLE_CAL) -> dict[int, Amount]:
    """PA3 per weekday of the local date: ``{ISO weekday (1 = Monday … 7 = Sunday): Amount}``,
    every weekday present. One query."""
    by_weekday = dict.fromkeys(range(1, 8), Amount(0))
    redemptions = _redemptions(period, scope)
    if redemptions is not None:
        weekdays = redemptions.annotate(weekday=ExtractIsoWeekDay("redeemed_at", tzinfo=WARSAW))
        for (weekday,), amount in _uses_by(weekdays, ("weekday",)).items():
            by_weekday[weekday] = amount
    return by_weekday


def pass_users(period: Period, scope: Scope = WHOLE_CAL) -> tuple[int, int]:
    """PA4: ``(users, holders)`` — distinct holders with at least one redemption in ``period``,
    and distinct holders of passes active on at least one day of it (PA1b); the usage rate is
    ``users ÷ holders``. A holder whose lost pass was replaced counts once. For an organisation
    the users are those of its venue and ``holders`` is 0 (no holder data)."""
    redemptions = _redemptions(period, scope)
    if redemptions is None:
        return 0, 0
    users = redemptions.aggregate(n=Count("senior_pass__holder", distinct=True))["n"]
    passes = _passes(scope)
    if passes is None:
        return users, 0
    holders = _active_in(passes, period).aggregate(n=Count("holder", distinct=True))["n"]
    return users, holders


# --- PA5 ---------------------------------------------------------------------------------------


def _whole_weeks(period: Period) -> tuple[datetime.date, datetime.date] | None:
    """The first Monday and the last Sunday of the ISO weeks wholly inside ``period``."""
    monday = period.start + datetime.timedelta(days=-period.start.weekday() % 7)
    sunday = period.end - datetime.timedelta(days=(period.end.weekday() + 1) % 7)
    return (monday, sunday) if monday < sunday else None


def pool_use_by_venue(period: Period, scope: Scope = WHOLE_CAL) -> dict[int, dict]:
    """PA5 per venue: ``{venue id: {"uses", "weeks", "pool", "mean_share"}}`` over the ISO
    weeks wholly inside ``period``. ``weeks``: how many of them the venue took part in the
    programme; ``uses``: its redemptions in those weeks; ``pool``: its weekly pool (None: no
    limit); ``mean_share``: the mean of the weekly shares of the pool used, a Decimal fraction
    (0.5 = half), ``uses ÷ (weeks × pool)``, None without a pool or a week. Venues that took no
    part in those weeks and had no uses are left out. Three queries."""
    weeks_range = _whole_weeks(period)
    if weeks_range is None:
        return {}
    monday, sunday = weeks_range
    redemptions = _redemptions(Period(monday, sunday), scope)
    if redemptions is None:
        return {}
    uses = dict(redemptions.values("venue").annotate(n=Count("pk")).values_list("venue", "n"))
    venues = PartnerVenue.objects.filter(
        Q(active_until__isnull=True) | Q(active_until__gte=monday), active_from__lte=sunday
    )
    if scope.kind == "organisation":
        venues = venues.filter(organisation_id=scope.organisation)
    elif scope.kind == "venue":
        venues = venues.filter(pk=scope.venue)
    programme_pool = ProgrammeSettings.current().weekly_pool
    result = {}
    for venue in venues.only("pk", "active_from", "active_until", "weekly_pool"):
        weeks = _weeks_taking_part(venue, monday, sunday)
        pool = venue.weekly_pool if venue.weekly_pool is not None else programme_pool
        venue_uses = uses.pop(venue.pk, 0)
        if not weeks and not venue_uses:
            continue
        result[venue.pk] = _pool_use(venue_uses, weeks, pool)
    for venue_id, venue_uses in uses.items():  # uses at a venue outside its active dates
        result[venue_id] = _pool_use(venue_uses, 0, None)
    return result


def _weeks_taking_part(venue: PartnerVenue, monday: datetime.date, sunday: datetime.date) -> int:
    """How many weeks from ``monday`` to ``sunday`` meet the venue's active dates."""
    first = max(monday, venue.active_from - datetime.timedelta(days=venue.active_from.weekday()))
    last = sunday if venue.active_until is None else min(sunday, venue.active_until)
    return max((last - first).days // 7 + 1, 0) if first <= last else 0


def _pool_use(uses: int, weeks: int, pool: int | None) -> dict:
    share = Decimal(uses) / (weeks * pool) if weeks and pool else None
    return {"uses": uses, "weeks": weeks, "pool": pool, "mean_share": share}


# --- Holders -----------------------------------------------------------------------------------


def venues() -> dict[int, str]:
    """Every venue of the programme: ``{id: name}``, by name."""
    return dict(PartnerVenue.objects.order_by("name", "pk").values_list("pk", "name"))


def venue_of_organisation(organisation_id: int | None) -> int | None:
    """The id of the venue an organisation runs (a venue staff member's ``organisation``), or
    None when it runs none."""
    if organisation_id is None:
        return None
    return (
        PartnerVenue.objects.filter(organisation_id=organisation_id)
        .values_list("pk", flat=True)
        .first()
    )


def holders_by_age_gender(day: datetime.date, scope: Scope = WHOLE_CAL) -> dict[tuple, int]:
    """Holders of passes active on ``day`` by ``(age band key, gender)`` — every pair of
    :data:`~calportal.reports.figures.AGE_BAND_KEYS` × :data:`GENDERS` present, 0 when empty.
    The age is ``day``'s year minus the year of birth. One query."""
    counts = dict.fromkeys(((band, gender) for band in AGE_BAND_KEYS for gender in GENDERS), 0)
    passes = _passes(scope)
    if passes is None:
        return counts
    rows = (
        _active_on(passes, day)
        .annotate(
            band=age_band_case(age_in_year(Value(day.year), F("holder__birth_year"))),
            gender=_GENDER_KEY,
        )
        .values("band", "gender")
        .annotate(holders=Count("holder", distinct=True))
        .order_by()
    )
    for row in rows:
        counts[row["band"], row["gender"]] = row["holders"]
    return counts


def holders_by_area(day: datetime.date, scope: Scope = WHOLE_CAL) -> dict:
    """Holders of passes active on ``day`` by where they live: ``{area id | OUTSIDE |
    NOT_GIVEN: holders}``; areas without holders are left out, OUTSIDE and NOT_GIVEN are
    always present. One query."""
    counts = {OUTSIDE: 0, NOT_GIVEN: 0}
    passes = _passes(scope)
    if passes is None:
        return counts
    rows = (
        _active_on(passes, day)
        .values("holder__area", "holder__outside_municipality")
        .annotate(holders=Count("holder", distinct=True))
        .order_by()
    )
    for row in rows:
        if row["holder__area"] is not None:
            key = row["holder__area"]
        else:
            key = OUTSIDE if row["holder__outside_municipality"] else NOT_GIVEN
        counts[key] = counts.get(key, 0) + row["holders"]
    return counts


def passes_expiring(start: datetime.date, end: datetime.date, scope: Scope = WHOLE_CAL) -> int:
    """For the monthly digest: passes active now whose ``valid_until`` is from ``start`` to
    ``end`` (both included)."""
    passes = _passes(scope)
    if passes is None:
        return 0
    return passes.filter(
        status=PassStatus.ACTIVE, valid_until__gte=start, valid_until__lte=end
    ).count()


# --- NW2: organisations running a venue --------------------------------------------------------


def organisations_active(period: Period) -> set[int]:
    """Ids of the organisations running a venue with at least one redemption in ``period``
    (NW2)."""
    start, until = period.bounds()
    return set(
        Redemption.objects.filter(redeemed_at__gte=start, redeemed_at__lt=until)
        .values_list("venue__organisation", flat=True)
        .distinct()
    )


def organisations_first_activity() -> dict[int, datetime.date]:
    """For "new partners" of NW2: ``{organisation id: the local date of the first redemption
    ever at a venue it runs}``. One query."""
    return dict(
        Redemption.objects.values("venue__organisation")
        .annotate(first=Min(_local_date()))
        .order_by()
        .values_list("venue__organisation", "first")
    )
