"""Erasure of one person's data on request (art. 17 RODO / GDPR), PRIVACY.md §4.

A person's records are the ones staff confirmed as theirs, in the format of
``SubjectRequest.matches``: ``[{"model": "initiatives.participant", "pk": 12}, ...]``. The
models taken are :data:`MATCH_MODELS`; a record already erased is skipped, an unknown one ignored.

:func:`preview` says what :func:`erase` will do, from the same plan, so the two always agree:

* **Steps first** (active services): future registrations are cancelled through the
  registration service (the waiting list is promoted exactly as when the person cancels), an
  active or suspended senior pass is revoked, an active volunteer's volunteering is ended, a
  current self-help member is recorded as having left and an open request as withdrawn.
  Hours waiting for a decision **block** the erasure until they are approved or rejected.
* **Erased now**: the participant is anonymised (§2, :mod:`calportal.privacy.anonymise`), pass
  applications deleted, the volunteer anonymised, the self-help member and requests erased by
  self-help's own service, the contact on map reports deleted, a staff account pseudonymised,
  e-mails to or about the person deleted (others scrubbed of their name and contact), generated
  files naming them deleted (their metadata kept).
* **Kept, with processing restricted** (art. 17(3)), each with its rule, provision and date:
  registrations for events of a project during ``Project.retention_end`` (17(3)(b)), of a
  public-task contract during the rule ``public_task_registration``, volunteer agreements and
  the certificate register during ``volunteer_agreement`` (17(3)(b)/(e); the volunteer's
  contact and profile go), and everything when it is needed for a pending complaint or claim
  (17(3)(e), :func:`erase` with ``hold_for_claim``).

Everything happens in one transaction; the files are deleted after it commits. The result is
an :class:`~calportal.privacy.models.ErasureRecord` without personal data and one
:class:`~calportal.privacy.models.RecipientNotice` per partner organisation and venue that
received the data (art. 19), naming the data by reference (event and date, volunteer number,
pass number), never by name.
"""

import datetime
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calportal.privacy.models import (
    Consent,
    DeliveryLink,
    ErasureRecord,
    RecipientNotice,
    SubjectRequest,
)
from calportal.privacy.rules import RULES, rule

logger = logging.getLogger(__name__)

# The records a match may name (``SubjectRequest.matches``); a registration or a pass stands
# for its participant.
MATCH_MODELS = (
    "initiatives.participant",
    "initiatives.registration",
    "initiatives.seniorpass",
    "initiatives.passapplication",
    "volunteers.volunteer",
    "selfhelp.joinrequest",
    "selfhelp.member",
    "resources_map.residentreport",
    "accounts.user",
)

# What ErasureRecord.erased and .kept count, by code (stored) and label (shown).
CATEGORIES = {
    "registrations_cancelled": gettext_lazy("Future registrations cancelled"),
    "registrations": gettext_lazy("Event registrations (anonymised)"),
    "participants": gettext_lazy("Participant's name and contact"),
    "passes": gettext_lazy("Senior passes (anonymised)"),
    "redemptions": gettext_lazy("Uses of the senior pass (anonymised)"),
    "pass_applications": gettext_lazy("Senior pass applications"),
    "volunteers": gettext_lazy("Volunteer profile (anonymised)"),
    "volunteer_contact": gettext_lazy("Volunteer's contact and profile"),
    "hours": gettext_lazy("Volunteer hours (anonymised)"),
    "agreements": gettext_lazy("Volunteer agreements (anonymised: dates only)"),
    "certificates": gettext_lazy("Volunteer certificates (anonymised)"),
    "child_safety_checks": gettext_lazy("Checks for work with children"),
    "selfhelp_requests": gettext_lazy("Requests to join a self-help group"),
    "selfhelp_members": gettext_lazy("Self-help group membership"),
    "map_reports": gettext_lazy("Contact on reports to the map"),
    "accounts": gettext_lazy("User account (pseudonymised)"),
    "consents": gettext_lazy("Consent records"),
    "emails": gettext_lazy("E-mails to or about the person"),
    "files": gettext_lazy("Generated files naming the person"),
    # kept
    "project_registrations": gettext_lazy("Registrations for events of an EU-funded project"),
    "public_task_registrations": gettext_lazy("Registrations for events of a public task"),
    "same_year": gettext_lazy(
        "Other registrations and passes of the same years (anonymised together with them, so "
        "that the year's figures count the person once)"
    ),
    "volunteer_agreements": gettext_lazy(
        "Volunteer agreements, insurance and briefing dates, certificates and hours"
    ),
    "everything": gettext_lazy("All the records found"),
}

# Not a retention rule of §1: data needed for a pending complaint or claim (art. 17(3)(e)).
CLAIM_RULE = "pending_claim"
CLAIM_LABEL = gettext_lazy("Data needed for a pending complaint or claim")
CLAIM_PROVISION = "art. 17(3)(e) RODO"

PSEUDONYM_DOMAIN = "konto-usuniete.invalid"


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def rule_label(code: str) -> str:
    """The §1 row's data kind for ``code`` (or the pending-claim exception's label)."""
    if code == CLAIM_RULE:
        return str(CLAIM_LABEL)
    spec = RULES.get(code)
    return str(spec.data) if spec else code


def rule_provision(code: str) -> str:
    if code == CLAIM_RULE:
        return CLAIM_PROVISION
    spec = RULES.get(code)
    return spec.provision if spec else ""


class ErasureError(Exception):
    """The erasure cannot run as asked; the message can be shown to staff as it is."""


class ErasureBlocked(ErasureError):
    """Something must be done first (hours to decide, the performer's own account);
    ``reasons`` lists each, readable."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class Erased(NamedTuple):
    label: str
    count: int


class Kept(NamedTuple):
    """A category kept with restricted processing: the rule's code, its provision, and the
    last day it is kept (None: until the complaint or claim is settled)."""

    label: str
    count: int
    rule: str
    provision: str
    until: datetime.date | None

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)


@dataclass(frozen=True)
class Step:
    """Something done before the erasure: ``kind`` is one of cancel_registration,
    revoke_pass, end_volunteering, end_membership, withdraw_request; ``text`` says it by
    reference; ``detail`` adds who is promoted from the waiting list."""

    kind: str
    text: str
    detail: str = ""


@dataclass
class Preview:
    """What :func:`erase` would do now. ``erase_now``: [(label, count)]; ``kept``:
    [(label, count, rule code, provision, until)]; ``steps_first``: [Step]; ``blocked``:
    readable reasons the erasure cannot run yet; ``recipients``: the organisations and
    venues that will be told (art. 19), by name."""

    erase_now: list[Erased] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    steps_first: list[Step] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.erase_now or self.kept or self.steps_first)


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class _ParticipantPlan:
    participant: object
    registrations: list  # all, events loaded
    to_cancel: list  # future, not cancelled
    kept: dict  # registration pk -> (category, rule code, last day kept), the contract's own
    kept_years: dict  # local year -> (rule code, last day kept): years that stay identifiable
    passes: list
    to_revoke: list
    redemptions: int
    venue_uses: dict  # venue id -> uses of the person's passes there

    def year_of(self, registration) -> int:
        return timezone.localtime(registration.event.starts_at).year

    @property
    def held(self) -> list:
        """Registrations not needed themselves but in a year that stays identifiable: a year
        is anonymised as a whole, or the person would count twice in it (PRIVACY.md §2)."""
        return [
            r
            for r in self.registrations
            if r.pk not in self.kept and self.year_of(r) in self.kept_years
        ]

    @property
    def erased_registrations(self) -> list:
        return [r for r in self.registrations if self.year_of(r) not in self.kept_years]

    def pass_years(self, senior_pass, today: datetime.date) -> set[int]:
        return set(range(senior_pass.issued_on.year, max(senior_pass.valid_until, today).year + 1))

    def held_passes(self, today: datetime.date) -> list:
        return [p for p in self.passes if self.pass_years(p, today) & set(self.kept_years)]


@dataclass
class _VolunteerPlan:
    volunteer: object
    pending: list  # hours waiting for a decision
    kept_until: datetime.date | None  # the agreement rule's last day, when anything is kept
    agreements: int
    certificates: int
    hours: int
    checks: int
    assignments: int
    ends_now: bool


@dataclass
class _Plan:
    today: datetime.date
    participants: list = field(default_factory=list)  # _ParticipantPlan
    pass_applications: list = field(default_factory=list)
    volunteers: list = field(default_factory=list)  # _VolunteerPlan
    members: list = field(default_factory=list)
    requests: list = field(default_factory=list)  # requests not erased through a member
    reports: list = field(default_factory=list)
    users: list = field(default_factory=list)
    blocked: list = field(default_factory=list)

    def organisation_ids(self) -> dict[int, list]:
        """{organisation id: [registration or volunteer]} that the organisation received."""
        received: dict[int, list] = defaultdict(list)
        for plan in self.participants:
            for registration in plan.registrations:
                initiative = registration.event.initiative
                received[initiative.lead_organisation_id].append(registration)
                for organisation in initiative.partner_organisations.all():
                    received[organisation.pk].append(registration)
        for plan in self.volunteers:
            received[plan.volunteer.organisation_id].append(plan.volunteer)
        return received

    def venue_ids(self) -> set[int]:
        return set().union(*(set(plan.venue_uses) for plan in self.participants))


def _matched_pks(matches) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for match in matches or []:
        if not isinstance(match, dict):
            continue
        label = str(match.get("model", "")).lower()
        try:
            pk = int(match.get("pk"))
        except (TypeError, ValueError):
            continue
        if label in MATCH_MODELS:
            wanted[label].add(pk)
    return wanted


def _plan(matches, *, today: datetime.date, user=None) -> _Plan:
    from calportal.accounts.models import User
    from initiatives.models import Participant, Registration
    from initiatives.passes.models import PassApplication, SeniorPass
    from resources_map.models import ResidentReport
    from selfhelp.models import JoinRequest, Member
    from volunteers.models import Volunteer

    wanted = _matched_pks(matches)
    plan = _Plan(today=today)

    participant_ids = set(wanted["initiatives.participant"])
    participant_ids |= set(
        Registration.objects.filter(pk__in=wanted["initiatives.registration"]).values_list(
            "participant_id", flat=True
        )
    )
    participant_ids |= set(
        SeniorPass.objects.filter(pk__in=wanted["initiatives.seniorpass"]).values_list(
            "holder_id", flat=True
        )
    )
    for participant in Participant.objects.filter(
        pk__in=participant_ids, anonymised_year__isnull=True
    ).order_by("pk"):
        plan.participants.append(_participant_plan(participant, today))

    applications = set(wanted["initiatives.passapplication"])
    for participant_plan in plan.participants:
        held = participant_plan.held_passes(today)
        applications |= {
            p.application_id for p in participant_plan.passes if p.application_id and p not in held
        }
    plan.pass_applications = list(
        PassApplication.objects.filter(pk__in=applications).order_by("pk")
    )

    for volunteer in (
        Volunteer.objects.filter(
            pk__in=wanted["volunteers.volunteer"], anonymised_year__isnull=True
        )
        .select_related("organisation")
        .order_by("pk")
    ):
        volunteer_plan = _volunteer_plan(volunteer, today)
        plan.volunteers.append(volunteer_plan)
        if volunteer_plan.pending:
            plan.blocked.append(_pending_hours_message(volunteer_plan))

    members = {
        member.pk: member
        for member in Member.objects.filter(
            pk__in=wanted["selfhelp.member"], erased_at__isnull=True
        ).select_related("group")
    }
    requests = []
    for join_request in JoinRequest.objects.filter(
        pk__in=wanted["selfhelp.joinrequest"], erased_at__isnull=True
    ).select_related("group"):
        member = Member.objects.filter(request=join_request, erased_at__isnull=True).first()
        if member is not None:
            members.setdefault(member.pk, member)  # erased with the member
        else:
            requests.append(join_request)
    plan.members = sorted(members.values(), key=lambda member: member.pk)
    plan.requests = sorted(requests, key=lambda join_request: join_request.pk)
    plan.reports = list(
        ResidentReport.objects.filter(pk__in=wanted["resources_map.residentreport"])
        .exclude(name="", email="", phone="")
        .order_by("pk")
    )
    plan.users = list(
        User.objects.filter(pk__in=wanted["accounts.user"])
        .exclude(email__endswith="@" + PSEUDONYM_DOMAIN)
        .order_by("pk")
    )
    for account in plan.users:
        if user is not None and account.pk == user.pk:
            plan.blocked.append(
                _("You cannot erase your own account: ask another authorised person.")
            )
    return plan


def _participant_plan(participant, today: datetime.date) -> _ParticipantPlan:
    from initiatives.models import RegistrationStatus
    from initiatives.passes.models import PassStatus, Redemption

    now = timezone.now()
    registrations = list(
        participant.registrations.select_related("event__initiative")
        .prefetch_related("event__initiative__partner_organisations")
        .order_by("event__starts_at", "pk")
    )
    to_cancel = [
        r
        for r in registrations
        if r.status != RegistrationStatus.CANCELLED and r.event.starts_at > now
    ]
    facts = [
        r for r in registrations if r.status != RegistrationStatus.CANCELLED and r not in to_cancel
    ]
    kept = _kept_registrations(facts, today)
    kept_years: dict[int, tuple] = {}
    for registration in facts:
        if registration.pk in kept:
            year = timezone.localtime(registration.event.starts_at).year
            _category, code, until = kept[registration.pk]
            if year not in kept_years or until > kept_years[year][1]:
                kept_years[year] = (code, until)
    passes = list(participant.passes.order_by("pk"))
    return _ParticipantPlan(
        participant=participant,
        registrations=registrations,
        to_cancel=to_cancel,
        kept=kept,
        kept_years=kept_years,
        passes=passes,
        to_revoke=[p for p in passes if p.status in (PassStatus.ACTIVE, PassStatus.SUSPENDED)],
        redemptions=Redemption.objects.filter(senior_pass__holder=participant).count(),
        venue_uses=dict(
            Redemption.objects.filter(senior_pass__holder=participant)
            .order_by()
            .values("venue_id")
            .annotate(uses=Count("pk"))
            .values_list("venue_id", "uses")
        ),
    )


def _kept_registrations(registrations: list, today: datetime.date) -> dict:
    """{registration pk: (category, rule code, last day kept)} of the registrations a project
    or a public-task contract still needs (art. 17(3)(b)); the longest date wins."""
    from calportal.projects.figures import project_events
    from calportal.projects.models import Project
    from calportal.public_tasks.models import PublicTask

    if not registrations:
        return {}
    event_ids = {r.event_id for r in registrations}
    initiative_ids = {r.event.initiative_id for r in registrations}
    until_by_event: dict[int, tuple] = {}

    def keep(event_id, category, code, until):
        current = until_by_event.get(event_id)
        if current is None or until > current[2]:
            until_by_event[event_id] = (category, code, until)

    projects = Project.objects.filter(
        initiatives__in=initiative_ids, retention_end__gte=today
    ).distinct()
    for project in projects:
        for event_id in (
            project_events(project).filter(pk__in=event_ids).values_list("pk", flat=True)
        ):
            keep(event_id, "project_registrations", "project_registration", project.retention_end)

    task_rule = rule("public_task_registration")
    tasks = PublicTask.objects.filter(
        Q(initiatives__in=initiative_ids) | Q(events__in=event_ids)
    ).distinct()
    for task in tasks:
        until = task_rule.due(task.ends_on) - datetime.timedelta(days=1)
        if until < today:
            continue
        linked_initiatives = set(task.initiatives.values_list("pk", flat=True))
        linked_events = set(task.events.values_list("pk", flat=True))
        for registration in registrations:
            day = timezone.localdate(registration.event.starts_at)
            during = task.starts_on <= day <= task.ends_on
            if (registration.event.initiative_id in linked_initiatives and during) or (
                registration.event_id in linked_events
            ):
                keep(
                    registration.event_id,
                    "public_task_registrations",
                    "public_task_registration",
                    until,
                )
    return {r.pk: until_by_event[r.event_id] for r in registrations if r.event_id in until_by_event}


def _volunteer_plan(volunteer, today: datetime.date) -> _VolunteerPlan:
    from volunteers.models import EntryStatus, VolunteerStatus

    pending = list(volunteer.hours.filter(status=EntryStatus.SUBMITTED).order_by("date", "pk"))
    agreement_rule = rule("volunteer_agreement")
    ended = volunteer.ended_on or today
    kept_until = None
    for agreement in volunteer.agreements.all():
        anchor = min(agreement.ends_on, ended) if agreement.ends_on else ended
        until = agreement_rule.due(anchor) - datetime.timedelta(days=1)
        if until >= today:
            kept_until = max(kept_until or until, until)
    for certificate in volunteer.certificates.all():
        until = agreement_rule.due(certificate.period_to) - datetime.timedelta(days=1)
        if until >= today:
            kept_until = max(kept_until or until, until)
    return _VolunteerPlan(
        volunteer=volunteer,
        pending=pending,
        kept_until=kept_until,
        agreements=volunteer.agreements.count(),
        certificates=volunteer.certificates.count(),
        hours=volunteer.hours.count(),
        checks=volunteer.checks.count(),
        assignments=volunteer.assignments.count(),
        ends_now=volunteer.status in (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED),
    )


def _pending_hours_message(plan: _VolunteerPlan) -> str:
    from volunteers.services import hours_text

    entries = ", ".join(
        f"{formats.date_format(entry.date, 'SHORT_DATE_FORMAT')} ({hours_text(entry.quarters)})"
        for entry in plan.pending
    )
    return _(
        "Volunteer no. %(number)s has hours waiting for a decision: %(entries)s. Approve or "
        "reject them first, then erase."
    ) % {"number": plan.volunteer.pk, "entries": entries}


def _event_reference(event) -> str:
    """An event by reference: its title and local date (never a person)."""
    day = formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT")
    return f"„{event.display_title}” {day}"


def _promoted_by_cancelling(registration) -> list[str]:
    """Who the waiting list would promote if ``registration`` were cancelled now: first name
    and initial, queue order (as the registration service promotes)."""
    from initiatives.models import RegistrationStatus

    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    event = registration.event
    left = event.places_left + registration.places
    promoted = []
    waiting = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .exclude(pk=registration.pk)
        .select_related("participant")
        .order_by("queued_at", "pk")
    )
    for other in waiting:
        if left <= 0:
            break
        if other.places <= left:
            left -= other.places
            person = other.participant
            promoted.append(f"{person.first_name} {person.last_name[:1]}.".strip())
    return promoted


def _steps(plan: _Plan) -> list[Step]:
    steps = []
    for participant_plan in plan.participants:
        for registration in participant_plan.to_cancel:
            promoted = _promoted_by_cancelling(registration)
            steps.append(
                Step(
                    "cancel_registration",
                    _("Cancel the registration for %(event)s")
                    % {"event": _event_reference(registration.event)},
                    _("From the waiting list: %(people)s") % {"people": ", ".join(promoted)}
                    if promoted
                    else "",
                )
            )
        for senior_pass in participant_plan.to_revoke:
            steps.append(
                Step(
                    "revoke_pass",
                    _("Revoke the senior pass %(number)s") % {"number": senior_pass.number},
                )
            )
    for volunteer_plan in plan.volunteers:
        if volunteer_plan.ends_now:
            steps.append(
                Step(
                    "end_volunteering",
                    _(
                        "End the volunteering of volunteer no. %(number)s at %(organisation)s "
                        "today (their future shifts are given up)"
                    )
                    % {
                        "number": volunteer_plan.volunteer.pk,
                        "organisation": volunteer_plan.volunteer.organisation,
                    },
                )
            )
    for member in plan.members:
        if member.left_on is None:
            steps.append(
                Step(
                    "end_membership",
                    _("Record that the member left the group „%(group)s” today")
                    % {"group": member.group},
                )
            )
    for join_request in plan.requests:
        if join_request.status in _open_request_statuses():
            steps.append(
                Step(
                    "withdraw_request",
                    _("Record the request to join „%(group)s” as withdrawn")
                    % {"group": join_request.group},
                )
            )
    return steps


def _open_request_statuses():
    from selfhelp.models import OPEN_REQUEST_STATUSES

    return OPEN_REQUEST_STATUSES


def _counts(plan: _Plan) -> tuple[dict[str, int], list[dict]]:
    """What the plan erases ({category: count}) and keeps ([{category, count, rule, until}])."""
    erased: dict[str, int] = defaultdict(int)
    kept: dict[tuple, dict] = {}

    def keep(category, count, code, until):
        if not count:
            return
        entry = kept.setdefault(
            (category, code), {"category": category, "count": 0, "rule": code, "until": until}
        )
        entry["count"] += count
        if until and (entry["until"] is None or until > entry["until"]):
            entry["until"] = until

    for participant_plan in plan.participants:
        erased["registrations_cancelled"] += len(participant_plan.to_cancel)
        _participant_counts(participant_plan, plan.today, erased, keep)
    erased["pass_applications"] += len(plan.pass_applications)
    for volunteer_plan in plan.volunteers:
        erased["child_safety_checks"] += volunteer_plan.checks
        if volunteer_plan.kept_until:
            erased["volunteer_contact"] += 1
            keep(
                "volunteer_agreements",
                volunteer_plan.agreements + volunteer_plan.certificates + volunteer_plan.hours,
                "volunteer_agreement",
                volunteer_plan.kept_until,
            )
        else:
            erased["volunteers"] += 1
            erased["hours"] += volunteer_plan.hours
            erased["agreements"] += volunteer_plan.agreements
            erased["certificates"] += volunteer_plan.certificates
    erased["selfhelp_members"] += len(plan.members)
    erased["selfhelp_requests"] += len(plan.requests)
    erased["map_reports"] += len(plan.reports)
    erased["accounts"] += len(plan.users)
    return {code: count for code, count in erased.items() if count}, list(kept.values())


def _participant_counts(participant_plan: _ParticipantPlan, today, erased: dict, keep) -> None:
    """Add what erasing one participant erases to ``erased`` and what it keeps through
    ``keep(category, count, rule code, until)``."""
    erased["registrations"] += len(participant_plan.erased_registrations)
    if not participant_plan.kept_years:
        erased["participants"] += 1
        erased["passes"] += len(participant_plan.passes)
        erased["redemptions"] += participant_plan.redemptions
        return
    for category, code, until in participant_plan.kept.values():
        keep(category, 1, code, until)
    code, until = max(participant_plan.kept_years.values(), key=lambda item: item[1])
    keep("participants", 1, code, until)
    for registration in participant_plan.held:
        year_code, year_until = participant_plan.kept_years[participant_plan.year_of(registration)]
        keep("same_year", 1, year_code, year_until)
    held_passes = participant_plan.held_passes(today)
    erased["passes"] += len(participant_plan.passes) - len(held_passes)
    keep("same_year", len(held_passes), code, until)


def _recipient_names(plan: _Plan, user=None) -> list[str]:
    from calportal.organisations.models import Organisation
    from initiatives.passes.models import PartnerVenue

    own = getattr(user, "organisation_id", None)
    organisations = Organisation.objects.filter(pk__in=plan.organisation_ids()).exclude(pk=own)
    names = [str(o) for o in organisations.order_by("name")]
    names += [str(v) for v in PartnerVenue.objects.filter(pk__in=plan.venue_ids()).order_by("name")]
    return names


def preview(matches: list[dict], *, today: datetime.date | None = None, user=None) -> Preview:
    """What :func:`erase` would do now for the confirmed records ``matches`` (PRIVACY.md §4).

    ``today`` is the local date the retention dates are compared with (default: today in
    Warsaw). Reads only. Returns a :class:`Preview`; records already erased are left out, so
    the preview of a finished erasure is empty."""
    today = today or timezone.localdate()
    plan = _plan(matches, today=today, user=user)
    erased, kept = _counts(plan)
    return Preview(
        erase_now=[Erased(category_label(code), count) for code, count in erased.items()],
        kept=[
            Kept(
                category_label(entry["category"]),
                entry["count"],
                entry["rule"],
                rule_provision(entry["rule"]),
                entry["until"],
            )
            for entry in kept
        ],
        steps_first=_steps(plan),
        blocked=list(plan.blocked),
        recipients=_recipient_names(plan, user),
    )


# --- erasing -----------------------------------------------------------------------------------


def erase(
    matches: list[dict],
    *,
    user,
    request: SubjectRequest | None = None,
    reason: str = "",
    hold_for_claim: bool = False,
    today: datetime.date | None = None,
) -> ErasureRecord:
    """Erase the person whose confirmed records are ``matches`` (PRIVACY.md §4), in one
    transaction: nothing changes if any step fails.

    ``user`` is the staff member (None only for a withdrawal of consent made online: then
    self-help records are refused); ``request`` the data-subject request it answers;
    ``reason`` a short note kept on the record (no personal data, at most 200 characters).
    ``hold_for_claim``: the data is needed for a pending complaint or claim (art. 17(3)(e)):
    nothing is erased or changed, the record says everything is kept and why (``reason`` is
    then required).

    Steps first (future registrations cancelled through the registration service, so the
    waiting list is promoted; active passes revoked; volunteering ended; a current self-help
    member recorded as left, an open request as withdrawn), then each category erased or kept
    as :func:`preview` shows. Raises :class:`ErasureBlocked` (hours to decide, one's own
    account) or :class:`ErasureError` before changing anything. Returns the
    :class:`ErasureRecord`; the notices to recipients (art. 19) hang on it."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if hold_for_claim and not reason:
        raise ErasureError(_("Say which complaint or claim the data is needed for."))
    with transaction.atomic():
        plan = _plan(matches, today=today, user=user)
        if (plan.members or plan.requests) and user is None:
            plan.blocked.append(
                _(
                    "Self-help records are erased by a staff member: log in and erase them "
                    "from the request."
                )
            )
        if plan.blocked:
            raise ErasureBlocked(plan.blocked)
        if hold_for_claim:
            return _record_hold(plan, user=user, request=request, reason=reason)
        run = _Run(plan=plan, user=user, today=today)
        run.steps_first()
        run.erase_all()
        record = ErasureRecord.objects.create(
            request=request,
            performed_by=user,
            erased={code: count for code, count in run.erased.items() if count},
            kept=run.kept_entries(),
            reason=reason[:200],
        )
        _notify_recipients(plan, record, run)
        _forget(run.forget)
        _record_access(user, record)
    return record


def _record_hold(plan: _Plan, *, user, request, reason: str) -> ErasureRecord:
    _erased, kept = _counts(plan)
    total = sum(entry["count"] for entry in kept) + sum(_erased.values())
    return ErasureRecord.objects.create(
        request=request,
        performed_by=user,
        erased={},
        kept=[
            {
                "category": "everything",
                "count": total,
                "rule": CLAIM_RULE,
                "provision": CLAIM_PROVISION,
                "until": None,
            }
        ],
        reason=reason[:200],
    )


class _Run:
    """One erasure in progress (inside the caller's transaction)."""

    def __init__(self, *, plan: _Plan, user, today: datetime.date):
        self.plan, self.user, self.today = plan, user, today
        self.erased: dict[str, int] = defaultdict(int)
        self.kept: dict[tuple, dict] = {}
        self.forget: list = []  # (model, pks) for the audit trail
        self.terms = _Terms()
        self.regarding: list[tuple] = []  # (model, pk) whose e-mails go
        self.documents: list = []  # Document ids whose files go
        self.cancelled_events: dict[int, list] = defaultdict(list)  # org id -> [event]

    # -- steps first --

    def steps_first(self) -> None:
        from initiatives import services as registrations
        from initiatives.passes import services as passes
        from initiatives.passes.models import PassStatus
        from selfhelp import services as selfhelp
        from volunteers import services as volunteering

        for participant_plan in self.plan.participants:
            for registration in participant_plan.to_cancel:
                registrations.registration_cancel(
                    registration_id=registration.pk, by_staff=True, quietly=True
                )
                self.erased["registrations_cancelled"] += 1
            for senior_pass in participant_plan.to_revoke:
                passes.pass_set_status(
                    senior_pass=senior_pass,
                    status=PassStatus.REVOKED,
                    note=str(_("Erasure of the holder's data (art. 17 RODO)")),
                    changed_by=self.user,
                )
        for volunteer_plan in self.plan.volunteers:
            if volunteer_plan.ends_now:
                try:
                    volunteering.volunteer_set_status(
                        volunteer=volunteer_plan.volunteer, status="ended"
                    )
                except volunteering.VolunteeringError as error:
                    raise ErasureError(str(error)) from None
        for member in self.plan.members:
            if member.left_on is None:
                try:
                    selfhelp.member_leave(member=member, on=max(self.today, member.joined_on))
                except selfhelp.GroupError as error:
                    raise ErasureError(str(error)) from None
        for join_request in self.plan.requests:
            if join_request.status in _open_request_statuses():
                selfhelp.request_decline(join_request=join_request, message="", withdrawn=True)
                join_request.refresh_from_db(fields=["status"])

    # -- erasing --

    def erase_all(self) -> None:
        for participant_plan in self.plan.participants:
            self._participant(participant_plan)
        self._pass_applications()
        for volunteer_plan in self.plan.volunteers:
            self._volunteer(volunteer_plan)
        self._selfhelp()
        self._reports()
        self._accounts()
        self._emails()
        self._files()

    def keep(self, category: str, count: int, code: str, until) -> None:
        if not count:
            return
        entry = self.kept.setdefault(
            (category, code), {"category": category, "count": 0, "rule": code, "until": until}
        )
        entry["count"] += count
        if until and (entry["until"] is None or until > entry["until"]):
            entry["until"] = until

    def kept_entries(self) -> list[dict]:
        return [
            {
                **entry,
                "provision": rule_provision(entry["rule"]),
                "until": entry["until"].isoformat() if entry["until"] else None,
            }
            for entry in self.kept.values()
        ]

    def _participant(self, participant_plan: _ParticipantPlan) -> None:
        from initiatives.models import Registration
        from initiatives.passes.models import SeniorPass

        participant = participant_plan.participant
        self.terms.add(
            participant.first_name, participant.last_name, participant.email, participant.phone
        )
        registration_ids = [r.pk for r in participant_plan.registrations]
        self.regarding += [(Registration, pk) for pk in registration_ids]
        self.regarding.append((type(participant), participant.pk))
        self.regarding += [(SeniorPass, p.pk) for p in participant_plan.passes]
        self._documents_of_participant(participant_plan)
        anonymise = _anonymise()
        if not participant_plan.kept_years:
            counts = anonymise.anonymise_participant(participant)
            self._add_counts(counts)
            self.forget.append((type(participant), [participant.pk]))
            return
        # Some years must stay identifiable (a project's or a public-task contract's events):
        # every other year is anonymised as a whole (registrations, pass pieces and uses); the
        # kept years stay with the person, processing restricted, free texts deleted.
        _participant_counts(participant_plan, self.today, self.erased, self.keep)
        years = {participant_plan.year_of(r) for r in participant_plan.registrations}
        for senior_pass in participant_plan.passes:
            years |= participant_plan.pass_years(senior_pass, self.today)
        for year in sorted(years - set(participant_plan.kept_years)):
            current = type(participant).objects.get(pk=participant.pk)
            anonymise.anonymise_participant_year(current, year)
        anonymise.delete_accessibility_text(Registration.objects.filter(participant=participant))

    def _add_counts(self, counts: dict | None) -> None:
        """Counts returned by the anonymisation, in this record's categories."""
        names = {"checks": "child_safety_checks"}
        for code, count in (counts or {}).items():
            code = names.get(code, code)
            if code in CATEGORIES:
                self.erased[code] += int(count or 0)

    def _documents_of_participant(self, participant_plan: _ParticipantPlan) -> None:
        from calportal.documents.models import Document

        event_ids = sorted({r.event_id for r in participant_plan.erased_registrations})
        documents = Document.objects.filter(
            kind="initiatives.attendance_sheet", params__event_id__in=event_ids
        )
        self.documents += list(documents.values_list("pk", flat=True))
        for senior_pass in participant_plan.passes:
            self.documents += list(
                Document.objects.filter(
                    kind="passes.cards", params__pass_ids__contains=[senior_pass.pk]
                ).values_list("pk", flat=True)
            )

    def _pass_applications(self) -> None:
        """Delete the person's pass applications (the anonymisation of a participant may have
        deleted those of their passes already)."""
        from initiatives.passes.models import PassApplication

        for application in self.plan.pass_applications:
            self.terms.add(
                application.first_name, application.last_name, application.email, application.phone
            )
            self.regarding.append((PassApplication, application.pk))
        pks = [application.pk for application in self.plan.pass_applications]
        if pks:
            Consent.objects.filter(pass_application__in=pks).delete()
            PassApplication.objects.filter(pk__in=pks).delete()
            self.erased["pass_applications"] += len(pks)
            self.forget.append((PassApplication, pks))

    def _volunteer(self, volunteer_plan: _VolunteerPlan) -> None:
        from volunteers.models import Volunteer

        volunteer = Volunteer.objects.get(pk=volunteer_plan.volunteer.pk)
        self.terms.add(volunteer.first_name, volunteer.last_name, volunteer.email, volunteer.phone)
        self.regarding.append((Volunteer, volunteer.pk))
        consents = Consent.objects.filter(volunteer=volunteer)
        self.erased["consents"] += consents.count()
        consents.delete()
        checks = list(volunteer.checks.values_list("pk", flat=True))
        volunteer.checks.all().delete()
        self.erased["child_safety_checks"] += len(checks)
        self.forget.append((volunteer.checks.model, checks))
        if volunteer_plan.kept_until:
            # Art. 17(3)(b)/(e): the agreements, certificates and hours stay with the name, for
            # the claims period; the contact and the profile go now.
            Volunteer.objects.filter(pk=volunteer.pk).update(
                email="",
                phone="",
                languages="",
                availability=[],
                notes="",
                message="",
                consent_given_at=None,
            )
            volunteer.skills.clear()
            volunteer.areas.clear()
            self.erased["volunteer_contact"] += 1
            self.keep(
                "volunteer_agreements",
                volunteer_plan.agreements + volunteer_plan.certificates + volunteer_plan.hours,
                "volunteer_agreement",
                volunteer_plan.kept_until,
            )
            self.forget.append((Volunteer, [volunteer.pk]))
            return
        # Hours, agreement dates, assignments and certificates become anonymous yearly rows
        # (the figures keep them); the certificate files go with the identity.
        counts = _anonymise().anonymise_volunteer(volunteer)
        self._add_counts({code: count for code, count in counts.items() if code != "checks"})
        self.forget.append((Volunteer, [volunteer.pk]))

    def _selfhelp(self) -> None:
        from selfhelp import services as selfhelp
        from selfhelp.models import JoinRequest, Member

        for member in self.plan.members:
            member = Member.objects.select_related("group").get(pk=member.pk)
            self.terms.add(member.first_name, member.last_name, member.email, member.phone)
            request_id = member.request_id
            selfhelp.member_erase(member=member, user=self.user)
            self.erased["selfhelp_members"] += 1
            self.forget.append((Member, [member.pk]))
            if request_id:
                self.forget.append((JoinRequest, [request_id]))
        for join_request in self.plan.requests:
            join_request = JoinRequest.objects.select_related("group").get(pk=join_request.pk)
            if join_request.erased_at:
                continue  # erased with a member of the same contact
            self.terms.add(join_request.first_name, "", join_request.email, join_request.phone)
            try:
                selfhelp.request_erase(join_request=join_request, user=self.user)
            except selfhelp.GroupError as error:
                raise ErasureError(str(error)) from None
            self.erased["selfhelp_requests"] += 1
            self.forget.append((JoinRequest, [join_request.pk]))

    def _reports(self) -> None:
        from resources_map.models import ReportStatus, ResidentReport

        for report in self.plan.reports:
            self.terms.add(report.name, "", report.email, report.phone)
            self.regarding.append((ResidentReport, report.pk))
            if report.status == ReportStatus.NEW:
                # Not moderated yet: nothing of it is on the map, and a new report must have a
                # contact, so it goes as a whole.
                ResidentReport.objects.filter(pk=report.pk).delete()
            else:
                ResidentReport.objects.filter(pk=report.pk).update(
                    name="",
                    email="",
                    phone="",
                    description=self.terms.scrub(report.description, names_of=report.name),
                    place=self.terms.scrub(report.place, names_of=report.name),
                )
            self.erased["map_reports"] += 1
            self.forget.append((ResidentReport, [report.pk]))

    def _accounts(self) -> None:
        from calportal.accounts.models import User

        for account in self.plan.users:
            self.terms.add_full_name(account.full_name, account.email, account.phone)
            self.regarding.append((User, account.pk))
            User.objects.filter(pk=account.pk).update(
                full_name=f"konto usunięte #{account.pk}",
                email=f"konto-usuniete-{account.pk}@{PSEUDONYM_DOMAIN}",
                phone="",
                is_active=False,
                deactivated_at=account.deactivated_at or timezone.now(),
                password=make_password(None),
            )
            account.groups.clear()
            self.erased["accounts"] += 1
            self.forget.append((User, [account.pk]))

    def _emails(self) -> None:
        self.erased["emails"] += _forget_emails(self.regarding, self.terms)

    def _files(self) -> None:
        self.erased["files"] += _delete_document_files(self.documents, self.plan)


def _anonymise():
    """Part A's module (PRIVACY.md §2)."""
    from calportal.privacy import anonymise

    return anonymise


# --- e-mails and files -------------------------------------------------------------------------


class _Terms:
    """The person's names and contacts, as patterns to find them in free text."""

    def __init__(self):
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.phones: set[str] = set()

    def add(self, first_name: str, last_name: str, email: str, phone: str) -> None:
        first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
        if first_name and last_name:
            self.names.add(f"{first_name} {last_name}")
            self.names.add(f"{last_name} {first_name}")
        self._contacts(email, phone)

    def add_full_name(self, full_name: str, email: str, phone: str) -> None:
        words = (full_name or "").split()
        if len(words) >= 2:
            self.names.add(" ".join(words))
            self.names.add(" ".join([words[-1], *words[:-1]]))
        self._contacts(email, phone)

    def _contacts(self, email: str, phone: str) -> None:
        if (email or "").strip():
            self.emails.add(email.strip().lower())
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 9:
            self.phones.add(digits[-9:])

    def patterns(self) -> list[str]:
        """Regular expressions valid in Python and PostgreSQL: a name, an address, a number
        written with any spaces or dashes between its digits (and +48 in front or not)."""
        from calportal.contacts import name_pattern

        found = [name_pattern(name).pattern for name in sorted(self.names)]
        found += [re.escape(email) for email in sorted(self.emails)]
        found += ["[^0-9]{0,3}".join(phone) for phone in sorted(self.phones)]
        return [pattern for pattern in found if pattern]

    def regex(self) -> re.Pattern | None:
        patterns = self.patterns()
        return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def scrub(self, text: str, *, names_of: str = "") -> str:
        """``text`` with the person's names and contacts replaced by "[…]"; ``names_of`` adds
        a name given in one field (a map report's "name")."""
        if not text:
            return text
        patterns = self.patterns()
        extra = (names_of or "").strip()
        if len(extra) >= 3:
            from calportal.contacts import name_pattern

            patterns.append(name_pattern(extra).pattern)
        if not patterns:
            return text
        return re.sub("|".join(patterns), "[…]", text, flags=re.IGNORECASE)


def _forget_emails(regarding: list[tuple], terms: _Terms) -> int:
    """Delete the e-mails about the person's records or addressed to them; in any other
    e-mail (to the office, say) replace their names and contacts with "[…]". Returns how many
    e-mails were deleted or changed."""
    from post_office.models import Email, Log

    from calportal.outbox.services import forget_messages_regarding

    count = 0
    for model, pk in regarding:
        count += forget_messages_regarding(model, pk)
    if terms.emails:
        addressed = Q(pk__in=[])
        for email in terms.emails:
            for column in ("to_text", "cc_text", "bcc_text"):
                addressed |= Q(**{f"{column}__icontains": email})
        ids = list(
            Email.objects.annotate(
                to_text=Cast("to", TextField()),
                cc_text=Cast("cc", TextField()),
                bcc_text=Cast("bcc", TextField()),
            )
            .filter(addressed)
            .values_list("pk", flat=True)
        )
        count += _delete_emails(ids)
    regex = terms.regex()
    if regex is None:
        return count
    pattern = regex.pattern
    mentions = (
        Q(subject__iregex=pattern)
        | Q(message__iregex=pattern)
        | Q(html_message__iregex=pattern)
        | Q(context_text__iregex=pattern)
        | Q(headers_text__iregex=pattern)
    )
    for email in Email.objects.annotate(
        context_text=Cast("context", TextField()), headers_text=Cast("headers", TextField())
    ).filter(mentions):
        Email.objects.filter(pk=email.pk).update(
            subject=regex.sub("[…]", email.subject),
            message=regex.sub("[…]", email.message),
            html_message=regex.sub("[…]", email.html_message),
            context=None if email.context and regex.search(str(email.context)) else email.context,
            headers=None if email.headers and regex.search(str(email.headers)) else email.headers,
        )
        count += 1
    for log in Log.objects.filter(message__iregex=pattern):
        Log.objects.filter(pk=log.pk).update(message=regex.sub("[…]", log.message))
    return count + _forget_texts_and_calls(terms, regex)


def _forget_texts_and_calls(terms: _Terms, regex) -> int:
    """Text messages to the person's phones are deleted, and so are the call-list items for
    them; in any other text message or call (a note "spoke to her son Jan Nowak") their names
    and contacts become "[…]". Returns how many rows were deleted or changed."""
    from calportal.calls.models import CallAttempt, CallItem
    from calportal.outbox.models import SMSMessage

    count = 0
    if terms.phones:
        count += SMSMessage.objects.filter(to__in=terms.phones).delete()[0]
        count += CallItem.objects.filter(phone__in=terms.phones).delete()[0]
    pattern = regex.pattern
    for model, fields in (
        (SMSMessage, ("name", "text")),
        (CallItem, ("name", "script")),
        (CallAttempt, ("note",)),
    ):
        mentions = Q(pk__in=[])
        for name in fields:
            mentions |= Q(**{f"{name}__iregex": pattern})
        for row in model.objects.filter(mentions).values("pk", *fields):
            model.objects.filter(pk=row["pk"]).update(
                **{name: regex.sub("[…]", row[name]) for name in fields}
            )
            count += 1
    return count


def _delete_emails(ids: list[int]) -> int:
    """Delete these post_office e-mails with their logs and (unshared) attachment files, as
    :func:`calportal.outbox.services.forget_messages_regarding` does."""
    from post_office.models import Attachment, Email

    if not ids:
        return 0
    attachments = list(Attachment.objects.filter(emails__in=ids).distinct())
    _total, deleted = Email.objects.filter(pk__in=ids).delete()
    for attachment in attachments:
        if not attachment.emails.exists():
            name, storage = attachment.file.name, attachment.file.storage
            attachment.delete()
            if name:
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return deleted.get("post_office.Email", 0)


def _delete_document_files(document_ids: list[int], plan: _Plan) -> int:
    """Delete the files of generated documents naming the person (their rows stay, with
    ``params["deleted_at"]``, as for every file the retention rules delete). Also the
    subject-access packages of requests about the same records. The files go after the
    transaction commits. Returns how many files are deleted."""
    from calportal.documents.models import Document

    ids = set(document_ids)
    ids |= set(
        DeliveryLink.objects.filter(
            request__in=_requests_about(plan), document__isnull=False
        ).values_list("document_id", flat=True)
    )
    now = timezone.now()
    deleted = 0
    for document in (
        Document.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(params__has_key="deleted_at")
    ):
        name = document.file.name if document.file else ""
        document.params = {**document.params, "deleted_at": now.isoformat()}
        document.file = ""
        document.save(update_fields=["file", "params"])
        if name:
            storage = document.file.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            deleted += 1
    return deleted


def _requests_about(plan: _Plan) -> list[int]:
    """Data-subject requests whose confirmed records include one of this plan's."""
    keys = set()
    for participant_plan in plan.participants:
        keys.add(("initiatives.participant", participant_plan.participant.pk))
    keys |= {("volunteers.volunteer", p.volunteer.pk) for p in plan.volunteers}
    keys |= {("selfhelp.member", m.pk) for m in plan.members}
    keys |= {("selfhelp.joinrequest", r.pk) for r in plan.requests}
    keys |= {("resources_map.residentreport", r.pk) for r in plan.reports}
    keys |= {("initiatives.passapplication", a.pk) for a in plan.pass_applications}
    keys |= {("accounts.user", u.pk) for u in plan.users}
    if not keys:
        return []
    condition = Q(pk__in=[])
    for label, pk in keys:
        condition |= Q(matches__contains=[{"model": label, "pk": pk}])
    return list(SubjectRequest.objects.filter(condition).values_list("pk", flat=True))


# --- art. 19 notices ---------------------------------------------------------------------------


def _notify_recipients(plan: _Plan, record: ErasureRecord, run: _Run) -> list[RecipientNotice]:
    """One notice per organisation that received the data (the events' lead and partner
    organisations, the volunteer's host) and per venue where the pass was used; written in the
    portal's language, by reference only. The performer's own organisation is not told."""
    from initiatives.passes.models import PartnerVenue

    own = getattr(run.user, "organisation_id", None)
    day = formats.date_format(timezone.localdate(record.performed_at), "SHORT_DATE_FORMAT")
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for organisation_id, received in sorted(plan.organisation_ids().items()):
            if organisation_id == own:
                continue
            lines = []
            seen = set()
            for item in received:
                if hasattr(item, "event") and item.pk not in seen:
                    seen.add(item.pk)
                    kept = _restricted_until(plan, item)
                    if kept:
                        lines.append(
                            _("%(event)s: kept with processing restricted until %(until)s")
                            % {
                                "event": _event_reference(item.event),
                                "until": formats.date_format(kept, "SHORT_DATE_FORMAT"),
                            }
                        )
                    else:
                        lines.append(_event_reference(item.event))
                elif not hasattr(item, "event") and ("volunteer", item.pk) not in seen:
                    seen.add(("volunteer", item.pk))
                    volunteer_plan = next(p for p in plan.volunteers if p.volunteer.pk == item.pk)
                    if volunteer_plan.kept_until:
                        lines.append(
                            _(
                                "volunteer no. %(number)s: contact and profile erased; the "
                                "agreements, certificates and hours are kept with processing "
                                "restricted until %(until)s"
                            )
                            % {
                                "number": item.pk,
                                "until": formats.date_format(
                                    volunteer_plan.kept_until, "SHORT_DATE_FORMAT"
                                ),
                            }
                        )
                    else:
                        lines.append(_("volunteer no. %(number)s") % {"number": item.pk})
            text = _(
                "On %(date)s the portal erased a person's personal data at their request (art. 17 "
                "GDPR). You received it for: %(items)s. Please erase it from your own records too "
                "(printed lists, spreadsheets, e-mails, phones). Backups expire within 35 days."
            ) % {"date": day, "items": "; ".join(lines)}
            notices.append(
                RecipientNotice(erasure=record, organisation_id=organisation_id, text=text)
            )
        for venue in PartnerVenue.objects.filter(pk__in=plan.venue_ids()).order_by("pk"):
            numbers = sorted(
                {
                    senior_pass.number
                    for participant_plan in plan.participants
                    for senior_pass in participant_plan.passes
                }
            )
            uses = sum(p.venue_uses.get(venue.pk, 0) for p in plan.participants)
            text = ngettext(
                "On %(date)s the portal erased the personal data of the holder of the senior pass "
                "%(numbers)s at their request (art. 17 GDPR); the pass no longer works. %(uses)s "
                "use was recorded at your venue. Please erase the holder's data from your own "
                "records too.",
                "On %(date)s the portal erased the personal data of the holder of the senior pass "
                "%(numbers)s at their request (art. 17 GDPR); the pass no longer works. %(uses)s "
                "uses were recorded at your venue. Please erase the holder's data from your own "
                "records too.",
                uses,
            ) % {"date": day, "numbers": ", ".join(numbers), "uses": uses}
            notices.append(RecipientNotice(erasure=record, venue=venue, text=text))
    return RecipientNotice.objects.bulk_create(notices)


def _restricted_until(plan: _Plan, registration) -> datetime.date | None:
    """The last day a registration stays identifiable (restricted), None when it is erased."""
    for participant_plan in plan.participants:
        if registration.participant_id == participant_plan.participant.pk:
            kept = participant_plan.kept_years.get(participant_plan.year_of(registration))
            return kept[1] if kept else None
    return None


# --- the audit trail (part F) ------------------------------------------------------------------


def _forget(items: list) -> None:
    if items:
        from calportal.audit.services import forget

        forget([(model, pks) for model, pks in items if pks])


def _record_access(user, record: ErasureRecord) -> None:
    if user is not None:
        from calportal.audit.services import record_access

        record_access(user, "erasure", record)


# --- reading the notices -----------------------------------------------------------------------


def notices_for(user):
    """The art. 19 notices addressed to ``user``: a partner coordinator's organisation's, venue
    staff's venue's (the venue of their organisation, as the pass counter finds it). None when
    the user receives none (not a recipient role, or no organisation)."""
    from calportal.accounts.roles import Role

    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return None
    condition = Q(pk__in=[])
    recipient = False
    if user.has_role(Role.PARTNER_COORDINATOR):
        condition |= Q(organisation_id=user.organisation_id)
        recipient = True
    if user.has_role(Role.VENUE_STAFF):
        condition |= Q(venue__organisation_id=user.organisation_id)
        recipient = True
    return RecipientNotice.objects.filter(condition) if recipient else None


def unread_notice_count(user) -> int:
    """How many of the user's notices (:func:`notices_for`) are not marked read: for a count
    in the navigation or on the dashboard. One query (none for a user who receives none)."""
    notices = notices_for(user)
    return 0 if notices is None else notices.filter(read_at__isnull=True).count()
