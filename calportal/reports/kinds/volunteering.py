"""R8 – the volunteering report, per hosting organisation or for the whole CAL (REPORTS.md §6
R8): the volunteers by age band (new, ended, engaged under / from 30 days), the hours by month
and status with their value, by opportunity or initiative with the shift fill rate, by kind of
work with each rate in force and its source (the dated rate table, §9 D6), certificates
issued, and — internal variant only, as it names people — the compliance list, checks running
out and hours per volunteer.

Partner coordinators have it for their own organisation only, scoped exactly as the hours they
see (the volunteers their organisation hosts); the CAL team the shared variant for the whole
CAL; OPS staff every variant and organisation.
"""

import datetime

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import volunteers.figures as volunteer_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import (
    AGE_BAND_KEYS,
    AGE_UNKNOWN,
    HOURS,
    INDICATORS,
    NUMBER,
    PLN,
    SENIOR_BANDS,
    Amount,
    Scope,
)
from calportal.reports.kinds import common
from calportal.reports.kinds.common import compare, rate
from calportal.reports.periods import Period
from calportal.reports.registry import KindSpec, Request, register

USED = ["VO1", "VO2", "VO3", "VO4", "VO5", "VO7", "VO8"]
MONTH_STATUSES = ("approved", "submitted", "rejected")


def rates_text(period: Period) -> str:
    """The rates in force in ``period`` and their sources, as one sentence for a table's note
    (R1's and R8's): "general rate: 31,40 zł an hour from 1 January 2000 (source); …"."""
    parts = []
    for row in volunteer_figures.rates_in_force(period):
        parts.append(
            _("%(kind)s: %(rate)s an hour from %(date)s (%(source)s)")
            % {
                "kind": row["work_kind_name"] or _("general rate"),
                "rate": _("PLN %(amount)s") % {"amount": common.number(row["rate"], 2)},
                "date": formats.date_format(row["valid_from"], "j E Y"),
                "source": row["source"],
            }
        )
    if not parts:
        return _("No rate of volunteer work is in force in the period: its value is 0 zł.")
    return _("Rates used — %(rates)s.") % {"rates": "; ".join(parts)}


def build(request: Request) -> dict:
    from calportal.organisations.figures import organisations

    period, scope = request.period, request.scope
    names = organisations()
    scope_label = names.get(scope.organisation, "?") if scope.organisation else _("The whole CAL")
    data = common.head(request, _("Volunteering report"), scope_label, scope_label)
    used = list(USED)
    hours_now, _hours_then = compare(volunteer_figures.volunteer_hours, request)
    assigned, needed = volunteer_figures.shift_fill(period, scope)
    data["kpis"] = [
        ds.kpi("VO1", *compare(volunteer_figures.active_volunteers, request)),
        ds.kpi("VO2", *compare(volunteer_figures.new_volunteers, request)),
        ds.kpi("VO3", hours_now, _hours_then),
        ds.kpi("VO4", *compare(volunteer_figures.volunteer_value, request)),
        ds.kpi("VO8", *compare(volunteer_figures.certificates_issued, request)),
    ]
    sections = [
        ds.section("volunteers", _("Volunteers"), tables=[_by_age(request)]),
        _hours_section(request, names, hours_now),
        ds.section(
            "work",
            _("Work done"),
            tables=[_by_opportunity(request, assigned, needed), _by_kind(request)],
        ),
    ]
    if request.variant == "internal":
        used.append("VO6")
        sections.append(_internal_section(request))
    sections.append(_certificates_section(request))
    data["sections"] = sections
    data["definitions"] = [INDICATORS[id].as_dict() for id in sorted(set(used))]
    return data


def _by_age(request: Request) -> dict:
    """(a) VO1, VO2, ended in P, VO5 by age band; <18 and 60+ as highlighted roll-up rows."""
    period, scope = request.period, request.scope
    bands = volunteer_figures.by_age_band(period, scope)
    keys = ("VO1", "VO2", "ended", "under_30_days", "30_days_or_more")
    columns = [
        ds.column("VO1", INDICATORS["VO1"].name, indicator="VO1"),
        ds.column("VO2", INDICATORS["VO2"].name, indicator="VO2"),
        ds.column("ended", _("Ended in the period")),
        ds.column("under_30_days", _("Engaged under 30 days"), indicator="VO5"),
        ds.column("30_days_or_more", _("Engaged 30 days or more"), indicator="VO5"),
    ]
    zero = dict.fromkeys(keys, 0)
    rows = []
    for band in AGE_BAND_KEYS:
        values = bands.get(band, zero)
        label = _("Age not given") if band == AGE_UNKNOWN else band
        if band == "0-17":
            label = _("0-17 (under 18)")
        rows.append(ds.row(band, label, [values[k] for k in keys]))
    # 60+ highlighted as a roll-up of its bands; hidden wherever one of them is (§3.5), so that
    # it never gives a hidden band away by difference.
    senior_rows = [AGE_BAND_KEYS.index(b) for b in SENIOR_BANDS]
    rows.append(
        ds.row(
            "60_plus",
            _("of whom 60 or more"),
            [
                ds.cell(
                    sum(bands.get(b, zero)[k] for b in SENIOR_BANDS),
                    derived_from=[[r, c] for r in senior_rows],
                )
                for c, k in enumerate(keys)
            ],
        )
    )
    total = {
        "VO1": volunteer_figures.active_volunteers(period, scope),
        "VO2": volunteer_figures.new_volunteers(period, scope),
        "ended": volunteer_figures.volunteers_ended(period, scope),
        **volunteer_figures.volunteer_span(period, scope),
    }
    rows.append(ds.row("total", _("Total"), [total[k] for k in keys], total=True))
    return ds.table(
        "volunteers_by_age",
        _("Volunteers by age"),
        columns,
        rows,
        stub=_("Age in the year"),
        note=_(
            "Age in the year the period ends. The row “of whom 60 or more” repeats the bands "
            "it adds up, to highlight them; it is not part of the total. “Ended” counts "
            "volunteers whose end date is in the period, whether or not "
            "they worked in it."
        ),
    )


def _hours_section(request: Request, names: dict, hours_now: Amount) -> dict:
    """(b) hours by month and status with VO4, and the chart of approved hours per month."""
    period, scope = request.period, request.scope
    months = common.months(period)
    by_status = volunteer_figures.by_month_status(period, scope)
    values = volunteer_figures.value_by_month(period, scope)
    columns = [
        ds.column("approved", _("Approved"), indicator="VO3"),
        ds.column("submitted", _("Pending"), unit=HOURS),
        ds.column("rejected", _("Rejected"), unit=HOURS),
        ds.column("VO4", INDICATORS["VO4"].name, indicator="VO4"),
    ]
    rows = [
        ds.row(
            month,
            common.month_label(month),
            [
                *(ds.cell(by_status.get((month, s), Amount(0))) for s in MONTH_STATUSES),
                ds.cell(values.get(month, Amount(0))),
            ],
        )
        for month in months
    ]
    status_totals = {
        "approved": hours_now,
        "submitted": volunteer_figures.hours_of_status(period, scope, "submitted"),
        "rejected": volunteer_figures.hours_of_status(period, scope, "rejected"),
    }
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [
                *(ds.cell(status_totals[s]) for s in MONTH_STATUSES),
                ds.cell(volunteer_figures.volunteer_value(period, scope)),
            ],
            total=True,
        )
    )
    table = ds.table(
        "hours_by_month",
        _("Volunteer hours by month"),
        columns,
        rows,
        stub=_("Month"),
        note=_(
            "Only approved hours count in VO3 and VO4; pending and rejected hours are shown "
            "apart and never added in."
        ),
    )
    tables, charts = [table], []
    if scope.kind == "cal":
        per_month = volunteer_figures.hours_by_month_organisation(period, scope)
        org_ids = sorted({o for (_m, o) in per_month}, key=lambda o: names.get(o, ""))
        if org_ids:
            tables.append(
                ds.table(
                    "hours_by_month_organisation",
                    _("Approved hours per month by organisation"),
                    [ds.column(str(o), names.get(o, "?"), indicator="VO3") for o in org_ids],
                    [
                        ds.row(
                            m,
                            common.month_label(m),
                            [ds.cell(per_month.get((m, o), Amount(0))) for o in org_ids],
                        )
                        for m in months
                    ],
                    stub=_("Month"),
                )
            )
            charts.append(
                ds.chart(
                    "hours_per_month",
                    "stacked",
                    _("Approved hours per month by organisation"),
                    table="hours_by_month_organisation",
                    series=[str(o) for o in org_ids],
                    summary=_("Volunteers gave %(hours)s approved hours in the period.")
                    % {"hours": common.shown(hours_now, request)},
                    alt=_(
                        "Stacked bars: approved hours in each month, one colour per organisation."
                    ),
                )
            )
    else:
        charts.append(
            ds.chart(
                "hours_per_month",
                "bar",
                _("Approved hours per month"),
                table="hours_by_month",
                series=["approved"],
                summary=_("Volunteers gave %(hours)s approved hours in the period.")
                % {"hours": common.shown(hours_now, request)},
                alt=_("Bars: approved volunteer hours in each month of the period."),
            )
        )
    return ds.section("hours", _("Hours and their value"), tables=tables, charts=charts)


def _by_opportunity(request: Request, assigned: int, needed: int) -> dict:
    """(c) VO3 and VO7 per opportunity or initiative."""
    period, scope = request.period, request.scope
    work = volunteer_figures.by_opportunity(period, scope)
    columns = [
        ds.column("VO3", INDICATORS["VO3"].name, indicator="VO3"),
        ds.column("VO7", INDICATORS["VO7"].name, indicator="VO7"),
    ]

    def order(item):
        key, row = item
        return (key == "other", not key.startswith("opportunity-"), row["label"].casefold(), key)

    rows = []
    for key, row in sorted(work.items(), key=order):
        label = row["label"] or _("Other work (described in words)")
        if key.startswith("initiative-"):
            label = _("%(title)s (initiative)") % {"title": label}
        rows.append(ds.row(key, label, [ds.cell(row["VO3"]), rate(row["assigned"], row["needed"])]))
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [ds.cell(volunteer_figures.volunteer_hours(period, scope)), rate(assigned, needed)],
            total=True,
        )
    )
    return ds.table(
        "by_opportunity",
        _("Hours and shift fill rate by opportunity or initiative"),
        columns,
        rows,
        stub=_("Opportunity or initiative"),
        note=_(
            "Hours logged for an opportunity are counted under it; hours logged only for an "
            "initiative under the initiative. The fill rate covers the shifts starting in the "
            "period and is shown when at least 10 places were needed."
        ),
    )


def _by_kind(request: Request) -> dict:
    """(d) hours, rate and value per kind of work; a kind whose rate changed within the period
    has a row per rate."""
    period, scope = request.period, request.scope
    cells = volunteer_figures.by_work_kind(period, scope)
    kinds = volunteer_figures.work_kinds()
    rates = {row["id"]: row for row in volunteer_figures.rates_in_force(period)}
    per_kind: dict = {}
    for kind, rate_row in cells:
        per_kind.setdefault(kind, []).append(rate_row)
    columns = [
        ds.column("hours", _("Approved hours"), indicator="VO3"),
        ds.column("rate", _("Rate per hour"), unit=PLN),
        ds.column("value", INDICATORS["VO4"].name, indicator="VO4"),
    ]
    rows = []
    ordered = sorted(per_kind, key=lambda k: (k is None, kinds.get(k, "").casefold()))
    for kind in ordered:
        name = kinds.get(kind, "?") if kind is not None else _("Kind not given")
        rate_rows = sorted(
            per_kind[kind],
            key=lambda r: rates[r]["valid_from"] if r in rates else datetime.date.min,
        )
        for rate_row in rate_rows:
            found = rates.get(rate_row)
            label = name
            if len(rate_rows) > 1 and found is not None:
                label = _("%(kind)s — from %(date)s") % {
                    "kind": name,
                    "date": formats.date_format(found["valid_from"], "SHORT_DATE_FORMAT"),
                }
            if found is not None and found["work_kind"] is None and kind is not None:
                label = _("%(kind)s (general rate)") % {"kind": label}
            values = cells[(kind, rate_row)]
            rate_cell = ds.cell(found["rate"] if found else 0)
            rows.append(
                ds.row(
                    f"{kind or 'none'}-{rate_row or 'none'}",
                    label,
                    [ds.cell(values["hours"]), rate_cell, ds.cell(values["value"])],
                )
            )
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [
                ds.cell(volunteer_figures.volunteer_hours(period, scope)),
                ds.cell(None, na=True),
                ds.cell(volunteer_figures.volunteer_value(period, scope)),
            ],
            total=True,
        )
    )
    return ds.table(
        "by_kind_of_work",
        _("Hours and their value by kind of work"),
        columns,
        rows,
        stub=_("Kind of work"),
        note=rates_text(period),
    )


def _internal_section(request: Request) -> dict:
    """(e) internal only: VO6 compliance list, checks running out in 60 days, hours per
    volunteer — names are personal data."""
    period, scope = request.period, request.scope
    problems = volunteer_figures.compliance_list(period, scope)
    compliance = ds.table(
        "compliance",
        _("Compliance: volunteers to put right"),
        [
            ds.column("no_agreement", _("Hours without an agreement"), unit=HOURS),
            ds.column("no_child_check", _("Hours with children without a valid check"), unit=HOURS),
        ],
        [
            ds.row(row["id"], row["name"], [row["no_agreement"], row["no_child_check"]])
            for row in problems
        ]
        or [ds.row("none", _("Nobody"), [0, 0])],
        stub=_("Volunteer"),
        note=INDICATORS["VO6"].definition,
    )
    expiring = volunteer_figures.checks_expiring(period.end, scope)
    checks = ds.table(
        "checks_expiring",
        _("Checks for work with children running out within 60 days of the end of the period"),
        [ds.column("days", _("Days left"), unit=NUMBER)],
        [
            ds.row(
                row["id"],
                _("%(name)s (valid until %(date)s)")
                % {
                    "name": row["name"],
                    "date": formats.date_format(row["valid_until"], "SHORT_DATE_FORMAT"),
                },
                [(row["valid_until"] - period.end).days],
            )
            for row in expiring
        ]
        or [ds.row("none", _("Nobody"), [ds.cell(None, na=True)])],
        stub=_("Volunteer"),
    )
    people = volunteer_figures.by_volunteer(period, scope)
    per_volunteer = ds.table(
        "hours_by_volunteer",
        _("Approved hours per volunteer"),
        [
            ds.column("VO3", INDICATORS["VO3"].name, indicator="VO3"),
            ds.column("VO4", INDICATORS["VO4"].name, indicator="VO4"),
        ],
        [ds.row(row["id"], row["name"], [row["VO3"], row["VO4"]]) for row in people]
        or [ds.row("none", _("Nobody"), [0, 0])],
        stub=_("Volunteer"),
    )
    return ds.section(
        "internal",
        _("For the organisation only (personal data)"),
        text=[_("This section names volunteers: it is in the internal variant only.")],
        tables=[compliance, checks, per_volunteer],
    )


def _certificates_section(request: Request) -> dict:
    """(f) VO8: the count; the internal variant lists the certificates."""
    period, scope = request.period, request.scope
    count = volunteer_figures.certificates_issued(period, scope)
    if request.variant == "internal":
        listed = volunteer_figures.certificates_list(period, scope)
        rows = [
            ds.row(row["number"], f"{row['number']} — {row['name']}", [1, row["hours"]])
            for row in listed
        ]
        hours = sum((row["hours"] for row in listed), start=0)
        rows.append(ds.row("total", _("Total"), [count, hours], total=True))
        columns = [
            ds.column("VO8", INDICATORS["VO8"].name, unit=NUMBER),
            ds.column("hours", _("Hours certified"), unit=HOURS),
        ]
    else:
        rows = [ds.row("total", _("Total"), [count], total=True)]
        columns = [ds.column("VO8", INDICATORS["VO8"].name, indicator="VO8")]
    table = ds.table("certificates", _("Certificates issued"), columns, rows, stub=_("Certificate"))
    return ds.section("certificates", _("Certificates"), tables=[table])


# --- Who may have it (REPORTS.md §8: OPS all, partner coordinator own organisation, CAL team
# the shared variant for the whole CAL) -------------------------------------------------------


def _is_partner(user) -> bool:
    return bool(user.has_perm("reports.view_own_scope_report") and user.organisation_id)


def _audience(user) -> list[str]:
    return ["internal", "shared"] if _is_partner(user) else []


def _may_scope(user, scope: Scope, variant: str) -> bool:
    return (
        _is_partner(user)
        and scope.kind == "organisation"
        and scope.organisation == user.organisation_id
    )


def _runs_filter(user) -> Q:
    if not _is_partner(user):
        return Q(pk__in=[])
    return Q(scope__organisation=user.organisation_id)


register(
    KindSpec(
        code="R8",
        build=build,
        scopes=("cal", "organisation"),
        default_timeframe="quarter_previous",
        variants=("internal", "shared"),
        team_shared=True,
        audience=_audience,
        may_scope=_may_scope,
        runs_filter=_runs_filter,
        description=gettext_lazy(
            "Volunteering: volunteers by age, hours by month and their value at the dated "
            "rates, work by opportunity and kind, compliance and certificates — for one "
            "organisation or the whole CAL."
        ),
        is_empty=lambda dataset: not any(k["value"] for k in dataset["kpis"]),
    )
)
