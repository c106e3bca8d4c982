"""Changing volunteering data: applications, agreements, checks, shifts, hours, decisions,
certificates. Every rule that involves other rows runs under a row lock."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calportal import notify
from calportal.accounts.models import User
from calportal.calls import services as calls
from calportal.calls.models import CallReason
from calportal.contacts import name_key, same_contact_q
from calportal.documents.services import document_request
from calportal.privacy import consent
from calportal.privacy.models import ConsentChannel, ConsentPurpose
from volunteers.models import (
    QUARTERS_PER_DAY,
    Assignment,
    Certificate,
    EntryStatus,
    HoursEntry,
    Shift,
    Volunteer,
    VolunteeringSettings,
    VolunteerStatus,
    child_work_titles,
    is_child_work,
)


class VolunteeringError(Exception):
    """A rule of volunteering was broken; the message is shown to the user as it is."""


def format_hours(quarters: int) -> str:
    """Hours as a number in the active language: "1.5" in English, "1,5" in Polish."""
    return formats.number_format(Decimal(quarters) / 4, use_l10n=True)


def csv_hours(quarters: int) -> str:
    """Hours in an exported CSV file: always a decimal comma ("1,5"), as the spreadsheets
    the OPS opens them in expect, whatever the language of the page."""
    return f"{quarters / 4:g}".replace(".", ",")


def hours_text(quarters: int) -> str:
    """Hours with their unit, in the active language: "1 hour", "1.5 hours", "3 godz."."""
    # Plural forms need a whole number: a fraction of an hour takes the form of 2 ("1.5
    # hours", "1,5 godziny"), a whole number its own.
    count = quarters // 4 if quarters % 4 == 0 else 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {"hours": format_hours(quarters)}


# --- Volunteers -------------------------------------------------------------------------------


def volunteer_apply(*, data: dict) -> Volunteer:
    """A public application: the person waits in the hosting organisation's queue.

    Someone who already applied to (or volunteers for) the same organisation — the same name
    as :func:`calportal.contacts.name_key` compares it, and the same e-mail or phone — gets
    their record back instead of a second one in the queue.
    """
    existing = _same_volunteer(data)
    if existing is not None:
        # The page answers as for anyone (whoever typed the details may not be the person);
        # the person hears from us only at the contact on file.
        with transaction.atomic():
            _application_sent_again(existing)
        return existing
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            organisation=data["organisation"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=(data.get("email") or "").strip().lower(),
            phone=data.get("phone") or "",
            birth_year=data["birth_year"],
            grammatical_gender=data.get("grammatical_gender") or "",
            languages=data.get("languages", "").strip(),
            availability=list(data.get("availability") or []),
            message=data.get("message", "").strip(),
            status=VolunteerStatus.APPLICANT,
            consent_given_at=timezone.now(),
        )
        consent.record(
            volunteer,
            ConsentPurpose.VOLUNTEER,
            channel=ConsentChannel.ONLINE,
            at=volunteer.consent_given_at,
        )
        volunteer.skills.set(data.get("skills") or [])
        volunteer.areas.set(data.get("areas") or [])
        _tell_application_received(volunteer)
    return volunteer


def _tell_application_received(volunteer: Volunteer) -> None:
    """Acknowledge a new application in this transaction, in the language of the form: an
    e-mail, or a text message without one. A person without e-mail also goes on the call
    list of the hosting organisation's coordinators (they call applicants themselves)."""

    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"volunteer:{volunteer.pk}:application-received"
    context = {
        "volunteer": volunteer,
        "first_name": volunteer.first_name,
        "organisation": volunteer.organisation,
        "organisation_name": volunteer.organisation.name,
    }
    contact = notify.Contact(
        name=str(volunteer),
        email=volunteer.email,
        phone=str(volunteer.phone or ""),
        language=language,
    )
    notify.tell(
        contact,
        key=key,
        context=context,
        regarding=volunteer,
        email_template="volunteers/application_received",
        sms="volunteers_application_received",
        call=CallReason.VOLUNTEER_APPLICATION,
        organisation=volunteer.organisation,
    )


def _application_handled(volunteer: Volunteer) -> None:
    """A coordinator decided on an applicant (accepted, paused or ended them): the call to
    make about the application leaves the list."""
    if volunteer.status != VolunteerStatus.APPLICANT:
        calls.close_regarding(volunteer)


def _application_sent_again(volunteer: Volunteer) -> None:
    """E-mail the person on file where their application stands (at most once a day); without
    an e-mail address, leave the coordinator a line in the volunteer's notes so they call."""
    from calportal.outbox.services import queue_email
    from calportal.public_forms import known_person_key

    if volunteer.email:
        queue_email(
            "volunteers/application_known",
            {"volunteer": volunteer, "organisation": volunteer.organisation},
            [volunteer.email],
            regarding=volunteer,
            key=known_person_key("person", volunteer),
        )
        return
    line = _("%(date)s: the application was sent again from the public page; please call.") % {
        "date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    }
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if line not in locked.notes:
        locked.notes = f"{locked.notes}\n{line}".strip()
        locked.save(update_fields=["notes"])


def _same_volunteer(data: dict) -> Volunteer | None:
    contacts = same_contact_q(phone=data.get("phone") or "", email=data.get("email") or "")
    key = name_key(data["first_name"], data["last_name"])
    candidates = (
        Volunteer.objects.identifiable()
        .filter(contacts, organisation=data["organisation"])
        .exclude(status=VolunteerStatus.ENDED)
        .order_by("pk")
    )
    # One person's records at most: names compared in Python.
    return next((v for v in candidates if name_key(v.first_name, v.last_name) == key), None)


def volunteer_save(*, form) -> Volunteer:
    """Save a validated volunteer form; an applicant given another status there leaves the
    call list as in :func:`volunteer_set_status`."""
    with transaction.atomic():
        volunteer = form.save()
        _application_handled(volunteer)
        return volunteer


def volunteer_set_status(
    *, volunteer: Volunteer, status: str, ended_on: datetime.date | None = None
) -> Volunteer:
    """Change the status. A minor becomes active only with a guardian's consent; a volunteer who
    pauses or ends gives up their future shifts, so the places are free for others. Ending
    records ``ended_on`` (default: today in Warsaw; not in the future, not before their last
    hours); any other status clears it. Raises :class:`VolunteeringError` when a rule is
    broken."""
    if (
        status == VolunteerStatus.ACTIVE
        and volunteer.is_minor()
        and not volunteer.guardian_consent_on
    ):
        raise VolunteeringError(
            _("%(name)s is under 18: record the guardian's consent first.") % {"name": volunteer}
        )
    if status == VolunteerStatus.ENDED:
        ended_on = ended_on or timezone.localdate()
        if ended_on > timezone.localdate():
            raise VolunteeringError(_("The end date cannot be in the future."))
        last = (
            HoursEntry.objects.filter(volunteer=volunteer)
            .exclude(status=EntryStatus.REJECTED)
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
        if last is not None and ended_on < last:
            raise VolunteeringError(
                _("%(name)s has hours on %(date)s: the end date cannot be before that.")
                % {"name": volunteer, "date": formats.date_format(last, "SHORT_DATE_FORMAT")}
            )
    else:
        ended_on = None
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(status=status, ended_on=ended_on)
        volunteer.status, volunteer.ended_on = status, ended_on
        _application_handled(volunteer)
        if status in (VolunteerStatus.PAUSED, VolunteerStatus.ENDED):
            upcoming = Assignment.objects.filter(
                volunteer=volunteer, shift__starts_at__gt=timezone.now()
            ).order_by("shift_id")
            for assignment in upcoming:
                assignment_delete(assignment=assignment)
    return volunteer


def agreement_add(*, volunteer: Volunteer, form):
    form.instance.volunteer = volunteer
    return form.save()


def check_add(*, volunteer: Volunteer, form, user: User):
    form.instance.volunteer = volunteer
    form.instance.recorded_by = user
    return form.save()


def has_valid_check(volunteer: Volunteer, on: datetime.date) -> bool:
    return volunteer.checks.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on), checked_on__lte=on
    ).exists()


# --- Shifts -----------------------------------------------------------------------------------


@dataclass
class AssignResult:
    assignment: Assignment
    warnings: list[str] = field(default_factory=list)


def assignment_create(*, shift_id: int, volunteer: Volunteer, user: User) -> AssignResult:
    """Put a volunteer on a shift: never more than the shift needs (a lock on the shift),
    never someone without a valid check on work with children, a warning on overlaps."""
    with transaction.atomic():
        shift = (
            Shift.objects.select_for_update(of=("self",))
            .select_related("opportunity")
            .get(pk=shift_id)
        )
        opportunity = shift.opportunity
        if volunteer.organisation_id != opportunity.organisation_id:
            raise VolunteeringError(_("The volunteer belongs to another organisation."))
        if volunteer.status != VolunteerStatus.ACTIVE:
            raise VolunteeringError(_("Only active volunteers can be assigned."))
        day = timezone.localtime(shift.starts_at).date()
        if opportunity.involves_children and not has_valid_check(volunteer, day):
            raise VolunteeringError(
                _(
                    "%(name)s has no valid check for work with children on %(date)s, "
                    "so cannot be assigned to work with children."
                )
                % {"name": volunteer, "date": formats.date_format(day, "SHORT_DATE_FORMAT")}
            )
        if shift.assigned_count >= shift.needed:
            raise VolunteeringError(_("The shift already has all the volunteers it needs."))
        if shift.assignments.filter(volunteer=volunteer).exists():
            raise VolunteeringError(_("This volunteer is already on this shift."))
        overlapping = Assignment.objects.filter(
            volunteer=volunteer,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        ).select_related("shift__opportunity")
        warnings = [
            _("%(name)s is also on “%(other)s” at that time.")
            % {"name": volunteer, "other": other.shift}
            for other in overlapping
        ]
        assignment = Assignment.objects.create(shift=shift, volunteer=volunteer, assigned_by=user)
        Shift.objects.filter(pk=shift.pk).update(assigned_count=F("assigned_count") + 1)
    return AssignResult(assignment=assignment, warnings=warnings)


def assignment_delete(*, assignment: Assignment) -> None:
    with transaction.atomic():
        Shift.objects.select_for_update(of=("self",)).get(pk=assignment.shift_id)
        deleted, _rows = Assignment.objects.filter(pk=assignment.pk).delete()
        if deleted:
            Shift.objects.filter(pk=assignment.shift_id).update(
                assigned_count=F("assigned_count") - 1
            )


# --- Hours ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursData:
    """One entry to log. ``with_children`` is the declaration for work that is not a listed
    opportunity (None: not answered); ``additional`` confirms that an entry identical to one
    already logged is more work, not the same hours typed again."""

    volunteer: Volunteer
    date: datetime.date
    quarters: int
    opportunity: object = None
    initiative: object = None
    activity: str = ""
    description: str = ""
    with_children: bool | None = None
    additional: bool = False
    work_kind: object = None


class HoursErrors(Exception):
    """Some entries break the rules or repeat logged hours.

    ``errors`` maps each entry's index to its messages; ``duplicates`` maps the index of each
    entry identical to one already logged (and not confirmed as ``additional``) to a warning.
    Every problem of every entry is reported at once.
    """

    def __init__(self, errors: dict[int, list[str]], duplicates: dict[int, str] | None = None):
        super().__init__(errors, duplicates)
        self.errors = errors
        self.duplicates = duplicates or {}


def no_work_message() -> str:
    return _("Say what the work was: an opportunity, an initiative or a few words.")


def children_undeclared_message() -> str:
    return _("Say whether the work involves children: it was not chosen from the opportunities.")


def _work_key(opportunity, initiative, activity: str) -> tuple:
    opportunity_id = getattr(opportunity, "pk", opportunity)
    initiative_id = getattr(initiative, "pk", initiative)
    return (opportunity_id, initiative_id, " ".join(activity.split()).casefold())


def _duplicate_message(volunteer: Volunteer, entry: HoursData) -> str:
    return _(
        "%(name)s already has %(hours)s of the same work on %(date)s. If this is "
        "additional work, confirm it; otherwise leave it out."
    ) % {
        "name": volunteer,
        "hours": hours_text(entry.quarters),
        "date": formats.date_format(entry.date, "SHORT_DATE_FORMAT"),
    }


def _validate_entries(
    entries: list[HoursData], volunteers: dict[int, Volunteer], *, exclude_pk: int | None = None
) -> HoursErrors | None:
    """Every rule for every entry, against what is already logged (rejected entries aside)."""
    today = timezone.localdate()
    volunteer_ids = sorted(volunteers)
    days = {entry.date for entry in entries}
    existing = (
        HoursEntry.objects.filter(volunteer_id__in=volunteer_ids, date__in=days)
        .exclude(status=EntryStatus.REJECTED)
        .exclude(pk=exclude_pk)
        .values_list(
            "volunteer_id", "date", "quarters", "opportunity_id", "initiative_id", "activity"
        )
    )
    totals: dict[tuple, int] = {}
    seen: set[tuple] = set()
    for volunteer_id, day, quarters, opportunity_id, initiative_id, activity in existing:
        totals[(volunteer_id, day)] = totals.get((volunteer_id, day), 0) + quarters
        seen.add((volunteer_id, day, quarters, *_work_key(opportunity_id, initiative_id, activity)))
    child_titles = child_work_titles(volunteer.organisation_id for volunteer in volunteers.values())
    errors: dict[int, list[str]] = {}
    duplicates: dict[int, str] = {}
    for index, entry in enumerate(entries):
        volunteer = volunteers[entry.volunteer.pk]
        problems = _entry_problems(entry, volunteer, today, child_titles)
        key = (volunteer.pk, entry.date)
        totals[key] = totals.get(key, 0) + entry.quarters
        if totals[key] > QUARTERS_PER_DAY:
            problems.append(_day_limit(volunteer, totals[key], entry.date))
        if problems:
            errors[index] = problems
        same = (
            volunteer.pk,
            entry.date,
            entry.quarters,
            *_work_key(entry.opportunity, entry.initiative, entry.activity),
        )
        if same in seen and not entry.additional:
            duplicates[index] = _duplicate_message(volunteer, entry)
        seen.add(same)
    if errors or duplicates:
        return HoursErrors(errors, duplicates)
    return None


def hours_validate(
    *, entries: list[HoursData], exclude_pk: int | None = None
) -> HoursErrors | None:
    """Check entries without saving (no locks): every problem of every entry, or None.

    Used to report everything at once when some cells of a form could not even be read;
    :func:`hours_log` checks again under its locks before it saves. ``exclude_pk``: the entry
    being changed, not counted against itself.
    """
    if not entries:
        return None
    volunteers = {
        volunteer.pk: volunteer
        for volunteer in Volunteer.objects.filter(
            pk__in={entry.volunteer.pk for entry in entries}
        ).prefetch_related("agreements", "checks")
    }
    return _validate_entries(entries, volunteers, exclude_pk=exclude_pk)


def hours_log(*, entries: list[HoursData], logged_by: User) -> list[HoursEntry]:
    """Save all the entries or none.

    The volunteers' rows are locked (in a fixed order, so two coordinators saving overlapping
    weeks cannot deadlock) before the day totals are read, so that no two saves together take
    anyone past 24 hours in a day. Raises :class:`HoursErrors` with every problem of every
    entry, and every unconfirmed repeat of logged hours, when there is any.
    """
    if not entries:
        return []
    volunteer_ids = sorted({entry.volunteer.pk for entry in entries})
    with transaction.atomic():
        volunteers = {
            volunteer.pk: volunteer
            for volunteer in Volunteer.objects.select_for_update()
            .filter(pk__in=volunteer_ids)
            .order_by("pk")
            .prefetch_related("agreements", "checks")
        }
        failure = _validate_entries(entries, volunteers)
        if failure is not None:
            raise failure
        return HoursEntry.objects.bulk_create(
            [
                HoursEntry(
                    volunteer_id=entry.volunteer.pk,
                    date=entry.date,
                    quarters=entry.quarters,
                    opportunity=entry.opportunity,
                    initiative=entry.initiative,
                    activity=entry.activity,
                    work_kind=entry.work_kind,
                    with_children=_declared(entry),
                    description=entry.description,
                    logged_by=logged_by,
                )
                for entry in entries
            ]
        )


def _declared(entry: HoursData) -> bool | None:
    """What is stored: an opportunity speaks for itself, other work keeps its declaration."""
    if entry.opportunity is not None and entry.with_children is None:
        return None
    return entry.with_children


def _day_limit(volunteer: Volunteer, quarters: int, day: datetime.date) -> str:
    return _(
        "With this entry %(name)s would have %(hours)s hours on %(date)s; a day has at most 24."
    ) % {
        "name": volunteer,
        "hours": format_hours(quarters),
        "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
    }


def _no_valid_check(volunteer: Volunteer, day: datetime.date) -> str:
    return _(
        "%(name)s has no valid check for work with children on %(date)s, "
        "so cannot be assigned to work with children."
    ) % {"name": volunteer, "date": formats.date_format(day, "SHORT_DATE_FORMAT")}


def _child_work_without_check(
    entry: HoursData | HoursEntry, volunteer: Volunteer, child_titles: set
) -> bool:
    """Work with children (:func:`volunteers.models.is_child_work`) on a day ``volunteer`` has
    no valid check for (the checks prefetched): refused when saving, left out of approval."""
    return is_child_work(entry, child_titles) and not any(
        check.is_valid(entry.date) for check in volunteer.checks.all()
    )


def _entry_problems(
    entry: HoursData, volunteer: Volunteer, today: datetime.date, child_titles: set
) -> list[str]:
    """Every rule of one entry; ``child_titles`` come from
    :func:`volunteers.models.child_work_titles`.
    """
    problems = []
    if not 1 <= entry.quarters <= QUARTERS_PER_DAY:
        problems.append(_("Hours must be between 0.25 and 24."))
    if entry.date > today:
        problems.append(_("Hours cannot be logged for a day in the future."))
    if volunteer.status == VolunteerStatus.APPLICANT:
        problems.append(_("%(name)s is still an applicant.") % {"name": volunteer})
    agreements = list(volunteer.agreements.all())
    if agreements and not any(agreement.covers(entry.date) for agreement in agreements):
        problems.append(
            _("%(date)s is outside %(name)s's agreement.")
            % {"date": formats.date_format(entry.date, "SHORT_DATE_FORMAT"), "name": volunteer}
        )
    if not (entry.activity.strip() or entry.opportunity or entry.initiative):
        problems.append(no_work_message())
    if volunteer.is_minor(entry.date) and not volunteer.guardian_consent_on:
        problems.append(
            _("%(name)s is under 18: record the guardian's consent first.") % {"name": volunteer}
        )
    opportunity = entry.opportunity
    if opportunity is not None and opportunity.organisation_id != volunteer.organisation_id:
        problems.append(_("The opportunity belongs to another organisation."))
    if (
        opportunity is None
        and entry.with_children is None
        and not is_child_work(entry, child_titles)
    ):
        problems.append(children_undeclared_message())
    if _child_work_without_check(entry, volunteer, child_titles):
        problems.append(_no_valid_check(volunteer, entry.date))
    return problems


def hours_update(*, entry: HoursEntry, data: HoursData) -> HoursEntry:
    """Change a submitted (or rejected: it goes back to the queue) entry; approved ones are
    locked."""
    with transaction.atomic():
        locked = HoursEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == EntryStatus.APPROVED:
            raise VolunteeringError(_("Approved hours are locked and cannot be changed."))
        volunteer = (
            Volunteer.objects.select_for_update()
            .prefetch_related("agreements", "checks")
            .get(pk=locked.volunteer_id)
        )
        failure = _validate_entries([data], {volunteer.pk: volunteer}, exclude_pk=locked.pk)
        if failure is not None:
            raise failure
        for name in (
            "date",
            "quarters",
            "opportunity",
            "initiative",
            "activity",
            "description",
            "work_kind",
        ):
            setattr(locked, name, getattr(data, name))
        locked.with_children = _declared(data)
        locked.status, locked.reject_reason = EntryStatus.SUBMITTED, ""
        locked.decided_by, locked.decided_at = None, None
        locked.save()
    return locked


@dataclass(frozen=True)
class Decision:
    changed: int
    skipped: int  # already decided by someone else meanwhile
    blocked: list[str] = field(default_factory=list)  # why some entries could not be approved


def entries_decide(*, entry_ids: list[int], approve: bool, reason: str, user: User) -> Decision:
    """Approve or reject submitted entries in bulk. The rows are locked first, so when two
    people decide the same entries at once, the second finds them decided and skips them.

    Work with children (the opportunity's flag, the declaration, or free text naming such an
    opportunity) is approved only with a valid check on its day; other entries stay submitted
    and ``blocked`` says why.
    """
    if not approve and not reason.strip():
        raise VolunteeringError(_("Give the reason for rejecting."))
    with transaction.atomic():
        locked = list(
            HoursEntry.objects.select_for_update(of=("self",))
            .filter(pk__in=entry_ids)
            .select_related("volunteer", "opportunity")
            .prefetch_related("volunteer__checks")
            .order_by("pk")
        )
        pending = [entry for entry in locked if entry.status == EntryStatus.SUBMITTED]
        blocked: list[str] = []
        if approve:
            child_titles = child_work_titles(entry.volunteer.organisation_id for entry in pending)
            allowed = []
            for entry in pending:
                if _child_work_without_check(entry, entry.volunteer, child_titles):
                    blocked.append(_no_valid_check(entry.volunteer, entry.date))
                else:
                    allowed.append(entry)
            pending = allowed
        HoursEntry.objects.filter(pk__in=[entry.pk for entry in pending]).update(
            status=EntryStatus.APPROVED if approve else EntryStatus.REJECTED,
            reject_reason="" if approve else reason.strip(),
            decided_by=user,
            decided_at=timezone.now(),
        )
    return Decision(
        changed=len(pending),
        skipped=len([entry for entry in locked if entry.status != EntryStatus.SUBMITTED]),
        blocked=blocked,
    )


# --- Certificates -----------------------------------------------------------------------------


def certificate_kinds(approved) -> list[dict]:
    """The kinds of work a certificate lists, with their hours: ``[{"label": str, "quarters":
    int}]``, most hours first. An entry's kind of work (REPORTS.md §9 D6) names it; entries
    logged without one fall back to their opportunity, initiative or the words typed. One
    query."""
    totals: dict[str, int] = {}
    rows = approved.values(
        "work_kind__name", "opportunity__title", "initiative__title", "activity"
    ).annotate(total=Sum("quarters"))
    for row in rows.order_by():
        label = (
            row["work_kind__name"]
            or row["opportunity__title"]
            or row["initiative__title"]
            or row["activity"]
        )
        totals[label] = totals.get(label, 0) + row["total"]
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [{"label": label, "quarters": quarters} for label, quarters in ordered]


def certificate_issue(
    *,
    volunteer: Volunteer,
    period_from: datetime.date,
    period_to: datetime.date,
    user: User,
    language: str,
) -> Certificate:
    """Number the certificate (per year, under the settings row's lock), snapshot the approved
    hours of the period, and start the PDF."""
    if period_to < period_from:
        raise VolunteeringError(_("The end of the period cannot be before its start."))
    total = (
        HoursEntry.objects.filter(
            volunteer=volunteer,
            status=EntryStatus.APPROVED,
            date__gte=period_from,
            date__lte=period_to,
        ).aggregate(total=Sum("quarters"))["total"]
        or 0
    )
    if not total:
        raise VolunteeringError(
            _("%(name)s has no approved hours in this period.") % {"name": volunteer}
        )
    approved = HoursEntry.objects.filter(
        volunteer=volunteer, status=EntryStatus.APPROVED, date__gte=period_from, date__lte=period_to
    )
    kinds = certificate_kinds(approved)
    today = timezone.localdate()
    with transaction.atomic():
        # The settings row serialises numbering: one certificate number at a time.
        VolunteeringSettings.objects.select_for_update().get(pk=VolunteeringSettings.current().pk)
        last = (
            Certificate.objects.filter(year=today.year)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        sequence = (last or 0) + 1
        certificate = Certificate.objects.create(
            number=f"ZW/{today.year}/{sequence:04d}",
            year=today.year,
            sequence=sequence,
            volunteer=volunteer,
            period_from=period_from,
            period_to=period_to,
            issued_on=today,
            issued_by=user,
            total_quarters=total,
            kinds=kinds,
        )
        certificate.document = document_request(
            kind="volunteers.certificate",
            params={"certificate_id": certificate.pk},
            title=_("Volunteer certificate %(number)s") % {"number": certificate.number},
            requested_by=user,
            language=language,
        )
        certificate.save(update_fields=["document"])
    return certificate


# --- The rate table -----------------------------------------------------------------------------


def rate_add(*, form, user: User):
    """Save a new row of the rate table (REPORTS.md §9 D6). Rows are only ever added: a rate
    in effect is never changed, so the reports of past periods keep their values."""
    with transaction.atomic():
        form.instance.created_by = user
        return form.save()


def rate_delete(*, rate) -> None:
    """Delete a row not yet in effect (a mistake typed ahead); a row in effect has valued
    hours already and stays. Raises :class:`VolunteeringError` for a row in effect."""
    with transaction.atomic():
        locked = type(rate).objects.select_for_update().filter(pk=rate.pk).order_by().first()
        if locked is None:
            return
        if locked.in_effect():
            raise VolunteeringError(
                _("A rate in effect cannot be deleted: add a new rate from a later day instead.")
            )
        locked.delete()
