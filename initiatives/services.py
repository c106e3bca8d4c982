"""Signing up, waiting lists and the life of an event.

Every change to the places of an event happens inside ``transaction.atomic()`` while holding
a row lock on the event (``select_for_update``), taken once, before anything is read that the
decision depends on. The ``event_capacity_not_exceeded`` check constraint backs it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calportal.accounts.models import User
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

CONSENT_TEXT_VERSION = "2026-11"
CONSENT_SCOPE = "registration"


class RegistrationError(Exception):
    """A rule of signing up was broken; the message can be shown to the person."""


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    birth_year: int | None = None
    gender: str = "not_given"
    district: str = ""


@dataclass(frozen=True)
class SignupResult:
    registration: Registration
    created: bool  # False: the person was already registered and gets their registration back


def normalise_phone(phone: str) -> str:
    """Digits only, without the Polish +48 prefix: '+48 601-234-567' → '601234567'."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("48"):
        digits = digits[2:]
    return digits


def eligibility_error(initiative: Initiative, birth_year: int | None, on: date) -> str | None:
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


def participant_find_or_create(*, person: PersonData) -> Participant:
    """The participant with this e-mail address or phone number, or a new one.

    Missing contact details and the year of birth are filled in; nothing given before is
    overwritten by what an anonymous form says.
    """
    email = person.email.strip().lower()
    phone = normalise_phone(person.phone)
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    if phone:
        match |= Q(phone=phone)
    candidates = list(Participant.objects.filter(match))
    existing = next((p for p in candidates if email and p.email.lower() == email), None) or next(
        iter(candidates), None
    )
    if existing is not None:
        changed = []
        if email and not existing.email and not _email_taken(email):
            existing.email, changed = email, [*changed, "email"]
        if phone and not existing.phone and not Participant.objects.filter(phone=phone).exists():
            existing.phone, changed = phone, [*changed, "phone"]
        if person.birth_year and not existing.birth_year:
            existing.birth_year, changed = person.birth_year, [*changed, "birth_year"]
        if changed:
            existing.save(update_fields=changed)
        return existing
    participant = Participant(
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        email=email,
        phone=phone,
        birth_year=person.birth_year,
        gender=person.gender,
        district=person.district.strip(),
        consent_text_version=CONSENT_TEXT_VERSION,
        consent_scope=CONSENT_SCOPE,
        consent_given_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        # The same person signed up at the same moment elsewhere: use that record.
        return Participant.objects.filter(match).first()
    return participant


def _email_taken(email: str) -> bool:
    return Participant.objects.filter(email__iexact=email).exists()


def registration_create(
    *,
    event_id: int,
    person: PersonData,
    companions: int = 0,
    accessibility_needs: str = "",
    source: str = Source.ONLINE,
    created_by: User | None = None,
    check_window: bool = True,
) -> SignupResult:
    """Sign a person up: confirmed if the places fit, otherwise on the waiting list.

    Staff registering someone who phoned in pass ``check_window=False`` to register outside
    the online registration window (but never for a cancelled or past event).
    """
    with transaction.atomic():
        event = _lock_event(event_id)
        state = event.registration_state()
        if state in {"cancelled", "past"} or (check_window and state != "open"):
            raise RegistrationError(_registration_closed_message(event, state))
        if companions < 0 or companions > event.max_companions:
            raise RegistrationError(
                _("You can bring at most %(count)s companions to this event.")
                % {"count": event.max_companions}
            )
        places = 1 + companions
        if places > event.capacity:
            raise RegistrationError(
                _("This event has only %(count)s places in all.") % {"count": event.capacity}
            )
        problem = eligibility_error(event.initiative, person.birth_year, event.starts_at.date())
        if problem:
            raise RegistrationError(problem)
        participant = participant_find_or_create(person=person)
        existing = (
            Registration.objects.filter(event=event, participant=participant)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            return SignupResult(registration=existing, created=False)
        fits = _fits_without_jumping_the_queue(event, places)
        registration = Registration.objects.create(
            event=event,
            participant=participant,
            places=places,
            status=RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITING,
            source=source,
            accessibility_needs=accessibility_needs.strip(),
            created_by=created_by,
        )
        if fits:
            _take_places(event, places)
        _notify_after_commit("registration_received", registration.pk)
        return SignupResult(registration=registration, created=True)


def registration_resend_link(*, registration: Registration) -> None:
    """Someone signed up again: send the existing registration's personal link once more."""
    _notify_after_commit("registration_received", registration.pk)


def registration_cancel(*, registration_id: int, by_staff: bool = False) -> Registration:
    """Cancel; freed places go to the first people on the waiting list who fit."""
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _lock_event(event_id)
        registration = Registration.objects.get(pk=registration_id)
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
    """Move a registration to another session of the same initiative (staff)."""
    with transaction.atomic():
        registration = Registration.objects.select_related("participant", "event").get(
            pk=registration_id
        )
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("A cancelled registration cannot be moved."))
        target = Event.objects.get(pk=to_event_id)
        if (
            target.initiative_id != registration.event.initiative_id
            or target.pk == registration.event_id
        ):
            raise RegistrationError(_("Choose another session of the same initiative."))
        # Lock both events in a fixed order so that two moves cannot deadlock.
        locked = {
            event.pk: event
            for event in Event.objects.select_for_update()
            .filter(pk__in=[registration.event_id, target.pk])
            .order_by("pk")
        }
        source, target = locked[registration.event_id], locked[target.pk]
        if target.registration_state() in {"cancelled", "past"}:
            raise RegistrationError(
                _registration_closed_message(target, target.registration_state())
            )
        if (
            Registration.objects.filter(event=target, participant=registration.participant)
            .exclude(status=RegistrationStatus.CANCELLED)
            .exists()
        ):
            raise RegistrationError(_("This person is already registered for that session."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        fits = _fits_without_jumping_the_queue(target, registration.places)
        registration.event = target
        registration.status = RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITING
        registration.queued_at = timezone.now()
        registration.attendance = ""
        registration.save(update_fields=["event", "status", "queued_at", "attendance"])
        if fits:
            _take_places(target, registration.places)
        if was_confirmed:
            _take_places(source, -registration.places)
            _promote_waiting(source)
        _notify_after_commit("registration_received", registration.pk)
        return registration


def event_set_capacity(*, event_id: int, capacity: int) -> Event:
    """Change the number of places; more places promote people from the waiting list."""
    with transaction.atomic():
        event = _lock_event(event_id)
        if capacity < event.places_taken:
            raise RegistrationError(
                _("%(taken)s places are already taken: the event cannot have fewer places.")
                % {"taken": event.places_taken}
            )
        Event.objects.filter(pk=event.pk).update(capacity=capacity)
        event.capacity = capacity
        _promote_waiting(event)
        return event


def event_cancel(*, event_id: int) -> Event:
    """Cancel the event and tell everyone registered or waiting, by e-mail, after commit."""
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
            _notify_after_commit("event_cancelled", registration_id)
        return event


def attendance_set(*, event: Event, present_ids: set[int]) -> int:
    """Mark confirmed registrations present or absent; returns how many are present."""
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    with transaction.atomic():
        confirmed.filter(pk__in=present_ids).update(attendance=Attendance.PRESENT)
        confirmed.exclude(pk__in=present_ids).update(attendance=Attendance.ABSENT)
    return confirmed.filter(attendance=Attendance.PRESENT).count()


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().select_related("initiative").get(pk=event_id)


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


def _promote_waiting(event: Event) -> list[int]:
    """Promote, in queue order, everyone on the waiting list whose places fit.

    Caller holds the event's row lock. A group too large for the free places is skipped so
    that a single person behind it is not kept waiting for nothing.
    """
    if event.is_cancelled or event.starts_at <= timezone.now():
        return []
    promoted = []
    for registration in event.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "queued_at", "pk"
    ):
        if event.places_left <= 0:
            break
        if registration.places <= event.places_left:
            registration.status = RegistrationStatus.CONFIRMED
            registration.save(update_fields=["status"])
            _take_places(event, registration.places)
            promoted.append(registration.pk)
            _notify_after_commit("registration_promoted", registration.pk)
    return promoted


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


def _notify_after_commit(message: str, registration_id: int) -> None:
    from initiatives.tasks import send_registration_email

    language = get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send_registration_email.delay(message, registration_id, language))


def event_update(*, event_id: int, data: dict) -> Event:
    """Save an event's details; a change of places goes through :func:`event_set_capacity`."""
    capacity = data.pop("capacity")
    data.pop("initiative", None)
    with transaction.atomic():
        event = _lock_event(event_id)
        for field, value in data.items():
            setattr(event, field, value)
        event.capacity = max(capacity, event.places_taken)
        event.full_clean(exclude=["initiative"])
        event.save()
        return event_set_capacity(event_id=event.pk, capacity=capacity)


def event_series_create(*, initiative: Initiative, form_data: dict, sessions) -> list[Event]:
    """Create one event per (start, end) pair, each with its own places, in one transaction."""
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
    with transaction.atomic():
        return Event.objects.bulk_create(
            [
                Event(initiative=initiative, starts_at=start, ends_at=end, **fields)
                for start, end in sessions
            ]
        )


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


def event_message_send(
    *, event: Event, subject: str, body: str, include_waiting: bool, language: str
) -> int:
    """Queue a staff message to everyone registered (and waiting); returns how many get it."""
    from initiatives.tasks import send_event_message

    statuses = [RegistrationStatus.CONFIRMED]
    if include_waiting:
        statuses.append(RegistrationStatus.WAITING)
    recipients = list(
        event.registrations.filter(status__in=statuses)
        .exclude(participant__email="")
        .values_list("pk", flat=True)
    )
    if recipients:
        transaction.on_commit(lambda: send_event_message.delay(recipients, subject, body, language))
    return len(recipients)
