import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.contacts import NameKeyMixin, PhoneNumberField
from calportal.dates import sane_year_constraint


class Kind(models.TextChoices):
    SENIOR_CAFE = "senior_cafe", _("Senior café")
    PICNIC = "picnic", _("Picnic or outdoor event")
    WORKSHOP_CYCLE = "workshops", _("Workshop cycle")
    SEMINAR = "seminar", _("Seminar")
    CONFERENCE = "conference", _("Conference")
    SPORTS = "sports", _("Sports classes")
    CLUB = "club", _("Club meeting")
    CAMPAIGN = "campaign", _("Campaign")


class Category(models.TextChoices):
    INTEGRATION = "integration", _("Integration")
    HEALTH = "health", _("Health and prevention")
    SUPPORT = "support", _("Support")
    LEISURE = "leisure", _("Active leisure")


class TargetGroupCode(models.TextChoices):
    SENIORS_60 = "seniors_60", _("Seniors 60+")
    DISABLED_55 = "disabled_55", _("People 55+ with disabilities")
    DISABLED_CHILDREN = "disabled_children", _("Disabled children and their parents")
    FAMILIES = "families", _("Families")
    YOUTH = "youth", _("Children and young people")
    EVERYONE = "everyone", _("Everyone")


class TargetGroup(models.Model):
    """A group an initiative is meant for; the rows are created by a migration."""

    code = models.CharField(max_length=30, choices=TargetGroupCode.choices, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Initiative(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address in the portal"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="initiatives"
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    disability_certificate_required = models.BooleanField(
        _("disability certificate required"), default=False
    )
    lead_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_initiatives",
    )
    partner_organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="partnered_initiatives",
    )
    planned_participants = models.PositiveIntegerField(
        _("planned number of participants"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Internal initiatives never appear on public pages.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="initiative_age_range_valid",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative_detail", args=[self.pk])

    @property
    def has_age_rule(self) -> bool:
        return self.min_age is not None or self.max_age is not None


class FundingSource(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal budget")
    MINISTRY = "ministry", _("Ministry (MPiPS)")
    MARSHAL = "marshal", _("Marshal's Office")
    ESF = "esf", _("European Social Fund")
    DONORS = "donors", _("Donors")
    OTHER = "other", _("Other")


class Funding(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (PLN)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The budget year the amount is for (REPORTS.md §9, D5); FI1 counts a row in the periods
    # that overlap its year. Empty only for rows entered before years were recorded.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    agreement = models.ForeignKey(
        "projects.Project",
        verbose_name=_("funding agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fundings",
    )

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1990, year__lte=2100),
                name="funding_year_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    """One occurrence of an initiative that residents can sign up for.

    ``places_taken`` is the sum of the places of confirmed registrations. Services change it
    only while holding a row lock on the event; a check constraint keeps it within capacity.
    """

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Leave empty to use the initiative's.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_name = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    max_companions = models.PositiveSmallIntegerField(_("companions allowed per person"), default=1)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    induction_loop = models.BooleanField(_("induction loop"), default=False)
    sign_language = models.BooleanField(_("sign-language interpreter"), default=False)
    accessible_toilet = models.BooleanField(_("toilet for disabled people"), default=False)
    parking = models.BooleanField(_("parking for disabled people"), default=False)
    accessibility_notes = models.TextField(_("more about accessibility"), blank=True)
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")),
                name="event_capacity_not_exceeded",
                violation_error_message=_(
                    "The number of places cannot be lower than the places already taken."
                ),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_valid",
                violation_error_message=_("Registration must close after it opens."),
            ),
            sane_year_constraint("starts_at", name="event_starts_at_sane_year", moment=True),
            sane_year_constraint("ends_at", name="event_ends_at_sane_year", moment=True),
            sane_year_constraint(
                "registration_opens_at", name="event_registration_opens_at_sane_year", moment=True
            ),
            sane_year_constraint(
                "registration_closes_at", name="event_registration_closes_at_sane_year", moment=True
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:event_public", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or self.initiative.title

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def accessibility_features(self) -> list[str]:
        return [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name in ACCESSIBILITY_FIELDS and getattr(self, field.name)
        ]

    def registration_state(self, now=None) -> str:
        """One of: cancelled, past, not_open, closed, open."""
        now = now or timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if self.starts_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"


ACCESSIBILITY_FIELDS = [
    "step_free_access",
    "induction_loop",
    "sign_language",
    "accessible_toilet",
    "parking",
]


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NOT_GIVEN = "not_given", _("Not given")


# What staff pages show instead of a name for an anonymised row (PRIVACY.md §2).
ANONYMISED_PERSON = _("Anonymised person")


class ParticipantQuerySet(models.QuerySet):
    """``Participant.objects`` still returns every row — the figures (``*/figures.py``,
    :mod:`calportal.reports`) count the anonymised ones (PRIVACY.md §2). Staff lists, searches,
    choices, duplicate checks and the recognition of a person who signs up read
    :meth:`identifiable` instead."""

    def identifiable(self):
        """The people themselves: rows with a name and contact, not the anonymous
        per-person-per-year rows left by anonymisation (``anonymised_year`` set)."""
        return self.filter(anonymised_year__isnull=True)


class Participant(NameKeyMixin, models.Model):
    """A resident known to the centre. Recognised again by name (compared as ``name_key``) and
    e-mail address or phone number (9 digits, see :mod:`calportal.contacts`).

    An anonymised row (``anonymised_year`` set, PRIVACY.md §2) is nobody: it has no name or
    contact, shows as "Anonymised person" (:data:`ANONYMISED_PERSON`) and is never matched,
    listed or offered as a person — use ``Participant.objects.identifiable()``."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # calportal.contacts.name_key(first_name, last_name), kept by NameKeyMixin.save():
    # "anna o'neill". Text, not a CharField: case-folding lengthens names ("ﬃ" → "ffi").
    name_key = models.TextField(editable=False, db_index=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = PhoneNumberField(_("phone"), max_length=20, blank=True)
    # Text messages as well as e-mails (a person without e-mail gets them anyway when the
    # portal sends SMS; calportal.notify).
    sms_wanted = models.BooleanField(_("also send text messages (SMS)"), default=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.NOT_GIVEN
    )
    # What the person typed; kept until staff map it to an area (REPORTS.md §9, D1).
    district = models.CharField(_("district or village"), max_length=100, blank=True)
    # Where the person lives, for the reports: an area of the municipality, "outside the
    # municipality", or neither (not given).
    area = models.ForeignKey(
        "resources_map.Area",
        verbose_name=_("area of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    outside_municipality = models.BooleanField(_("lives outside the municipality"), default=False)
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    consent_given_at = models.DateTimeField(_("consent given"))
    consent_scope = models.CharField(_("what was agreed to"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Anonymisation (PRIVACY.md §2): an anonymised person is one row per calendar year (the
    # per-person-per-year token is the row itself), holding that year's facts, without name or
    # contact; birth_year is generalised to the lowest year of the age band in that year.
    anonymised_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    age_band = models.CharField(max_length=10, blank=True)
    # The local year of the person's first attendance, for the whole CAL ("cal") and per
    # scope ("initiative:<id>", "organisation:<id>"), copied at anonymisation so that "new
    # vs returning" (PE3) survives: {"cal": 2023, "initiative:5": 2025}.
    first_years = models.JSONField(default=dict, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name"]
        constraints = [
            # An anonymised row (PRIVACY.md §2) has neither: it is no one's contact any more.
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | Q(anonymised_year__isnull=False),
                name="participant_has_contact",
                violation_error_message=_("Give an e-mail address or a phone number."),
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(outside_municipality=False),
                name="participant_area_or_outside",
                violation_error_message=_(
                    "A person lives either in an area of the municipality or outside it."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["phone"]),
            models.Index(Lower("email"), name="participant_email_ci"),
        ]

    def __str__(self) -> str:
        if self.is_anonymised:
            return str(ANONYMISED_PERSON)
        return f"{self.first_name} {self.last_name}"

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_year is not None

    @property
    def list_name(self) -> str:
        """The name as lists sorted by surname show it ("Last First"); the label for an
        anonymised row."""
        if self.is_anonymised:
            return str(ANONYMISED_PERSON)
        return f"{self.last_name} {self.first_name}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("By phone, via staff")
    ON_SITE = "on_site", _("On site")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="registrations"
    )
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.ONLINE
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True
    )
    access_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    queued_at = models.DateTimeField(
        _("in the queue since"), default=timezone.now, help_text=_("Orders the waiting list.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, default="pl", help_text=_("E-mails are sent in it.")
    )
    # Set when the accessibility-needs text was deleted by its retention rule (PRIVACY.md §1):
    # the figures still count that the person had needs.
    had_accessibility_needs = models.BooleanField(default=False, editable=False)
    certificate_declared = models.BooleanField(
        _("declared a disability certificate"), default=False
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]
        constraints = [
            models.UniqueConstraint(
                "event",
                "participant",
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_person",
                violation_error_message=_("This person is already registered for this event."),
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="registration_places_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.event}"

    @property
    def companions(self) -> int:
        return self.places - 1


# The senior pass programme lives in its own module; importing registers its models here.
from initiatives.passes.models import (  # noqa: E402, F401
    PartnerVenue,
    PassApplication,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
