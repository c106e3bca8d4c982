"""Who may run and read which report (REPORTS.md §8).

* OPS staff (``reports.view_internal_report``): every report, every variant, every scope
  (a kind may narrow their variants: R10 is by topic only).
* CAL team members (``reports.view_shared_report``): the shared variant, for the whole CAL, of
  the kinds marked ``team_shared``.
* Partner coordinators (``reports.view_own_scope_report``): the operational reports (R11, R12)
  for their own organisation, or an initiative or event their organisation leads or partners.
* Kinds with an audience of their own (venue staff and R9, facilitators and R10, partner
  coordinators and their own public tasks or organisation) decide it in their
  :class:`~calportal.reports.registry.KindSpec` (``audience``, ``may_scope``, ``runs_filter``).
* Nobody else sees a report.
"""

from django.db.models import Q, QuerySet

from calportal.reports.figures import Scope
from calportal.reports.models import ReportRun, Variant
from calportal.reports.registry import get_kind, kinds

REPORT_PERMISSIONS = (
    "reports.view_internal_report",
    "reports.view_shared_report",
    "reports.view_own_scope_report",
    "reports.view_venue_report",
    "reports.view_selfhelp_report",
)


def may_use_reports(user) -> bool:
    return user.is_authenticated and any(user.has_perm(p) for p in REPORT_PERMISSIONS)


def is_ops(user) -> bool:
    return user.has_perm("reports.view_internal_report")


def allowed_variants(user, kind: str) -> list[str]:
    """The variants of ``kind`` the user may have, most complete first; [] when none."""
    spec = get_kind(kind)
    if is_ops(user):
        variants = list(spec.ops_variants or spec.variants)
        if spec.ops_variants is not None and spec.audience is not None:
            # An OPS employee who is also, say, the self-help coordinator keeps that role's.
            variants += spec.audience(user)
        return [v for v in spec.variants if v in variants]
    variants = []
    if spec.audience is not None:
        variants = list(spec.audience(user))
    elif user.has_perm("reports.view_own_scope_report") and spec.own_scope and user.organisation_id:
        variants = list(spec.variants)
    if spec.team_shared and user.has_perm("reports.view_shared_report"):
        variants.append(Variant.SHARED)
    return [v for v in spec.variants if v in variants]


def may_run(user, kind: str, scope: Scope, variant: str) -> bool:
    """Whether the user may have this report for this scope in this variant (also checked for
    each recipient of a schedule at send time)."""
    if not user.is_active or variant not in allowed_variants(user, kind):
        return False
    spec = get_kind(kind)
    if is_ops(user) and variant in (spec.ops_variants or spec.variants):
        return True
    if (
        spec.team_shared
        and variant == Variant.SHARED
        and user.has_perm("reports.view_shared_report")
        and scope.kind == "cal"
    ):
        return True
    if spec.may_scope is not None:
        return spec.may_scope(user, scope, variant)
    return spec.own_scope and _own_scope(user, scope)


def _own_scope(user, scope: Scope) -> bool:
    from initiatives.selectors import organisation_takes_part

    if not user.has_perm("reports.view_own_scope_report"):
        return False
    organisation = user.organisation_id
    if scope.kind == "organisation":
        return scope.organisation == organisation
    if scope.kind in {"initiative", "event"}:
        return organisation_takes_part(
            organisation, initiative_id=scope.initiative, event_id=scope.event
        )
    return False


def may_read(user, run: ReportRun) -> bool:
    return may_run(user, run.kind, Scope.from_dict(run.scope), run.variant)


def visible_runs(user) -> QuerySet[ReportRun]:
    """The runs the user may open, newest first (a superset check: :func:`may_read` decides for
    one run)."""
    runs = ReportRun.objects.all()
    if is_ops(user):
        for spec in kinds():
            if spec.ops_variants is not None:  # R10: OPS staff see only its shared runs
                beyond = Q(kind=spec.code) & ~Q(variant__in=spec.ops_variants)
                if spec.runs_filter is not None:
                    beyond &= ~spec.runs_filter(user)
                runs = runs.exclude(beyond)
        return runs
    allowed = Q(pk__in=[])
    if user.has_perm("reports.view_shared_report"):
        team_kinds = [spec.code for spec in kinds() if spec.team_shared]
        allowed |= Q(kind__in=team_kinds, variant=Variant.SHARED, scope={})
    if user.has_perm("reports.view_own_scope_report") and user.organisation_id:
        from initiatives.selectors import organisation_scope_ids

        own_kinds = [s.code for s in kinds() if s.own_scope and s.runs_filter is None]
        initiatives, events = organisation_scope_ids(user.organisation_id)
        allowed |= Q(kind__in=own_kinds) & (
            Q(requested_by=user)
            | Q(scope__organisation=user.organisation_id)
            | Q(scope__initiative__in=initiatives)
            | Q(scope__event__in=events)
        )
    for spec in kinds():
        if spec.runs_filter is not None:
            allowed |= Q(kind=spec.code) & spec.runs_filter(user)
    return runs.filter(allowed)
