"""R12 – the monthly digest (REPORTS.md §6 R12) for the OPS director and each partner
coordinator (their own organisation): last month against the same month a year earlier, the
data-quality warnings, and the statutory deadlines of the next 60 days."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

import initiatives.figures as event_figures
import initiatives.passes.figures as pass_figures
import volunteers.figures as volunteer_figures
from calportal.reports import dataset as ds
from calportal.reports.calendar import deadlines_between
from calportal.reports.figures import INDICATORS
from calportal.reports.kinds import common
from calportal.reports.kinds.common import compare, rate
from calportal.reports.registry import KindSpec, Request, register

# Warnings (REPORTS.md §6 R12): attendance recorded below this share of ended events…
ATTENDANCE_RECORDED_BELOW = 90
# …hours waiting for approval longer than this many days…
HOURS_PENDING_DAYS = 14
# …volunteers working without an agreement for longer than this many days.
NO_AGREEMENT_DAYS = 30
DEADLINES_AHEAD_DAYS = 60


def build(request: Request) -> dict:
    from calportal.organisations.figures import organisations

    scope = request.scope
    label = (
        organisations().get(scope.organisation, "?")
        if scope.kind == "organisation"
        else _("The whole Local Activity Centre")
    )
    data = common.head(request, _("Monthly digest"), common.period_label(request.period), label)
    values = [
        ("EV1", *compare(event_figures.events_held, request)),
        ("AT1", *compare(event_figures.attendances, request)),
        ("PE1", *compare(event_figures.participants, request)),
        ("PE3", *compare(event_figures.new_participants, request)),
        ("VO3", *compare(volunteer_figures.volunteer_hours, request)),
        ("PA3", *compare(pass_figures.pass_uses, request)),
    ]
    data["kpis"] = [ds.kpi(id, now, then) for id, now, then in values]

    today = request.today or timezone.localdate()
    recorded, ended = event_figures.attendance_recorded(request.period, scope)
    next_month_start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    next_month_end = (next_month_start + datetime.timedelta(days=32)).replace(
        day=1
    ) - datetime.timedelta(days=1)
    warnings = [
        (
            "attendance",
            _("Ended events with attendance recorded (EV6)"),
            rate(recorded, ended),
            ended and recorded * 100 < ATTENDANCE_RECORDED_BELOW * ended,
        ),
        (
            "hours_pending",
            _("Volunteer hours waiting for approval for more than %(days)s days")
            % {"days": HOURS_PENDING_DAYS},
            volunteer_figures.hours_pending_older_than(HOURS_PENDING_DAYS, today, scope),
            None,
        ),
        (
            "no_area",
            _("Participants whose area of residence is not known"),
            event_figures.participants_without_area(),
            None,
        ),
        (
            "passes_expiring",
            _("Senior passes running out next month (%(month)s)")
            % {"month": formats.date_format(next_month_start, "F Y").lower()},
            pass_figures.passes_expiring(next_month_start, next_month_end),
            None,
        ),
        (
            "no_agreement",
            _("Volunteers working without an agreement for more than %(days)s days")
            % {"days": NO_AGREEMENT_DAYS},
            volunteer_figures.without_agreement_past(NO_AGREEMENT_DAYS, today, scope),
            None,
        ),
    ]
    if scope.kind != "cal":
        # Participants' areas and the senior passes are the OPS's own registers: a partner's
        # digest shows only what concerns the partner (REPORTS.md §8).
        warnings = [w for w in warnings if w[0] not in {"no_area", "passes_expiring"}]
    rows = []
    for key, label_text, value, flagged in warnings:
        cell = value if isinstance(value, dict) else ds.cell(value)
        if flagged is None:
            flagged = bool(cell["value"])
        if flagged:
            label_text = _("%(check)s – please check") % {"check": label_text}
        row = ds.row(key, label_text, [cell])
        row["warning"] = bool(flagged)
        rows.append(row)
    quality = ds.table(
        "data_quality",
        _("Data quality"),
        [ds.column("value", _("Value"))],
        rows,
        stub=_("What is checked"),
    )
    deadlines = deadlines_between(today, today + datetime.timedelta(days=DEADLINES_AHEAD_DAYS))
    deadline_text = [
        _("%(date)s: %(what)s") % {"date": formats.date_format(day, "j E Y"), "what": what}
        for day, what in deadlines
    ] or [_("No statutory deadline in the next %(days)s days.") % {"days": DEADLINES_AHEAD_DAYS}]
    data["sections"] = [
        ds.section("quality", _("Data quality"), tables=[quality]),
        ds.section("deadlines", _("Statutory deadlines in the next 60 days"), text=deadline_text),
    ]
    data["warnings"] = [row["label"] for row in rows if row["warning"]]
    data["deadlines"] = deadline_text if deadlines else []
    data["definitions"] = [
        INDICATORS[id].as_dict() for id in ("EV1", "AT1", "PE1", "PE3", "VO3", "PA3", "EV6")
    ]
    return data


def is_empty(dataset: dict) -> bool:
    return not any(k["value"] for k in dataset["kpis"]) and not dataset.get("warnings")


register(
    KindSpec(
        code="R12",
        build=build,
        scopes=("cal", "organisation"),
        default_timeframe="month_previous",
        variants=("internal", "shared"),
        own_scope=True,
        is_empty=is_empty,
    )
)
