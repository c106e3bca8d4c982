"""Changing self-help groups: requests to join, members, meetings, erasure, the access log."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calportal.accounts.models import User
from selfhelp.models import (
    AccessAction,
    AccessLog,
    Group,
    GroupStatus,
    JoinRequest,
    Meeting,
    Member,
    RequestStatus,
)


class GroupError(Exception):
    """A step that cannot happen; the message is shown as it is."""


def log_access(user: User, group: Group, action: str, object_id: int | None = None) -> None:
    AccessLog.objects.create(user=user, group=group, action=action, object_id=object_id)


def current_members(group: Group) -> int:
    return group.members.filter(left_on__isnull=True).count()


def group_is_full(group: Group) -> bool:
    return current_members(group) >= group.max_size


# --- Requests -----------------------------------------------------------------------------------


def request_create(*, group: Group, data: dict) -> JoinRequest:
    """A request from the public page. A closed group takes none; a full group, or one that does
    not take members now, puts the person on its waiting list (the page says so first)."""
    from selfhelp.tasks import send_request_confirmation

    if group.status == GroupStatus.CLOSED:
        raise GroupError(_("This group has closed and does not take requests."))
    waiting = not group.accepts_members or group_is_full(group)
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
    if join_request.email:
        transaction.on_commit(lambda: send_request_confirmation.delay(join_request.pk))
    return join_request


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
    return locked


def request_accept(*, join_request: JoinRequest, last_name: str = "") -> Member:
    """Make the person a member; under a lock on the group so it never goes over its size."""
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=join_request.group_id)
        locked = _locked_request(join_request)
        if locked.status not in (RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.CONTACTED):
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
    return member


def request_decline(*, join_request: JoinRequest, message: str, withdrawn: bool = False):
    """Decline (or record that the person withdrew). A kind message goes to the person by
    e-mail when they gave one; otherwise the facilitator tells them by phone."""
    from selfhelp.tasks import send_request_declined

    with transaction.atomic():
        locked = _locked_request(join_request)
        if locked.status not in (RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.CONTACTED):
            raise GroupError(_("This request has already been handled."))
        locked.status = RequestStatus.WITHDRAWN if withdrawn else RequestStatus.DECLINED
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_at"])
        if not withdrawn and locked.email and message.strip():
            transaction.on_commit(lambda: send_request_declined.delay(locked.pk, message.strip()))
    return locked


def request_save_note(*, join_request: JoinRequest, note: str) -> None:
    JoinRequest.objects.filter(pk=join_request.pk).update(note=note.strip())


# --- Members and erasure ----------------------------------------------------------------------


def member_leave(*, member: Member, on: datetime.date) -> Member:
    if on < member.joined_on:
        raise GroupError(_("A member cannot leave before joining."))
    Member.objects.filter(pk=member.pk).update(left_on=on)
    member.left_on = on
    return member


def member_erase(*, member: Member, user: User) -> None:
    """Erase a former member's personal data, keeping the anonymous facts (joined, left, which
    meetings they attended) that the counts are made of. Their request goes too."""
    if member.left_on is None:
        raise GroupError(_("Only a former member's data can be erased: record that they left."))
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(
            first_name="", last_name="", phone="", email="", erased_at=timezone.now()
        )
        if member.request_id:
            _erase_request(member.request_id)
        log_access(user, member.group, AccessAction.ERASE, member.pk)


def request_erase(*, join_request: JoinRequest, user: User) -> None:
    if join_request.status not in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        raise GroupError(_("Only a declined or withdrawn request can be erased."))
    with transaction.atomic():
        _erase_request(join_request.pk)
        log_access(user, join_request.group, AccessAction.ERASE, join_request.pk)


def _erase_request(pk: int) -> None:
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
    """Create the regular meetings of a term; days that already have a meeting are skipped."""
    if end < start:
        raise GroupError(_("The end of the term cannot be before its start."))
    if (end - start).days > 366:
        raise GroupError(_("Plan at most a year at a time."))
    tz = timezone.get_current_timezone()
    times = [
        timezone.make_aware(datetime.datetime.combine(day, group.starts_at), tz)
        for day in group.meeting_dates(start, end)
    ]
    existing = set(group.meetings.filter(starts_at__in=times).values_list("starts_at", flat=True))
    new = [Meeting(group=group, starts_at=moment) for moment in times if moment not in existing]
    Meeting.objects.bulk_create(new)
    return len(new)


def meeting_record(*, meeting: Meeting, attended: list[int], topic: str, notes: str, held: bool):
    """Save attendance (only of the group's members on the checklist) and the notes."""
    with transaction.atomic():
        valid = set(meeting.group.members.filter(pk__in=attended).values_list("pk", flat=True))
        meeting.attendees.set(valid)
        meeting.topic, meeting.notes = topic.strip(), notes.strip()
        meeting.held = held or bool(valid)
        meeting.cancelled = False if meeting.held else meeting.cancelled
        meeting.save(update_fields=["topic", "notes", "held", "cancelled"])
    return meeting
