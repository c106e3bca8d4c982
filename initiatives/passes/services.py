"""Issuing passes and recording redemptions.

A redemption is taken in one transaction that locks the pass row, then the venue row (always
in that order), re-checks everything and writes. Two venues scanning one pass at the same
moment are serialised on the pass; two passes at one venue on the venue's weekly pool.
"""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal import notify
from calportal.accounts.models import User
from calportal.calls import services as calls
from calportal.calls.models import CallReason
from calportal.contacts import name_key, normalise_phone
from calportal.privacy import consent
from calportal.privacy.models import ConsentChannel, ConsentPurpose
from initiatives.models import Participant
from initiatives.passes.models import (
    ApplicationStatus,
    PartnerVenue,
    PassApplication,
    PassStatus,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
from initiatives.services import PersonData, participant_find_or_create

CONSENT_TEXT_VERSION = "2026-11-sps"
TOKEN_SALT = "initiatives.passes.verify"
DOUBLE_TAP_SECONDS = 10


class PassError(Exception):
    """A programme rule was broken; the message can be shown to the person."""


class AllowanceUsedUp(PassError):
    """The pass is valid, but its holder's or the venue's allowance is used up for now.

    ``available_again`` is the local date from which a use can be recorded again (the first
    of next month for the holder's monthly uses, next Monday for a venue's weekly pool).
    """

    def __init__(self, message: str, *, senior_pass: SeniorPass, available_again: datetime.date):
        super().__init__(message)
        self.senior_pass = senior_pass
        self.available_again = available_again


# --- Applications and issuing -------------------------------------------------------------------


def application_create(
    *, person: PersonData, call_back: bool, message: str
) -> PassApplication | None:
    """Store a public application; return it, or the person's open one, or None for a holder.

    Whoever typed the details may not be the person (the social-welfare act forbids revealing
    who gets help), so a known person is answered like anyone: no error and no second
    application. What they need goes only to the contact on file — see :func:`_known_applicant`.
    Raises :class:`PassError` only for what the form itself got wrong (age, phone)."""
    programme = ProgrammeSettings.current()
    _check_age(person.birth_year, programme)
    try:
        email, phone = person.email.strip().lower(), normalise_phone(person.phone)
    except ValidationError as error:
        raise PassError(error.messages[0]) from None
    with transaction.atomic():
        open_application = PassApplication.objects.filter(
            name_key=name_key(person.first_name, person.last_name),
            birth_year=person.birth_year,
            status=ApplicationStatus.NEW,
        ).first()
        active_pass = None
        if open_application is None:
            active_pass = _active_pass_for(person).select_related("holder").first()
        if open_application is None and active_pass is None:
            try:
                with transaction.atomic():
                    return _create_application(person, email, phone, call_back, message)
            except IntegrityError:  # the same form sent twice at the same moment: one is kept
                return None
        _known_applicant(open_application, active_pass)
        return open_application


def _known_applicant(application: PassApplication | None, senior_pass: SeniorPass | None) -> None:
    """Someone applied for a person with an open application or an active pass: tell that
    person, at the e-mail address on file, what we have. Without one, the office sees it —
    an open application is marked "call back"; for a holder the office gets a message."""
    from calportal.outbox.services import queue_email
    from calportal.public_forms import known_person_key, office_notify_known_person

    if application is not None:
        if application.email:
            queue_email(
                "passes/application_known",
                {"application": application},
                [application.email],
                regarding=application,
                key=known_person_key("person", application),
            )
        elif not application.call_back:
            application.call_back = True
            application.save(update_fields=["call_back"])
        return
    holder = senior_pass.holder
    if holder.email:
        queue_email(
            "passes/pass_known",
            {"senior_pass": senior_pass, "holder": holder},
            [holder.email],
            regarding=senior_pass,
            key=known_person_key("person", senior_pass),
        )
    else:
        office_notify_known_person(
            what=_("The senior pass %(number)s (its holder applied again)")
            % {"number": senior_pass.number},
            record=senior_pass,
            phone=str(holder.phone or ""),
            url=settings.SITE_URL + senior_pass.get_absolute_url(),
        )


def _create_application(person, email, phone, call_back, message) -> PassApplication:
    application = PassApplication.objects.create(
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        birth_year=person.birth_year,
        district=person.district.strip(),
        phone=phone,
        email=email,
        call_back=call_back,
        message=message.strip(),
        consent_text_version=CONSENT_TEXT_VERSION,
        consent_given_at=timezone.now(),
    )
    # The consent to the text in force (PRIVACY.md §5); the legacy string follows it.
    given = consent.record(
        application,
        ConsentPurpose.SENIOR_PASS,
        channel=ConsentChannel.ONLINE,
        at=application.consent_given_at,
    )
    if application.consent_text_version != given.text.version:
        application.consent_text_version = given.text.version
        application.save(update_fields=["consent_text_version"])
    _tell_application_received(application)
    return application


def _application_contact(application: PassApplication, language: str) -> notify.Contact:
    return notify.Contact(
        name=str(application),
        email=application.email,
        phone=str(application.phone or ""),
        language=language,
    )


def _tell_application_received(application: PassApplication) -> None:
    """Acknowledge a new application in this transaction, in the language of the form: an
    e-mail, or a text message without one; a person who asked to be called back goes on the
    office's call list (e-mail or not)."""

    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"pass-application:{application.pk}:received"
    context = {
        "application": application,
        "first_name": application.first_name,
        "received": application.created_at,
        # Translators: ends "we are calling back, as you asked, about …" (Polish: "w sprawie …").
        "about": gettext_lazy("your senior pass application"),
        "message": application.message,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
    }
    notify.tell(
        _application_contact(application, language),
        key=key,
        context=context,
        regarding=application,
        email_template="passes/application_received",
        sms="passes_application_received",
        call=CallReason.CALL_BACK if application.call_back else None,
    )


def _application_language(application: PassApplication) -> str:
    """The language an application was made in: the one we acknowledged it in (an application
    stores none), else the portal's default."""
    from calportal.calls.models import CallItem
    from calportal.outbox.models import OutboxMessage, SMSMessage

    for model in (OutboxMessage, SMSMessage, CallItem):
        language = (
            model.objects.filter(
                regarding_type=ContentType.objects.get_for_model(PassApplication),
                regarding_id=application.pk,
            )
            .exclude(language="")
            .order_by("pk")
            .values_list("language", flat=True)
            .first()
        )
        if language:
            return language
    return settings.LANGUAGE_CODE


def _tell_pass_ready(senior_pass: SeniorPass, application: PassApplication) -> None:
    """Tell the applicant their pass is ready to collect (e-mail, text message, or — for a
    person with only a phone — the office's call list), in this transaction."""

    holder = senior_pass.holder
    language = _application_language(application)
    contact = notify.Contact(
        name=f"{holder.first_name} {holder.last_name}".strip(),
        email=holder.email or application.email,
        phone=str(holder.phone or application.phone or ""),
        language=language,
        sms_wanted=holder.sms_wanted,
    )
    key = f"pass:{senior_pass.pk}:ready"
    context = {
        "senior_pass": senior_pass,
        "first_name": holder.first_name,
        "number": senior_pass.number,
        "valid_until": senior_pass.valid_until,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
    }
    notify.tell(
        contact,
        key=key,
        context=context,
        regarding=application,
        email_template="passes/pass_ready",
        sms="passes_pass_ready",
        call=CallReason.PASS_READY,
    )


def application_reject(*, application: PassApplication, reason: str, handled_by: User) -> None:
    """Reject a new application with ``reason``; its open call-list items (a call back) leave
    the list. Raises :class:`PassError` for an application handled meanwhile."""
    with transaction.atomic():
        locked = PassApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.NEW:
            raise PassError(_("This application has already been handled."))
        application.status = ApplicationStatus.REJECTED
        application.rejection_reason = reason.strip()
        application.handled_by = handled_by
        application.save(update_fields=["status", "rejection_reason", "handled_by"])
        calls.close_regarding(application)


def pass_issue(
    *,
    person: PersonData,
    issued_by: User,
    application: PassApplication | None = None,
) -> SeniorPass:
    """Issue a pass with the next number of the year; the age rule is checked here."""
    with transaction.atomic():
        programme = ProgrammeSettings.objects.select_for_update().get(
            pk=ProgrammeSettings.current().pk
        )
        _check_age(person.birth_year, programme)
        holder = participant_find_or_create(person=person, trusted=True)
        if holder.birth_year and holder.birth_year != person.birth_year:
            raise PassError(_("The year of birth differs from the one we have for this person."))
        if SeniorPass.objects.filter(
            holder=holder, status__in=[PassStatus.ACTIVE, PassStatus.SUSPENDED]
        ).exists():
            raise PassError(
                _("%(person)s already has a pass: replace it if it was lost.") % {"person": holder}
            )
        if application is not None:
            application = PassApplication.objects.select_for_update().get(pk=application.pk)
            if application.status != ApplicationStatus.NEW:
                raise PassError(_("This application has already been handled."))
        senior_pass = _new_pass(holder, programme, issued_by, application)
        if application is not None:
            application.status = ApplicationStatus.ISSUED
            application.handled_by = issued_by
            application.save(update_fields=["status", "handled_by"])
            # The call back (if any) is answered by the news that the pass is ready.
            calls.close_regarding(application)
            _tell_pass_ready(senior_pass, application)
        return senior_pass


def pass_replace(*, senior_pass: SeniorPass, issued_by: User, note: str = "") -> SeniorPass:
    """A lost pass: the old number stops working at once and the holder gets a new one."""
    with transaction.atomic():
        programme = ProgrammeSettings.objects.select_for_update().get(
            pk=ProgrammeSettings.current().pk
        )
        old = SeniorPass.objects.select_for_update().get(pk=senior_pass.pk)
        if old.status not in {PassStatus.ACTIVE, PassStatus.SUSPENDED}:
            raise PassError(_("Only an active or suspended pass can be replaced."))
        old.status = PassStatus.REPLACED
        old.status_note = note.strip()
        old.save(update_fields=["status", "status_note"])
        _status_changed(old, changed_by=issued_by)
        new = _new_pass(old.holder, programme, issued_by, old.application)
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        return new


def pass_set_status(
    *, senior_pass: SeniorPass, status: str, note: str = "", changed_by: User | None = None
) -> SeniorPass:
    """Suspend, reactivate or revoke. Revoked, replaced and expired passes stay closed. The
    change is written to the pass's status history with ``note`` as its reason."""
    allowed = {
        PassStatus.SUSPENDED: {PassStatus.ACTIVE},
        PassStatus.ACTIVE: {PassStatus.SUSPENDED},
        PassStatus.REVOKED: {PassStatus.ACTIVE, PassStatus.SUSPENDED},
    }
    with transaction.atomic():
        locked = SeniorPass.objects.select_for_update().get(pk=senior_pass.pk)
        if status not in allowed or locked.status not in allowed[status]:
            raise PassError(
                _("This change is not possible for a pass that is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        if status == PassStatus.ACTIVE and locked.valid_until < timezone.localdate():
            raise PassError(_("The pass has expired: replace it instead."))
        if (
            status == PassStatus.ACTIVE
            and SeniorPass.objects.filter(holder=locked.holder, status=PassStatus.ACTIVE)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise PassError(_("This person already has another active pass."))
        locked.status = status
        locked.status_note = note.strip()
        locked.save(update_fields=["status", "status_note"])
        _status_changed(locked, changed_by=changed_by)
        return locked


def passes_expire(*, today: datetime.date | None = None) -> int:
    """Mark passes past their date as expired (nightly, Celery beat); each gets a history row
    saying it has been expired since the day after its last valid day, whenever the task ran.
    Set-based: three queries however many passes expire."""
    today = today or timezone.localdate()
    with transaction.atomic():
        expired = list(
            SeniorPass.objects.select_for_update()
            .filter(status__in=[PassStatus.ACTIVE, PassStatus.SUSPENDED], valid_until__lt=today)
            .values_list("pk", "valid_until")
        )
        SeniorPass.objects.filter(pk__in=[pk for pk, _valid_until in expired]).update(
            status=PassStatus.EXPIRED
        )
        now = timezone.now()
        PassStatusChange.objects.bulk_create(
            PassStatusChange(
                senior_pass_id=pk,
                status=PassStatus.EXPIRED,
                started_on=valid_until + datetime.timedelta(days=1),
                changed_at=now,
            )
            for pk, valid_until in expired
        )
    return len(expired)


def _status_changed(senior_pass: SeniorPass, *, changed_by: User | None) -> PassStatusChange:
    """Write the pass's new status to its history (REPORTS.md §9, D4), from today's local
    date, with its status note as the reason. Call inside the transaction that changed it."""
    return PassStatusChange.objects.create(
        senior_pass=senior_pass,
        status=senior_pass.status,
        started_on=timezone.localdate(),
        reason=senior_pass.status_note,
        changed_by=changed_by,
    )


def _check_age(birth_year: int | None, programme: ProgrammeSettings) -> None:
    if birth_year is None:
        raise PassError(_("Please give the year of birth."))
    if timezone.localdate().year - birth_year < programme.min_age:
        raise PassError(
            _("The pass is for people aged %(age)s and over.") % {"age": programme.min_age}
        )


def _active_pass_for(person: PersonData):
    """The person's active pass, matched by name and year of birth; never a pass of an
    anonymised holder (PRIVACY.md §2)."""
    return SeniorPass.objects.identifiable().filter(
        status=PassStatus.ACTIVE,
        holder__name_key=name_key(person.first_name, person.last_name),
        holder__birth_year=person.birth_year,
    )


def _new_pass(holder: Participant, programme, issued_by, application) -> SeniorPass:
    """Caller holds the lock on the programme settings row, which serialises numbering."""
    today = timezone.localdate()
    prefix = f"SPS-{today.year}-"
    # Longest first, then highest: "SPS-2026-10000" comes after "SPS-2026-9999".
    last = (
        SeniorPass.objects.filter(number__startswith=prefix)
        .annotate(length=Length("number"))
        .order_by("-length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    senior_pass = SeniorPass.objects.create(
        holder=holder,
        number=f"{prefix}{sequence:04d}",
        issued_on=today,
        valid_until=_add_months(today, programme.pass_validity_months),
        issued_by=issued_by,
        application=application,
    )
    _status_changed(senior_pass, changed_by=issued_by)  # the history begins with the issue
    return senior_pass


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def venue_save(*, form) -> PartnerVenue:
    """Save a validated venue form (the model's own validation ran in the form)."""
    return form.save()


def programme_settings_save(*, form) -> ProgrammeSettings:
    """Save the programme's rules while holding the row that also serialises pass numbering."""
    with transaction.atomic():
        ProgrammeSettings.objects.select_for_update().get(pk=form.instance.pk)
        return form.save()


# --- Verification and redemption ------------------------------------------------------------


def pass_token(senior_pass: SeniorPass) -> str:
    """The signed part of the verification link printed in the pass's QR code."""
    return signing.dumps(senior_pass.number, salt=TOKEN_SALT, compress=False)


@dataclass(frozen=True)
class Check:
    """The answer the counter shows.

    ``valid`` False with ``limit_reached`` False: the pass is not valid (unknown, forged,
    expired, suspended, revoked, replaced) — shown as an error. ``limit_reached`` True: the
    pass itself is valid but no use can be recorded until ``available_again`` (a local date) —
    shown as information, not as an error.
    """

    valid: bool
    reason: str
    senior_pass: SeniorPass | None = None
    uses_left: int | None = None
    limit_reached: bool = False
    available_again: datetime.date | None = None
    uses_per_month: int | None = None

    @property
    def first_name(self) -> str:
        return self.senior_pass.holder.first_name if self.senior_pass else ""


def pass_from_token(token: str) -> SeniorPass | None:
    """The pass a QR code's signed token names, or None (forged, or a pass of an anonymised
    holder: its number stopped working at anonymisation, PRIVACY.md §2)."""
    try:
        number = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    return pass_from_number(number)


def pass_from_number(number: str) -> SeniorPass | None:
    """The pass with this number, or None; passes of anonymised holders are never found."""
    return SeniorPass.objects.identifiable().select_related("holder").filter(number=number).first()


NUMBER_INPUT_RE = re.compile(r"^SPS[-\s]?(\d{4})[-\s]?(\d{1,6})$")


def normalise_number(raw: str) -> str:
    """' sps-2026-42 ' → 'SPS-2026-0042'; raises PassError for anything else."""
    match = NUMBER_INPUT_RE.match(raw.strip().upper())
    if not match:
        raise PassError(_("A pass number looks like SPS-2026-0042."))
    return f"SPS-{match.group(1)}-{int(match.group(2)):04d}"


def pass_check(
    *, senior_pass: SeniorPass | None, venue: PartnerVenue, forged: bool = False
) -> Check:
    """Is this pass valid at this venue now, and how many uses are left this month?"""
    if forged or senior_pass is None:
        return Check(False, _("The code is not a genuine pass: it is forged or damaged."))
    programme = ProgrammeSettings.current()
    reason = _invalid_reason(senior_pass, venue)
    if reason:
        return Check(False, reason, senior_pass)
    left = programme.uses_per_month - _uses_this_month(senior_pass)
    if left <= 0:
        return Check(
            False,
            _("This month's uses of the pass are used up."),
            senior_pass,
            0,
            limit_reached=True,
            available_again=_next_month_start().date(),
            uses_per_month=programme.uses_per_month,
        )
    if _pool_left(venue, programme) == 0:
        return Check(
            False,
            _("This week's pool of the venue is used up."),
            senior_pass,
            left,
            limit_reached=True,
            available_again=_next_week_start().date(),
            uses_per_month=programme.uses_per_month,
        )
    return Check(True, "", senior_pass, left, uses_per_month=programme.uses_per_month)


@dataclass(frozen=True)
class RedemptionResult:
    redemption: Redemption
    created: bool  # False: a double tap, the earlier redemption is returned
    uses_left: int


REDEEM_SALT = "initiatives.passes.redeem"
REDEEM_TOKEN_MAX_AGE = 600  # seconds between the check on screen and the button press


def redeem_token(*, senior_pass: SeniorPass, venue: PartnerVenue) -> str:
    """Signed into the counter's button: this pass, this venue, this one check."""
    return signing.dumps(
        {"p": senior_pass.pk, "v": venue.pk, "n": uuid.uuid4().hex}, salt=REDEEM_SALT
    )


def redeem_token_read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=REDEEM_SALT, max_age=REDEEM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


def redemption_record(
    *, pass_id: int, venue_id: int, recorded_by: User, nonce: str | None = None
) -> RedemptionResult:
    """Record one use. The same ``nonce`` (one check on screen) never records twice."""
    with transaction.atomic():
        senior_pass = (
            SeniorPass.objects.select_for_update(of=("self",))
            .select_related("holder")
            .get(pk=pass_id)
        )
        if senior_pass.holder.is_anonymised:  # anonymised since the check (PRIVACY.md §2)
            raise PassError(_("This pass no longer works."))
        venue = PartnerVenue.objects.select_for_update().get(pk=venue_id)
        programme = ProgrammeSettings.current()
        now = timezone.now()
        if nonce and (earlier := Redemption.objects.filter(nonce=nonce).first()):
            left = programme.uses_per_month - _uses_this_month(senior_pass)
            return RedemptionResult(earlier, False, max(left, 0))
        recent = Redemption.objects.filter(
            senior_pass=senior_pass,
            venue=venue,
            redeemed_at__gte=now - datetime.timedelta(seconds=DOUBLE_TAP_SECONDS),
        ).first()
        if recent is not None:
            left = programme.uses_per_month - _uses_this_month(senior_pass)
            return RedemptionResult(recent, False, max(left, 0))
        reason = _invalid_reason(senior_pass, venue)
        if reason:
            raise PassError(reason)
        used = _uses_this_month(senior_pass)
        if used >= programme.uses_per_month:
            raise AllowanceUsedUp(
                _("This month's uses of the pass are used up."),
                senior_pass=senior_pass,
                available_again=_next_month_start(now).date(),
            )
        if _pool_left(venue, programme) == 0:
            raise AllowanceUsedUp(
                _("This week's pool of the venue is used up."),
                senior_pass=senior_pass,
                available_again=_next_week_start(now).date(),
            )
        redemption = Redemption.objects.create(
            senior_pass=senior_pass,
            venue=venue,
            redeemed_at=now,
            recorded_by=recorded_by,
            nonce=nonce,
        )
        return RedemptionResult(redemption, True, programme.uses_per_month - used - 1)


def _invalid_reason(senior_pass: SeniorPass, venue: PartnerVenue) -> str:
    today = timezone.localdate()
    if not venue.is_active(today):
        return _("This venue does not take part in the programme now.")
    if senior_pass.status == PassStatus.REPLACED:
        return _("This pass was reported lost and replaced by a new one.")
    if senior_pass.status == PassStatus.SUSPENDED:
        return _("This pass is suspended.")
    if senior_pass.status == PassStatus.REVOKED:
        return _("This pass has been revoked.")
    if senior_pass.status == PassStatus.EXPIRED or senior_pass.valid_until < today:
        return _("This pass has expired.")
    return ""


def _month_start(now=None) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month_start(now=None) -> datetime.datetime:
    """Midnight (Europe/Warsaw) on the first day of next month: the monthly uses renew."""
    start = _month_start(now)
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def _next_week_start(now=None) -> datetime.datetime:
    """Midnight (Europe/Warsaw) next Monday: a venue's weekly pool renews."""
    return _week_start(now) + datetime.timedelta(days=7)


def _week_start(now=None) -> datetime.datetime:
    local = timezone.localtime(now)
    monday = local - datetime.timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _uses_this_month(senior_pass: SeniorPass) -> int:
    """Counted per person: a pass replaced mid-month does not bring a fresh allowance."""
    return Redemption.objects.filter(
        senior_pass__holder_id=senior_pass.holder_id, redeemed_at__gte=_month_start()
    ).count()


def _pool_left(venue: PartnerVenue, programme: ProgrammeSettings) -> int | None:
    pool = venue.weekly_pool if venue.weekly_pool is not None else programme.weekly_pool
    if pool is None:
        return None
    return max(pool - venue.redemptions.filter(redeemed_at__gte=_week_start()).count(), 0)
