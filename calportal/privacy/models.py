"""The privacy lifecycle (PRIVACY.md): retention rules and their runs, the consent-text
registry and consent records, data-subject requests (art. 15 and 17), erasure records and the
notices to recipients (art. 19), the data-breach register and the records of processing
(art. 30).

Nothing here but :class:`SubjectRequest` (the requester's name and contact, needed to answer)
and :class:`Consent` (kept with the data it justifies) holds a resident's personal data; the
records of what was erased and of each retention run hold only counts and references.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# -- retention -----------------------------------------------------------------------------


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("days after")
    MONTHS = "months", _("months after")
    YEARS = "years", _("years after")
    # "until 30 June of the N-th year after the year of" (registrations: 30 June next year).
    JUNE_30 = "june_30", _("until 30 June of the year, counted in years after the year of")
    # "N full calendar years after the year of" (volunteer agreements: 6 full years).
    FULL_YEARS = "full_years", _("full calendar years after the year of")
    # The agreement's or contract's own retention end (projects, public tasks).
    AGREEMENT = "agreement", _("until the agreement's retention end")


class RetentionRule(models.Model):
    """One row of PRIVACY.md §1: how long one kind of data stays identifiable. The row's
    wording (data kind, what happens, what is kept, why) lives in
    :data:`calportal.privacy.rules.RULES` under ``code``; the OPS edits only the period."""

    code = models.CharField(max_length=40, unique=True)
    amount = models.PositiveSmallIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=20, choices=RetentionUnit.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["pk"]
        permissions = [("run_retention", "Can run the retention task by hand")]

    def __str__(self) -> str:
        return self.code

    def due(self, anchor: datetime.date) -> datetime.date:
        """The first day on which data anchored at ``anchor`` (an event's local date, a pass's
        end, ...) is no longer kept identifiable. Raises ``ValueError`` for AGREEMENT, whose
        date is the agreement's own (``Project.retention_end``)."""
        if self.unit == RetentionUnit.DAYS:
            return anchor + datetime.timedelta(days=self.amount)
        if self.unit == RetentionUnit.MONTHS:
            return anchor + relativedelta(months=self.amount)
        if self.unit == RetentionUnit.YEARS:
            return anchor + relativedelta(years=self.amount)
        if self.unit == RetentionUnit.JUNE_30:
            # Kept until 30 June of the N-th year after: due on 1 July.
            return datetime.date(anchor.year + self.amount, 7, 1)
        if self.unit == RetentionUnit.FULL_YEARS:
            return datetime.date(anchor.year + 1 + self.amount, 1, 1)
        raise ValueError(f"{self.code}: the date is the agreement's own")


class RetentionRun(models.Model):
    """One run of the retention task (or its dry run): what each rule did, as counts."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    # {rule code: number of records anonymised / deleted (or that would be, in a dry run)}
    counts = models.JSONField(default=dict)
    # The small-cell check after the run: [{"year", "area", "gender", "age_band", "persons"}]
    small_cells = models.JSONField(default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# -- consent -------------------------------------------------------------------------------


class ConsentPurpose(models.TextChoices):
    EVENT_SIGNUP = "event_signup", _("Signing up for events")
    DISABILITY = "disability", _("Disability and health data")
    SENIOR_PASS = "senior_pass", _("Senior pass programme")
    VOLUNTEER = "volunteer", _("Volunteer application")
    SELFHELP = "selfhelp", _("Self-help group contact")
    MAP_REPORT = "map_report", _("Report to the needs and resources map")
    NEWSLETTER = "newsletter", _("Newsletter")


class ConsentText(models.Model):
    """A consent clause as it was shown, never edited in place: a change is a new version
    (PRIVACY.md §5). Kept permanently, also after the consents given to it are gone."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("full text"))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    material_change = models.BooleanField(
        _("material change"),
        default=False,
        help_text=_(
            "People in an ongoing relation are asked to consent again at their next contact."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "language", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version", "language"], name="consent_text_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.version} ({self.language})"


class ConsentChannel(models.TextChoices):
    ONLINE = "online", _("online, by the person")
    PHONE = "phone", _("by phone, through staff")
    ON_SITE = "on_site", _("on site, through staff")


class Consent(models.Model):
    """One consent given to one :class:`ConsentText`, for one record: exactly one of the
    subject fields is set. Deleted with the record (CASCADE) or by anonymisation."""

    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    # The staff member who took it on the person's behalf (and confirmed reading the clause).
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_channel = models.CharField(
        _("withdrawn through"), max_length=10, choices=ConsentChannel.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        "initiatives.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    registration = models.ForeignKey(
        "initiatives.Registration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    pass_application = models.ForeignKey(
        "initiatives.PassApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    join_request = models.ForeignKey(
        "selfhelp.JoinRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    resident_report = models.ForeignKey(
        "resources_map.ResidentReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )

    SUBJECTS = (
        "participant",
        "registration",
        "pass_application",
        "volunteer",
        "join_request",
        "resident_report",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        participant__isnull=False,
                        registration=None,
                        pass_application=None,
                        volunteer=None,
                        join_request=None,
                        resident_report=None,
                    )
                    | Q(
                        participant=None,
                        registration__isnull=False,
                        pass_application=None,
                        volunteer=None,
                        join_request=None,
                        resident_report=None,
                    )
                    | Q(
                        participant=None,
                        registration=None,
                        pass_application__isnull=False,
                        volunteer=None,
                        join_request=None,
                        resident_report=None,
                    )
                    | Q(
                        participant=None,
                        registration=None,
                        pass_application=None,
                        volunteer__isnull=False,
                        join_request=None,
                        resident_report=None,
                    )
                    | Q(
                        participant=None,
                        registration=None,
                        pass_application=None,
                        volunteer=None,
                        join_request__isnull=False,
                        resident_report=None,
                    )
                    | Q(
                        participant=None,
                        registration=None,
                        pass_application=None,
                        volunteer=None,
                        join_request=None,
                        resident_report__isnull=False,
                    )
                ),
                name="consent_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at=None) | ~Q(withdrawal_channel=""),
                name="consent_withdrawal_has_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} {self.given_at:%Y-%m-%d}"


# -- data-subject requests -----------------------------------------------------------------


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to data (art. 15)")
    ERASURE = "erasure", _("Erasure (art. 17)")
    RECTIFICATION = "rectification", _("Rectification (art. 16)")
    RESTRICTION = "restriction", _("Restriction (art. 18)")
    OBJECTION = "objection", _("Objection (art. 21)")
    PORTABILITY = "portability", _("Data portability (art. 20)")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person at the office")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    EPUAP = "epuap", _("ePUAP")


class IdentityCheck(models.TextChoices):
    ID_DOCUMENT = "id_document", _("in person, with an identity document")
    EMAIL_ON_FILE = "email_on_file", _("reply from the e-mail address on file")
    PHONE_ON_FILE = "phone_on_file", _("call back to the phone number on file")
    QUALIFIED_SIGNATURE = "signature", _("qualified or trusted (ePUAP) signature")
    NOT_YET = "not_yet", _("not verified yet")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("request status", "Received")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("handed over in person")
    LINK = "link", _("one-time link and a PIN by phone")
    LETTER = "letter", _("by registered letter")


class SubjectRequest(models.Model):
    """An entry of the register of data-subject requests (PRIVACY.md §3): the deadline is one
    month from receipt (art. 12(3)), extendable by up to two months with a reason."""

    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    channel = models.CharField(_("received by"), max_length=20, choices=RequestChannel.choices)
    requester_name = models.CharField(_("requester's name"), max_length=200)
    requester_contact = models.CharField(
        _("requester's e-mail or phone"), max_length=200, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    identity_check = models.CharField(
        _("identity verified"),
        max_length=20,
        choices=IdentityCheck.choices,
        default=IdentityCheck.NOT_YET,
    )
    identity_note = models.CharField(_("how (details)"), max_length=300, blank=True)
    deadline = models.DateField(_("answer due by"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    delivery = models.CharField(_("delivered"), max_length=20, choices=Delivery.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The records staff confirmed as the person's: [{"model": "initiatives.participant", "pk": 5}]
    matches = models.JSONField(_("records confirmed as the person's"), default=list, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until=None) | ~Q(extension_reason=""),
                name="subject_request_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"

    @staticmethod
    def deadline_for(received_on: datetime.date) -> datetime.date:
        """One month from receipt (art. 12(3) GDPR); the same day of the next month, or its
        last day when the next month is shorter."""
        return received_on + relativedelta(months=1)

    @property
    def due_on(self) -> datetime.date:
        return self.extended_until or self.deadline

    def clean(self):
        if (
            self.extended_until
            and self.received_on
            and self.extended_until > self.received_on + relativedelta(months=3)
        ):
            raise ValidationError(
                {"extended_until": _("The answer may be extended by at most two more months.")}
            )


class DeliveryLink(models.Model):
    """A one-time link to a subject-access package: the token goes to the e-mail on file, the
    PIN is read out by phone. Only hashes are stored. Valid 7 days; the file goes with it."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=128, unique=True)
    pin_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link {self.pk} ({self.request_id})"


class ErasureRecord(models.Model):
    """That a person's data was erased (art. 17), without any of it: the request, when, by
    whom, and what was erased and kept, as counts and rule codes."""

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures"
    )
    performed_at = models.DateTimeField(default=timezone.now)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # {category: number of records erased}
    erased = models.JSONField(default=dict)
    # [{"category", "count", "rule", "provision", "until"}]
    kept = models.JSONField(default=list)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-performed_at", "-pk"]

    def __str__(self) -> str:
        return f"erasure {self.pk} {self.performed_at:%Y-%m-%d}"


class RecipientNotice(models.Model):
    """Art. 19: a partner organisation or venue that received a person's data is told, inside
    the portal, that it was erased — by reference (an event and date, a volunteer number),
    never by name."""

    erasure = models.ForeignKey(ErasureRecord, on_delete=models.CASCADE, related_name="notices")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="erasure_notices",
    )
    venue = models.ForeignKey(
        "initiatives.PartnerVenue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="erasure_notices",
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(venue__isnull=False),
                name="notice_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.erasure_id})"


# -- accountability ------------------------------------------------------------------------


class Breach(models.Model):
    """An entry of the data-breach register (art. 33(5)): every breach is recorded, reported
    to the President of UODO within 72 hours unless unlikely to result in a risk."""

    found_at = models.DateTimeField(_("found at"))
    description = models.TextField(_("what happened"))
    categories = models.CharField(_("categories of data and people affected"), max_length=300)
    affected_count = models.PositiveIntegerField(_("people affected (approximately)"))
    reported_to_authority = models.BooleanField(_("reported to UODO"), default=False)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    not_reported_reason = models.TextField(_("why it was not reported"), blank=True)
    subjects_notified = models.BooleanField(_("people affected were told (art. 34)"), default=False)
    measures = models.TextField(_("measures taken"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data breach")
        verbose_name_plural = _("data-breach register")
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.found_at:%Y-%m-%d} {self.categories}"

    @property
    def report_due(self) -> datetime.datetime:
        return self.found_at + datetime.timedelta(hours=72)


class ControllerRole(models.TextChoices):
    CONTROLLER = "controller", _("the OPS is the controller")
    PROCESSOR = "processor", _("the OPS processes for the partner (art. 28)")
    JOINT = "joint", _("joint controllers (art. 26)")


class ProcessingActivity(models.Model):
    """A row of the records of processing activities (art. 30(1)), kept in the portal."""

    name = models.CharField(_("processing activity"), max_length=200)
    controller = models.CharField(_("controller"), max_length=300)
    joint_controller = models.CharField(
        _("joint controller or processor"), max_length=300, blank=True
    )
    controller_role = models.CharField(
        _("arrangement"),
        max_length=20,
        choices=ControllerRole.choices,
        default=ControllerRole.CONTROLLER,
    )
    purposes = models.TextField(_("purposes"))
    legal_basis = models.TextField(_("legal basis"))
    subject_categories = models.TextField(_("categories of people"))
    data_categories = models.TextField(_("categories of data"))
    special_categories = models.TextField(
        _("special categories (art. 9)"), blank=True, help_text=_("Empty: none.")
    )
    recipients = models.TextField(_("recipients"))
    transfers = models.CharField(
        _("transfers outside the EEA"), max_length=300, default="brak / none"
    )
    retention_rules = models.ManyToManyField(
        RetentionRule, verbose_name=_("retention"), blank=True, related_name="activities"
    )
    security_measures = models.TextField(_("security measures"))
    agreement_status = models.CharField(
        _("processor / joint-controller agreement"), max_length=300, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("records of processing activities")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
