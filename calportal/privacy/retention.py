"""The retention task (PRIVACY.md §1): for each rule of :data:`calportal.privacy.rules.RULES`
a sweeper finds what fell due under the rule's current period and anonymises or deletes it.

Each sweeper has ``due(today)`` (what is due on ``today``, a local date: a queryset or a list)
and ``apply(items, today=, user=)`` (does it; returns a :class:`Done`). :func:`run` applies
every rule in its own transaction and records a :class:`~calportal.privacy.models.RetentionRun`;
:func:`due_soon` lists what falls due in the coming days.

Anchors are local (Europe/Warsaw) dates: an event's is the local date of its start, a file's
the local date of its creation. A person's year (PRIVACY.md §2: one anonymous row per person
and calendar year) is anonymised only once every fact of that year is due — under the rule
of each fact (a plain registration, a project's or a public task's, a pass). Cancelled
registrations and waiting lists never promoted go on their own, 30 days after the event.
"""

import contextlib
import datetime
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import (
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast, Greatest
from django.utils import timezone

from calportal.privacy.models import RetentionRule, RetentionRun, RetentionUnit
from calportal.privacy.rules import RULES, rule

logger = logging.getLogger(__name__)

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
ONE_DAY = datetime.timedelta(days=1)
# "Not due while it lasts" (an active pass): later than any date a run can have.
NEVER = datetime.date.max


@dataclass
class Done:
    """What one rule did: how many records (person-years for people anonymised) and which
    calendar years of participants it anonymised (for the small-cell check)."""

    count: int = 0
    years: set = field(default_factory=set)


# -- dates ---------------------------------------------------------------------------------


def last_anchor(retention_rule: RetentionRule, day: datetime.date) -> datetime.date:
    """The latest anchor date whose data is due on ``day`` under ``retention_rule`` (so data
    anchored on or before it is due): the inverse of :meth:`RetentionRule.due`. Raises
    ``ValueError`` for the AGREEMENT unit, whose dates are each agreement's own."""
    amount, unit = retention_rule.amount, retention_rule.unit
    try:
        if unit == RetentionUnit.DAYS:
            return day - datetime.timedelta(days=amount)
        if unit == RetentionUnit.JUNE_30:
            year = day.year - amount - (0 if day >= datetime.date(day.year, 7, 1) else 1)
            return datetime.date(year, 12, 31)
        if unit == RetentionUnit.FULL_YEARS:
            return datetime.date(day.year - amount - 1, 12, 31)
        if unit in (RetentionUnit.MONTHS, RetentionUnit.YEARS):
            from dateutil.relativedelta import relativedelta

            step = {"months": amount} if unit == RetentionUnit.MONTHS else {"years": amount}
            anchor = day - relativedelta(**step)
            # Month arithmetic clamps (31 Jan + 1 month = 28 Feb): step to the exact inverse.
            while retention_rule.due(anchor + ONE_DAY) <= day:
                anchor += ONE_DAY
            while retention_rule.due(anchor) > day:
                anchor -= ONE_DAY
            return anchor
    except (OverflowError, ValueError):
        return datetime.date.min
    raise ValueError(f"{retention_rule.code}: the date is the agreement's own")


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware moment the local ``day`` begins."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=WARSAW)


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, WARSAW).date()


def _on_or_before(field_name: str, day: datetime.date, *, moment: bool) -> Q:
    """``field_name``'s (local) date is ``day`` or earlier."""
    if moment:
        return Q(**{f"{field_name}__lt": local_midnight(day + ONE_DAY)})
    return Q(**{f"{field_name}__lte": day})


def _forget(objects) -> None:
    """Make the audit trail's entries about ``objects`` unreadable as personal data."""
    from calportal.audit.services import forget

    if objects:
        forget(objects)


def _anonymise():
    from calportal.privacy import anonymise

    return anonymise


# -- sweepers of records with one anchor date each -----------------------------------------


class Sweeper:
    """One rule: ``records()`` are the candidates not handled yet; ``anchor`` names the field
    (a date, or a moment read as its local date when ``moment``) the period counts from."""

    code = ""
    anchor = ""
    moment = False

    @property
    def rule(self) -> RetentionRule:
        return rule(self.code)

    def records(self) -> QuerySet:
        raise NotImplementedError

    def due(self, today: datetime.date):
        return self.records().filter(
            _on_or_before(self.anchor, last_anchor(self.rule, today), moment=self.moment)
        )

    def count(self, items) -> int:
        return items.count() if isinstance(items, QuerySet) else len(items)

    def soon(self, today: datetime.date, until: datetime.date) -> tuple[int, datetime.date | None]:
        """How many fall due after ``today`` up to ``until``, and the first day one does."""
        current_rule = self.rule
        window = self.due(until).exclude(
            _on_or_before(self.anchor, last_anchor(current_rule, today), moment=self.moment)
        )
        figures = window.aggregate(first=Min(self.anchor))
        count = window.count()
        if not count or figures["first"] is None:
            return 0, None
        first = figures["first"]
        if isinstance(first, datetime.datetime):
            first = local_date(first)
        return count, current_rule.due(first)

    def apply(self, items, *, today: datetime.date, user=None) -> Done:
        raise NotImplementedError


class AccessibilityNeeds(Sweeper):
    code, anchor, moment = "accessibility_needs", "event__starts_at", True

    def records(self):
        from initiatives.models import Registration

        return Registration.objects.exclude(accessibility_needs="")

    def apply(self, items, *, today, user=None):
        return Done(_anonymise().delete_accessibility_text(items))


class CancelledRegistrations(Sweeper):
    """Cancelled registrations and waiting-list places never promoted, moved one by one to the
    person's anonymous row of the year (they count in no person figure); a person left with
    nothing else is anonymised whole."""

    code, anchor, moment = "cancelled_registration", "event__starts_at", True

    def records(self):
        from initiatives.models import Registration, RegistrationStatus

        return Registration.objects.filter(participant__anonymised_year=None).exclude(
            status=RegistrationStatus.CONFIRMED
        )

    def apply(self, items, *, today, user=None):
        from initiatives.models import Participant

        anonymise = _anonymise()
        moved = list(items.values_list("participant_id", "event__starts_at"))
        done = Done(
            anonymise.anonymise_registrations(items), {local_date(m).year for _p, m in moved}
        )
        left_with_nothing = Participant.objects.filter(
            pk__in={participant_id for participant_id, _moment in moved}, anonymised_year=None
        ).filter(registrations=None, passes=None)
        for participant in left_with_nothing:
            anonymise.anonymise_participant(participant)
        return done


class PassApplicationRejected(Sweeper):
    # PassApplication has no decision date: the period counts from its receipt.
    code, anchor, moment = "pass_application_rejected", "created_at", True

    def records(self):
        from initiatives.models import PassApplication
        from initiatives.passes.models import ApplicationStatus

        return PassApplication.objects.filter(status=ApplicationStatus.REJECTED, call_back=False)

    def apply(self, items, *, today, user=None):
        return Done(_delete_applications(items))


class PassCallBack(Sweeper):
    """Handled requests to be called back (issued or rejected), from their receipt."""

    code, anchor, moment = "pass_call_back", "created_at", True

    def records(self):
        from initiatives.models import PassApplication
        from initiatives.passes.models import ApplicationStatus

        return PassApplication.objects.filter(call_back=True).exclude(status=ApplicationStatus.NEW)

    def apply(self, items, *, today, user=None):
        return Done(_delete_applications(items))


def _delete_applications(items) -> int:
    from calportal.outbox.services import forget_messages_regarding
    from initiatives.models import PassApplication

    applications = list(items)
    for application in applications:
        forget_messages_regarding(PassApplication, application.pk)
    _forget(applications)
    PassApplication.objects.filter(pk__in=[a.pk for a in applications]).delete()
    return len(applications)


class VolunteerApplicant(Sweeper):
    """The public form's promise: applicants who never started (no hours, no certificate, no
    agreement signed, no shift taken) are deleted six months after they applied. Whoever
    signed an agreement or took a shift falls under ``volunteer_contact`` and
    ``volunteer_agreement`` instead (art. 17(3)(b)/(e))."""

    code, anchor, moment = "volunteer_applicant", "created_at", True

    def records(self):
        from volunteers.models import (
            Agreement,
            Assignment,
            Certificate,
            HoursEntry,
            Volunteer,
            VolunteerStatus,
        )

        return (
            Volunteer.objects.filter(
                status__in=[VolunteerStatus.APPLICANT, VolunteerStatus.ENDED],
                anonymised_year=None,
            )
            .filter(~Exists(HoursEntry.objects.filter(volunteer=OuterRef("pk"))))
            .filter(~Exists(Certificate.objects.filter(volunteer=OuterRef("pk"))))
            .filter(~Exists(Agreement.objects.filter(volunteer=OuterRef("pk"))))
            .filter(~Exists(Assignment.objects.filter(volunteer=OuterRef("pk"))))
        )

    def apply(self, items, *, today, user=None):
        from calportal.outbox.services import forget_messages_regarding
        from volunteers.models import Volunteer

        volunteers = list(items)
        for volunteer in volunteers:
            forget_messages_regarding(Volunteer, volunteer.pk)
        _forget(volunteers)
        for volunteer in volunteers:
            volunteer.delete()
        return Done(len(volunteers))


VOLUNTEER_CONTACT_TEXT = ("email", "phone", "languages", "notes", "message")


class VolunteerContact(Sweeper):
    code, anchor = "volunteer_contact", "ended_on"

    def records(self):
        from volunteers.models import Volunteer, VolunteerStatus

        has_any = Q(availability__len__gt=0) | Q(skills__isnull=False) | Q(areas__isnull=False)
        for name in VOLUNTEER_CONTACT_TEXT:
            has_any |= ~Q(**{name: ""})
        ids = Volunteer.objects.filter(has_any).values("pk")
        return Volunteer.objects.filter(
            status=VolunteerStatus.ENDED, ended_on__isnull=False, anonymised_year=None, pk__in=ids
        )

    def apply(self, items, *, today, user=None):
        from calportal.outbox.services import forget_messages_regarding
        from volunteers.models import Volunteer

        volunteers = list(items)
        for volunteer in volunteers:
            forget_messages_regarding(Volunteer, volunteer.pk)
            volunteer.skills.clear()
            volunteer.areas.clear()
        _forget(volunteers)
        Volunteer.objects.filter(pk__in=[v.pk for v in volunteers]).update(
            availability=[], **{name: "" for name in VOLUNTEER_CONTACT_TEXT}
        )
        return Done(len(volunteers))


class VolunteerAgreement(Sweeper):
    """Ended volunteers, from the later of their end and their last agreement's end."""

    code, anchor = "volunteer_agreement", "agreement_end"

    def records(self):
        from volunteers.models import Volunteer, VolunteerStatus

        return (
            Volunteer.objects.filter(
                status=VolunteerStatus.ENDED, ended_on__isnull=False, anonymised_year=None
            )
            .annotate(last_agreement=Max("agreements__ends_on"))
            .annotate(agreement_end=Greatest("ended_on", "last_agreement"))
        )

    def due(self, today):
        cutoff = last_anchor(self.rule, today)
        return self.records().filter(
            Q(agreement_end__lte=cutoff) | Q(last_agreement=None, ended_on__lte=cutoff)
        )

    def soon(self, today, until):
        after = {v.pk for v in self.due(today)}
        window = [v for v in self.due(until) if v.pk not in after]
        if not window:
            return 0, None
        first = min(v.agreement_end or v.ended_on for v in window)
        return len(window), self.rule.due(first)

    def apply(self, items, *, today, user=None):
        anonymise = _anonymise()
        done = 0
        for volunteer in list(items):
            anonymise.anonymise_volunteer(volunteer)
            done += 1
        return Done(done)


class ChildSafetyCheck(Sweeper):
    code, anchor = "child_safety_check", "volunteer__ended_on"

    def records(self):
        from volunteers.models import ChildSafetyCheck as Check
        from volunteers.models import VolunteerStatus

        return Check.objects.filter(
            volunteer__status=VolunteerStatus.ENDED, volunteer__ended_on__isnull=False
        )

    def apply(self, items, *, today, user=None):
        from volunteers.models import ChildSafetyCheck as Check

        checks = list(items)
        _forget(checks)
        Check.objects.filter(pk__in=[check.pk for check in checks]).delete()
        return Done(len(checks))


class SelfhelpRequest(Sweeper):
    code, anchor, moment = "selfhelp_request", "handled_at", True

    def records(self):
        from selfhelp.models import JoinRequest, RequestStatus

        return JoinRequest.objects.filter(
            status__in=[RequestStatus.DECLINED, RequestStatus.WITHDRAWN],
            erased_at=None,
            handled_at__isnull=False,
        )

    def apply(self, items, *, today, user=None):
        from selfhelp import services

        requests = list(items)
        _forget(requests)
        for join_request in requests:
            if user is not None:
                services.request_erase(join_request=join_request, user=user)
            else:
                # The nightly run has no user for the group's access log; its run is the record.
                services._scrub_notes(join_request.group, [join_request.first_name])
                services._erase_request(join_request.pk)
        return Done(len(requests))


class SelfhelpMember(Sweeper):
    code, anchor = "selfhelp_member", "left_on"

    def records(self):
        from selfhelp.models import Member

        return Member.objects.filter(left_on__isnull=False, erased_at=None)

    def apply(self, items, *, today, user=None):
        from selfhelp import services
        from selfhelp.models import JoinRequest, Member

        members = list(items.select_related("group"))
        _forget(members)
        for member in members:
            if user is not None:
                services.member_erase(member=member, user=user)
                continue
            # As services.member_erase, without the access-log line (no user at night).
            services._scrub_notes(member.group, [member.first_name, member.last_name])
            Member.objects.filter(pk=member.pk).update(
                first_name="", last_name="", phone="", email="", erased_at=timezone.now()
            )
            same_person = JoinRequest.objects.filter(group=member.group, erased_at__isnull=True)
            ids = {member.request_id} if member.request_id else set()
            ids |= set(
                same_person.filter(
                    services.same_contact_q(phone=member.phone, email=member.email)
                ).values_list("pk", flat=True)
            )
            for pk in ids:
                services._erase_request(pk)
        return Done(len(members))


class FacilitatorNotes(Sweeper):
    """Meetings' private notes a period after the meeting, requests' notes after the request."""

    code = "facilitator_notes"

    def _parts(self, day):
        from selfhelp.models import JoinRequest, Meeting

        cutoff = last_anchor(self.rule, day)
        meetings = Meeting.objects.exclude(notes="").filter(
            _on_or_before("starts_at", cutoff, moment=True)
        )
        requests = JoinRequest.objects.exclude(note="").filter(
            _on_or_before("created_at", cutoff, moment=True)
        )
        return meetings, requests

    def due(self, today):
        meetings, requests = self._parts(today)
        return [*meetings, *requests]

    def soon(self, today, until):
        before = {(type(o), o.pk) for o in self.due(today)}
        window = [o for o in self.due(until) if (type(o), o.pk) not in before]
        if not window:
            return 0, None
        first = min(local_date(getattr(o, "starts_at", None) or o.created_at) for o in window)
        return len(window), self.rule.due(first)

    def apply(self, items, *, today, user=None):
        from selfhelp.models import JoinRequest, Meeting

        Meeting.objects.filter(pk__in=[o.pk for o in items if isinstance(o, Meeting)]).update(
            notes=""
        )
        JoinRequest.objects.filter(
            pk__in=[o.pk for o in items if isinstance(o, JoinRequest)]
        ).update(note="")
        return Done(len(items))


class MapReportContact(Sweeper):
    code, anchor, moment = "map_report_contact", "handled_at", True

    def records(self):
        from calportal.privacy.models import Consent
        from resources_map.models import ReportStatus, ResidentReport

        consents = Consent.objects.filter(resident_report=OuterRef("pk"))
        return (
            ResidentReport.objects.exclude(status=ReportStatus.NEW)
            .filter(handled_at__isnull=False)
            .filter(~Q(name="") | ~Q(email="") | ~Q(phone="") | Exists(consents))
        )

    def apply(self, items, *, today, user=None):
        from calportal.outbox.services import forget_messages_regarding
        from calportal.privacy.models import Consent
        from resources_map.models import ResidentReport

        reports = list(items)
        ids = [r.pk for r in reports]
        for pk in ids:
            forget_messages_regarding(ResidentReport, pk)
        _forget(reports)
        Consent.objects.filter(resident_report__in=ids).delete()
        ResidentReport.objects.filter(pk__in=ids).update(name="", email="", phone="")
        return Done(len(ids))


DELETED_ACCOUNT_DOMAIN = "konto-usuniete.invalid"  # RFC 2606: never delivered


class StaffAccount(Sweeper):
    code, anchor, moment = "staff_account", "deactivated_at", True

    def records(self):
        from calportal.accounts.models import User

        return User.objects.filter(is_active=False, deactivated_at__isnull=False).exclude(
            email__endswith="@" + DELETED_ACCOUNT_DOMAIN
        )

    def apply(self, items, *, today, user=None):
        users = list(items)
        _forget(users)
        for account in users:
            account.full_name = f"konto usunięte #{account.pk}"
            account.email = f"konto-{account.pk}@{DELETED_ACCOUNT_DOMAIN}"
            account.phone = ""
            account.password = make_password(None)  # unusable
            account.save(update_fields=["full_name", "email", "phone", "password"])
        return Done(len(users))


class LoginAttempts(Sweeper):
    """django-axes' attempts, failures and access log."""

    code = "login_attempts"

    def _querysets(self, day):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        before = local_midnight(last_anchor(self.rule, day) + ONE_DAY)
        return [
            model.objects.filter(attempt_time__lt=before)
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        ]

    def due(self, today):
        return self._querysets(today)

    def count(self, items):
        return sum(queryset.count() for queryset in items)

    def soon(self, today, until):
        now_due = self.count(self.due(today))
        later = self._querysets(until)
        count = self.count(later) - now_due
        if count <= 0:
            return 0, None
        before = local_midnight(last_anchor(self.rule, today) + ONE_DAY)
        firsts = [
            q.filter(attempt_time__gte=before).aggregate(first=Min("attempt_time"))["first"]
            for q in later
        ]
        first = min(local_date(moment) for moment in firsts if moment)
        return count, self.rule.due(first)

    def apply(self, items, *, today, user=None):
        done = 0
        for queryset in items:
            done += queryset.delete()[0]
        return Done(done)


# -- files ---------------------------------------------------------------------------------

# Document kinds whose files name people (PRIVACY.md §1 "generated files with personal data").
# Reports' files name nobody but show small numbers in their internal variant, so only that
# variant's files count; the project list has a rule of its own (7 days).
PERSONAL_DOCUMENT_KINDS = {
    "initiatives.attendance_sheet",  # names of the registered people
    "passes.cards",  # holders' names on printable passes
    "volunteers.certificate",  # the volunteer's name and hours (re-creatable)
}
REPORT_DOCUMENT_KINDS = {"reports.pdf", "reports.xlsx", "reports.csv"}
SELFHELP_REPORT_KIND = "selfhelp.report"


def document_files_delete(documents, *, now: datetime.datetime | None = None) -> int:
    """Delete the files of ``documents`` (a queryset or list of Document), keeping each row as
    the record of who asked for what and when, with ``params["deleted_at"]``; a document not
    finished yet is marked failed. Idempotent;
    returns how many documents it marked."""
    from calportal.documents.models import Document, DocumentStatus

    now = now or timezone.now()
    done = 0
    for document_id in [d.pk for d in documents]:
        with transaction.atomic():
            document = Document.objects.select_for_update().filter(pk=document_id).first()
            if document is None or "deleted_at" in document.params:
                continue
            if document.file:
                # At once, not on commit: a rolled-back run leaves a row without its file,
                # which the next run marks; never a file nobody will delete.
                document.file.delete(save=False)
            document.params = {**document.params, "deleted_at": now.isoformat()}
            if document.status != DocumentStatus.READY:
                document.status = DocumentStatus.FAILED
            document.save(update_fields=["file", "params", "status"])
            done += 1
    return done


class GeneratedFiles(Sweeper):
    code, anchor, moment = "generated_files", "created_at", True

    def records(self):
        from calportal.documents.models import Document
        from calportal.reports.models import ReportRun, Variant

        internal_run = ReportRun.objects.filter(
            pk=Cast(KeyTextTransform("run", OuterRef("params")), IntegerField()),
            variant=Variant.INTERNAL,
        )
        personal = (
            Q(kind__in=PERSONAL_DOCUMENT_KINDS)
            | Q(kind=SELFHELP_REPORT_KIND, params__variant="internal")
            | (Q(kind__in=REPORT_DOCUMENT_KINDS) & Q(Exists(internal_run)))
        )
        return Document.objects.filter(personal).exclude(params__has_key="deleted_at")

    def apply(self, items, *, today, user=None):
        return Done(document_files_delete(items))


class ProjectParticipantList(Sweeper):
    code, anchor, moment = "project_participant_list", "created_at", True

    def records(self):
        from calportal.documents.models import Document
        from calportal.projects.documents import KIND

        return Document.objects.filter(kind=KIND).exclude(params__has_key="deleted_at")

    def apply(self, items, *, today, user=None):
        return Done(document_files_delete(items))


class DocumentMetadata(Sweeper):
    """Document rows a period after their file was deleted."""

    code, anchor, moment = "document_metadata", "file_deleted_at", True

    def records(self):
        from calportal.documents.models import Document

        return Document.objects.filter(params__has_key="deleted_at").annotate(
            file_deleted_at=Cast(KT("params__deleted_at"), DateTimeField())
        )

    def apply(self, items, *, today, user=None):
        from calportal.documents.models import Document

        ids = list(items.values_list("pk", flat=True))
        Document.objects.filter(pk__in=ids).delete()
        return Done(len(ids))


SUBJECT_ACCESS_PACKAGE_KIND = "privacy.subject_access_package"


class SubjectAccessPackage(Sweeper):
    """A package's file a period after it was made, however it was delivered, and each link's
    secrets (the token's and the PIN's hashes), so that a link can never open anything
    again (PRIVACY.md §3: the link valid 7 days, the file deleted after 7 days)."""

    code = "subject_access_package"

    def _parts(self, day):
        from calportal.documents.models import Document
        from calportal.privacy.models import DeliveryLink

        cutoff = last_anchor(self.rule, day)
        links = DeliveryLink.objects.exclude(pin_hash="").filter(
            _on_or_before("created_at", cutoff, moment=True)
        )
        documents = (
            Document.objects.filter(kind=SUBJECT_ACCESS_PACKAGE_KIND)
            .exclude(params__has_key="deleted_at")
            .filter(_on_or_before("created_at", cutoff, moment=True))
        )
        return links, documents

    def due(self, today):
        return self._parts(today)

    def count(self, items):
        links, documents = items
        return links.count() + documents.count()

    def soon(self, today, until):
        before = {(type(o), o.pk) for part in self.due(today) for o in part}
        window = [o for part in self.due(until) for o in part if (type(o), o.pk) not in before]
        if not window:
            return 0, None
        return len(window), self.rule.due(min(local_date(o.created_at) for o in window))

    def apply(self, items, *, today, user=None):
        from calportal.documents.models import Document
        from calportal.privacy.models import DeliveryLink

        links, documents = (list(part) for part in items)
        linked = Document.objects.filter(pk__in=[link.document_id for link in links])
        done = document_files_delete([*documents, *linked])
        for link in links:
            DeliveryLink.objects.filter(pk=link.pk).update(
                token_hash=f"expired:{link.pk}", pin_hash=""
            )
        return Done(done + len(links))


class AuditTrail(Sweeper):
    """The portal's audit trail (part F's, deleted through its service) and the self-help
    groups' access log."""

    code = "audit_trail"

    def _cutoff(self, day) -> datetime.datetime:
        return local_midnight(last_anchor(self.rule, day) + ONE_DAY)

    def due(self, today):
        return [self._cutoff(today)]

    def count(self, items):
        # The audit trail's own purge, rolled back: it is all in the database.
        with transaction.atomic():
            done = self.apply(items, today=None).count
            transaction.set_rollback(True)
        return done

    def soon(self, today, until):
        count = self.count(self.due(until)) - self.count(self.due(today))
        if count <= 0:
            return 0, None
        from auditlog.models import LogEntry

        from calportal.audit.models import AccessEvent

        cutoff = self._cutoff(today)
        starts = [
            AccessEvent.objects.filter(at__gte=cutoff).aggregate(first=Min("at"))["first"],
            LogEntry.objects.filter(timestamp__gte=cutoff).aggregate(first=Min("timestamp"))[
                "first"
            ],
        ]
        start = min((moment for moment in starts if moment), default=None)
        return count, self.rule.due(local_date(start)) if start else None

    def apply(self, items, *, today, user=None):
        from calportal.audit.services import purge_older_than

        (cutoff,) = items
        # The self-help access log is part of the portal's (calportal.audit): one purge.
        return Done(purge_older_than(cutoff))


# -- people: participants' years -------------------------------------------------------------


@dataclass
class PersonYear:
    participant_id: int
    year: int
    due: datetime.date  # the first day every fact of the year is due
    rule: str  # the rule whose date is the latest (the one that decides)


PERSON_RULES = (
    "registration",
    "project_registration",
    "public_task_registration",
    "pass_holder",
)


def person_years() -> list[PersonYear]:
    """Every identifiable participant's calendar years with the day each falls due: the latest
    of the due days of its facts — each confirmed registration under its rule (a project's
    event: the day after the project's retention end; a public task's event: full years after
    the task; otherwise 30 June of the next year), and, for the years a pass
    of theirs was valid, the pass rule (a period after the last pass ended; never while one is
    active or suspended). A participant with no facts at all is due under the registration rule
    from their creation. A fixed number of queries."""
    from calportal.projects.models import Project
    from calportal.public_tasks.models import PublicTask
    from initiatives.models import EventStatus, Participant, Registration, RegistrationStatus
    from initiatives.passes.models import PassStatus, PassStatusChange, SeniorPass

    rules = {code: rule(code) for code in PERSON_RULES}

    project_ends = defaultdict(list)  # initiative → [(start, end, retention end)]
    for project in Project.objects.prefetch_related("initiatives").only(
        "start", "end", "retention_end"
    ):
        for initiative in project.initiatives.all():
            project_ends[initiative.pk].append((project.start, project.end, project.retention_end))
    task_ends_by_initiative = defaultdict(list)  # initiative → [(starts_on, ends_on)]
    task_ends_by_event = defaultdict(list)  # event → [ends_on]
    for task in PublicTask.objects.prefetch_related("initiatives", "events").only(
        "starts_on", "ends_on"
    ):
        for initiative in task.initiatives.all():
            task_ends_by_initiative[initiative.pk].append((task.starts_on, task.ends_on))
        for event in task.events.all():
            task_ends_by_event[event.pk].append(task.ends_on)

    facts = defaultdict(lambda: defaultdict(list))  # participant → year → [(due, rule)]
    registrations = Registration.objects.filter(
        participant__anonymised_year=None, status=RegistrationStatus.CONFIRMED
    ).values_list(
        "participant_id",
        "status",
        "event_id",
        "event__starts_at",
        "event__initiative_id",
        "event__status",
    )
    for participant_id, status, event_id, starts_at, initiative_id, event_status in registrations:
        day = local_date(starts_at)
        facts[participant_id][day.year].append(
            _registration_due(
                day,
                status,
                event_id,
                initiative_id,
                event_status,
                rules,
                project_ends,
                task_ends_by_initiative,
                task_ends_by_event,
                event_cancelled=event_status == EventStatus.CANCELLED,
            )
        )

    closing = {}
    for pass_id, started_on in PassStatusChange.objects.filter(
        status__in=[PassStatus.REVOKED, PassStatus.REPLACED, PassStatus.EXPIRED]
    ).values_list("senior_pass_id", "started_on"):
        closing[pass_id] = max(started_on, closing.get(pass_id, started_on))
    passes = defaultdict(list)
    for pass_id, holder_id, issued_on, valid_until, status in SeniorPass.objects.filter(
        holder__anonymised_year=None
    ).values_list("pk", "holder_id", "issued_on", "valid_until", "status"):
        if status in (PassStatus.ACTIVE, PassStatus.SUSPENDED):
            end = None
        else:
            end = min(valid_until, closing.get(pass_id, valid_until))
        passes[holder_id].append((issued_on, end))
    for holder_id, held in passes.items():
        ends = [end for _issued, end in held]
        due = NEVER if None in ends else rules["pass_holder"].due(max(ends))
        for issued_on, end in held:
            for year in range(issued_on.year, (end or issued_on).year + 1):
                facts[holder_id][year].append((due, "pass_holder"))

    orphans = (
        Participant.objects.filter(anonymised_year=None)
        .exclude(pk__in=list(facts))
        .values_list("pk", "created_at")
    )
    result = []
    for participant_id, created_at in orphans:
        day = local_date(created_at)
        result.append(
            PersonYear(participant_id, day.year, rules["registration"].due(day), "registration")
        )
    for participant_id, years in facts.items():
        for year, year_facts in years.items():
            due, code = max(year_facts, key=lambda fact: fact[0])
            result.append(PersonYear(participant_id, year, due, code))
    return result


def _registration_due(
    day,
    status,
    event_id,
    initiative_id,
    event_status,
    rules,
    project_ends,
    task_ends_by_initiative,
    task_ends_by_event,
    *,
    event_cancelled,
) -> tuple[datetime.date, str]:
    dues = [(rules["registration"].due(day), "registration")]
    if not event_cancelled:
        ends = [
            retention_end
            for start, end, retention_end in project_ends.get(initiative_id, ())
            if start <= day <= end
        ]
        if ends:
            dues.append((max(ends) + ONE_DAY, "project_registration"))
    task_ends = list(task_ends_by_event.get(event_id, ()))
    task_ends += [
        ends_on
        for starts_on, ends_on in task_ends_by_initiative.get(initiative_id, ())
        if starts_on <= day <= ends_on
    ]
    if task_ends:
        task_due = rules["public_task_registration"].due(max(task_ends))
        dues.append((task_due, "public_task_registration"))
    if len(dues) > 1:
        # A project's or a task's own date decides, even when it is earlier than the plain one.
        dues = dues[1:]
    return max(dues, key=lambda item: item[0])


class PersonYears(Sweeper):
    """One of :data:`PERSON_RULES`: the person-years whose deciding rule is this one."""

    def __init__(self, code: str, cache: dict):
        self.code = code
        self._cache = cache

    def _all(self) -> list[PersonYear]:
        if "person_years" not in self._cache:
            self._cache["person_years"] = person_years()
        return self._cache["person_years"]

    def due(self, today):
        return [py for py in self._all() if py.rule == self.code and py.due <= today]

    def soon(self, today, until):
        window = [py for py in self._all() if py.rule == self.code and today < py.due <= until]
        return len(window), min((py.due for py in window), default=None)

    def apply(self, items, *, today, user=None):
        from initiatives.models import Participant

        anonymise = _anonymise()
        done = Done()
        years_by_person = defaultdict(set)
        for item in items:
            years_by_person[item.participant_id].add(item.year)
        for participant_id, years in years_by_person.items():
            participant = (
                Participant.objects.select_for_update()
                .filter(pk=participant_id, anonymised_year=None)
                .first()
            )
            if participant is None:
                continue
            for year in sorted(years):
                if participant.registrations.exists() or participant.passes.exists():
                    anonymise.anonymise_participant_year(participant, year)
                    participant.refresh_from_db()
                done.count += 1
                done.years.add(year)
            # Nothing left to identify the person for: the identifiable row goes too.
            if not (participant.registrations.exists() or participant.passes.exists()):
                anonymise.anonymise_participant(participant)
        self._cache.pop("person_years", None)
        return done


# -- the run ---------------------------------------------------------------------------------


def sweepers() -> dict[str, Sweeper]:
    """A fresh sweeper for every rule code of :data:`RULES`, in the table's order."""
    cache: dict = {}
    simple = {
        sweeper.code: sweeper
        for sweeper in (
            AccessibilityNeeds(),
            CancelledRegistrations(),
            PassApplicationRejected(),
            PassCallBack(),
            VolunteerApplicant(),
            VolunteerContact(),
            VolunteerAgreement(),
            ChildSafetyCheck(),
            SelfhelpRequest(),
            SelfhelpMember(),
            FacilitatorNotes(),
            MapReportContact(),
            StaffAccount(),
            LoginAttempts(),
            GeneratedFiles(),
            ProjectParticipantList(),
            DocumentMetadata(),
            SubjectAccessPackage(),
            AuditTrail(),
        )
    }
    return {code: simple[code] if code in simple else PersonYears(code, cache) for code in RULES}


@contextlib.contextmanager
def _run_lock():
    """One real run at a time (a second waits, then finds nothing due): a PostgreSQL session
    advisory lock."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", ["privacy.retention"])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", ["privacy.retention"])


def apply_rule(code: str, *, today: datetime.date | None = None, user=None) -> int:
    """Apply one rule now, in one transaction (e.g. from an app's own task); returns its count."""
    today = today or timezone.localdate()
    sweeper = sweepers()[code]
    with transaction.atomic():
        return sweeper.apply(sweeper.due(today), today=today, user=user).count


def run(*, dry_run: bool = False, today: datetime.date | None = None, user=None) -> RetentionRun:
    """Apply every retention rule due on ``today`` (the local date; default today) and record
    it as a :class:`RetentionRun` (``counts``: {rule code: records}; person rules count
    person-years). Each rule runs in its own transaction: one that fails is rolled back, its
    error written to ``run.error``, and the others go on. Then the small-cell check
    (``anonymise.small_cell_check``) runs for every year anonymised and its result is stored.

    ``dry_run``: only counts what is due, changes nothing (no small-cell check). Safe to run
    twice: what was done is no longer due. PRIVACY.md §1 and §2."""
    today = today or timezone.localdate()
    retention_run = RetentionRun.objects.create(dry_run=dry_run, started_by=user)
    counts: dict[str, int] = {}
    errors: list[str] = []
    years: set[int] = set()
    lock = contextlib.nullcontext() if dry_run else _run_lock()
    with lock:
        for code, sweeper in sweepers().items():
            try:
                with transaction.atomic():
                    items = sweeper.due(today)
                    if dry_run:
                        counts[code] = sweeper.count(items)
                    else:
                        done = sweeper.apply(items, today=today, user=user)
                        counts[code] = done.count
                        years |= done.years
            except SoftTimeLimitExceeded:
                # A long backlog (a first run over years of data): this rule is rolled back,
                # the run is saved with what was done, and the next night goes on.
                errors.append(f"{code}: stopped at the task's time limit; the next run goes on")
                break
            except Exception as error:  # noqa: BLE001 - one rule's failure stops only that rule
                logger.exception("Retention rule %s failed", code)
                errors.append(f"{code}: {type(error).__name__}: {error}")
        small_cells: list = []
        if years:
            try:
                check = _anonymise().small_cell_check
                for year in sorted(years):
                    small_cells.extend(check(year))
            except Exception as error:  # noqa: BLE001
                logger.exception("The small-cell check failed")
                errors.append(f"small_cell_check: {type(error).__name__}: {error}")
    retention_run.counts = counts
    retention_run.small_cells = small_cells
    retention_run.error = "\n".join(errors)
    retention_run.finished_at = timezone.now()
    retention_run.save(update_fields=["counts", "small_cells", "error", "finished_at"])
    return retention_run


def due_soon(days: int = 30, *, today: datetime.date | None = None) -> list[dict]:
    """What falls due after ``today`` and up to ``days`` days later, per rule with anything:
    ``[{"rule": code, "label": the data kind, "count": n, "first_due": date}]``, in the
    table's order. A rule that cannot be computed is left out (and logged)."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=days)
    result = []
    for code, sweeper in sweepers().items():
        try:
            count, first = sweeper.soon(today, until)
        except Exception:  # noqa: BLE001
            logger.exception("Retention rule %s: cannot list what falls due", code)
            continue
        if count:
            result.append(
                {"rule": code, "label": RULES[code].data, "count": count, "first_due": first}
            )
    return result
