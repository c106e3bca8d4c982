"""Consent versions (PRIVACY.md §5): which clause is in force, recording a consent given to it,
withdrawing one, and publishing a new version.

A :class:`ConsentText` is never edited in place: :func:`text_new_version` saves a new row and
closes the old one (``valid_to``); a ``pre_save`` guard here refuses any change of an existing
row's purpose, version, language or text, whatever the caller (a form, the admin, a shell).
"""

import importlib.util
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calportal.privacy.models import Consent, ConsentChannel, ConsentPurpose, ConsentText

FROZEN_FIELDS = ("purpose", "version", "language", "text")


class ConsentError(Exception):
    """A consent rule was broken; the message can be shown to the person."""


@receiver(pre_save, sender=ConsentText, dispatch_uid="privacy.consent_text_frozen")
def _refuse_edits_in_place(sender, instance: ConsentText, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    stored = ConsentText.objects.filter(pk=instance.pk).values(*FROZEN_FIELDS).first()
    if stored and any(stored[name] != getattr(instance, name) for name in FROZEN_FIELDS):
        raise ValidationError(
            _("A consent text is never edited in place: publish a new version instead.")
        )


def _language(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def current_text(purpose: str, language: str | None = None, *, at=None) -> ConsentText:
    """The text of ``purpose`` in force at ``at`` (default now) in ``language`` (default the
    active language), falling back to the default language (Polish) when there is none in that
    language. Before the first version began, the first version (the registry starts with the
    texts the forms showed from the start). One query. Raises ``ConsentText.DoesNotExist``
    when the purpose has no text."""
    return current_texts([purpose], language, at=at)[purpose]


def current_texts(purposes, language: str | None = None, *, at=None) -> dict[str, ConsentText]:
    """:func:`current_text` of each of ``purposes`` at once: ``{purpose: text}``, one query.
    Raises ``ConsentText.DoesNotExist`` when one of them has no text."""
    at = at or timezone.now()
    language = _language(language)
    purposes = list(dict.fromkeys(purposes))
    texts = _texts_of(purposes, language)
    if {text.purpose for text in texts} != set(purposes):
        _create_first_texts()
        texts = _texts_of(purposes, language)
    by_purpose = {purpose: [] for purpose in purposes}
    for text in texts:
        by_purpose[text.purpose].append(text)
    return {
        purpose: _in_force(purpose, found, language, at) for purpose, found in by_purpose.items()
    }


def _in_force(purpose: str, texts: list[ConsentText], language: str, at) -> ConsentText:
    """The text in force at ``at`` among one purpose's ``texts`` (newest first)."""
    in_force = [
        text
        for text in texts
        if text.valid_from <= at and (text.valid_to is None or text.valid_to > at)
    ] or texts[-1:]
    for text in in_force:
        if text.language == language:
            return text
    if in_force:
        if in_force[0].valid_from > at:  # before the registry: the first text in the language
            first = [text for text in texts if text.language == language]
            return first[-1] if first else in_force[0]
        return in_force[0]
    raise ConsentText.DoesNotExist(f"No consent text in force for {purpose}")


def _texts_of(purposes: list[str], language: str) -> list[ConsentText]:
    return list(
        ConsentText.objects.filter(
            purpose__in=purposes, language__in={language, settings.LANGUAGE_CODE}
        ).order_by("-valid_from", "-pk")
    )


def _create_first_texts() -> None:
    """The registry's versions as migrations 0003 and 0005 create them: for a database emptied
    after migrating (a flushed test database), so that a form never fails for want of a text."""
    from django.apps import apps

    migration = importlib.import_module("calportal.privacy.migrations.0003_consent_texts")
    migration.create_texts(apps)
    importlib.import_module("calportal.privacy.migrations.0005_sms_in_consent_texts").add_versions(
        apps, None
    )


def _subject_field(subject) -> str:
    label = subject._meta.label_lower
    fields = {
        "initiatives.participant": "participant",
        "initiatives.registration": "registration",
        "initiatives.passapplication": "pass_application",
        "volunteers.volunteer": "volunteer",
        "selfhelp.joinrequest": "join_request",
        "resources_map.residentreport": "resident_report",
    }
    if label not in fields:
        raise TypeError(f"{label} cannot hold a consent")
    return fields[label]


def record(
    subject, purpose: str, *, channel: str, taken_by=None, language=None, at=None, text=None
) -> Consent:
    """Record that the person behind ``subject`` (a saved Participant, Registration,
    PassApplication, Volunteer, JoinRequest or ResidentReport) consented to ``purpose``'s text
    in force at ``at`` (default now) in ``language``. ``channel`` is a :class:`ConsentChannel`;
    ``taken_by`` (the staff user who read the clause to the person) belongs to phone and
    on-site consents and is ignored online. ``text``: the text in force when the caller has
    already looked it up (:func:`current_texts`). Runs in the caller's transaction. Raises
    ``ConsentText.DoesNotExist`` when the purpose has no text in force."""
    at = at or timezone.now()
    if channel not in ConsentChannel.values:
        raise ValueError(f"Unknown consent channel {channel!r}")
    return Consent.objects.create(
        text=text or current_text(purpose, language, at=at),
        given_at=at,
        channel=channel,
        taken_by=taken_by if channel != ConsentChannel.ONLINE else None,
        **{_subject_field(subject): subject},
    )


def channel_of_source(source: str) -> str:
    """The consent channel of a registration's ``source`` (online / phone / on_site)."""
    return source if source in ConsentChannel.values else ConsentChannel.ONLINE


def _event_consents_of(participant):
    """Every consent given for this person's event sign-ups (person and registrations)."""
    return Consent.objects.filter(
        Q(participant=participant) | Q(registration__participant=participant),
        withdrawn_at__isnull=True,
    )


def may_erase_now(user, subject) -> bool:
    """Whether ``user`` taking a withdrawal may apply the erasure at once: the person
    themself online (``user`` None), the OPS staff who handle data protection
    (``privacy.add_erasurerecord``), or a partner coordinator for their own organisation's
    volunteer (PRIVACY.md §4). Other staff record the withdrawal; the erasure goes to the
    register of requests for the Data requests staff to preview and confirm."""
    if user is None or user.has_perm("privacy.add_erasurerecord"):
        return True
    from volunteers.models import Volunteer

    return (
        isinstance(subject, Volunteer)
        and user.organisation_id is not None
        and user.organisation_id == subject.organisation_id
        and user.has_perm("volunteers.change_volunteer")
    )


def _holds_active_pass(participant) -> bool:
    from initiatives.passes.models import PassStatus

    return participant.passes.filter(status__in=(PassStatus.ACTIVE, PassStatus.SUSPENDED)).exists()


def _erasure_request(subject, *, channel: str, user, now):
    """The erasure left to the Data requests staff: an entry of the register of requests
    (deadline one month, art. 12(3)) with the person's record confirmed."""
    from calportal.privacy.models import (
        RequestChannel,
        RequestKind,
        RequestStatus,
        SubjectRequest,
    )

    received_on = timezone.localdate(now)
    name = " ".join(
        part
        for part in (getattr(subject, "first_name", ""), getattr(subject, "last_name", ""))
        if part
    )
    with translation.override(settings.LANGUAGE_CODE):
        notes = _("Consent withdrawn (%(channel)s): erase the data that need not be kept.") % {
            "channel": ConsentChannel(channel).label
        }
    return SubjectRequest.objects.create(
        kind=RequestKind.ERASURE,
        received_on=received_on,
        deadline=SubjectRequest.deadline_for(received_on),
        channel=RequestChannel.IN_PERSON
        if channel == ConsentChannel.ON_SITE
        else (RequestChannel.PHONE if channel == ConsentChannel.PHONE else RequestChannel.EMAIL),
        requester_name=name or str(subject._meta.verbose_name),
        status=RequestStatus.RECEIVED,
        notes=notes,
        matches=[{"model": subject._meta.label_lower, "pk": subject.pk}],
        created_by=user,
    )


def withdraw(consent: Consent, *, channel: str, user=None):
    """Withdraw ``consent`` (art. 7(3)) and apply the erasure rules to what it — and only it —
    justified (PRIVACY.md §4–5). ``channel`` is a :class:`ConsentChannel`; ``user`` the staff
    member taking it (None: the person, online).

    * The health-data consent (art. 9(2)(a)): that person's health-data consents are withdrawn
      and the accessibility-needs texts of their registrations deleted (a "had needs" flag
      stays, as after the retention rule); the sign-ups themselves stay.
    * An event sign-up consent: every event sign-up consent of the person is withdrawn and
      their future registrations cancelled (the waiting list moves up); then the person is
      erased through :func:`calportal.privacy.erasure.erase` — unless they hold an active
      senior pass (its own purpose and consent: the pass is not taken away) or ``user`` may not
      erase (:func:`may_erase_now`); then an erasure request is put in the register instead.
    * Another subject's consent (a pass application, a volunteer, a self-help request, a map
      report): that record is erased the same way, or left as a request.

    The withdrawal is saved first, in its own transaction, so that it stands even when the
    erasure must wait: the erasure's ``ErasureError`` (for example hours still to approve) is
    then raised to the caller. Returns the :class:`ErasureRecord`, the
    :class:`SubjectRequest` left for the office, or None (health data only). Idempotent for the
    withdrawal itself."""
    now = timezone.now()
    participant = None
    if consent.participant_id:
        participant = consent.participant
    elif consent.registration_id:
        participant = consent.registration.participant
    subject = participant or next(
        getattr(consent, name) for name in Consent.SUBJECTS if getattr(consent, f"{name}_id")
    )
    health_only = consent.text.purpose == ConsentPurpose.DISABILITY
    with transaction.atomic():
        if participant is None:
            targets = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True)
        elif health_only:
            targets = _event_consents_of(participant).filter(
                text__purpose=ConsentPurpose.DISABILITY
            )
        else:
            targets = _event_consents_of(participant)
        targets.update(withdrawn_at=now, withdrawal_channel=channel, withdrawn_by=user)
        if health_only:
            from calportal.privacy.anonymise import delete_accessibility_text

            delete_accessibility_text(participant.registrations.all())
            return None
    if participant is not None:
        _cancel_future_registrations(participant, now)
    if not may_erase_now(user, subject) or (
        participant is not None and _holds_active_pass(participant)
    ):
        return _erasure_request(subject, channel=channel, user=user, now=now)
    from calportal.privacy import erasure

    return erasure.erase(
        [{"model": subject._meta.label_lower, "pk": subject.pk}],
        user=user,
        reason=withdrawal_reason(),
    )


def erasure_left_to_the_office(participant):
    """After an online withdrawal whose erasure had to wait: the request for the office."""
    return _erasure_request(
        participant, channel=ConsentChannel.ONLINE, user=None, now=timezone.now()
    )


def withdrawal_reason() -> str:
    """The erasure record's reason for a withdrawal, in the portal's language (it is stored)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Consent withdrawn")


def _cancel_future_registrations(participant, now) -> None:
    from initiatives import services as initiative_services
    from initiatives.models import RegistrationStatus

    future = participant.registrations.filter(event__starts_at__gt=now).exclude(
        status=RegistrationStatus.CANCELLED
    )
    for registration_id in future.values_list("pk", flat=True):
        initiative_services.registration_cancel(
            registration_id=registration_id, by_staff=True, quietly=True
        )


def withdraw_person_event_consent(registration, *, channel: str, user=None) -> bool:
    """Withdraw the event sign-up consent of the person of ``registration`` (the personal link,
    or staff on the phone). Returns False when there was nothing left to withdraw."""
    consent = _event_consents_of(registration.participant).order_by("-given_at").first()
    if consent is None:
        return False
    withdraw(consent, channel=channel, user=user)
    return True


def text_new_version(
    *, purpose: str, language: str, version: str, text: str, material_change: bool, user
) -> ConsentText:
    """Publish a new version of a purpose's text in one language: the text in force is closed
    (``valid_to`` = now) and the new one starts now. Raises :class:`ConsentError` when the
    version exists or the text is the same as the one in force."""
    with transaction.atomic():
        now = timezone.now()
        in_force = list(
            ConsentText.objects.select_for_update().filter(
                purpose=purpose, language=language, valid_to__isnull=True
            )
        )
        if ConsentText.objects.filter(purpose=purpose, language=language, version=version).exists():
            raise ConsentError(_("This version already exists: give the new one another name."))
        if any(old.text.strip() == text.strip() for old in in_force):
            raise ConsentError(_("The text is the same as the one in force: change it first."))
        for old in in_force:
            old.valid_to = now
            old.save(update_fields=["valid_to"])
        return ConsentText.objects.create(
            purpose=purpose,
            language=language,
            version=version,
            text=text.strip(),
            valid_from=now,
            material_change=material_change,
            created_by=user,
        )


@dataclass(frozen=True)
class RegistryRow:
    text: ConsentText
    consents: int
    current: bool


def registry() -> list[tuple[str, list[RegistryRow]]]:
    """The registry grouped by purpose (in :class:`ConsentPurpose` order): for each purpose a
    list of its texts (language, newest first) with the number of consents given to each and
    whether it is in force. One query."""
    now = timezone.now()
    texts = ConsentText.objects.annotate(given=Count("consents")).order_by(
        "purpose", "language", "-valid_from", "-pk"
    )
    by_purpose: dict[str, list[RegistryRow]] = {}
    for text in texts:
        current = text.valid_from <= now and (text.valid_to is None or text.valid_to > now)
        by_purpose.setdefault(text.purpose, []).append(RegistryRow(text, text.given, current))
    return [
        (label, by_purpose[value]) for value, label in ConsentPurpose.choices if value in by_purpose
    ]


def reconsent_needed(subject) -> ConsentText | None:
    """For a person in an ongoing relation (a volunteer, a pass application's holder, a
    self-help request), the text they must be asked to consent to at their next contact: the
    purpose's text in force when it is a material change and their latest consent is to an
    older version (PRIVACY.md §5). None when nothing is needed. Two queries."""
    field = _subject_field(subject)
    latest = (
        Consent.objects.filter(**{field: subject}, withdrawn_at__isnull=True)
        .select_related("text")
        .order_by("-given_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    try:
        now_text = current_text(latest.text.purpose, latest.text.language)
    except ConsentText.DoesNotExist:
        return None
    if now_text.pk != latest.text_id and now_text.material_change:
        return now_text
    return None
