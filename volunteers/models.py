"""Volunteers of the partner organisations, their agreements, checks, shifts and hours.

Every row belongs to one hosting organisation (through the volunteer or the opportunity):
partner coordinators only ever see their own organisation's rows.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.contacts import PhoneNumberField
from calportal.dates import sane_year_constraint

QUARTERS_PER_DAY = 96  # 24 hours in quarter-hour steps


class VolunteerStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class GrammaticalGender(models.TextChoices):
    """How documents in Polish speak of the volunteer: „wykonywała … jako wolontariuszka”,
    „wykonywał … jako wolontariusz”, or a neutral wording when it is not given."""

    NOT_GIVEN = "", _("Not given: neutral wording")
    FEMININE = "feminine", _("Feminine forms (e.g. “wolontariuszka”)")
    MASCULINE = "masculine", _("Masculine forms (e.g. “wolontariusz”)")


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


class DayPart(models.TextChoices):
    MORNING = "am", _("morning")
    AFTERNOON = "pm", _("afternoon")
    EVENING = "ev", _("evening")


AVAILABILITY_SLOTS = [f"{day}_{part}" for day in Weekday.values for part in DayPart.values]


class Skill(models.Model):
    """What a volunteer can do and an opportunity asks for; the rows come from a migration."""

    class Code(models.TextChoices):
        HOMEWORK = "homework", _("Homework help")
        SENIORS = "seniors", _("Accompanying seniors")
        EVENTS = "events", _("Helping at events and picnics")
        CHILDREN = "children", _("Activities for children")
        DRIVING = "driving", _("Driving")
        DIGITAL = "digital", _("Computers and phones")
        CRAFTS = "crafts", _("Arts and crafts")
        SPORT = "sport", _("Sport and recreation")
        CARE = "care", _("Care and first aid")
        OFFICE = "office", _("Office work and organising")

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_code_display())


# What staff pages show instead of a name for an anonymised row (PRIVACY.md §2).
ANONYMISED_VOLUNTEER = _("Anonymised volunteer")


class VolunteerQuerySet(models.QuerySet):
    """``Volunteer.objects`` still returns every row — the figures (``volunteers/figures.py``,
    :mod:`calportal.reports`) count the anonymised ones (PRIVACY.md §2). Lists, filters,
    choices, reminders and the recognition of an applicant read :meth:`identifiable`."""

    def identifiable(self):
        """The volunteers themselves, without the anonymous per-year rows (``anonymised_year``
        set) that anonymisation leaves for the figures."""
        return self.filter(anonymised_year__isnull=True)


class Volunteer(models.Model):
    """A volunteer of a partner organisation. An anonymised row (``anonymised_year`` set,
    PRIVACY.md §2) has no name or contact, shows as "Anonymised volunteer"
    (:data:`ANONYMISED_VOLUNTEER`) and is left out of every operational list: use
    ``Volunteer.objects.identifiable()``."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("hosting organisation"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    grammatical_gender = models.CharField(
        _("forms used in documents"),
        max_length=10,
        choices=GrammaticalGender.choices,
        default=GrammaticalGender.NOT_GIVEN,
        blank=True,
        help_text=_(
            "How certificates and letters in Polish speak of the volunteer. Optional: "
            "without it they use neutral wording."
        ),
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Other than Polish.")
    )
    availability = models.JSONField(
        _("availability"), default=list, blank=True, help_text=_("Days and parts of the day.")
    )
    areas = models.ManyToManyField(
        "resources_map.Area",
        verbose_name=_("areas they can reach"),
        blank=True,
        related_name="volunteers",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    insured = models.BooleanField(
        _("accident insurance"),
        default=False,
        help_text=_("Required by law for engagements of up to 30 days."),
    )
    ended_on = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("The day the volunteer stopped working with the organisation."),
    )
    policy_number = models.CharField(_("policy number"), max_length=60, blank=True)
    safety_briefing_on = models.DateField(_("health and safety briefing on"), null=True, blank=True)
    guardian_consent_on = models.DateField(
        _("guardian's consent on"), null=True, blank=True, help_text=_("For volunteers under 18.")
    )
    notes = models.TextField(_("notes"), blank=True)
    message = models.TextField(_("message from the application"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Anonymisation (PRIVACY.md §2), as for participants: one row per calendar year of hours,
    # without name or contact; first_years = {"cal": first year with hours, ...}.
    anonymised_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    first_years = models.JSONField(default=dict, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name", "pk"]
        permissions = [
            ("view_all_volunteers", _("See every organisation's volunteers and hours")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(insured=False) | ~Q(policy_number=""),
                name="insured_volunteer_has_policy",
                violation_error_message=_("Give the insurance policy number."),
            ),
            sane_year_constraint(
                "safety_briefing_on", name="volunteer_safety_briefing_on_sane_year"
            ),
            sane_year_constraint(
                "guardian_consent_on", name="volunteer_guardian_consent_on_sane_year"
            ),
            sane_year_constraint("ended_on", name="volunteer_ended_on_sane_year"),
        ]

    def __str__(self) -> str:
        if self.is_anonymised:
            return str(ANONYMISED_VOLUNTEER)
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_year is not None

    @property
    def list_name(self) -> str:
        """The name as lists sorted by surname show it ("Last First"); the label for an
        anonymised row."""
        if self.is_anonymised:
            return str(ANONYMISED_VOLUNTEER)
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def is_minor(self, on=None) -> bool:
        day = on or timezone.localdate()
        return day.year - self.birth_year < 18


class Agreement(models.Model):
    """Porozumienie wolontariackie: in writing for work longer than 30 days."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("volunteer")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: open."))
    scope = models.TextField(_("scope of work"))
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("volunteer agreement")
        verbose_name_plural = _("volunteer agreements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="agreement_dates_valid",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            sane_year_constraint("starts_on", name="agreement_starts_on_sane_year"),
            sane_year_constraint("ends_on", name="agreement_ends_on_sane_year"),
            sane_year_constraint("signed_on", name="agreement_signed_on_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.starts_on}–{self.ends_on or '…'}"

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class ChildSafetyCheck(models.Model):
    """A check before work with minors (the sex-offenders register and criminal record)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="checks", verbose_name=_("volunteer")
    )
    checked_on = models.DateField(_("checked on"))
    checked_by = models.CharField(
        _("checked by"), max_length=150, help_text=_("The person who made the check.")
    )
    registers = models.CharField(
        _("what was checked"),
        max_length=200,
        default="Rejestr Sprawców Przestępstw na Tle Seksualnym; informacja z KRK",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("check for work with children")
        verbose_name_plural = _("checks for work with children")
        ordering = ["-checked_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("checked_on")),
                name="check_validity_after_check",
                violation_error_message=_("“Valid until” cannot be before the check."),
            ),
            sane_year_constraint("checked_on", name="childsafetycheck_checked_on_sane_year"),
            sane_year_constraint("valid_until", name="childsafetycheck_valid_until_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.checked_on}"

    def is_valid(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.checked_on <= day and (self.valid_until is None or day <= self.valid_until)


class Opportunity(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    event = models.ForeignKey(
        "initiatives.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True)
    involves_children = models.BooleanField(
        _("involves work with children"),
        default=False,
        help_text=_("Only volunteers with a valid check can be assigned."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("volunteering opportunity")
        verbose_name_plural = _("volunteering opportunities")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:opportunity_detail", args=[self.pk])


def folded_title(text: str) -> str:
    """A title as compared: neither case nor runs of spaces matter."""
    return " ".join(text.split()).casefold()


def child_work_titles(organisation_ids) -> set[tuple[int, str]]:
    """(organisation id, folded title) of the opportunities that involve work with children:
    typing such a title as free text instead of choosing it is the same work."""
    return {
        (organisation_id, folded_title(title))
        for organisation_id, title in Opportunity.objects.filter(
            organisation_id__in=set(organisation_ids), involves_children=True
        ).values_list("organisation_id", "title")
    }


def is_child_work(entry, child_titles: set | None = None) -> bool:
    """The one rule of whether hours are work with children, used when hours are saved,
    changed, entered in the weekly grid, imported from CSV and approved.

    ``entry`` is an :class:`HoursEntry` or anything with its ``opportunity``,
    ``with_children``, ``activity`` and ``volunteer``. It is work with children when its
    opportunity involves children, when it was declared so, or when no opportunity was chosen
    and the activity typed is the title of such an opportunity of the volunteer's organisation.
    ``child_titles`` comes from :func:`child_work_titles`; it is looked up when not given.
    """
    if entry.opportunity is not None:
        return bool(entry.opportunity.involves_children or entry.with_children)
    if entry.with_children:
        return True
    if not entry.activity.strip():
        return False
    organisation_id = entry.volunteer.organisation_id
    if child_titles is None:
        child_titles = child_work_titles([organisation_id])
    return (organisation_id, folded_title(entry.activity)) in child_titles


class Shift(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("opportunity")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    needed = models.PositiveSmallIntegerField(
        _("volunteers needed"), default=1, validators=[MinValueValidator(1)]
    )
    assigned_count = models.PositiveSmallIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message=_("The shift must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(assigned_count__lte=F("needed")),
                name="shift_not_overfilled",
                violation_error_message=_("The shift already has all the volunteers it needs."),
            ),
            sane_year_constraint("starts_at", name="shift_starts_at_sane_year", moment=True),
            sane_year_constraint("ends_at", name="shift_ends_at_sane_year", moment=True),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.opportunity} — {start:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.needed - self.assigned_count, 0)


class Assignment(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                name="one_assignment_per_shift",
                violation_error_message=_("This volunteer is already on this shift."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.shift}"


class WorkKind(models.Model):
    """A kind of volunteer work (e.g. „opieka nad seniorami”): hours entries name one, the rate
    table values it, and the certificate lists the kinds of work done. Edited by OPS staff."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_offered = models.BooleanField(
        _("offered when logging hours"),
        default=True,
        help_text=_("A kind no longer offered stays on the hours already logged with it."),
    )

    class Meta:
        verbose_name = _("kind of work")
        verbose_name_plural = _("kinds of work")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class VolunteerRate(models.Model):
    """One row of the dated rate table of the value of volunteer work (REPORTS.md §9 D6): from
    ``valid_from`` on, an hour of ``work_kind`` (None: of every kind without a rate of its own)
    is worth ``hourly_rate`` zł. A row in effect is never changed: a new rate is a new row."""

    valid_from = models.DateField(_("valid from"))
    work_kind = models.ForeignKey(
        WorkKind,
        verbose_name=_("kind of work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rates",
        help_text=_("Empty: every kind of work without a rate of its own."),
    )
    hourly_rate = models.DecimalField(
        _("value of an hour (zł)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_(
            "Where the rate comes from, e.g. “GUS – average hourly wage, announcement of …”."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rate of volunteer work")
        verbose_name_plural = _("rates of volunteer work")
        ordering = ["-valid_from", "work_kind__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_kind", "valid_from"],
                name="one_rate_per_kind_and_day",
                nulls_distinct=False,
                violation_error_message=_("This kind of work already has a rate from this day."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0),
                name="rate_not_negative",
                violation_error_message=_("The rate cannot be negative."),
            ),
            sane_year_constraint("valid_from", name="volunteerrate_valid_from_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.work_kind or '*'} {self.valid_from} {self.hourly_rate}"

    def in_effect(self, on=None) -> bool:
        """Whether the row already applies (then it is kept as it is)."""
        return self.valid_from <= (on or timezone.localdate())


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursEntry(models.Model):
    """Hours of work on one day, in quarter-hour steps (stored as quarters, 1–96)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="hours", verbose_name=_("volunteer")
    )
    date = models.DateField(_("date"))
    quarters = models.PositiveSmallIntegerField(_("quarter hours"))
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hours",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_hours",
    )
    activity = models.CharField(_("activity"), max_length=200, blank=True)
    work_kind = models.ForeignKey(
        WorkKind,
        verbose_name=_("kind of work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours",
    )
    with_children = models.BooleanField(
        _("work with children"),
        null=True,
        blank=True,
        help_text=_(
            "Declared for work that is not a listed opportunity; a listed opportunity says it "
            "itself. Work with children needs a valid check."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    reject_reason = models.CharField(_("reason for rejecting"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        ordering = ["-date", "pk"]
        permissions = [("approve_hoursentry", _("Approve or reject volunteers' hours"))]
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["volunteer", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarters__gte=1, quarters__lte=QUARTERS_PER_DAY),
                name="hours_between_quarter_and_day",
                violation_error_message=_("Hours must be between 0.25 and 24."),
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.REJECTED) | ~Q(reject_reason=""),
                name="rejected_hours_have_reason",
                violation_error_message=_("Give the reason for rejecting."),
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.SUBMITTED) | Q(decided_at__isnull=False),
                name="decided_hours_have_time",
                violation_error_message=_("A decision needs its time."),
            ),
            models.CheckConstraint(
                condition=~Q(activity="")
                | Q(opportunity__isnull=False)
                | Q(initiative__isnull=False),
                name="hours_have_activity",
                violation_error_message=_(
                    "Say what the work was: an opportunity, an initiative or a few words."
                ),
            ),
            sane_year_constraint("date", name="hoursentry_date_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.date} {self.hours} h"

    @property
    def hours(self) -> Decimal:
        return Decimal(self.quarters) / 4

    @property
    def activity_label(self) -> str:
        return str(self.opportunity or self.initiative or self.activity)

    @property
    def involves_children(self) -> bool:
        """Work with children, by :func:`is_child_work`: the rule logging and approval use."""
        return is_child_work(self)


class Certificate(models.Model):
    """Zaświadczenie o wykonywaniu świadczeń przez wolontariusza: numbered, for a period."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("volunteer"),
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total_quarters = models.PositiveIntegerField()
    # The kinds of work and their hours as they were at issue: the PDF must agree with the total
    # even if more hours of the period are approved later.
    kinds = models.JSONField(default=list)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("volunteer certificate")
        verbose_name_plural = _("volunteer certificates")
        ordering = ["-issued_on", "-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="certificate_number_once"),
            models.CheckConstraint(
                condition=Q(period_to__gte=F("period_from")),
                name="certificate_period_valid",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            sane_year_constraint("period_from", name="certificate_period_from_sane_year"),
            sane_year_constraint("period_to", name="certificate_period_to_sane_year"),
            sane_year_constraint("issued_on", name="certificate_issued_on_sane_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total_hours(self) -> Decimal:
        return Decimal(self.total_quarters) / 4


class VolunteeringSettings(models.Model):
    """The OPS's settings (one row); also the lock that serialises certificate numbers."""

    default_host = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation that takes public applications"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The Local Volunteer Centre's host; applicants may also choose another partner."
        ),
    )

    class Meta:
        verbose_name = _("volunteering settings")
        verbose_name_plural = _("volunteering settings")

    def __str__(self) -> str:
        return str(_("Volunteering settings"))

    @classmethod
    def current(cls) -> "VolunteeringSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row
