"""R6 – the report on the performance of a public task (sprawozdanie z wykonania zadania
publicznego; REPORTS.md §6 R6), laid out like the template of the regulation of the Minister of
Family, Labour and Social Policy of 24 October 2018 (Dz.U. 2018 poz. 2057):

* the head: title of the task, contractor, contract number and date, the task's period, the
  period reported on, partial or final (final when the period reaches the contract's end);
* Part I.1 – each planned result of the offer: target, achieved (a portal indicator computed
  for the task's initiatives and events over the period, or the value typed on the task), the
  percentage of the target (flagged when below 80 %: ``achieved × 100 < 80 × target``, exact),
  how it is measured; then "the scale of the work": EV1, EV3, PE1 (by gender × age band and by
  residence: town / villages / outside the municipality / not given), AT1, VO1, VO3;
* Part I.2 – the actions: planned dates (typed), actual dates (the first and last event held of
  the action's initiative within the task), events held, description and deviations (typed);
* Part II.1 – cost lines per contract and incurred (typed), costs of the actions and
  administrative costs, totals; II.2 – by source: total, grant, own financial, own
  non-financial (personal = VO4 of the task's volunteers' approved hours + members' work typed
  in; in-kind typed in), shares in %; II.3 other revenue; II.4 fees from recipients;
* Part III – additional information (a text on the run); the fixed statements and the lines
  for signature.

Everything typed on the task is frozen into the dataset when the run is built
(:func:`calportal.public_tasks.figures.snapshot`). Audience (REPORTS.md §8): OPS staff for every
task, a partner coordinator for their own organisation's tasks only."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import initiatives.figures as event_figures
import resources_map.figures as map_figures
import volunteers.figures as volunteer_figures
from calportal.public_tasks import figures as task_figures
from calportal.public_tasks import selectors
from calportal.reports import dataset as ds
from calportal.reports.figures import (
    COUNT,
    HOURS,
    INDICATORS,
    NOT_GIVEN,
    NUMBER,
    OUTSIDE,
    PERCENT,
    PLN,
    Scope,
)
from calportal.reports.kinds import common
from calportal.reports.registry import KindSpec, Request, register
from calportal.reports.suppression import count_is_hidden, magnitude_is_hidden

THRESHOLD = Decimal("80")  # % of the target below which a result is flagged (REPORTS.md §6 R6)
ZERO = Decimal("0")
HUNDRED = Decimal("100")
PORTAL_MEASURES = ("EV1", "EV3", "PE1", "AT1", "VO1", "VO3")
USED = ["EV1", "EV3", "PE1", "AT1", "VO1", "VO3", "VO4"]

STATEMENTS = (
    gettext_lazy(
        "since the date of the contract the legal status of the Contractor(s) has not changed;"
    ),
    gettext_lazy(
        "all information given in this report is in accordance with the current legal and "
        "factual state;"
    ),
    gettext_lazy(
        "as regards the open call for proposals, including the collection, processing and "
        "transfer of personal data and their entry into information systems, the persons whom "
        "these data concern have made the appropriate declarations in accordance with the "
        "provisions on personal data protection."
    ),
)
NARRATIVE = (
    ("results_description", gettext_lazy("Part I.1: description of the results achieved")),
    ("actions_description", gettext_lazy("Part I.2: description of how the actions were done")),
    ("additional_info", gettext_lazy("Part III: additional information")),
)


def _date(value) -> str:
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _pln(value) -> str:
    return _("PLN %(amount)s") % {
        "amount": formats.number_format(
            Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True
        )
    }


def percent_of(achieved, target) -> Decimal | None:
    """``achieved ÷ target × 100`` rounded to 0.1 (REPORTS.md §1, Rounding); None when either
    is missing or the target is 0."""
    if achieved is None or not target:
        return None
    return (Decimal(achieved) * HUNDRED / Decimal(target)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def below_threshold(achieved, target) -> bool:
    """Whether a result missed 80 % of its target: ``achieved × 100 < 80 × target``, exact (a
    result at 79.96 % is flagged although it prints "80.0%")."""
    if achieved is None or not target:
        return False
    return Decimal(achieved) * HUNDRED < THRESHOLD * Decimal(target)


def _percent_cell(value) -> dict:
    data = ds.cell(value)
    data["unit"] = PERCENT
    return data


def _share(part: Decimal, whole: Decimal) -> dict:
    return _percent_cell(percent_of(part, whole) if whole else None)


def build(request: Request) -> dict:
    period, scope = request.period, request.scope
    task = task_figures.snapshot(scope.task)
    if task is None:
        raise ValueError(f"R6: no public task {scope.task}")
    final = period.end >= datetime.date.fromisoformat(task["ends_on"])
    kind_label = _("final") if final else _("partial")
    title = (
        _("Final report on the performance of a public task")
        if final
        else _("Partial report on the performance of a public task")
    )
    data = common.head(request, title, task["title"], str(task["title"]))
    data["scope"]["id"] = task["id"]
    data["task"] = task
    data["report_type"] = "final" if final else "partial"

    figures = {
        "EV1": event_figures.events_held(period, scope),
        "EV3": event_figures.activity_hours(period, scope),
        "PE1": event_figures.participants(period, scope),
        "AT1": event_figures.attendances(period, scope),
        "VO1": volunteer_figures.active_volunteers(period, scope),
        "VO3": volunteer_figures.volunteer_hours(period, scope),
    }
    # No PE1 among the headline figures: the whole-report guard (REPORTS.md §3.6) must not
    # blank an official report's finances; the person counts are still hidden cell by cell.
    data["kpis"] = [ds.kpi("EV1", figures["EV1"]), ds.kpi("EV3", figures["EV3"])]

    head_lines = [
        _("Title of the public task: %(title)s") % {"title": task["title"]},
        _("Name of the Contractor: %(name)s") % {"name": task["organisation"]},
        _("Contract no. %(number)s of %(date)s")
        % {"number": task["contract_number"], "date": _date(task["contract_date"])},
        _("Period of the task: %(start)s – %(end)s")
        % {"start": _date(task["starts_on"]), "end": _date(task["ends_on"])},
        _("Period of this report: %(start)s – %(end)s")
        % {"start": _date(period.start), "end": _date(period.end)},
        _("Kind of report: %(kind)s") % {"kind": kind_label},
    ]
    if task["initiatives"]:
        head_lines.append(
            _("Initiatives of the task: %(list)s") % {"list": "; ".join(task["initiatives"])}
        )
    if task["events"]:
        head_lines.append(
            _("Single events of the task: %(list)s") % {"list": "; ".join(task["events"])}
        )

    data["sections"] = [
        ds.section("task", _("The public task"), text=head_lines),
        _results_section(task, figures, shared=request.variant == "shared", k=request.k),
        _scale_section(period, scope, figures),
        _actions_section(task, period),
        *_finance_sections(task, period, scope),
        ds.section(
            "part3",
            _("Part III. Additional information"),
            narrative=[_narrative("additional_info")],
        ),
        _statements_section(),
    ]
    data["definitions"] = [INDICATORS[code].as_dict() for code in USED]
    return data


def _narrative(key: str) -> dict:
    label = dict(NARRATIVE)[key]
    return {"key": key, "label": str(label), "text": ""}


# Units of the portal's measures in Part I.1: persons and their hours are suppressed in the
# shared variant like everywhere else (REPORTS.md §3); events and their hours are things.
MEASURE_UNITS = {
    "EV1": NUMBER,
    "EV3": NUMBER,
    "PE1": COUNT,
    "AT1": COUNT,
    "VO1": COUNT,
    "VO3": HOURS,
}


def _results_section(task: dict, figures: dict, *, shared: bool = False, k: int = 3) -> dict:
    """Part I.1: rows = planned results; columns = target, achieved, % of the target. In the
    shared variant an achieved value counted from persons is hidden by the rules of REPORTS.md
    §3, its % with it, and then the < 80 % flag is not printed either (it would tell)."""
    rows, lines, results = [], [], []
    for number, result in enumerate(task["results"], start=1):
        measure = result["measured_by"]
        key = f"result-{number}"
        hidden = False
        if measure in PORTAL_MEASURES:
            value = figures[measure]
            achieved = Decimal(str(value.value if hasattr(value, "value") else value))
            achieved_cell = {**ds.cell(value), "unit": MEASURE_UNITS.get(measure, NUMBER)}
            if shared and MEASURE_UNITS.get(measure) == COUNT:
                hidden = count_is_hidden(value, k)
            elif shared and MEASURE_UNITS.get(measure) == HOURS:
                hidden = magnitude_is_hidden(value.value, value.contributors, value.largest)
            how = _("%(id)s %(name)s, computed by the portal for the task's events") % {
                "id": measure,
                "name": INDICATORS[measure].name,
            }
        else:
            typed = result["achieved_typed"]
            achieved = Decimal(typed) if typed is not None else None
            achieved_cell = {**ds.cell(achieved), "unit": NUMBER}
            how = _("typed in by the Contractor")
        target = Decimal(result["target"])
        flagged = below_threshold(achieved, target)
        label = f"{number}. {result['name']}"
        if result["unit"]:
            label += f" ({result['unit']})"
        if flagged and not hidden:
            label += " — " + _("below the 80 % threshold")
        percent = _percent_cell(percent_of(achieved, target))
        percent["derived_from"] = [[key, "achieved"]]  # §3.5: hidden with what it comes from
        row = ds.row(key, label, [{**ds.cell(target), "unit": NUMBER}, achieved_cell, percent])
        flagged = flagged and not hidden
        row["below_target"] = flagged
        rows.append(row)
        results.append(
            {
                "name": result["name"],
                "target": float(target),
                "achieved": None if achieved is None or hidden else float(achieved),
                "percent": (
                    None
                    if percent_of(achieved, target) is None or hidden
                    else float(percent_of(achieved, target))
                ),
                "below_target": flagged,
                "measured_by": measure,
            }
        )
        source = f"; {result['source']}" if result["source"] else ""
        lines.append(
            _("%(number)s. %(name)s — measured by: %(how)s%(source)s")
            % {"number": number, "name": result["name"], "how": how, "source": source}
        )
    columns = [
        ds.column("target", _("Target value"), unit=NUMBER),
        ds.column("achieved", _("Achieved")),
        ds.column("percent", _("Percentage of the target"), unit=PERCENT),
    ]
    table = ds.table(
        "results",
        _("Results planned in the offer and achieved"),
        columns,
        rows,
        stub=_("Result"),
        note=_("A result below the 80 % threshold (of its target value) is flagged."),
    )
    text = (
        [_("How each result is measured:"), *lines]
        if lines
        else [_("The offer planned no results.")]
    )
    section = ds.section(
        "part1",
        _("Part I.1. Description of the results achieved"),
        text=text,
        tables=[table],
        narrative=[_narrative("results_description")],
    )
    section["results"] = results
    return section


def _scale_section(period, scope: Scope, figures: dict) -> dict:
    """ "The scale of the work": the portal's figures for the task's events and volunteers."""
    # Events and hours of activity are not about persons (plain numbers); the persons and the
    # volunteers' hours are counts and magnitudes the shared variant's rule applies to.
    units = {"EV1": NUMBER, "EV3": HOURS, "PE1": None, "AT1": None, "VO1": None, "VO3": None}
    summary_rows = []
    for code, unit in units.items():
        value = ds.cell(figures[code])
        value["unit"] = unit or INDICATORS[code].unit
        summary_rows.append(ds.row(code, f"{code} {INDICATORS[code].name}", [value]))
    summary = ds.table(
        "scale",
        _("The scale of the work"),
        [ds.column("value", _("Value"), unit=NUMBER)],
        summary_rows,
        stub=_("Figure"),
    )
    split = event_figures.participants_by_age_gender(period, scope)
    age_table = common.age_gender_table(split, "age_gender", skip_empty=True)
    residence = event_figures.participants_by_residence(period, scope)
    areas = map_figures.areas()
    town = sum(v["participants"] for k, v in residence.items() if k in areas and areas[k]["urban"])
    villages = sum(
        v["participants"] for k, v in residence.items() if k in areas and not areas[k]["urban"]
    )
    outside = residence.get(OUTSIDE, {}).get("participants", 0)
    not_given = residence.get(NOT_GIVEN, {}).get("participants", 0)
    residence_rows = [
        ds.row("town", _("The town"), [town]),
        ds.row("villages", _("Villages of the municipality"), [villages]),
        ds.row(OUTSIDE, _("Outside the municipality"), [outside]),
        ds.row(NOT_GIVEN, _("Not given"), [not_given]),
        ds.row("total", _("Total"), [town + villages + outside + not_given], total=True),
    ]
    residence_table = ds.table(
        "residence",
        _("Participants by place of residence"),
        [ds.column("PE1", INDICATORS["PE1"].name, indicator="PE1")],
        residence_rows,
        stub=_("Place of residence"),
    )
    return ds.section(
        "scale",
        _("Part I.1. The scale of the work done, in figures"),
        tables=[summary, age_table, residence_table],
    )


def _actions_section(task: dict, period) -> dict:
    """Part I.2: the actions with planned and actual dates and the events held."""
    held = task_figures.action_events(task["id"], period)
    rows, lines, actions = [], [], []
    for action in task["actions"]:
        actual = held.get(action["initiative_id"]) if action["initiative_id"] else None
        events = actual["events"] if actual else (0 if action["initiative_id"] else None)
        label = f"{action['number']}. {action['name']}"
        events_cell = ds.cell(events, na=events is None)  # "—": an action outside the portal
        rows.append(ds.row(f"action-{action['number']}", label, [events_cell]))
        planned = f"{_date(action['planned_start'])} – {_date(action['planned_end'])}"
        if actual:
            done = f"{_date(actual['first'])} – {_date(actual['last'])}"
        elif action["initiative_id"]:
            done = _("no event held in the period")
        else:
            done = _("not recorded in the portal")
        text = _("%(label)s. Planned: %(planned)s. Carried out: %(done)s.") % {
            "label": label,
            "planned": planned,
            "done": done,
        }
        if action["description"]:
            text += " " + action["description"]
        if action["deviations"]:
            text += " " + _("Deviations: %(text)s") % {"text": action["deviations"]}
        lines.append(text)
        actions.append(
            {
                "number": action["number"],
                "name": action["name"],
                "planned_start": action["planned_start"],
                "planned_end": action["planned_end"],
                "actual_start": actual["first"].isoformat() if actual else None,
                "actual_end": actual["last"].isoformat() if actual else None,
                "events": events,
            }
        )
    table = ds.table(
        "actions",
        _("Actions and the events held"),
        [ds.column("events", _("Events held"), unit=NUMBER)],
        rows,
        stub=_("Action"),
        note=_(
            "Events held: of the action's initiative, within the task and the period, not "
            "cancelled; the dates carried out are those of the first and the last of them."
        ),
    )
    section = ds.section(
        "part1_actions",
        _("Part I.2. Description of the actions with their schedule"),
        text=lines or [_("The task has no actions.")],
        tables=[table] if rows else [],
        narrative=[_narrative("actions_description")],
    )
    section["actions"] = actions
    return section


def _finance_sections(task: dict, period, scope: Scope) -> list[dict]:
    """Part II: the cost lines (II.1), the sources (II.2), other revenue (II.3) and fees from
    recipients (II.4). Amounts in PLN."""
    lines = task["cost_lines"]
    columns = [
        ds.column("planned", _("Costs per contract"), unit=PLN),
        ds.column("incurred", _("Costs incurred"), unit=PLN),
    ]
    rows = []
    totals = {}
    for group, roman, caption in (
        ("action", "I", _("Costs of carrying out the actions")),
        ("administrative", "II", _("Administrative costs")),
    ):
        own = [line for line in lines if line["kind"] == group]
        planned = sum((Decimal(line["planned"]) for line in own), ZERO)
        incurred = sum((Decimal(line["incurred"]) for line in own), ZERO)
        totals[group] = (planned, incurred)
        for number, line in enumerate(own, start=1):
            label = f"{roman}.{number}. {line['name']}"
            if line["action"]:
                label += " " + _("(action %(number)s)") % {"number": line["action"]}
            rows.append(
                ds.row(
                    f"{group}-{number}",
                    label,
                    [Decimal(line["planned"]), Decimal(line["incurred"])],
                )
            )
        rows.append(ds.row(f"{group}-sum", f"{roman}. {caption}", [planned, incurred]))
    total_planned = totals["action"][0] + totals["administrative"][0]
    total_incurred = totals["action"][1] + totals["administrative"][1]
    rows.append(
        ds.row(
            "total",
            _("Total costs of the task"),
            [total_planned, total_incurred],
            total=True,
        )
    )
    costs = ds.table(
        "costs",
        _("1. Costs by kind"),
        columns,
        rows,
        stub=_("Kind of cost"),
    )

    covered = task_figures.linked(task["id"])
    volunteers = (
        volunteer_figures.volunteer_value(period, scope).value
        if covered.initiatives or covered.events
        else Decimal("0.00")  # nothing linked: no volunteer hours can belong to the task
    )
    members = Decimal(task["members_work_value"])
    in_kind = Decimal(task["in_kind_value"])
    personal = volunteers + members
    non_financial = personal + in_kind
    own_financial = Decimal(task["own_financial"])
    own = own_financial + non_financial
    grant_planned, grant_spent = Decimal(task["grant_amount"]), Decimal(task["grant_spent"])
    own_financial_planned = Decimal(task["own_financial_planned"])
    non_financial_planned = Decimal(task["own_non_financial_planned"])
    own_planned = own_financial_planned + non_financial_planned
    not_split = ds.cell(None, na=True)
    source_rows = [
        ds.row("total", _("1. Total costs of the task"), [total_planned, total_incurred]),
        ds.row("grant", _("2. Grant"), [grant_planned, grant_spent]),
        ds.row("own", _("3. Own contribution"), [own_planned, own]),
        ds.row(
            "own_financial",
            _("3.1. Own financial contribution"),
            [own_financial_planned, own_financial],
        ),
        ds.row(
            "own_non_financial",
            _("3.2. Own non-financial contribution (personal and in kind)"),
            [non_financial_planned, non_financial],
        ),
        ds.row(
            "volunteers",
            _("3.2.1. Personal: volunteers' work recorded in the portal (VO4)"),
            [not_split, volunteers],
        ),
        ds.row(
            "members",
            _("3.2.2. Personal: members' unpaid work"),
            [not_split, members],
        ),
        ds.row("in_kind", _("3.2.3. In kind"), [not_split, in_kind]),
        ds.row(
            "grant_share",
            _("4. Share of the grant in the total costs of the task"),
            [_share(grant_planned, total_planned), _share(grant_spent, total_incurred)],
        ),
        ds.row(
            "own_share",
            _("5. Share of the own contribution relative to the grant"),
            [_share(own_planned, grant_planned), _share(own, grant_spent)],
        ),
        ds.row(
            "non_financial_share",
            _("6. Share of the own non-financial contribution relative to the grant"),
            [_share(non_financial_planned, grant_planned), _share(non_financial, grant_spent)],
        ),
    ]
    difference = total_incurred - grant_spent - own
    note = _(
        "Volunteers' work: their approved hours on the task's initiatives and events in the "
        "period × the hourly rate (VO4)."
    )
    if difference:
        note += " " + _(
            "The grant and the own contribution differ from the costs incurred by %(amount)s."
        ) % {"amount": _pln(difference)}
    sources = ds.table(
        "sources",
        _("2. Costs by source of financing"),
        columns,
        source_rows,
        stub=_("Source of financing"),
        note=note,
    )
    revenue_columns = [ds.column("amount", _("Amount"), unit=PLN)]
    revenue = ds.table(
        "other_revenue",
        _("3. Other revenue obtained in carrying out the task"),
        revenue_columns,
        [ds.row("other_revenue", _("Other revenue"), [Decimal(task["other_revenue"])])],
        stub=_("Revenue"),
        note=task["other_revenue_info"] or None,
    )
    fees = ds.table(
        "recipient_fees",
        _("4. Money charged to the recipients of the task"),
        revenue_columns,
        [ds.row("recipient_fees", _("Fees from recipients"), [Decimal(task["recipient_fees"])])],
        stub=_("Fees"),
        note=task["recipient_fees_info"] or None,
    )
    section = ds.section(
        "part2",
        _("Part II. Report on the expenditure"),
        tables=[costs, sources, revenue, fees],
    )
    section["finance"] = {
        "total_planned": str(total_planned),
        "total_incurred": str(total_incurred),
        "volunteer_value": str(volunteers),
        "non_financial": str(non_financial),
        "own": str(own),
    }
    return [section]


def _statements_section() -> dict:
    text = [_("I (we) declare that:")]
    text += [f"{number}) {statement}" for number, statement in enumerate(STATEMENTS, start=1)]
    text += [
        _(
            "Signature of the person authorised, or signatures of the persons authorised, to "
            "make declarations of intent on behalf of the Contractor(s): "
            "................................................"
        ),
        _("Date: ....................."),
    ]
    return ds.section("statements", _("Statements"), text=text)


def audience(user) -> list[str]:
    """Partner coordinators (``reports.view_own_scope_report``, with an organisation) may have
    both variants; only for their own organisation's tasks (:func:`may_scope`)."""
    if getattr(user, "organisation_id", None) and user.has_perm("reports.view_own_scope_report"):
        return ["shared", "internal"]
    return []


def may_scope(user, scope: Scope, variant: str) -> bool:
    return (
        scope.kind == "task"
        and user.has_perm("reports.view_own_scope_report")
        and selectors.is_own_task(user, scope.task)
    )


register(
    KindSpec(
        code="R6",
        build=build,
        scopes=("task",),
        default_timeframe="own",
        default_comparison="none",
        schedulable=False,
        narrative=NARRATIVE,
        variants=("shared", "internal"),
        description=gettext_lazy(
            "The report on a public task commissioned to an NGO, laid out like the 2018 "
            "template: results against targets, the scale of the work, the actions, the "
            "expenditure and the statements for signature."
        ),
        audience=audience,
        may_scope=may_scope,
        runs_filter=selectors.own_runs_filter,
        formats=("pdf", "xlsx"),
    )
)
