import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calportal.contacts import NameKeyMixin, PhoneNumberField
from calportal.dates import sane_year_constraint

PASS_NUMBER_RE = re.compile(r"^SPS-(\d{4})-(\d{4,6})$")


class ProgrammeSettings(models.Model):
    """The programme's rules; one row, edited by staff. Also the lock for numbering passes."""

    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=60, validators=[MinValueValidator(18), MaxValueValidator(120)]
    )
    uses_per_month = models.PositiveSmallIntegerField(
        _("uses per pass per month"), default=4, validators=[MinValueValidator(1)]
    )
    price = models.DecimalField(
        _("symbolic price (zł)"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    weekly_pool = models.PositiveIntegerField(
        _("weekly pool per venue"),
        null=True,
        blank=True,
        help_text=_("How many coffees or teas one venue serves a week. Empty: no limit."),
    )
    pass_validity_months = models.PositiveSmallIntegerField(
        _("pass valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")

    def __str__(self) -> str:
        return str(_("„Śremski Przyjaciel Seniora” settings"))

    @classmethod
    def current(cls) -> "ProgrammeSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class PartnerVenue(models.Model):
    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="venue",
    )
    name = models.CharField(_("name shown to residents"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    step_free_entry = models.BooleanField(_("step-free entry"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    title_granted_on = models.DateField(_("honorary title granted on"), null=True, blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    weekly_pool = models.PositiveIntegerField(
        _("own weekly pool"),
        null=True,
        blank=True,
        help_text=_("Overrides the programme's weekly pool for this venue."),
    )

    class Meta:
        verbose_name = _("partner venue")
        verbose_name_plural = _("partner venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=F("active_from")),
                name="venue_active_range_valid",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            sane_year_constraint(
                "title_granted_on", name="partnervenue_title_granted_on_sane_year"
            ),
            sane_year_constraint("active_from", name="partnervenue_active_from_sane_year"),
            sane_year_constraint("active_until", name="partnervenue_active_until_sane_year"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)


class ApplicationStatus(models.TextChoices):
    NEW = "new", _("New")
    ISSUED = "issued", _("Pass issued")
    REJECTED = "rejected", _("Rejected")


class PassApplication(NameKeyMixin, models.Model):
    """A resident's application from the public form (or a request to be called back)."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # calportal.contacts.name_key(first_name, last_name), kept by NameKeyMixin.save():
    # "anna o'neill". Text, not a CharField: case-folding lengthens names ("ﬃ" → "ffi").
    name_key = models.TextField(editable=False, db_index=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    district = models.CharField(_("district or village"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    call_back = models.BooleanField(_("please call me back"), default=False)
    message = models.TextField(_("message"), blank=True, max_length=1000)
    consent_text_version = models.CharField(max_length=20)
    consent_given_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.NEW
    )
    rejection_reason = models.CharField(_("reason"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("pass application")
        verbose_name_plural = _("pass applications")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "birth_year"],
                condition=Q(status="new"),
                name="application_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="application_has_contact",
                violation_error_message=_("Give an e-mail address or a phone number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PassStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("senior pass", "Active")
    SUSPENDED = "suspended", _("Suspended")
    REPLACED = "replaced", _("Lost and replaced")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class SeniorPassQuerySet(models.QuerySet):
    """``SeniorPass.objects`` still returns every pass — the figures count the pieces of
    anonymised holders' passes (numbered ``ANON-…``, PRIVACY.md §2). The pass list, the
    counter and the matching of an applicant read :meth:`identifiable`."""

    def identifiable(self):
        """Passes whose holder is a person, not an anonymised row."""
        return self.filter(holder__anonymised_year__isnull=True)


class SeniorPass(models.Model):
    """A personal pass (imienny karnet). Numbers are never reused."""

    holder = models.ForeignKey(
        "initiatives.Participant",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="passes",
    )
    number = models.CharField(_("pass number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=PassStatus.choices, default=PassStatus.ACTIVE
    )
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    application = models.ForeignKey(
        PassApplication, on_delete=models.SET_NULL, null=True, blank=True, related_name="passes"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status_note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeniorPassQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("issued_on")),
                name="pass_valid_after_issue",
            ),
            # One working pass per person: a replacement is issued only with the old one closed.
            models.UniqueConstraint(
                "holder", condition=Q(status="active"), name="pass_one_active_per_holder"
            ),
            sane_year_constraint("issued_on", name="seniorpass_issued_on_sane_year"),
            sane_year_constraint("valid_until", name="seniorpass_valid_until_sane_year"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("passes:pass_detail", args=[self.pk])


class Redemption(models.Model):
    senior_pass = models.ForeignKey(
        SeniorPass, verbose_name=_("pass"), on_delete=models.PROTECT, related_name="redemptions"
    )
    venue = models.ForeignKey(
        PartnerVenue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="redemptions"
    )
    redeemed_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # One value per check shown at the counter: sending the same form again records nothing new.
    nonce = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-redeemed_at"]
        indexes = [
            models.Index(fields=["senior_pass", "redeemed_at"]),
            models.Index(fields=["venue", "redeemed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.senior_pass} @ {self.venue}"


class PassStatusChange(models.Model):
    """When a pass's status began (REPORTS.md §9, D4): one row per status a pass has had, so
    "active on at least one day of the period" (PA1b) is exact. Written by every service that
    changes a status; a pass's rows begin with its issue."""

    senior_pass = models.ForeignKey(
        SeniorPass, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=PassStatus.choices)
    # The local date from which the pass has this status (the day of the change).
    started_on = models.DateField(_("from"))
    changed_at = models.DateTimeField(_("recorded"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pass status change")
        verbose_name_plural = _("pass status changes")
        ordering = ["senior_pass", "started_on", "changed_at", "pk"]
        indexes = [models.Index(fields=["senior_pass", "started_on"])]
        constraints = [sane_year_constraint("started_on", name="passstatuschange_sane_year")]

    def __str__(self) -> str:
        return f"{self.senior_pass} {self.status} {self.started_on}"
