"""Reads of the reports' own tables."""

from calportal.reports.models import IndicatorTarget, ReportRun, ReportSchedule, SoftResult


def targets() -> dict[str, float]:
    """``{indicator row key: target}`` as staff set them for R5."""
    return {t.indicator: float(t.target) for t in IndicatorTarget.objects.all()}


def soft_results(first_year: int, last_year: int) -> list[dict]:
    """Soft results of the years ``[first_year, last_year]``: dicts with ``pk``, ``year``,
    ``question``, ``respondents``, ``positive_percent``."""
    return list(
        SoftResult.objects.filter(year__gte=first_year, year__lte=last_year)
        .order_by("year", "question")
        .values("pk", "year", "question", "respondents", "positive_percent")
    )


def runs_page_queryset(runs):
    """The runs list's rows: what the page prints, in one query."""
    return runs.select_related("requested_by", "schedule").only(
        "pk",
        "kind",
        "title",
        "variant",
        "language",
        "period_start",
        "period_end",
        "version",
        "status",
        "is_official",
        "created_at",
        "finished_at",
        "requested_by__full_name",
        "requested_by__email",
        "schedule__id",
    )


def schedules():
    return (
        ReportSchedule.objects.select_related("definition", "definition__owner")
        .prefetch_related("recipients")
        .order_by("definition__kind", "pk")
    )


def latest_official(kind: str) -> ReportRun | None:
    return ReportRun.objects.filter(kind=kind, is_official=True).order_by("-official_at").first()
