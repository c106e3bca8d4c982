"""Signing up, waiting lists and the life of an event.

Every change to the places of an event happens inside ``transaction.atomic()`` while holding
a row lock on the event (``select_for_update``), taken once, before anything is read that the
decision depends on. The ``event_capacity_not_exceeded`` check constraint backs it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower, Trim
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from calportal import public_cache
from calportal.accounts.models import User
from calportal.contacts import name_key, name_text_key, normalise_phone, same_contact_q
from calportal.privacy import consent
from calportal.privacy.models import ConsentChannel, ConsentPurpose
from initiatives.models import (
    Attendance,
    Event,
    EventStatus,
    Initiative,
    Participant,
    Registration,
    RegistrationStatus,
    Source,
)
from initiatives.passes.models import PassStatus, SeniorPass

logger = logging.getLogger(__name__)

CONSENT_TEXT_VERSION = "2026-11"
CONSENT_SCOPE = "registration"


class RegistrationError(Exception):
    """A rule of signing up was broken; the message can be shown to the person."""


@dataclass(frozen=True)
class Residence:
    """Where a person lives (REPORTS.md §9, D1): an area of the municipality, outside it, or
    not given (neither). Never both: a check constraint on Participant backs it."""

    area_id: int | None = None
    outside_municipality: bool = False

    def __post_init__(self):
        if self.area_id is not None and self.outside_municipality:
            raise ValueError("A residence is an area or outside the municipality, not both.")

    @property
    def given(self) -> bool:
        return self.area_id is not None or self.outside_municipality

    @classmethod
    def of(cls, participant: Participant) -> "Residence":
        return cls(participant.area_id, participant.outside_municipality)


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    birth_year: int | None = None
    gender: str = "not_given"
    district: str = ""  # typed text, kept as written (legacy; staff map it to an area)
    residence: Residence = field(default_factory=Residence)
    sms_wanted: bool = False  # text messages as well as e-mails (calportal.notify)

    @classmethod
    def from_data(cls, data) -> "PersonData":
        """From a form's cleaned data, or a Participant: the fields it has, defaults for others.

        A Participant gives no residence: a known person's residence changes only when a form
        gives one."""
        get = data.get if isinstance(data, dict) else lambda name, default: getattr(data, name)
        return cls(
            first_name=get("first_name", ""),
            last_name=get("last_name", ""),
            email=get("email", "") or "",
            phone=get("phone", "") or "",
            birth_year=get("birth_year", None),
            gender=get("gender", "not_given") or "not_given",
            district=get("district", "") or "",
            residence=(get("residence", None) if isinstance(data, dict) else None) or Residence(),
            sms_wanted=bool(get("sms_wanted", False)),
        )


@dataclass(frozen=True)
class SignupResult:
    registration: Registration
    created: bool  # False: the person was already registered and gets their registration back


def eligibility_error(initiative: Initiative, birth_year: int | None, on: date) -> str | None:
    """Why this person may not join the initiative on the day ``on``, or None if they may.

    The age is counted by calendar year (``on.year - birth_year``): only the year of birth is
    asked. ``on`` must be the Europe/Warsaw local date of the event
    (``timezone.localdate(event.starts_at)``), never the UTC date, or an event just after local
    midnight on 1 January counts in the old year. Returns a translated message.
    """
    if not initiative.has_age_rule:
        return None
    if birth_year is None:
        return _("Please give your year of birth: this event has an age rule.")
    age = on.year - birth_year
    if initiative.min_age is not None and age < initiative.min_age:
        return _("This event is for people aged %(age)s and over.") % {"age": initiative.min_age}
    if initiative.max_age is not None and age > initiative.max_age:
        return _("This event is for people aged up to %(age)s.") % {"age": initiative.max_age}
    return None


def participant_find_or_create(
    *, person: PersonData, trusted: bool = False, consent_text_version: str = CONSENT_TEXT_VERSION
) -> Participant:
    """The known participant with this name and this e-mail address or phone, or a new one.

    The name must match as well: a couple sharing an e-mail address are two people. Names are
    compared by :func:`calportal.contacts.name_key` (case, apostrophes, hyphens and spaces
    written any way: ``O'Neill`` is ``O’Neill``), phones in their 9-digit form. Contact
    details from the anonymous public form (``trusted=False``) are never added to a known
    person, so that someone who knows a resident's phone number cannot attach their own
    e-mail address to that resident; and when that form gives an e-mail address, only a person
    with that address is the same person (see below). Staff (``trusted=True``) may complete
    missing details.
    Anonymised rows (PRIVACY.md §2) are never matched: they are nobody, and their empty
    contacts and names must not make a newcomer one of them.
    Callers serialise the same person's signups (:func:`_lock_person`), so a new person signing
    up twice at once is created once. A new person's ``consent_text_version`` is the version of
    the sign-up clause they were shown. Raises :class:`RegistrationError` when ``person.phone``
    is not a Polish phone number (the forms refuse it first; this guards other callers).
    """
    return _participant_find_or_create(
        person=person, trusted=trusted, consent_text_version=consent_text_version
    )[0]


def _participant_find_or_create(
    *, person: PersonData, trusted: bool, consent_text_version: str
) -> tuple[Participant, bool]:
    """:func:`participant_find_or_create` and whether the person is new."""
    first_name, last_name = person.first_name.strip(), person.last_name.strip()
    email = person.email.strip().lower()
    try:
        phone = normalise_phone(person.phone)
    except ValidationError as error:
        raise RegistrationError(error.messages[0]) from None
    # From the public form, a typed e-mail address must be the one on file: matching a known
    # person by their phone would send the confirmation to the address on file instead of the
    # one typed, and so tell whoever typed it that the person is known (an existence oracle).
    contacts = (
        same_contact_q(phone=phone, email=email)
        if trusted or not email
        else same_contact_q(phone="", email=email)
    )
    existing = (
        Participant.objects.identifiable()
        .filter(contacts)
        .filter(name_key=name_key(first_name, last_name))
        .order_by("pk")
        .first()
    )
    if existing is not None:
        changed = []
        if trusted and email and not existing.email:
            existing.email, changed = email, [*changed, "email"]
        if trusted and phone and not existing.phone:
            existing.phone, changed = phone, [*changed, "phone"]
        # Text messages go only to the phone on file, and only the person typing that same phone
        # (or staff confirming it) can ask for them.
        if person.sms_wanted and not existing.sms_wanted and phone and phone == existing.phone:
            existing.sms_wanted, changed = True, [*changed, "sms_wanted"]
        if person.birth_year and not existing.birth_year:
            existing.birth_year, changed = person.birth_year, [*changed, "birth_year"]
        # Staff may correct where a person lives; the public form only fills it in when it is
        # not known, so whoever knows a resident's e-mail address cannot change their record.
        known = Residence.of(existing).given
        if (
            person.residence.given
            and person.residence != Residence.of(existing)
            and (trusted or not known)
        ):
            existing.area_id = person.residence.area_id
            existing.outside_municipality = person.residence.outside_municipality
            changed = [*changed, "area", "outside_municipality"]
        if changed:
            existing.save(update_fields=changed)
        return existing, False
    return Participant.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        sms_wanted=person.sms_wanted and bool(phone),
        birth_year=person.birth_year,
        gender=person.gender,
        district=person.district.strip(),
        area_id=person.residence.area_id,
        outside_municipality=person.residence.outside_municipality,
        consent_text_version=consent_text_version,
        consent_scope=CONSENT_SCOPE,
        consent_given_at=timezone.now(),
    ), True


def registration_create(
    *,
    event_id: int,
    person: PersonData,
    companions: int = 0,
    accessibility_needs: str = "",
    source: str = Source.ONLINE,
    created_by: User | None = None,
    check_window: bool = True,
    certificate_declared: bool = False,
    language: str | None = None,
    health_consent: bool | None = None,
    event: Event | None = None,
) -> SignupResult:
    """Sign a person up: confirmed if the places fit, otherwise on the waiting list.

    ``event``: the event ``event_id`` names, with its initiative, when the caller has read it
    already (its state is checked again on the locked row).

    Staff registering someone who phoned in pass ``check_window=False`` to register outside
    the online registration window (but never for a cancelled or past event).

    The consent is recorded (PRIVACY.md §5) with the text in force: online by the person, or
    by phone / on site with ``created_by`` as the staff member who read the clause. Health data
    (``accessibility_needs``, ``certificate_declared``) needs the separate ``health_consent``
    (art. 9(2)(a)); without it :class:`RegistrationError` is raised. ``None`` means "not
    said": staff (``created_by`` set) confirm it on their form, which refuses health data
    without it, so it counts as given for them and as not given for the public.

    Concurrency: the event's row lock (every signup for the event waits for it) is taken only
    after the person, the registration (as waiting) and the consents are written; under it the
    registration takes its turn in the queue (:func:`_promote_waiting`) and the confirmation is
    queued. Two signups of the same person at once are serialised by :func:`_lock_person`.
    """
    health_data = bool(accessibility_needs.strip() or certificate_declared)
    if health_consent is None:
        health_consent = created_by is not None and health_data
    if health_data and not health_consent:
        raise RegistrationError(
            _(
                "Accessibility needs and a disability certificate are health data: they are "
                "kept only with the separate consent to it."
            )
        )
    with transaction.atomic():
        # Everything that does not decide the place happens before the event's row is locked
        # (the person, the registration as "waiting", the consents), so that the lock — which
        # every signup for this event waits for — is held only for the decision itself.
        if event is None or event.pk != event_id:
            event = Event.objects.select_related("initiative").get(pk=event_id)
        _check_signup(event, person, companions, check_window=check_window)
        places = 1 + companions
        _lock_person(person)
        at = timezone.now()
        language = language or get_language() or settings.LANGUAGE_CODE
        texts = consent.current_texts(
            [ConsentPurpose.EVENT_SIGNUP, *([ConsentPurpose.DISABILITY] if health_consent else [])],
            language,
            at=at,
        )
        participant, new_person = _participant_find_or_create(
            person=person,
            trusted=created_by is not None,
            consent_text_version=texts[ConsentPurpose.EVENT_SIGNUP].version,
        )
        existing = (
            None
            if new_person
            else Registration.objects.filter(event=event, participant=participant)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            return SignupResult(registration=existing, created=False)
        registration = Registration.objects.create(
            event=event,
            participant=participant,
            places=places,
            status=RegistrationStatus.WAITING,  # until the decision below, under the lock
            source=source,
            accessibility_needs=accessibility_needs.strip(),
            created_by=created_by,
            certificate_declared=certificate_declared,
            consent_text_version=texts[ConsentPurpose.EVENT_SIGNUP].version,
            consent_given_at=at,
            language=language,
        )
        _record_consents(registration, texts=texts, new_person=new_person)
        event = _lock_event(event_id)
        # Checked again on the locked row: the event may have been cancelled or closed.
        _check_signup(event, person, companions, check_window=check_window)
        # The new registration queues like anyone: the places go, in queue order, to those
        # waiting whose places fit — this person included when it is their turn.
        if registration.pk in _promote_waiting(event, quietly={registration.pk}):
            registration.status = RegistrationStatus.CONFIRMED
        # Composed by the worker after the commit (calportal.outbox.later), not under the lock.
        _notify_later("registration_received", registration.pk, key=str(registration.pk))
        return SignupResult(registration=registration, created=True)


def _check_signup(event: Event, person: PersonData, companions: int, *, check_window: bool):
    """Raise :class:`RegistrationError` when the event takes no such signup now: cancelled,
    past or (``check_window``) outside its registration window; too many companions; more
    places than it has; or the initiative's age rule."""
    state = event.registration_state()
    if state in {"cancelled", "past"} or (check_window and state != "open"):
        raise RegistrationError(_registration_closed_message(event, state))
    if companions < 0 or companions > event.max_companions:
        raise RegistrationError(
            ngettext(
                "You can bring at most %(count)s companion to this event.",
                "You can bring at most %(count)s companions to this event.",
                event.max_companions,
            )
            % {"count": event.max_companions}
        )
    if 1 + companions > event.capacity:
        raise RegistrationError(
            ngettext(
                "This event has only %(count)s place in all.",
                "This event has only %(count)s places in all.",
                event.capacity,
            )
            % {"count": event.capacity}
        )
    problem = eligibility_error(
        event.initiative, person.birth_year, timezone.localdate(event.starts_at)
    )
    if problem:
        raise RegistrationError(problem)


def _lock_person(person: PersonData) -> None:
    """Serialise signups of one person (by name), so that the same new person signing up twice
    at once is created once — without the event's lock, which other people's signups wait for.
    PostgreSQL's transaction-level advisory lock; SQLite serialises all writes anyway."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"participant:{name_key(person.first_name, person.last_name)}"],
        )


def _record_consents(registration: Registration, *, texts: dict, new_person: bool) -> None:
    """The sign-up consent on the registration (and on the person, the first time: always for
    a ``new_person``), and the health-data consent when its text is in ``texts`` (``{purpose:
    ConsentText}``, from :func:`calportal.privacy.consent.current_texts`). Staff-taken
    consents carry the staff member."""
    channel = consent.channel_of_source(registration.source)
    if channel == ConsentChannel.ONLINE and registration.created_by_id:
        channel = ConsentChannel.PHONE
    taken = {
        "channel": channel,
        "taken_by": registration.created_by,
        "language": registration.language,
        "at": registration.consent_given_at,
    }
    signup_text = texts[ConsentPurpose.EVENT_SIGNUP]
    consent.record(registration, ConsentPurpose.EVENT_SIGNUP, text=signup_text, **taken)
    participant = registration.participant
    if (
        new_person
        or not participant.consents.filter(
            text__purpose=ConsentPurpose.EVENT_SIGNUP, withdrawn_at__isnull=True
        ).exists()
    ):
        consent.record(participant, ConsentPurpose.EVENT_SIGNUP, text=signup_text, **taken)
        if participant.consent_text_version != signup_text.version:
            participant.consent_text_version = signup_text.version
            participant.save(update_fields=["consent_text_version"])
    if ConsentPurpose.DISABILITY in texts:
        consent.record(
            registration, ConsentPurpose.DISABILITY, text=texts[ConsentPurpose.DISABILITY], **taken
        )


RESEND_INTERVAL = 600  # seconds: one repeated e-mail per registration per ten minutes


def registration_resend_link(*, registration: Registration) -> None:
    """Someone signed up again: e-mail the personal link again, to the address on file only.

    At most once per ``RESEND_INTERVAL`` so that repeated signups cannot flood an inbox. A
    person with no e-mail on file is the office's to call: it gets a message (once a day).
    """
    from django.core.cache import cache
    from django.urls import reverse

    from calportal.public_forms import office_notify_known_person

    if not registration.participant.email:
        staff_page = reverse("initiatives:event_registrations", args=[registration.event_id])
        office_notify_known_person(
            what=_("A registration for “%(event)s” (the person signed up again)")
            % {"event": registration.event.display_title},
            record=registration,
            phone=str(registration.participant.phone or ""),
            url=settings.SITE_URL + staff_page,
        )
    elif cache.add(f"initiatives:resend:{registration.pk}", 1, timeout=RESEND_INTERVAL):
        from initiatives.messages import queue_registration_email

        queue_registration_email("registration_received", registration.pk)


def registration_cancel(
    *, registration_id: int, by_staff: bool = False, quietly: bool = False
) -> Registration:
    """Cancel; freed places go to the first people on the waiting list who fit (and are told).

    The person is told the registration is cancelled (by e-mail or text message, when they
    gave one) unless ``quietly``: the erasure of their data and the withdrawal of their consent
    cancel without writing to them again."""
    for _attempt in range(3):
        with transaction.atomic():
            event_id = Registration.objects.values_list("event_id", flat=True).get(
                pk=registration_id
            )
            event = _lock_event(event_id)
            registration = Registration.objects.select_for_update().get(pk=registration_id)
            if registration.event_id != event_id:
                continue  # moved to another session meanwhile: lock that one instead
            was_cancelled = registration.status == RegistrationStatus.CANCELLED
            registration = _cancel_locked(event, registration, by_staff=by_staff)
            if quietly or was_cancelled:
                from calportal.calls import services as calls

                calls.close_regarding(registration)
            else:
                _notify(
                    "registration_cancelled",
                    registration.pk,
                    key=str(registration.pk),
                    by_staff=by_staff,
                )
            return registration
    raise RegistrationError(_("The registration is being changed by someone else. Try again."))


def _cancel_locked(event: Event, registration: Registration, *, by_staff: bool) -> Registration:
    """Caller holds the locks on the event and the registration."""
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if not by_staff and event.starts_at <= timezone.now():
        raise RegistrationError(_("The event has already started: it cannot be cancelled now."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        _take_places(event, -registration.places)
        _promote_waiting(event)
    return registration


def registration_move(*, registration_id: int, to_event_id: int, moved_by: User) -> Registration:
    """Move a registration to another upcoming session of the same initiative (staff).

    Both events are locked (in id order, so two moves cannot deadlock), then the registration;
    everything the decision depends on is read after that.
    """
    with transaction.atomic():
        source_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        locked = {
            event.pk: event
            for event in Event.objects.select_for_update(of=("self",))
            .select_related("initiative")
            .filter(pk__in=[source_id, to_event_id])
            .order_by("pk")
        }
        registration = (
            Registration.objects.select_for_update()
            .select_related("participant")
            .get(pk=registration_id)
        )
        source, target = locked.get(registration.event_id), locked.get(to_event_id)
        if source is None or target is None or source.pk == target.pk:
            raise RegistrationError(_("Choose another session of the same initiative."))
        if target.initiative_id != source.initiative_id:
            raise RegistrationError(_("Choose another session of the same initiative."))
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("A cancelled registration cannot be moved."))
        state = target.registration_state()
        if state in {"cancelled", "past"}:
            raise RegistrationError(_registration_closed_message(target, state))
        if registration.places > min(target.capacity, target.max_companions + 1):
            raise RegistrationError(
                _("This registration has more places than that session allows.")
            )
        if (
            Registration.objects.filter(event=target, participant=registration.participant)
            .exclude(status=RegistrationStatus.CANCELLED)
            .exists()
        ):
            raise RegistrationError(_("This person is already registered for that session."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        _promote_waiting(target)
        fits = _fits_without_jumping_the_queue(target, registration.places)
        registration.event = target
        registration.status = RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITING
        registration.queued_at = timezone.now()
        registration.attendance = ""
        registration.reminder_sent_at = None
        registration.save(
            update_fields=["event", "status", "queued_at", "attendance", "reminder_sent_at"]
        )
        if fits:
            _take_places(target, registration.places)
        if was_confirmed:
            _take_places(source, -registration.places)
            _promote_waiting(source)
        _notify(
            "registration_moved",
            registration.pk,
            key=f"{registration.pk}:{target.pk}:{registration.queued_at.timestamp()}",
        )
        return registration


def event_set_capacity(*, event_id: int, capacity: int) -> Event:
    """Change the number of places; more places promote people from the waiting list.

    Raises :class:`RegistrationError` when ``capacity`` is below the places already taken, or
    below the size (the person and their companions) of a group on the waiting list: such a
    group could never be promoted while its page still promises a place. Staff first move the
    group to another session or cancel it after telling the person, then lower the places.
    """
    with transaction.atomic():
        event = _lock_event(event_id)
        if capacity < event.places_taken:
            raise RegistrationError(
                ngettext(
                    "%(taken)s place is already taken: the event cannot have fewer places.",
                    "%(taken)s places are already taken: the event cannot have fewer places.",
                    event.places_taken,
                )
                % {"taken": event.places_taken}
            )
        too_large = list(
            event.registrations.filter(status=RegistrationStatus.WAITING, places__gt=capacity)
            .select_related("participant")
            .order_by("queued_at", "pk")
        )
        if too_large:
            raise RegistrationError(
                ngettext(
                    "On the waiting list there are groups larger than %(count)s place, "
                    "which could then never get in: %(groups)s. Move them to another session "
                    "or cancel their registrations after telling them, then lower the places.",
                    "On the waiting list there are groups larger than %(count)s places, "
                    "which could then never get in: %(groups)s. Move them to another session "
                    "or cancel their registrations after telling them, then lower the places.",
                    capacity,
                )
                % {
                    "count": capacity,
                    "groups": ", ".join(
                        ngettext(
                            "%(name)s (%(places)s place)",
                            "%(name)s (%(places)s places)",
                            registration.places,
                        )
                        % {
                            "name": f"{registration.participant.first_name} "
                            f"{registration.participant.last_name}",
                            "places": registration.places,
                        }
                        for registration in too_large
                    ),
                }
            )
        Event.objects.filter(pk=event.pk).update(capacity=capacity)
        public_cache.changed("events")
        event.capacity = capacity
        _promote_waiting(event)
        return event


def event_cancel(*, event_id: int) -> Event:
    """Cancel the event and tell everyone registered or waiting — e-mail, text message or the
    office's call list (:func:`initiatives.messages.tell_registration`) — after commit."""
    with transaction.atomic():
        event = _lock_event(event_id)
        if event.is_cancelled:
            return event
        event.status = EventStatus.CANCELLED
        event.cancelled_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at"])
        active = list(
            event.registrations.exclude(status=RegistrationStatus.CANCELLED).values_list(
                "pk", flat=True
            )
        )
        for registration_id in active:
            _notify("event_cancelled", registration_id, key=f"{registration_id}:{event.pk}")
        return event


def attendance_can_be_recorded(event: Event) -> bool:
    """True from the local day the event starts on: nobody can have come to a day to come."""
    return timezone.localdate(event.starts_at) <= timezone.localdate()


def attendance_set(*, event: Event, shown_ids: set[int], present_ids: set[int]) -> int:
    """Mark the registrations that were on the checklist present or absent.

    Only ``shown_ids`` change, so two phones at the door, or someone promoted after the page
    was opened, do not overwrite each other. Returns how many are present in all.

    Attendance is recorded from the event's own (Europe/Warsaw) day on — at the door — and
    never for a day still to come: raises :class:`RegistrationError` and saves nothing then,
    the same rule as a self-help meeting marked as held. Registrations of anonymised persons
    (PRIVACY.md §2) keep the attendance they had: they are facts of the figures now, and no
    one can tell who they were. They still count among the present.
    """
    if not attendance_can_be_recorded(event):
        raise RegistrationError(
            _("Attendance cannot be recorded before the day of the event (%(date)s).")
            % {"date": formats.date_format(timezone.localdate(event.starts_at))}
        )
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    people = confirmed.filter(participant__anonymised_year__isnull=True)
    with transaction.atomic():
        people.filter(pk__in=shown_ids & present_ids).update(attendance=Attendance.PRESENT)
        people.filter(pk__in=shown_ids - present_ids).update(attendance=Attendance.ABSENT)
    return confirmed.filter(attendance=Attendance.PRESENT).count()


def _lock_event(event_id: int) -> Event:
    return (
        Event.objects.select_for_update(of=("self",)).select_related("initiative").get(pk=event_id)
    )


def _fits_without_jumping_the_queue(event: Event, places: int) -> bool:
    """Places are free and nobody waiting could take them (promotion already gave them out)."""
    if event.places_left < places:
        return False
    return not event.registrations.filter(
        status=RegistrationStatus.WAITING, places__lte=event.places_left
    ).exists()


def _take_places(event: Event, delta: int) -> None:
    """Caller holds the event's row lock."""
    event.places_taken += delta
    Event.objects.filter(pk=event.pk).update(places_taken=event.places_taken)
    public_cache.changed("events")  # places left are shown on the public pages


def _promote_waiting(event: Event, *, quietly: set[int] = frozenset()) -> list[int]:
    """Promote, in queue order, everyone on the waiting list whose places fit.

    Caller holds the event's row lock. A group too large for the free places is skipped so
    that a single person behind it is not kept waiting for nothing. Those in ``quietly`` are
    not told here (a new signup, confirmed by its own message). Returns the promoted ids.
    """
    if event.is_cancelled or event.starts_at <= timezone.now() or event.places_left <= 0:
        return []  # nothing can change: the waiting list is not even read
    waiting = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("participant")  # the audit trail names the person of each change
        .order_by("queued_at", "pk")
    )
    promoted = []
    for registration in who_fits(waiting, event.places_left):
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        _take_places(event, registration.places)
        promoted.append(registration.pk)
        if registration.pk in quietly:
            continue  # the caller tells them (a new signup's own confirmation)
        _notify(
            "registration_promoted",
            registration.pk,
            key=f"{registration.pk}:{event.pk}:{registration.queued_at.timestamp()}",
        )
    return promoted


def who_fits(waiting, places_left: int) -> list:
    """The waiting registrations (in queue order) that get a place when ``places_left`` places
    are free: each whose places fit what is left after those before it; a group too large is
    skipped so that a single person behind it is not kept waiting for nothing. The rule of
    :func:`_promote_waiting` and of the preview staff see (:func:`promotion_preview`)."""
    chosen = []
    for registration in waiting:
        if places_left <= 0:
            break
        if registration.places <= places_left:
            chosen.append(registration)
            places_left -= registration.places
    return chosen


def promotion_preview(
    event: Event, *, freeing: Registration | None = None, capacity: int | None = None
) -> list[tuple[Registration, list[str]]]:
    """Who would get a place if ``freeing`` were cancelled or the places set to ``capacity``,
    and how each would be told (``[(registration, channels)]``, see
    :func:`initiatives.messages.channels_for`). Read without locks: what staff see before they
    confirm; the change itself decides again under the event's lock. Two queries."""
    from initiatives.messages import channels_for

    if event.is_cancelled or event.starts_at <= timezone.now():
        return []
    taken = event.places_taken
    if freeing is not None and freeing.status == RegistrationStatus.CONFIRMED:
        taken -= freeing.places
    places_left = (event.capacity if capacity is None else capacity) - taken
    if places_left <= 0:
        return []
    waiting = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("participant")
        .order_by("queued_at", "pk")
    )
    return [
        (registration, channels_for(registration, "registration_promoted"))
        for registration in who_fits(waiting, places_left)
    ]


def _registration_closed_message(event: Event, state: str) -> str:
    from django.utils.formats import date_format

    if state == "cancelled":
        return _("This event has been cancelled.")
    if state == "past":
        return _("This event has already taken place.")
    if state == "not_open":
        opens = timezone.localtime(event.registration_opens_at)
        return _("Registration opens on %(date)s.") % {
            "date": date_format(opens, "DATETIME_FORMAT")
        }
    return _("Registration for this event has closed.")


def _notify(message: str, registration_id: int, *, key: str, **extra) -> None:
    """Tell the person in this transaction — e-mail, text message or the office's call list —
    so that it happens after the commit, or never if the change is rolled back (see
    :func:`initiatives.messages.tell_registration`)."""
    from initiatives.messages import tell_registration

    tell_registration(message, registration_id, key=key, **extra)


def _notify_later(message: str, registration_id: int, *, key: str) -> None:
    """Tell the person as :func:`_notify` does, composed by the worker after the commit
    (:mod:`calportal.outbox.later`): for changes made under a lock that others wait for."""
    from calportal.outbox.later import compose_later

    compose_later(
        "initiatives.tell_registration",
        message=message,
        registration_id=registration_id,
        key=key,
    )


# What people come by: a change of any of these is told to everyone registered or waiting.
TOLD_FIELDS = ("starts_at", "ends_at", "place_name", "address")


def told_values(values: dict) -> tuple:
    """What people come by, to the minute (a form has no seconds): ``TOLD_FIELDS`` of
    ``values`` (an event's or a form's), datetimes without seconds, text trimmed."""
    out = []
    for name in TOLD_FIELDS:
        value = values.get(name)
        if hasattr(value, "second"):
            value = value.replace(second=0, microsecond=0)
        elif isinstance(value, str):
            value = value.strip()
        out.append(value)
    return tuple(out)


def event_update(*, event_id: int, data: dict) -> Event:
    """Save an event's details; a change of places goes through :func:`event_set_capacity`.

    A change of the date, time or place of an event still to come is told to everyone
    registered or waiting (e-mail, text message or the office's call list), once per change."""
    capacity = data.pop("capacity")
    data.pop("initiative", None)
    with transaction.atomic():
        event = _lock_event(event_id)
        before = told_values(vars(event))
        for field, value in data.items():
            setattr(event, field, value)
        event.capacity = max(capacity, event.places_taken)
        event.full_clean(exclude=["initiative"])
        event.save()
        after = told_values(vars(event))
        if after != before and not event.is_cancelled and event.starts_at > timezone.now():
            change = timezone.now().timestamp()  # each change is news, also a change back
            for registration_id in event.registrations.filter(
                status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
            ).values_list("pk", flat=True):
                _notify("event_changed", registration_id, key=f"{registration_id}:{change}")
        return event_set_capacity(event_id=event.pk, capacity=capacity)


@dataclass(frozen=True)
class SeriesResult:
    created: list[Event]
    existing: list[Event]  # sessions the rule gives that were already there: left out


def event_series_create(*, initiative: Initiative, form_data: dict, sessions) -> SeriesResult:
    """Create one event per (start, end) pair, each with its own places, in one transaction.

    A session the initiative already has — not cancelled, starting at the same moment in the
    same place (the place's name compared as names are: case, spaces and dashes aside) — is
    left out and returned in ``existing``, so that a series submitted twice, or a rule
    overlapping one already entered, never puts the same session on the calendar twice. The
    initiative's row is locked so that two submissions at once cannot both create it.
    """
    fields = {
        name: form_data[name]
        for name in (
            "title",
            "place_name",
            "address",
            "capacity",
            "max_companions",
            "step_free_access",
            "induction_loop",
            "sign_language",
            "accessible_toilet",
            "parking",
        )
    }
    sessions = list(sessions)
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        place = name_text_key(fields["place_name"])
        existing = {
            event.starts_at: event
            for event in Event.objects.filter(
                initiative=initiative, starts_at__in=[start for start, _end in sessions]
            )
            .exclude(status=EventStatus.CANCELLED)
            .order_by("starts_at", "pk")
            if name_text_key(event.place_name) == place
        }
        created = Event.objects.bulk_create(
            [
                Event(initiative=initiative, starts_at=start, ends_at=end, **fields)
                for start, end in sessions
                if start not in existing
            ]
        )
        public_cache.changed("events")  # bulk_create sends no signals
        return SeriesResult(created=created, existing=list(existing.values()))


def initiative_duplicate(*, initiative: Initiative) -> Initiative:
    """A copy with a free slug, the same groups, partners and funding, and no events."""
    with transaction.atomic():
        copy = Initiative.objects.get(pk=initiative.pk)
        copy.pk = None
        copy.title = _("%(title)s (copy)") % {"title": initiative.title}
        copy.slug = _free_slug(initiative.slug)
        copy.status = "planned"
        copy.save()
        copy.target_groups.set(initiative.target_groups.all())
        copy.partner_organisations.set(initiative.partner_organisations.all())
        for funding in initiative.fundings.all():
            funding.pk = None
            funding.initiative = copy
            funding.save()
        return copy


def _free_slug(slug: str) -> str:
    base = slug[:70]
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if not Initiative.objects.filter(slug=candidate).exists():
            return candidate
    raise RegistrationError(_("Too many copies of this initiative."))


def event_message_send(*, event: Event, subject: str, body: str, include_waiting: bool) -> int:
    """Queue a staff message to everyone registered (and waiting); returns how many get it."""
    statuses = [RegistrationStatus.CONFIRMED]
    if include_waiting:
        statuses.append(RegistrationStatus.WAITING)
    recipients = list(
        event.registrations.filter(status__in=statuses)
        .exclude(participant__email="")
        .values_list("pk", flat=True)
    )
    from initiatives.messages import queue_registration_email

    with transaction.atomic():
        for registration_id in recipients:
            queue_registration_email("staff_message", registration_id, subject=subject, body=body)
    return len(recipients)


def initiative_save(*, form, fundings) -> Initiative:
    """Save a validated initiative form and its funding formset together, or neither."""
    with transaction.atomic():
        initiative = form.save()
        fundings.instance = initiative
        fundings.save()
        return initiative


def event_create(*, data: dict) -> Event:
    event = Event(**data)
    event.full_clean()
    event.save()
    return event


# --- Residence and de-duplication of participants (REPORTS.md §9, D1 and D3) ------------------


class ParticipantError(Exception):
    """A participant cannot be changed this way; the message can be shown to staff."""


def district_key_expression():
    """The typed district as it is compared: surrounding spaces and case aside."""
    return Lower(Trim("district"))


def participants_map_district(*, district_key: str, residence: Residence, by: User) -> int:
    """Give everyone who typed this district, and has no residence yet, the ``residence``.

    ``district_key`` is the district as :func:`district_key_expression` gives it (the staff
    page shows those); one UPDATE, so a person who typed " Centrum" and one who typed
    "centrum" are mapped together. People whose residence is known are left as they are, and
    so are anonymised rows (PRIVACY.md §2: their area is a fact of the figures).
    Returns how many were mapped.
    """
    if not residence.given:
        raise ParticipantError(_("Choose an area or “outside the municipality”."))
    mapped = (
        Participant.objects.identifiable()
        .annotate(district_key=district_key_expression())
        .filter(district_key=district_key, area__isnull=True, outside_municipality=False)
        .exclude(district="")
        .update(area_id=residence.area_id, outside_municipality=residence.outside_municipality)
    )
    logger.info(
        "district mapped: %d participants, area %s, outside %s, by user %s",
        mapped,
        residence.area_id,
        residence.outside_municipality,
        by.pk,
    )
    return mapped


# Which of two active registrations of one person for one event is kept: the higher rank.
_PRESENT, _CONFIRMED, _WAITING = 3, 2, 1


def _registration_rank(registration: Registration) -> tuple:
    """Present > confirmed > waiting; on a tie the older (created first) wins."""
    if registration.status == RegistrationStatus.CONFIRMED:
        rank = _PRESENT if registration.attendance == Attendance.PRESENT else _CONFIRMED
    else:
        rank = _WAITING
    return (-rank, registration.created_at, registration.pk)


@dataclass(frozen=True)
class MergeConflict:
    event: Event
    kept: Registration
    cancelled: Registration


# Filled from the duplicate when empty on the kept record; never overwritten.
_FILLED_FIELDS = ("email", "phone", "birth_year", "gender", "district")


def participant_merged_values(*, keep: Participant, duplicate: Participant) -> dict:
    """The fields of ``keep`` that a merge changes, with their new values: those that are
    empty on the kept record and given on the duplicate (the residence as one field)."""
    values = {}
    for name in _FILLED_FIELDS:
        empty = "not_given" if name == "gender" else None
        mine, theirs = getattr(keep, name), getattr(duplicate, name)
        if (not mine or mine == empty) and theirs and theirs != empty:
            values[name] = theirs
    if not Residence.of(keep).given and Residence.of(duplicate).given:
        values["area_id"] = duplicate.area_id
        values["outside_municipality"] = duplicate.outside_municipality
    return values


def participant_merge_conflicts(registrations: list[Registration]) -> list[MergeConflict]:
    """Events both people have an active (not cancelled) registration for, with the one the
    merge keeps and the one it cancels. ``registrations`` are both people's, events loaded."""
    by_event: dict[int, list[Registration]] = {}
    for registration in registrations:
        if registration.status != RegistrationStatus.CANCELLED:
            by_event.setdefault(registration.event_id, []).append(registration)
    conflicts = []
    for pair in by_event.values():
        if len(pair) > 1:
            kept, cancelled = sorted(pair, key=_registration_rank)[:2]
            conflicts.append(MergeConflict(event=kept.event, kept=kept, cancelled=cancelled))
    return conflicts


def participant_merge_refusal(*, keep: Participant, duplicate: Participant) -> str | None:
    """Why these two records cannot be merged, or None. Reads the passes of both. An
    anonymised row (PRIVACY.md §2) is nobody and is merged with no one."""
    if keep.pk == duplicate.pk:
        return _("A person cannot be merged with themselves.")
    if keep.is_anonymised or duplicate.is_anonymised:
        return _("An anonymised record cannot be merged.")
    working = [PassStatus.ACTIVE, PassStatus.SUSPENDED]
    holders = set(
        SeniorPass.objects.filter(holder__in=[keep.pk, duplicate.pk], status__in=working)
        .values_list("holder_id", flat=True)
        .distinct()
    )
    if len(holders) == 2:
        return _(
            "Both records hold a senior pass that is active or suspended, and a person may "
            "hold only one. Revoke one of the passes first, then merge."
        )
    return None


@dataclass(frozen=True)
class MergeResult:
    participant: Participant
    moved_registrations: int
    moved_passes: int
    cancelled: list[Registration]


def participant_merge(*, keep: Participant, duplicate: Participant, by: User) -> MergeResult:
    """Merge ``duplicate`` into ``keep`` (one person entered twice) and delete it.

    In one transaction: the events the duplicate has active registrations for are locked (in
    id order, as every service locks events, before the people), then both participants. Where
    both have an active registration for one event, the better one is kept (present >
    confirmed > waiting, the older on a tie) and the other is cancelled the way staff cancel
    one, so the places taken stay right and the waiting list moves up; the kept one takes over
    a disability certificate declared on either and the other's accessibility needs (added on
    a new line when they differ). Every registration and
    pass of the duplicate then goes to ``keep``, the empty fields of ``keep`` are filled from
    the duplicate (never overwritten), and the duplicate is deleted. Reports count persons by
    participant, so the person counts once from then on.

    Raises :class:`ParticipantError` for the same person twice, for two working passes, for
    an anonymised record, or when a record is gone. Who merged is written to the log (there
    is no audit table).
    """
    if keep.pk == duplicate.pk:
        raise ParticipantError(_("A person cannot be merged with themselves."))
    for _attempt in range(3):
        try:
            result = _merge_once(keep, duplicate, by)
        except IntegrityError:  # a pass issued or a signup taken meanwhile broke a constraint
            raise ParticipantError(
                _("The records were changed meanwhile. Look at them again, then merge.")
            ) from None
        if result is not None:
            return result
    raise ParticipantError(_("The records are being changed by someone else. Try again."))


def _merge_once(keep: Participant, duplicate: Participant, by: User) -> MergeResult | None:
    """One attempt; None when the duplicate signed up for an event not locked yet."""
    with transaction.atomic():
        event_ids = _active_event_ids(duplicate.pk)
        events = {
            event.pk: event
            for event in Event.objects.select_for_update(of=("self",))
            .select_related("initiative")
            .filter(pk__in=event_ids)
            .order_by("pk")
        }
        people = {
            person.pk: person
            for person in Participant.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        if len(people) < 2:
            raise ParticipantError(
                _("One of the records no longer exists: it may have been merged already.")
            )
        if not _active_event_ids(duplicate.pk) <= set(events):
            return None  # signed up for another event meanwhile: lock that one as well
        return _merge_locked(people[keep.pk], people[duplicate.pk], events, by)


def _active_event_ids(participant_id: int) -> set[int]:
    return set(
        Registration.objects.filter(participant_id=participant_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("event_id", flat=True)
    )


def _carry_over_locked(kept: Registration, cancelled: Registration) -> None:
    """What the person declared on the registration a merge cancels stays on the one it keeps:
    a declared disability certificate (either of them), and the accessibility needs — the kept
    text, followed on a new line by the other's when that says something else. Caller holds the
    lock on both."""
    changed = []
    if cancelled.certificate_declared and not kept.certificate_declared:
        kept.certificate_declared = True
        changed.append("certificate_declared")
    mine, theirs = kept.accessibility_needs.strip(), cancelled.accessibility_needs.strip()
    if theirs and theirs != mine:
        kept.accessibility_needs = f"{mine}\n{theirs}" if mine else theirs
        changed.append("accessibility_needs")
    if changed:
        kept.save(update_fields=changed)


def _merge_locked(
    keep: Participant, duplicate: Participant, events: dict[int, Event], by: User
) -> MergeResult:
    """Caller holds the locks on both people and on the events of the duplicate's active
    registrations (the only events a conflict can be on)."""
    refusal = participant_merge_refusal(keep=keep, duplicate=duplicate)
    if refusal:
        raise ParticipantError(refusal)
    active = list(
        Registration.objects.select_for_update()
        .filter(participant__in=[keep, duplicate], event_id__in=events)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("pk")
    )
    for registration in active:
        registration.event = events[registration.event_id]
    conflicts = participant_merge_conflicts(active)
    for conflict in conflicts:
        _cancel_locked(events[conflict.event.pk], conflict.cancelled, by_staff=True)
        _carry_over_locked(conflict.kept, conflict.cancelled)
    moved_registrations = Registration.objects.filter(participant=duplicate).update(
        participant=keep
    )
    moved_passes = SeniorPass.objects.filter(holder=duplicate).update(holder=keep)
    values = participant_merged_values(keep=keep, duplicate=duplicate)
    duplicate_pk = duplicate.pk
    duplicate.delete()
    if values:
        for name, value in values.items():
            setattr(keep, name, value)
        keep.save(update_fields=[name.removesuffix("_id") for name in values])
    logger.info(
        "participant %s merged into participant %s by user %s: %d registrations, %d passes "
        "moved, %d conflicting registrations cancelled (%s)",
        duplicate_pk,
        keep.pk,
        by.pk,
        moved_registrations,
        moved_passes,
        len(conflicts),
        ", ".join(str(conflict.cancelled.pk) for conflict in conflicts),
    )
    return MergeResult(
        participant=keep,
        moved_registrations=moved_registrations,
        moved_passes=moved_passes,
        cancelled=[conflict.cancelled for conflict in conflicts],
    )
