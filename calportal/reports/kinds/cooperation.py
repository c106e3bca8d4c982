"""R7 – data for the report on the municipality's programme of cooperation with NGOs
(REPORTS.md §6 R7): for the year, each organisation's financial cooperation (public tasks
commissioned, their grants) and non-financial forms (partner in initiatives, CAL team member,
venue of the senior programme, volunteer host), joint events, volunteer hours it hosted (VO3)
and the participants of the initiatives it led (PE1). The shared variant gives counts by
sector only.

Consultations of draft acts are not recorded in the portal; the town office adds them from its
own register (the report says so).
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import volunteers.figures as volunteer_figures
from calportal.organisations import figures as organisation_figures
from calportal.public_tasks.figures import tasks_commissioned
from calportal.reports import dataset as ds
from calportal.reports.figures import COUNT, HOURS, INDICATORS, NUMBER, PLN, Amount
from calportal.reports.kinds import common
from calportal.reports.kinds.strategy import text_cell, with_texts
from calportal.reports.periods import Period
from calportal.reports.registry import KindSpec, Request, register

FORMS = ("tasks", "partnered", "led", "team_member", "venue", "host")


def _merged(amounts: list[Amount]) -> Amount:
    """Hours of several organisations' volunteers: a volunteer belongs to one organisation, so
    the contributors add up (REPORTS.md §3.3 needs them) and the largest is the largest."""
    return Amount(
        sum((a.value for a in amounts), Decimal(0)),
        sum(a.contributors for a in amounts),
        max((a.largest for a in amounts), default=Decimal(0)),
    )


def organisations(period: Period) -> dict[int, dict]:
    """Every organisation that cooperated with the CAL in ``period`` in at least one form::

        {organisation id: {"name", "sector", "tasks": int, "amount": Decimal (PLN),
                           "led", "partnered", "joint_events", "recipients": int,
                           "team_member", "venue", "host": bool, "hours": Amount (VO3)}}

    ordered by name. A constant number of queries (about eight)."""
    forms = organisation_figures.cooperation_by_organisation(period)
    hosted = {
        org: values
        for org, values in volunteer_figures.by_organisation(period).items()
        if org is not None
    }
    tasks = tasks_commissioned(period)
    names = organisation_figures.organisations()
    sectors = organisation_figures.sectors()
    result = {}
    for org in names:
        if org not in forms and org not in hosted and org not in tasks:
            continue
        row = forms.get(org) or {
            "name": names[org],
            "sector": sectors[org],
            "led": 0,
            "partnered": 0,
            "joint_events": 0,
            "team_member": False,
            "venue": False,
            "recipients": 0,
        }
        result[org] = {
            **row,
            "tasks": tasks.get(org, {}).get("tasks", 0),
            "amount": tasks.get(org, {}).get("amount", Decimal(0)),
            "host": org in hosted,
            "hours": hosted[org]["VO3"] if org in hosted else Amount(Decimal(0)),
        }
    return result


def _organisation_columns() -> list[dict]:
    return [
        ds.column("tasks", _("Public tasks commissioned"), unit=NUMBER),
        ds.column("amount", _("Grants of the tasks (PLN)"), unit=PLN),
        ds.column("led", _("Initiatives led"), unit=NUMBER),
        ds.column("partnered", _("Partner in initiatives"), unit=NUMBER),
        ds.column("other", _("Other forms"), unit=NUMBER),
        ds.column("joint_events", _("Joint events"), unit=NUMBER),
        ds.column("hours", _("Volunteer hours hosted (VO3)"), indicator="VO3"),
        ds.column("recipients", _("Participants of initiatives led (PE1)"), unit=COUNT),
    ]


def _other_forms(row: dict) -> str:
    forms = [
        (row["team_member"], _("CAL team")),
        (row["venue"], _("senior programme venue")),
        (row["host"], _("volunteer host")),
    ]
    return ", ".join(str(label) for present, label in forms if present) or "—"


def _per_organisation(
    rows: dict, sector: str, label: str, recipients: int, joint_events: int
) -> dict:
    """The organisations of one sector (rows) and their total; the totals of participants and
    of joint events are of distinct persons and events."""
    members = {org: row for org, row in rows.items() if row["sector"] == sector}
    table_rows = [
        ds.row(
            org,
            row["name"],
            [
                row["tasks"],
                row["amount"],
                row["led"],
                row["partnered"],
                text_cell(_other_forms(row)),
                row["joint_events"],
                row["hours"],
                row["recipients"],
            ],
        )
        for org, row in members.items()
    ]
    table_rows.append(
        ds.row(
            "total",
            _("Total"),
            [
                sum(row["tasks"] for row in members.values()),
                sum((row["amount"] for row in members.values()), Decimal(0)),
                sum(row["led"] for row in members.values()),
                sum(row["partnered"] for row in members.values()),
                text_cell(""),
                joint_events,  # distinct events, not the sum of the rows
                _merged([row["hours"] for row in members.values()]),
                recipients,  # distinct persons, not the sum of the rows
            ],
            total=True,
        )
    )
    return ds.table(
        f"cooperation_{sector}",
        _("Organisations: %(sector)s") % {"sector": label},
        _organisation_columns(),
        table_rows,
        stub=_("Organisation"),
    )


def _sector_figures(members: list[dict], recipients: int) -> dict:
    return {
        "organisations": len(members),
        "tasks_orgs": sum(1 for row in members if row["tasks"]),
        "tasks": sum(row["tasks"] for row in members),
        "amount": sum((row["amount"] for row in members), Decimal(0)),
        "partnered": sum(1 for row in members if row["partnered"]),
        "led": sum(row["led"] for row in members),
        "team_member": sum(1 for row in members if row["team_member"]),
        "venue": sum(1 for row in members if row["venue"]),
        "host": sum(1 for row in members if row["host"]),
        "joint_events": sum(row["joint_events"] for row in members),
        "hours": _merged([row["hours"] for row in members]),
        "recipients": recipients,
    }


def _sector_rows() -> list[tuple[str, str, str]]:
    """(key, label, unit) of the by-sector table's rows."""
    return [
        ("organisations", _("Organisations cooperating"), NUMBER),
        ("tasks_orgs", _("Organisations with a public task"), NUMBER),
        ("tasks", _("Public tasks commissioned"), NUMBER),
        ("amount", _("Grants of the tasks (PLN)"), PLN),
        ("partnered", _("Organisations partnering initiatives"), NUMBER),
        ("led", _("Initiatives led"), NUMBER),
        ("team_member", _("Organisations on the CAL team"), NUMBER),
        ("venue", _("Senior programme venues"), NUMBER),
        ("host", _("Volunteer hosts"), NUMBER),
        ("joint_events", _("Joint events"), NUMBER),
        ("hours", _("Volunteer hours hosted (VO3)"), HOURS),
        ("recipients", _("Participants of initiatives led (PE1)"), COUNT),
    ]


def _by_sector(
    rows: dict, labels: dict, recipients: dict, recipients_total: int, events: dict
) -> dict:
    """Rows: the forms of cooperation; columns: the sectors and the total. Participants and
    joint events are distinct within a sector and in the total (``events``:
    organisations.figures.joint_events)."""
    every = list(rows.values())
    figures = {
        sector: {
            **_sector_figures([r for r in every if r["sector"] == sector], recipients[sector]),
            "joint_events": events[sector],
        }
        for sector in labels
    }
    total = {**_sector_figures(every, recipients_total), "joint_events": events["total"]}
    columns = [ds.column(sector, label, unit=NUMBER) for sector, label in labels.items()]
    columns.append(ds.column("total", _("Total"), unit=NUMBER, total=True))
    table_rows = []
    for key, label, unit in _sector_rows():
        cells = [figures[sector][key] for sector in labels] + [total[key]]
        table_rows.append(ds.row(key, label, [{**ds.cell(value), "unit": unit} for value in cells]))
    return ds.table(
        "cooperation_by_sector",
        _("Forms of cooperation by sector"),
        columns,
        table_rows,
        stub=_("Form of cooperation"),
        note=_(
            "Participants and joint events: distinct within a sector and in the total (a "
            "person or an event of two sectors counts in each sector and once in the total)."
        ),
    )


def build(request: Request) -> dict:
    period = request.period
    data = common.head(
        request,
        _("Data for the report on the programme of cooperation with non-governmental "
          "organisations"),
        _("Forms of cooperation of the Local Activity Centre's partners"),
        _("The whole Local Activity Centre"),
    )  # fmt: skip
    rows = organisations(period)
    labels = organisation_figures.labels()["sector"]
    recipients = {
        sector: organisation_figures.recipients_of_led_initiatives(period, sector=sector)
        for sector in labels
    }
    total = organisation_figures.recipients_of_led_initiatives(period)
    events = organisation_figures.joint_events(period, list(labels))
    tables = [_by_sector(rows, labels, recipients, total, events)]
    if request.variant == "internal":
        tables += [
            _per_organisation(rows, sector, label, recipients[sector], events[sector])
            for sector, label in labels.items()
            if any(row["sector"] == sector for row in rows.values())
        ]
    data["sections"] = [
        ds.section(
            "cooperation",
            _("Forms of cooperation"),
            text=[
                _(
                    "Financial cooperation: public tasks commissioned whose contract period "
                    "overlaps the year, and their grants. Non-financial forms: a partner in an "
                    "initiative with an event in the year, a member of the CAL team, a venue of "
                    "the senior programme, a host of volunteers with approved hours. Joint "
                    "events: events of the year of initiatives the organisation led or was a "
                    "partner of."
                ),
                _(
                    "Consultations of draft acts are not recorded in the portal; add them from "
                    "the town office's register."
                ),
            ],
            tables=tables,
        )
    ]
    data["definitions"] = [INDICATORS[i].as_dict() for i in ("NW2", "VO3", "PE1")]
    return data


register(
    KindSpec(
        code="R7",
        build=build,
        scopes=("cal",),
        default_timeframe="year_previous",
        default_comparison="none",
        team_shared=True,
        formats=("xlsx", "pdf"),
        with_inputs=with_texts,
        description=gettext_lazy(
            "Each partner organisation's forms of cooperation in the year, for the town "
            "office's report on the programme of cooperation with NGOs."
        ),
    )
)
