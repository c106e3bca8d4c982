"""The volunteer certificate (zaświadczenie o wykonywaniu świadczeń przez wolontariusza)."""

from django.db.models import Sum
from django.utils import timezone

from calportal.documents.registry import Build, register
from volunteers.models import Certificate, EntryStatus, HoursEntry


@register("volunteers.certificate", permission="volunteers.add_certificate")
def certificate(params: dict) -> Build:
    certificate = Certificate.objects.select_related("volunteer__organisation", "issued_by").get(
        pk=params["certificate_id"]
    )
    approved = HoursEntry.objects.filter(
        volunteer=certificate.volunteer,
        status=EntryStatus.APPROVED,
        date__gte=certificate.period_from,
        date__lte=certificate.period_to,
    )
    # The kinds of work: by opportunity, initiative or the words logged, with their hours.
    kinds = [
        {
            "label": row["opportunity__title"] or row["initiative__title"] or row["activity"],
            "hours": row["total"] / 4,
        }
        for row in approved.values("opportunity__title", "initiative__title", "activity")
        .annotate(total=Sum("quarters"))
        .order_by("-total")
    ]
    return Build(
        template="pdf/volunteer_certificate.html",
        context={
            "certificate": certificate,
            "volunteer": certificate.volunteer,
            "organisation": certificate.volunteer.organisation,
            "kinds": kinds,
            "generated_at": timezone.localtime(),
        },
        filename=f"zaswiadczenie-{certificate.number.replace('/', '-')}.pdf",
    )
