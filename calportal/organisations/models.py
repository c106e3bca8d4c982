from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calportal.contacts import PhoneNumberField
from calportal.dates import sane_year_constraint

postal_code_validator = RegexValidator(
    r"^\d{2}-\d{3}$", _("Enter a Polish postal code in the form 63-100.")
)


class Sector(models.TextChoices):
    """The sectors of the local cooperation model (MLW) stakeholder catalogue."""

    PUBLIC = "public", _("Public authority")
    NON_GOVERNMENTAL = "ngo", _("Non-governmental sector")
    BUSINESS = "business", _("Businesses and institutions")
    FINANCE = "finance", _("Finance and banking")
    CITIZENS = "citizens", _("Citizens – local leaders")


class Kind(models.TextChoices):
    GOVERNMENT_ADMINISTRATION = "government", _("Government administration")
    LOCAL_GOVERNMENT = "local_government", _("Local self-government")
    LOCAL_GOVERNMENT_UNIT = "local_government_unit", _("Local government unit (OPS, PCPR, …)")
    NGO = "ngo", _("Association or foundation")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
    CHURCH = "church", _("Church organisation")
    COMPANY = "company", _("Company")
    EDUCATION = "education", _("Education")
    CULTURE = "culture", _("Culture")
    HEALTH = "health", _("Health care")
    BANK = "bank", _("Bank or financial institution")
    LEADER = "leader", _("Local leader or informal group")
    OTHER = "other", _("Other")


class CooperationForm(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    AD_HOC = "ad_hoc", _("Ad hoc")


class Organisation(models.Model):
    """An entry of the stakeholder catalogue (Katalog Lokalnych Interesariuszy)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[postal_code_validator]
    )
    city = models.CharField(_("town"), max_length=100, blank=True, default="Śrem")
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    is_partner = models.BooleanField(
        _("partner of the CAL"),
        default=False,
        help_text=_("Partners cooperate with the CAL and may have partner coordinator accounts."),
    )
    cooperation_form = models.CharField(
        _("form of cooperation"), max_length=20, choices=CooperationForm.choices, blank=True
    )
    pact_signed_on = models.DateField(_("pact signed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_("An organisation with this name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_partner=True) | models.Q(cooperation_form=""),
                name="organisation_cooperation_only_for_partners",
                violation_error_message=_("Only a partner has a form of cooperation."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_partner=True) | models.Q(pact_signed_on__isnull=True),
                name="organisation_pact_only_for_partners",
                violation_error_message=_("Only a partner can have signed a pact."),
            ),
            sane_year_constraint("pact_signed_on", name="organisation_pact_signed_on_sane_year"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def address(self) -> str:
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, town) if part)
