"""Report figures of the stakeholder catalogue (REPORTS.md §2, NW1), in aggregate SQL."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from calportal.organisations.models import Organisation, Sector
from calportal.reports.figures import NUMBER, define
from calportal.reports.periods import Period

NW1 = define(
    "NW1",
    _("Stakeholders"),
    _("Organisations in the stakeholder catalogue by sector (the state on the given day)."),
    unit=NUMBER,
)


def stakeholders_by_sector(day: datetime.date) -> dict[str, int]:
    """NW1. ``{sector: organisations}`` (every sector, zeros included): organisations entered
    in the catalogue by the end of ``day`` (local date of ``created_at``). One query."""
    _start, until = Period(day, day).bounds()
    counts = dict(
        Organisation.objects.filter(created_at__lt=until)
        .order_by()
        .values_list("sector")
        .annotate(count=Count("pk"))
    )
    return {sector: counts.get(sector, 0) for sector in Sector.values}


def organisations() -> dict[int, str]:
    """``{organisation id: name}`` for the whole catalogue, ordered by name — the labels of
    the rows other apps' figures key by organisation id. One query."""
    return dict(Organisation.objects.order_by("name", "pk").values_list("pk", "name"))


def labels() -> dict[str, dict[str, str]]:
    """``{"sector": {sector: label}}`` in the active language."""
    return {"sector": {value: str(label) for value, label in Sector.choices}}
