"""The volunteer certificate (zaświadczenie o wykonywaniu świadczeń przez wolontariusza)."""

from django.utils import timezone

from calportal.documents.registry import Build, register
from volunteers.models import Certificate


def _may_see_volunteer(user, params: dict) -> bool:
    """Everyone who may see the volunteer may open their certificates, not only the issuer."""
    from volunteers.selectors import volunteers_for

    return volunteers_for(user).filter(certificates__pk=params.get("certificate_id")).exists()


@register(
    "volunteers.certificate",
    permission="volunteers.view_certificate",
    shared_with=_may_see_volunteer,
)
def certificate(params: dict) -> Build:
    certificate = Certificate.objects.select_related("volunteer__organisation", "issued_by").get(
        pk=params["certificate_id"]
    )
    return Build(
        template="pdf/volunteer_certificate.html",
        context={
            "certificate": certificate,
            "volunteer": certificate.volunteer,
            "organisation": certificate.volunteer.organisation,
            "kinds": [
                {"label": kind["label"], "hours": kind["quarters"] / 4}
                for kind in certificate.kinds
            ],
            "generated_at": timezone.localtime(),
        },
        filename=f"zaswiadczenie-{certificate.number.replace('/', '-')}.pdf",
    )
