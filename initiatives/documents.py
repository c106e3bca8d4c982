"""The attendance sheet (lista obecności) required by EU-funded projects."""

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calportal.documents.registry import Build, register
from initiatives.models import Event, FundingSource, RegistrationStatus


@register("initiatives.attendance_sheet", permission="initiatives.view_registration")
def attendance_sheet(params: dict) -> Build:
    event = Event.objects.select_related("initiative__lead_organisation").get(pk=params["event_id"])
    initiative = event.initiative
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    # Anonymised persons (PRIVACY.md §2) last, printed as "Anonymised person".
    rows = list(
        confirmed.select_related("participant").order_by(
            F("participant__anonymised_year").asc(nulls_first=True),
            "participant__last_name",
            "participant__first_name",
        )
    )
    fundings = list(initiative.fundings.all())
    return Build(
        template="pdf/attendance_sheet.html",
        context={
            "event": event,
            "initiative": initiative,
            "rows": rows,
            "places_total": confirmed.aggregate(total=Sum("places"))["total"] or 0,
            "fundings": fundings,
            "eu_funded": any(funding.source == FundingSource.ESF for funding in fundings),
            "generated_at": timezone.localtime(),
            "title": _("Attendance sheet"),
        },
        filename=f"lista-obecnosci-{event.pk}-{timezone.localtime(event.starts_at):%Y-%m-%d}.pdf",
    )
