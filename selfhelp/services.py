"""Changing self-help groups: requests to join, members, meetings, erasure, the access log."""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calportal import notify, public_cache
from calportal.accounts.models import User
from calportal.audit.services import record_access
from calportal.calls import services as calls
from calportal.calls.models import CallReason
from calportal.contacts import name_key, name_pattern, same_contact_q
from calportal.outbox.services import forget_messages_regarding, queue_email
from selfhelp.models import (
    OPEN_REQUEST_STATUSES,
    AccessAction,
    ContactWay,
    Group,
    GroupStatus,
    JoinRequest,
    Meeting,
    Member,
    RequestStatus,
)


class GroupError(Exception):
    """A step that cannot happen; the message is shown as it is."""


# The kind of record a self-help access names, where one kind fits the action.
_ACCESS_OBJECT_TYPES = {
    AccessAction.REQUEST: "selfhelp.joinrequest",
    AccessAction.MEETING: "selfhelp.meeting",
    AccessAction.FACILITATOR: "accounts.user",
}


def log_access(user: User, group: Group, action: str, object_id: int | None = None) -> None:
    """Write to the portal's access log (calportal.audit) that ``user`` opened something of
    ``group``; the self-help access log page shows these entries. Ids only, never names."""
    obj = None
    if object_id is not None:
        obj = (_ACCESS_OBJECT_TYPES.get(action, ""), object_id)
    record_access(user, action, obj, group=group)


def current_members(group: Group) -> int:
    return group.members.filter(left_on__isnull=True).count()


def group_is_full(group: Group) -> bool:
    return current_members(group) >= group.max_size


# --- Requests -----------------------------------------------------------------------------------


def request_create(*, group: Group, data: dict) -> JoinRequest:
    """A request from the public page. A closed group takes none; a full group, or one that does
    not take members now (or is paused), puts the person on its waiting list (the page says so
    first)."""
    if group.status == GroupStatus.CLOSED:
        raise GroupError(_("This group has closed and does not take requests."))
    # The same person asking again while their request is still open gets it back: the
    # facilitator sees one request. The page answers as for anyone (whoever typed the details
    # may not be the person); the person hears from us only at the contact on file.
    existing = _open_request_of(group, data)
    if existing is not None:
        with transaction.atomic():
            _request_sent_again(existing)
        return existing
    waiting = not group.is_open or group_is_full(group)
    with transaction.atomic():
        return _request_store(group, data, waiting)


def _request_sent_again(join_request: JoinRequest) -> None:
    """E-mail the person on file that we have their request (at most once a day); without an
    e-mail address, leave the facilitator a line in the request's note so they call."""
    from calportal.public_forms import known_person_key

    if join_request.email:
        queue_email(
            "selfhelp/request_known",
            {"join_request": join_request},
            [join_request.email],
            language=join_request.language,
            regarding=join_request,
            key=known_person_key("person", join_request),
        )
        return
    line = _("%(date)s: the request was sent again from the public page; please call.") % {
        "date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    }
    locked = _locked_request(join_request)
    if line not in locked.note:
        locked.note = f"{locked.note}\n{line}".strip()
        locked.save(update_fields=["note"])


def _request_store(group: Group, data: dict, waiting: bool) -> JoinRequest:
    join_request = JoinRequest.objects.create(
        group=group,
        first_name=data["first_name"].strip(),
        phone=data.get("phone") or "",
        email=(data.get("email") or "").strip().lower(),
        contact_way=data["contact_way"],
        contact_time=data.get("contact_time", "").strip(),
        message=data.get("message", "").strip(),
        consent_given_at=timezone.now(),
        language=get_language() or "pl",
        status=RequestStatus.WAITING if waiting else RequestStatus.NEW,
    )
    from calportal.privacy import consent
    from calportal.privacy.models import ConsentChannel, ConsentPurpose

    consent.record(
        join_request,
        ConsentPurpose.SELFHELP,
        channel=ConsentChannel.ONLINE,
        language=join_request.language,
        at=join_request.consent_given_at,
    )
    _tell_request_received(join_request)
    return join_request


def _tell_request_received(join_request: JoinRequest) -> None:
    """Acknowledge a new request in this transaction: an e-mail, or a text message without
    one — neither names the group or its topic (a shared inbox or phone must not reveal it).
    A person without e-mail, or who asked to be contacted by phone, goes on the call list
    that only the group's facilitator sees."""
    key = f"selfhelp-request:{join_request.pk}:received"
    context = {"join_request": join_request, "first_name": join_request.first_name}
    contact = notify.Contact(
        name=join_request.first_name,
        email=join_request.email,
        phone=str(join_request.phone or ""),
        language=join_request.language,
    )
    notify.tell(
        contact,
        key=key,
        context=context,
        regarding=join_request,
        email=lambda: _queue_request_email(join_request, "request_received", key=key),
        sms="selfhelp_request_received",
        call=CallReason.JOIN_REQUEST,
        group=join_request.group,
    )
    if join_request.contact_way == ContactWay.PHONE and join_request.email:
        # They asked for a call although they gave an e-mail address: the facilitator calls.
        notify.tell(
            notify.Contact(name=contact.name, phone=contact.phone, language=contact.language),
            key=key,
            context=context,
            regarding=join_request,
            call=CallReason.JOIN_REQUEST,
            group=join_request.group,
        )


def _request_handled(join_request: JoinRequest) -> None:
    """The facilitator has dealt with the request: the call about it leaves the list."""
    calls.close_regarding(join_request)


def _queue_request_email(join_request: JoinRequest, name: str, key: str | None = None, **extra):
    """Queue ``templates/emails/selfhelp/<name>`` to the person in this transaction (once per
    ``key`` when given); returns the queued e-mail or None. The subjects never name the group
    or its topic: a shared family inbox must not reveal it."""
    return queue_email(
        f"selfhelp/{name}",
        {"join_request": join_request, **extra},
        [join_request.email],
        language=join_request.language,
        regarding=join_request,
        key=key,
    )


def _open_request_of(group: Group, data: dict) -> JoinRequest | None:
    """The person's request to this group that is not handled yet, if any: the same phone or
    e-mail and the same first name as :func:`calportal.contacts.name_key` compares names."""
    # A typed e-mail address must be the one on file: matching by phone alone would send the
    # confirmation elsewhere and tell whoever typed it that this person has asked to join.
    email = data.get("email") or ""
    contacts = same_contact_q(phone="" if email else data.get("phone") or "", email=email)
    key = name_key(data["first_name"])
    candidates = (
        JoinRequest.objects.waiting()
        .filter(contacts, group=group, erased_at__isnull=True)
        .order_by("pk")
    )
    # A handful of rows at most (one person's open requests): names compared in Python.
    return next((r for r in candidates if name_key(r.first_name) == key), None)


def _locked_request(join_request: JoinRequest) -> JoinRequest:
    return JoinRequest.objects.select_for_update().select_related("group").get(pk=join_request.pk)


def request_mark_contacted(*, join_request: JoinRequest, note: str = "") -> JoinRequest:
    with transaction.atomic():
        locked = _locked_request(join_request)
        if locked.status not in (RequestStatus.NEW, RequestStatus.WAITING):
            raise GroupError(_("This request has already been handled."))
        locked.status = RequestStatus.CONTACTED
        if note:
            locked.note = note
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "note", "handled_at"])
        _request_handled(locked)
    return locked


def request_accept(*, join_request: JoinRequest, last_name: str = "") -> Member:
    """Make the person a member; under a lock on the group so it never goes over its size."""
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=join_request.group_id)
        locked = _locked_request(join_request)
        if locked.status not in OPEN_REQUEST_STATUSES:
            raise GroupError(_("This request has already been handled."))
        if group_is_full(group):
            raise GroupError(
                _(
                    "The group is full (%(size)s people). Keep the person on the waiting list "
                    "until someone leaves, or raise the group's maximum size."
                )
                % {"size": group.max_size}
            )
        member = Member.objects.create(
            group=group,
            first_name=locked.first_name,
            last_name=last_name.strip(),
            phone=locked.phone,
            email=locked.email,
            request=locked,
        )
        locked.status, locked.handled_at = RequestStatus.JOINED, timezone.now()
        locked.save(update_fields=["status", "handled_at"])
        _request_handled(locked)
    return member


def request_decline(*, join_request: JoinRequest, message: str, withdrawn: bool = False):
    """Decline (or record that the person withdrew). A kind message goes to the person by
    e-mail when they gave one; otherwise the facilitator tells them by phone."""
    with transaction.atomic():
        locked = _locked_request(join_request)
        if locked.status not in OPEN_REQUEST_STATUSES:
            raise GroupError(_("This request has already been handled."))
        locked.status = RequestStatus.WITHDRAWN if withdrawn else RequestStatus.DECLINED
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_at"])
        _request_handled(locked)
        if not withdrawn and locked.email and message.strip():
            _queue_request_email(locked, "request_declined", message=message.strip())
    return locked


def request_save_note(*, join_request: JoinRequest, note: str) -> None:
    JoinRequest.objects.filter(pk=join_request.pk).update(note=note.strip())


# --- Members and erasure ----------------------------------------------------------------------


def member_leave(*, member: Member, on: datetime.date) -> Member:
    if member.left_on is not None:
        raise GroupError(_("This member has already left."))
    if on < member.joined_on:
        raise GroupError(_("A member cannot leave before joining."))
    if on > timezone.localdate():
        raise GroupError(_("Record a leaving date once it has come."))
    Member.objects.filter(pk=member.pk).update(left_on=on)
    # A place in the group may be free now: the public list says whether it takes members.
    public_cache.changed("groups")
    member.left_on = on
    return member


def member_erase(*, member: Member, user: User) -> None:
    """Erase a former member's personal data, keeping the anonymous facts (joined, left, which
    meetings they attended) that the counts are made of. Their request goes too."""
    if member.left_on is None:
        raise GroupError(_("Only a former member's data can be erased: record that they left."))
    with transaction.atomic():
        _scrub_notes(member.group, [member.first_name, member.last_name])
        Member.objects.filter(pk=member.pk).update(
            first_name="", last_name="", phone="", email="", erased_at=timezone.now()
        )
        same_person = JoinRequest.objects.filter(group=member.group, erased_at__isnull=True)
        contacts = same_contact_q(phone=member.phone, email=member.email)
        ids = {member.request_id} if member.request_id else set()
        ids |= set(same_person.filter(contacts).values_list("pk", flat=True))
        for pk in ids:
            _erase_request(pk)
        log_access(user, member.group, AccessAction.ERASE, member.pk)


def request_erase(*, join_request: JoinRequest, user: User) -> None:
    if join_request.status not in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        raise GroupError(_("Only a declined or withdrawn request can be erased."))
    with transaction.atomic():
        _scrub_notes(join_request.group, [join_request.first_name])
        _erase_request(join_request.pk)
        log_access(user, join_request.group, AccessAction.ERASE, join_request.pk)


def _scrub_notes(group: Group, names: list[str]) -> None:
    """Private notes are where names turn up: replace the person's names in the group's notes."""
    names = [name for name in names if len(name.strip()) >= 2]
    if not names:
        return
    # However the name's apostrophes, hyphens and spaces were written in the notes.
    pattern = re.compile("|".join(name_pattern(name).pattern for name in names), re.IGNORECASE)
    for model, field in ((Meeting, "notes"), (JoinRequest, "note")):
        for pk, text in model.objects.filter(group=group).values_list("pk", field):
            if text and pattern.search(text):
                model.objects.filter(pk=pk).update(**{field: pattern.sub("[…]", text)})


def _erase_request(pk: int) -> None:
    """Erase one request's personal data, with everything written to or about the person: its
    e-mails, text messages and call-list items."""
    forget_messages_regarding(JoinRequest, pk)  # e-mails, text messages and call items
    JoinRequest.objects.filter(pk=pk).update(
        first_name="",
        phone="",
        email="",
        contact_time="",
        message="",
        note="",
        erased_at=timezone.now(),
    )


# --- Meetings -----------------------------------------------------------------------------------


def meetings_generate(*, group: Group, start: datetime.date, end: datetime.date) -> int:
    """Create the regular meetings of a term. Days that already have a meeting are skipped (by
    local date, so a changed start time or a daylight-saving change never doubles a day), and
    the group row is locked so two clicks cannot both insert."""
    if end < start:
        raise GroupError(_("The end of the term cannot be before its start."))
    if (end - start).days > 366:
        raise GroupError(_("Plan at most a year at a time."))
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        first = group.meetings.order_by("starts_at").values_list("starts_at", flat=True).first()
        anchor = timezone.localtime(first, tz).date() if first else None
        taken = {
            timezone.localtime(moment, tz).date()
            for moment in group.meetings.values_list("starts_at", flat=True)
        }
        new = [
            Meeting(
                group=group,
                starts_at=timezone.make_aware(datetime.datetime.combine(day, group.starts_at), tz),
            )
            for day in group.meeting_dates(start, end, anchor)
            if day not in taken
        ]
        Meeting.objects.bulk_create(new, ignore_conflicts=True)
        public_cache.changed("groups")
    return len(new)


def meeting_record(
    *, meeting: Meeting, attended: list[int], topic: str, notes: str, outcome: str
) -> Meeting:
    """Save what happened: held (with attendance of the group's members on the checklist),
    cancelled, or still planned. A meeting in the future cannot have been held."""
    if outcome == "held" and timezone.localtime(meeting.starts_at).date() > timezone.localdate():
        raise GroupError(_("A meeting in the future cannot be marked as held."))
    with transaction.atomic():
        held = outcome == "held"
        valid = (
            set(meeting.group.members.filter(pk__in=attended).values_list("pk", flat=True))
            if held
            else set()
        )
        meeting.attendees.set(valid)
        meeting.topic, meeting.notes = topic.strip(), notes.strip()
        meeting.held, meeting.cancelled = held, outcome == "cancelled"
        meeting.save(update_fields=["topic", "notes", "held", "cancelled"])
    return meeting
