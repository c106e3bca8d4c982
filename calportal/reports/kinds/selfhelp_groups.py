"""R10 – self-help groups, anonymous (REPORTS.md §6 R10): meetings held and cancelled (SH2),
mean attendance (SH3), members at the end, joined and left (SH4) and requests to join by
outcome (SH5) — counts only: no names of people, no notes.

Variants and audiences (REPORTS.md §8):

* **internal**, a row per group: the self-help coordinator (``selfhelp.oversee_groups``) for
  all groups (the whole CAL) or any one group; a facilitator for **one of their own groups**
  only (``Scope(group=…)``). A facilitator never has the whole-CAL scope: a run's figures
  depend only on its scope, so a run that another facilitator may open can never hold a group
  that is not theirs. The XLSX is made for this variant only.
* **shared**, a row per topic, k = 5 (REPORTS.md §3.2: self-help groups in any breakdown), no
  group names at all: OPS staff (their only variant) and the council.

Every read of a run — its page or one of its files — is written to the self-help access log,
one entry per group the run covers (``on_read``). The self-help figures page and its PDF
(``selfhelp.report``) print this same dataset (:func:`dataset_for`).
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import selfhelp.figures as selfhelp_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import INDICATORS, NUMBER, Scope
from calportal.reports.kinds import common
from calportal.reports.models import Variant
from calportal.reports.periods import comparison
from calportal.reports.registry import KindSpec, Request, ScopeKind, register, register_scope

CODE = "R10"
PERMISSION = "reports.view_selfhelp_report"


# --- Who may have it ---------------------------------------------------------------------------


def _coordinator(user) -> bool:
    return user.has_perm(PERMISSION) and user.has_perm("selfhelp.oversee_groups")


def _own_groups(user) -> list[int]:
    """The ids of the groups the user facilitates (none without the report permission)."""
    from selfhelp.models import Group

    if not user.is_authenticated or not user.has_perm(PERMISSION):
        return []
    return list(Group.objects.filter(facilitator=user).values_list("pk", flat=True))


def audience(user) -> list[str]:
    """The coordinator and a facilitator with a group: the variant per group."""
    if not user.is_authenticated:
        return []
    return [Variant.INTERNAL] if _coordinator(user) or _own_groups(user) else []


def may_scope(user, scope: Scope, variant: str) -> bool:
    """The coordinator: all groups or any one; a facilitator: one of their own groups."""
    from selfhelp.models import Group

    if variant != Variant.INTERNAL:
        return False
    if _coordinator(user):
        return scope.kind == "cal" or (
            scope.kind == "group" and Group.objects.filter(pk=scope.group).exists()
        )
    return scope.kind == "group" and scope.group in _own_groups(user)


def runs_filter(user) -> Q:
    """The coordinator: every run per group; a facilitator: the runs of their own groups."""
    if not user.is_authenticated or not user.has_perm(PERMISSION):
        return Q(pk__in=[])
    if _coordinator(user):
        return Q(variant=Variant.INTERNAL)
    allowed = Q(pk__in=[])
    for pk in _own_groups(user):
        allowed |= Q(scope={"group": pk})
    return Q(variant=Variant.INTERNAL) & allowed


def on_read(user, run) -> None:
    """Reading a run is written to the self-help access log, per group it covers."""
    selfhelp_figures.record_read(user, Scope.from_dict(run.scope), run.pk)


def _group_choices(user) -> list[tuple[int, str]]:
    if not user.is_authenticated or not user.has_perm(PERMISSION):
        return []
    names = selfhelp_figures.group_names(Scope())
    if _coordinator(user):
        return [(pk, group["name"]) for pk, group in names.items()]
    own = set(_own_groups(user))
    return [(pk, group["name"]) for pk, group in names.items() if pk in own]


def group_choices(user) -> list[tuple[int, str]]:
    """The groups the user may have R10 for: every group for the coordinator, their own for a
    facilitator, none for anyone else (OPS staff have it by topic, for the whole CAL)."""
    return _group_choices(user)


register_scope(
    ScopeKind(
        name="group",
        label=gettext_lazy("Self-help group"),
        choices=_group_choices,
        title=lambda pk: selfhelp_figures.group_names(Scope(group=pk)).get(pk, {}).get("name", "?"),
    )
)


# --- The report --------------------------------------------------------------------------------


def build(request: Request) -> dict:
    """The dataset of R10 (see the module's docstring): rows per group in the internal
    variant, per topic in the shared one."""
    period, scope = request.period, request.scope
    per_group = request.variant != Variant.SHARED
    topics = selfhelp_figures.labels()["topic"]
    groups = selfhelp_figures.group_names(scope)
    if scope.kind == "group":
        group = groups.get(scope.group, {"name": "?", "topic": ""})
        # The shared variant names no group: its topic stands for it.
        about = group["name"] if per_group else topics.get(group["topic"], "?")
    else:
        about = _("All groups")
    data = common.head(request, _("Self-help groups"), about, about)
    data["scope"]["id"] = scope.group

    if per_group:
        figures = selfhelp_figures.by_group(period, scope)
        labels = {pk: groups[pk]["name"] for pk in figures}
    else:
        figures = selfhelp_figures.by_topic(period, scope)
        labels = topics
    compared = request.comparison

    def total(name: str, values: dict) -> int:
        return sum(row[name] for row in values.values())

    before = None
    if compared is not None:
        before = selfhelp_figures.by_topic(compared, scope)
    data["kpis"] = [
        ds.kpi("SH1", total("SH1", figures), total("SH1", before) if before else None),
        ds.kpi(
            "SH2",
            total("meetings_held", figures),
            total("meetings_held", before) if before else None,
            label=_("Meetings held"),
        ),
        ds.kpi(
            "SH4",
            total("members_stock", figures),
            total("members_stock", before) if before else None,
            label=_("Members at the end of the period"),
        ),
    ]
    stub = _("Group") if per_group else _("Topic")
    data["sections"] = [
        ds.section(
            "meetings",
            _("Meetings and members"),
            text=[] if per_group else [_("By topic, without the names of the groups.")],
            tables=[_meetings_table(figures, labels, stub, per_group)],
        ),
        ds.section(
            "requests", _("Requests to join"), tables=[_requests_table(figures, labels, stub)]
        ),
    ]
    data["definitions"] = [INDICATORS[id].as_dict() for id in ("SH1", "SH2", "SH3", "SH4", "SH5")]
    return data


def _meetings_table(figures: dict, labels: dict, stub: str, per_group: bool) -> dict:
    columns = [
        ds.column("held", _("Meetings held"), indicator="SH2"),
        ds.column("cancelled", _("Meetings cancelled"), indicator="SH2"),
        ds.column("SH3", INDICATORS["SH3"].name, indicator="SH3"),
        ds.column("stock", _("Members at the end"), indicator="SH4"),
        ds.column("joined", _("Joined"), indicator="SH4"),
        ds.column("left", _("Left"), indicator="SH4"),
    ]
    rows = []
    for key, values in figures.items():
        rows.append(ds.row(key, labels.get(key, "?"), _meeting_cells(values, len(rows))))
    sums = {name: sum(v[name] for v in figures.values()) for name in _SUMMED}
    rows.append(ds.row("total", _("Total"), _meeting_cells(sums, len(rows)), total=True))
    return ds.table(
        "meetings_members",
        _("Meetings and members per group") if per_group else _("Meetings and members by topic"),
        columns,
        rows,
        stub=stub,
        k=selfhelp_figures.K,
        note=_(
            "Mean attendance: attendees of the meetings held ÷ those meetings; hidden with the "
            "members it is computed from."
        ),
    )


_SUMMED = (
    "meetings_held",
    "meetings_cancelled",
    "attendees",
    "members_stock",
    "joined",
    "left",
    *(f"requests_{outcome}" for outcome in selfhelp_figures.REQUEST_OUTCOMES),
)


def _meeting_cells(values: dict, row: int) -> list:
    return [
        {**ds.cell(values["meetings_held"]), "unit": NUMBER},
        {**ds.cell(values["meetings_cancelled"]), "unit": NUMBER},
        # Hidden when the members it comes from are (a small group's mean tells its size).
        common.mean(values["attendees"], values["meetings_held"], derived_from=[[row, 3]]),
        values["members_stock"],
        values["joined"],
        values["left"],
    ]


def _requests_table(figures: dict, labels: dict, stub: str) -> dict:
    outcomes = selfhelp_figures.labels()["request_outcome"]
    keys = list(selfhelp_figures.REQUEST_OUTCOMES)
    columns = [ds.column(o, outcomes[o], indicator="SH5") for o in keys]
    columns.append(ds.column("total", _("Total"), indicator="SH5", total=True))
    rows = []
    for key, values in figures.items():
        cells = [values[f"requests_{o}"] for o in keys]
        rows.append(ds.row(key, labels.get(key, "?"), [*cells, sum(cells)]))
    sums = [sum(v[f"requests_{o}"] for v in figures.values()) for o in keys]
    rows.append(ds.row("total", _("Total"), [*sums, sum(sums)], total=True))
    return ds.table(
        "requests",
        _("Requests to join received in the period, by outcome"),
        columns,
        rows,
        stub=stub,
        k=selfhelp_figures.K,
    )


def dataset_for(*, identifier: str, scope: Scope, variant: str, language: str, today=None) -> dict:
    """R10's finished dataset (suppression applied in the shared variant, every text in
    ``language``) for a period identifier of :mod:`calportal.reports.periods` — what the
    self-help figures page and its PDF print, without a run. Comparison: none. Raises
    :class:`~calportal.reports.periods.PeriodError` for an identifier that cannot be
    resolved."""
    from django.utils import timezone, translation

    from calportal.reports.finalise import finalise
    from calportal.reports.periods import resolve

    period = resolve(identifier, today=today or timezone.localdate())
    request = Request(
        kind=CODE,
        period=period,
        comparison=comparison(period, "none"),
        scope=scope,
        variant=variant,
        language=language,
        k=selfhelp_figures.K,
        today=today,
    )
    with translation.override(language):
        data = build(request)
        data.update(
            {
                "kind": CODE,
                "language": language,
                "variant": variant,
                "data_as_of": timezone.localtime().isoformat(),
                "k": selfhelp_figures.K,
            }
        )
        return finalise(data)


def _is_empty(dataset: dict) -> bool:
    return not any(kpi.get("value") for kpi in dataset["kpis"])


register(
    KindSpec(
        code=CODE,
        build=build,
        scopes=("cal", "group"),
        default_timeframe="quarter_previous",
        variants=(Variant.INTERNAL, Variant.SHARED),
        description=gettext_lazy(
            "Anonymous figures of the self-help groups: meetings, attendance, members and "
            "requests to join, per group for the coordinator and the facilitators, by topic "
            "for the OPS."
        ),
        ops_variants=(Variant.SHARED,),
        audience=audience,
        may_scope=may_scope,
        runs_filter=runs_filter,
        on_read=on_read,
        formats=("pdf", "xlsx"),
        variant_formats={Variant.SHARED: ("pdf",)},
        is_empty=_is_empty,
    )
)
