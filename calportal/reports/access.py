"""Who may run and read which report (REPORTS.md §8, as this issue narrows it).

* OPS staff (``reports.view_internal_report``): every report, every variant, every scope.
* CAL team members (``reports.view_shared_report``): the shared variant of R1 and R5 for the
  whole CAL.
* Partner coordinators (``reports.view_own_scope_report``): the operational reports (R11, R12)
  for their own organisation, or an initiative or event their organisation leads or partners.
* Nobody else sees a report.
"""

from django.db.models import Q, QuerySet

from calportal.reports.figures import Scope
from calportal.reports.models import ReportKind, ReportRun, Variant
from calportal.reports.registry import get_kind

SHARED_KINDS = (ReportKind.ACTIVITY, ReportKind.EFFECTIVENESS)


def may_use_reports(user) -> bool:
    return user.is_authenticated and (
        user.has_perm("reports.view_internal_report")
        or user.has_perm("reports.view_shared_report")
        or user.has_perm("reports.view_own_scope_report")
    )


def allowed_variants(user, kind: str) -> list[str]:
    """The variants of ``kind`` the user may have, most complete first; [] when none."""
    spec = get_kind(kind)
    if user.has_perm("reports.view_internal_report"):
        return list(spec.variants)
    if user.has_perm("reports.view_shared_report") and kind in SHARED_KINDS:
        return [Variant.SHARED] if Variant.SHARED in spec.variants else []
    if user.has_perm("reports.view_own_scope_report") and spec.own_scope and user.organisation_id:
        return list(spec.variants)
    return []


def may_run(user, kind: str, scope: Scope, variant: str) -> bool:
    """Whether the user may have this report for this scope in this variant (also checked for
    each recipient of a schedule at send time)."""
    if not user.is_active or variant not in allowed_variants(user, kind):
        return False
    if user.has_perm("reports.view_internal_report"):
        return True
    if user.has_perm("reports.view_shared_report") and kind in SHARED_KINDS:
        return scope.kind == "cal"
    return _own_scope(user, scope)


def _own_scope(user, scope: Scope) -> bool:
    from initiatives.selectors import organisation_takes_part

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
    if user.has_perm("reports.view_internal_report"):
        return runs
    allowed = Q(pk__in=[])
    if user.has_perm("reports.view_shared_report"):
        allowed |= Q(kind__in=SHARED_KINDS, variant=Variant.SHARED, scope={})
    if user.has_perm("reports.view_own_scope_report") and user.organisation_id:
        from initiatives.selectors import organisation_scope_ids

        initiatives, events = organisation_scope_ids(user.organisation_id)
        allowed |= (
            Q(requested_by=user)
            | Q(scope__organisation=user.organisation_id)
            | Q(scope__initiative__in=initiatives)
            | Q(scope__event__in=events)
        )
    return runs.filter(allowed)
