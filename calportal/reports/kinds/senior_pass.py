"""R9 – „Śremski Przyjaciel Seniora” (REPORTS.md §6 R9): the senior pass programme.

Variants and audiences (REPORTS.md §8):

* **internal** (OPS staff) and **shared** (OPS staff; the CAL team for the whole CAL, small
  numbers hidden): holders of an active pass at the end of the period by age band × gender and
  by area against the area's residents aged 60 or more; new, expired and revoked passes; uses
  by venue and month; users and the usage rate; each venue's pool use.
* **venue** (a partner venue's staff, for their own venue only; OPS staff for any venue or all
  of them): the venue's uses by month and their total — nothing about holders (no ages,
  genders, areas, holder counts, nor the distinct holders and the largest share per holder that
  the other variants keep on each use cell for the suppression rule).

Scopes: the whole CAL or one venue (``Scope(venue=…)``). For a venue the holder tables are left
out whatever the variant (a holder is nobody's venue's): the report covers that venue's uses,
users and pool use.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import initiatives.passes.figures as pass_figures
import resources_map.figures as map_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import (
    AGE_BAND_KEYS,
    AGE_UNKNOWN,
    GENDERS,
    INDICATORS,
    NOT_GIVEN,
    NUMBER,
    OUTSIDE,
    PERCENT,
    SENIOR_BANDS,
    Amount,
    Scope,
)
from calportal.reports.kinds import common
from calportal.reports.kinds.common import rate
from calportal.reports.models import Variant
from calportal.reports.registry import KindSpec, Request, ScopeKind, register, register_scope

CODE = "R9"


# --- Who may have it ---------------------------------------------------------------------------


def own_venue(user) -> int | None:
    """The id of the venue a venue staff member works for (the venue their organisation runs),
    or None for anyone else."""
    if not user.is_authenticated or not user.has_perm("reports.view_venue_report"):
        return None
    return pass_figures.venue_of_organisation(user.organisation_id)


def audience(user) -> list[str]:
    """Venue staff get the venue variant (of their own venue: :func:`may_scope`)."""
    return [Variant.VENUE] if own_venue(user) is not None else []


def may_scope(user, scope: Scope, variant: str) -> bool:
    """A venue's staff: the venue variant of their own venue, nothing else."""
    venue = own_venue(user)
    return (
        venue is not None
        and variant == Variant.VENUE
        and scope.kind == "venue"
        and scope.venue == venue
    )


def runs_filter(user):
    """A venue's staff: the venue-variant runs of their own venue."""
    from django.db.models import Q

    venue = own_venue(user)
    if venue is None:
        return Q(pk__in=[])
    return Q(variant=Variant.VENUE, scope={"venue": venue})


def _venue_choices(user) -> list[tuple[int, str]]:
    """OPS staff pick any venue; a venue's staff only their own; nobody else any."""
    if user.has_perm("reports.view_internal_report"):
        return list(pass_figures.venues().items())
    venue = own_venue(user)
    if venue is None:
        return []
    return [(venue, pass_figures.venues().get(venue, "?"))]


register_scope(
    ScopeKind(
        name="venue",
        label=gettext_lazy("Partner venue"),
        choices=_venue_choices,
        title=lambda pk: pass_figures.venues().get(pk, "?"),
    )
)


# --- The report --------------------------------------------------------------------------------


def build(request: Request) -> dict:
    """The dataset of R9 for ``request`` (see the module's docstring for what each variant
    holds)."""
    scope = request.scope
    venue_name = pass_figures.venues().get(scope.venue, "?") if scope.venue else ""
    if request.variant == Variant.VENUE:
        data = _venue_statement(request, venue_name)
        data["scope"]["id"] = scope.venue
        return data
    data = common.head(
        request,
        _("„Śremski Przyjaciel Seniora” senior pass"),
        venue_name or _("The whole CAL"),
        venue_name or _("The whole CAL"),
    )
    data["scope"]["id"] = scope.venue
    used = ["PA1", "PA2", "PA3", "PA4", "PA5"]
    period = request.period
    uses, uses_before = common.compare(pass_figures.pass_uses, request)
    users, holders = pass_figures.pass_users(period, scope)
    compared = request.comparison
    users_before = pass_figures.pass_users(compared, scope)[0] if compared else None
    data["kpis"] = [ds.kpi("PA3", uses, uses_before), ds.kpi("PA4", users, users_before)]
    sections = []
    if scope.kind == "cal":
        stock = common.compare(lambda p, s: pass_figures.passes_active_on(p.end, s), request)
        new = common.compare(pass_figures.passes_new, request)
        data["kpis"] = [ds.kpi("PA1", *stock), ds.kpi("PA2", *new), *data["kpis"]]
        sections.append(_holders(request))
        sections.append(_passes(request))
    sections.append(_uses(request, uses))
    sections.append(_users_and_pool(request, users, holders, with_holders=scope.kind == "cal"))
    data["sections"] = sections
    data["definitions"] = [INDICATORS[id].as_dict() for id in used]
    return data


def _holders(request: Request) -> dict:
    period, scope = request.period, request.scope
    split = pass_figures.holders_by_age_gender(period.end, scope)
    labels = {"female": _("Women"), "male": _("Men"), "not_given": _("Not given")}
    columns = [ds.column(g, labels[g], indicator="PA1") for g in GENDERS]
    columns.append(ds.column("total", _("Total"), indicator="PA1", total=True))
    younger = [b for b in AGE_BAND_KEYS if b not in SENIOR_BANDS and b != AGE_UNKNOWN]
    bands = [(b, b, (b,)) for b in SENIOR_BANDS]
    bands.append(("under_60", _("Under 60"), tuple(younger)))
    bands.append((AGE_UNKNOWN, _("Age not given"), (AGE_UNKNOWN,)))
    rows = []
    for key, label, members in bands:
        cells = [sum(split[(b, g)] for b in members) for g in GENDERS]
        if key in SENIOR_BANDS or any(cells):
            rows.append(ds.row(key, label, [*cells, sum(cells)]))
    sums = [sum(split[(b, g)] for b in AGE_BAND_KEYS) for g in GENDERS]
    rows.append(ds.row("total", _("Total"), [*sums, sum(sums)], total=True))
    age_table = ds.table(
        "holders_age_gender",
        _("Holders of an active pass at the end of the period by age and gender"),
        columns,
        rows,
        stub=_("Age in the year"),
    )

    areas = map_figures.areas()
    residents = map_figures.population_by_area(period.end.year, "60+")
    by_area = pass_figures.holders_by_area(period.end, scope)
    columns = [
        ds.column("holders", _("Holders"), indicator="PA1"),
        ds.column("residents", _("Residents aged 60+"), unit=NUMBER),
        ds.column("share", _("Holders per 100 residents aged 60+"), unit=PERCENT),
    ]
    rows = []
    known_holders, known_residents = 0, 0
    for area_id, area in areas.items():
        count = by_area.get(area_id, 0)
        population = residents.get(area_id)
        if population:
            known_holders += count
            known_residents += population
        rows.append(
            ds.row(
                area_id,
                area["name"],
                [
                    count,
                    {**ds.cell(population), "unit": NUMBER},
                    rate(count, population, derived_from=[[len(rows), 0]]),
                ],
            )
        )
    for key in (OUTSIDE, NOT_GIVEN):
        rows.append(
            ds.row(
                key,
                common.residence_label(key, areas),
                [by_area.get(key, 0), ds.cell(None, na=True), ds.cell(None, na=True)],
            )
        )
    total = sum(by_area.values())
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [
                total,
                {**ds.cell(known_residents), "unit": NUMBER},
                rate(known_holders, known_residents, derived_from=[[len(rows), 0]]),
            ],
            total=True,
        )
    )
    area_table = ds.table(
        "holders_by_area",
        _("Holders of an active pass at the end of the period by area"),
        columns,
        rows,
        stub=_("Area"),
        note=_(
            "Residents aged 60 or more: the area's population figures of the latest year not "
            "after the period's year. The total's percentage counts only the areas with such "
            "figures; a percentage is printed when the base is at least 10."
        ),
    )
    chart = ds.chart(
        "holders_by_area",
        "hbar",
        _("Holders by area"),
        table="holders_by_area",
        series=["holders"],
        summary=_("%(holders)s holders had an active pass at the end of the period.")
        % {"holders": common.shown(total, request)},
        alt=_("Horizontal bars: the number of holders of an active pass living in each area."),
    )
    return ds.section("holders", _("Holders"), tables=[age_table, area_table], charts=[chart])


def _passes(request: Request) -> dict:
    period, scope = request.period, request.scope
    ended = pass_figures.passes_ended(period, scope)
    rows = [
        ds.row("PA1a", _("Active at the end of the period (PA1a)"), [
            pass_figures.passes_active_on(period.end, scope)
        ]),
        ds.row("PA1b", _("Active on at least one day of the period (PA1b)"), [
            pass_figures.passes_active_in(period, scope)
        ]),
        ds.row("PA2", _("New (PA2)"), [pass_figures.passes_new(period, scope)]),
        ds.row("expired", _("Expired in the period"), [ended["expired"]]),
        ds.row("revoked", _("Revoked in the period"), [ended["revoked"]]),
    ]  # fmt: skip
    table = ds.table(
        "passes",
        _("Passes"),
        [ds.column("passes", _("Passes"), indicator="PA1")],
        rows,
        stub=_("Figure"),
        note=_(
            "Expired and revoked: passes whose status became expired or revoked on a day of the "
            "period."
        ),
    )
    return ds.section("passes", _("Passes issued and ended"), tables=[table])


def _uses(request: Request, uses: Amount) -> dict:
    period, scope = request.period, request.scope
    months = common.months(period)
    venues = pass_figures.venues()
    if scope.venue:
        venues = {scope.venue: venues.get(scope.venue, "?")}
    cells = pass_figures.pass_uses_by_venue_month(period, scope)
    by_venue = pass_figures.pass_uses_by_venue(period, scope)
    by_month = pass_figures.pass_uses_by_month(period, scope)
    columns = [ds.column(m, common.month_label(m), indicator="PA3") for m in months]
    columns.append(ds.column("total", _("Total"), indicator="PA3", total=True))
    rows = [
        ds.row(
            venue_id,
            name,
            [
                *(ds.cell(cells.get((venue_id, m), Amount(0))) for m in months),
                ds.cell(by_venue.get(venue_id, Amount(0))),
            ],
        )
        for venue_id, name in venues.items()
    ]
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [*(ds.cell(by_month.get(m, Amount(0))) for m in months), ds.cell(uses)],
            total=True,
        )
    )
    table = ds.table(
        "uses_by_venue_month", _("Pass uses by venue and month"), columns, rows, stub=_("Venue")
    )
    chart = ds.chart(
        "uses_by_venue_month",
        "bar",
        _("Pass uses per month by venue"),
        table="uses_by_venue_month",
        series=months,
        summary=_("Holders used their passes %(uses)s times in the period.")
        % {"uses": common.shown(uses, request)},
        alt=_("Bars: for each venue, the number of pass uses in each month of the period."),
    )
    return ds.section("uses", _("Uses"), tables=[table], charts=[chart])


def _users_and_pool(request: Request, users: int, holders: int, *, with_holders: bool) -> dict:
    period, scope = request.period, request.scope
    rows = [ds.row("PA4", INDICATORS["PA4"].name, [users])]
    if with_holders:
        rows.append(
            ds.row("PA1b", _("Holders of a pass active on at least one day of the period"), [
                holders
            ])
        )  # fmt: skip
        rows.append(
            ds.row(
                "usage",
                _("Usage rate (users ÷ holders of an active pass)"),
                [rate(users, holders, derived_from=[[0, 0], [1, 0]])],
            )
        )
    users_table = ds.table(
        "users", _("Pass users"), [ds.column("value", _("Value"), indicator="PA4")], rows,
        stub=_("Figure"),
    )  # fmt: skip

    venues = pass_figures.venues()
    pool = pass_figures.pool_use_by_venue(period, scope)
    columns = [
        ds.column("uses", _("Uses in whole weeks"), unit=NUMBER),
        ds.column("weeks", _("Weeks taking part"), unit=NUMBER),
        ds.column("pool", _("Weekly pool"), unit=NUMBER),
        ds.column("PA5", INDICATORS["PA5"].name, unit=PERCENT),
    ]
    rows = []
    for venue_id, figures in pool.items():
        share = figures["mean_share"]
        share_cell = ds.cell(None if share is None else round(float(share) * 100, 1))
        share_cell["base"] = figures["weeks"] * 10  # a mean over weeks: printed from 1 week
        rows.append(
            ds.row(
                venue_id,
                venues.get(venue_id, "?"),
                [
                    {**ds.cell(figures["uses"]), "unit": NUMBER},
                    figures["weeks"],
                    {**ds.cell(figures["pool"], na=figures["pool"] is None), "unit": NUMBER},
                    share_cell,
                ],
            )
        )
    pool_table = ds.table(
        "pool_use",
        _("Pool use by venue"),
        columns,
        rows,
        stub=_("Venue"),
        note=_("Whole ISO weeks (Monday to Sunday) inside the period; no pool: no limit."),
    )
    return ds.section("users", _("Users and pool use"), tables=[users_table, pool_table])


def _venue_statement(request: Request, venue_name: str) -> dict:
    """The venue variant: uses by month (and their total) — plain numbers, without the
    distinct holders or the largest share per holder, and nothing else about holders."""
    period, scope = request.period, request.scope
    months = common.months(period)
    about = venue_name or _("All venues")
    data = common.head(request, _("Senior pass uses at the venue"), about, about)
    venues = {scope.venue: venue_name} if scope.venue else pass_figures.venues()
    cells = pass_figures.pass_uses_by_venue_month(period, scope)
    many = len(venues) > 1
    if many:
        columns = [ds.column(str(v), name, unit=NUMBER) for v, name in venues.items()]
        columns.append(ds.column("total", _("Total"), unit=NUMBER, total=True))
    else:
        columns = [ds.column("uses", INDICATORS["PA3"].name, unit=NUMBER)]
    rows = []
    for month in months:
        values = [cells.get((v, month), Amount(0)).value for v in venues]
        rows.append(
            ds.row(month, common.month_label(month), [*values, sum(values)] if many else values)
        )
    sums = [sum(cells.get((v, m), Amount(0)).value for m in months) for v in venues]
    total_uses = sum(sums)
    rows.append(ds.row("total", _("Total"), [*sums, total_uses] if many else sums, total=True))
    table = ds.table("venue_uses", _("Pass uses per month"), columns, rows, stub=_("Month"))
    chart = ds.chart(
        "venue_uses",
        "stacked" if many else "bar",
        _("Pass uses per month"),
        table="venue_uses",
        series=[c["key"] for c in columns if not c["total"]],
        summary=_("Passes were used %(uses)s times at the venue in the period.")
        % {"uses": common.number(total_uses)},
        alt=_("Bars: the number of pass uses in each month of the period."),
    )
    compared = None
    if request.comparison is not None:
        compared = pass_figures.pass_uses(request.comparison, scope).value
    uses_kpi = ds.kpi("PA3", total_uses, compared)
    uses_kpi["unit"] = NUMBER  # the venue's own record: plain numbers, nobody to protect
    data["kpis"] = [uses_kpi]
    data["sections"] = [ds.section("uses", _("Uses"), tables=[table], charts=[chart])]
    data["definitions"] = [INDICATORS["PA3"].as_dict()]
    return data


register(
    KindSpec(
        code=CODE,
        build=build,
        scopes=("cal", "venue"),
        default_timeframe="quarter_previous",
        variants=(Variant.INTERNAL, Variant.SHARED, Variant.VENUE),
        description=gettext_lazy(
            "The „Śremski Przyjaciel Seniora” programme: holders by age, gender and area, new "
            "and ended passes, uses by venue and month, users and pool use; for a venue, its "
            "own uses by month."
        ),
        team_shared=True,
        audience=audience,
        may_scope=may_scope,
        runs_filter=runs_filter,
        formats=("pdf", "xlsx"),
    )
)
