"""Anonymisation that keeps every report's figures (PRIVACY.md §2).

**The per-person-per-year token is a row.** An anonymised person is one
:class:`~initiatives.models.Participant` row per calendar year (``anonymised_year`` set): no
name, no contact, no typed district, neutral consent fields, ``birth_year`` generalised to
``year − the lowest age of the person's age band in that year`` (so every figure computing
``age_in_year(year, birth_year)`` within that year finds the same band of
:data:`calportal.reports.figures.AGE_BANDS`), ``age_band`` the band's key; gender, area and
"outside the municipality" kept. All of that year's facts point at it — the registrations for
events starting in that Europe/Warsaw year, and that year's part of each senior pass — so a
person counted once in a year (PE1, RE1's union of participants and pass holders, PA4) is still
counted once, while rows of different years of one person share nothing that links them. The
row's primary key is random with respect to the person (a new row, never derived from identity).

``first_years`` on an anonymous row copies the local year of the person's first present
attendance ever — for the whole CAL (``"cal"``) and per initiative / organisation
(``"initiative:<id>"``, ``"organisation:<id>"``), only values up to the row's year — so PE3 (new
vs returning) survives. While the identifiable participant still exists (retention anonymises
a year at a time), its own ``first_years`` holds the same keys for what was moved away (its
later years stay "returning") and ``"tokens": {"2026": pk}`` — the anonymous row of each year
already anonymised, reused when a later batch of the same year follows. The map goes with the
identifiable row when that row is deleted.

**Senior passes spanning years are split** into one pass row per year the pass has facts in
(issued, active on a day, used, or changed status): the piece of every year but the last is a
new row valid until 31 December of its year, closed as "expired" in ``status`` (the nightly
expiry never touches it; the figures read the status history, which is exact), with a random
number; the last year keeps the original row. Each piece gets the status-history rows that
began in its year (rows after the pass's last valid day, e.g. "expired" the day after, stay with
the last piece) and, when the pass was active on 1 January, a row "active from 1 January"; the
redemptions of each local year go to that year's piece. PA2 (new passes) counts only the piece
whose history reaches back to its issue year (see :func:`initiatives.passes.figures.passes_new`).
A pass's anonymised pieces get random numbers ("ANON-…"): the number on the card is the key to
the pass (its QR token signs it) and must stop working.

**Volunteers** the same way: one anonymous :class:`~volunteers.models.Volunteer` per year of
their hours entries, assignments, certificates and ``ended_on``; organisation and the areas they
can reach kept (R5's "volunteers who are residents" and area scopes count them — the areas are
the volunteer's counterpart of a participant's Area); name, contact, notes, message,
availability, skills, languages, policy number and documents removed. Agreements are kept as
dates only, copied to each year row clamped to that year ± 30 days (which keeps VO5's
"30 days or more" and VO6's coverage of that year's days exactly); child-safety checks are
deleted (PRIVACY.md §1) — so VO6's "work with children without a valid check" (internal only)
is no longer computed for anonymised rows. ``first_years = {"cal": year of the first approved
hours}`` keeps VO2; ``"since"`` (the first approved day, or 30 days before 1 January when it is
earlier) keeps VO5's span.

**Small cells** (:func:`small_cell_check`): PRIVACY.md §2 asks to generalise combinations of
Area × gender × age band with fewer than 3 anonymised persons. We only *report* them: changing
the rows' area or band would change R1's tables (its residence and age tables are exactly those
keys), which the invariant of issue 15 forbids; the shared reports already suppress cells below
k (REPORTS.md §3). The retention run logs the list.

**Out of scope:** figures of periods spanning two calendar years (a project's unique persons):
they must be produced before anonymisation, which the project retention rule guarantees.
"""

import datetime
import secrets
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from calportal.reports.figures import AGE_BANDS, AGE_UNKNOWN
from calportal.reports.periods import WARSAW

# Spans of volunteer engagement are judged against 30 days (volunteers.figures.ENGAGEMENT_DAYS):
# a date further than this before 1 January says nothing more than this one does.
_MARGIN = datetime.timedelta(days=30)
SMALL_CELL = 3


# -- shared helpers -------------------------------------------------------------------------------


def generalised_birth_year(year: int, birth_year: int | None) -> tuple[int | None, str]:
    """``(birth year, band key)`` for a person born in ``birth_year`` as seen in ``year``: the
    year of birth of the youngest age of their band (``year − band's lowest age``), so that the
    age in ``year`` falls in the same band of :data:`~calportal.reports.figures.AGE_BANDS`.
    ``(None, "unknown")`` without a year of birth."""
    if birth_year is None:
        return None, AGE_UNKNOWN
    age = year - birth_year
    for key, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return year - low, key
    # Born after the reference year (a data error): keep it as it is, it is in no band.
    return birth_year, AGE_UNKNOWN


def _local_year(moment: datetime.datetime) -> int:
    return timezone.localtime(moment, WARSAW).year


def _month_start(moment: datetime.datetime | None) -> datetime.datetime | None:
    """The first moment (local time) of the month of ``moment``."""
    if moment is None:
        return None
    local = timezone.localtime(moment, WARSAW)
    return datetime.datetime(local.year, local.month, 1, tzinfo=WARSAW)


def _forget(objects) -> None:
    """Make the audit trail's entries of ``objects`` unreadable as personal data."""
    from calportal.audit.services import forget

    forget(objects)


def _forget_messages(model, pks) -> None:
    from calportal.outbox.services import forget_messages_regarding

    for pk in pks:
        forget_messages_regarding(model, pk)


# -- participants: first years --------------------------------------------------------------------


def _min_merge(target: dict, source: dict, *, up_to: int | None = None) -> dict:
    """``target`` with each year of ``source`` where it is lower (only years ≤ ``up_to``)."""
    merged = dict(target)
    for key, year in source.items():
        if key == "tokens" or not isinstance(year, int):
            continue
        if up_to is not None and year > up_to:
            continue
        merged[key] = min(merged.get(key, year), year)
    return merged


def _first_years(participant) -> dict[str, int]:
    """The local year of the person's first present attendance ever, for the CAL and per
    initiative and organisation (lead or partner) of the events: from the registrations the
    identifiable row still has and the years it keeps for what was anonymised before. Events
    cancelled do not count (as in PE3)."""
    from initiatives.figures import PRESENT
    from initiatives.models import EventStatus, Initiative, Registration

    present = (
        Registration.objects.filter(PRESENT, participant=participant)
        .exclude(event__status=EventStatus.CANCELLED)
        .values_list("event__starts_at", "event__initiative_id")
    )
    years: dict[str, int] = {}
    initiative_years: dict[int, int] = {}
    for starts_at, initiative_id in present:
        year = _local_year(starts_at)
        years["cal"] = min(years.get("cal", year), year)
        initiative_years[initiative_id] = min(initiative_years.get(initiative_id, year), year)
    for initiative_id, year in initiative_years.items():
        years[f"initiative:{initiative_id}"] = year
    if initiative_years:
        initiatives = Initiative.objects.filter(pk__in=initiative_years).prefetch_related(
            "partner_organisations"
        )
        for initiative in initiatives:
            year = initiative_years[initiative.pk]
            organisations = {initiative.lead_organisation_id} | {
                organisation.pk for organisation in initiative.partner_organisations.all()
            }
            for organisation in organisations:
                key = f"organisation:{organisation}"
                years[key] = min(years.get(key, year), year)
    return _min_merge(years, participant.first_years or {})


# -- participants ---------------------------------------------------------------------------------


def _year_row(participant, year: int, first_years: dict):
    """The person's anonymous row of ``year``: reused when one was made before (the map under
    ``first_years["tokens"]`` of the identifiable row), else created."""
    from initiatives.models import Participant

    tokens = (participant.first_years or {}).get("tokens", {})
    row = None
    if str(year) in tokens:
        row = Participant.objects.filter(pk=tokens[str(year)], anonymised_year=year).first()
    birth_year, band = generalised_birth_year(year, participant.birth_year)
    if row is None:
        row = Participant(
            anonymised_year=year,
            first_name="",
            last_name="",
            email="",
            phone="",
            district="",
            consent_text_version="",
            consent_scope="",
            consent_given_at=datetime.datetime(year, 1, 1, tzinfo=WARSAW),
        )
    row.birth_year, row.age_band = birth_year, band
    row.gender = participant.gender
    row.area_id = participant.area_id
    row.outside_municipality = participant.outside_municipality
    row.first_years = _min_merge(row.first_years or {}, first_years, up_to=year)
    row.save()
    return row


def _is_the_person(user, participant) -> bool:
    email = (participant.email or "").strip().casefold()
    return bool(user is not None and email and (user.email or "").strip().casefold() == email)


def _scrub_registrations(registrations, participant, row) -> int:
    """Move ``registrations`` to ``row`` without what identifies: free text, access key,
    consent and the exact time they were made. Returns how many."""
    from calportal.privacy.models import Consent
    from initiatives.models import Registration

    registrations = list(registrations.select_related("created_by"))
    if not registrations:
        return 0
    Consent.objects.filter(registration__in=registrations).delete()
    _forget(registrations)
    _forget_messages(Registration, [r.pk for r in registrations])
    for registration in registrations:
        registration.participant = row
        registration.had_accessibility_needs = bool(
            registration.had_accessibility_needs or registration.accessibility_needs.strip()
        )
        registration.accessibility_needs = ""
        registration.access_key = uuid.uuid4()
        registration.created_at = _month_start(registration.created_at)
        registration.queued_at = _month_start(registration.queued_at)
        registration.consent_text_version = ""
        registration.consent_given_at = None
        if _is_the_person(registration.created_by, participant):
            registration.created_by = None
    Registration.objects.bulk_update(
        registrations,
        [
            "participant",
            "had_accessibility_needs",
            "accessibility_needs",
            "access_key",
            "created_at",
            "queued_at",
            "consent_text_version",
            "consent_given_at",
            "created_by",
        ],
    )
    return len(registrations)


def _registrations_of_year(participant, year: int):
    from initiatives.models import Registration

    start = datetime.datetime(year, 1, 1, tzinfo=WARSAW)
    until = datetime.datetime(year + 1, 1, 1, tzinfo=WARSAW)
    return Registration.objects.filter(
        participant=participant, event__starts_at__gte=start, event__starts_at__lt=until
    )


def _participant_years(participant) -> list[int]:
    """Every local year the identifiable participant has facts in (registrations, passes)."""
    from initiatives.models import Registration, SeniorPass

    years = {
        _local_year(starts_at)
        for starts_at in Registration.objects.filter(participant=participant).values_list(
            "event__starts_at", flat=True
        )
    }
    for senior_pass in SeniorPass.objects.filter(holder=participant):
        years |= set(_split_pass(senior_pass))
    return sorted(years)


def anonymise_participant_year(participant, year: int):
    """Move the local ``year``'s facts of an identifiable participant — registrations for
    events starting in that Europe/Warsaw year, and that year's piece of each of their senior
    passes (with its uses and status history) — to the person's anonymous row of that year
    (created, or reused when this person's year was anonymised before), removing free text,
    access keys, consent records and exact creation times of those facts (PRIVACY.md §2).

    Returns the anonymous row, or None when the year had nothing. One transaction; the
    identifiable row is kept (with the first years of what was moved and the row's id under
    ``first_years["tokens"]``). An active pass whose last year is ``year`` moves too and its
    number stops working: revoke it first (PRIVACY.md §4). Callers move a whole year at once —
    moving part of a year's present registrations would count the person twice in that year.
    Raises ``ValueError`` for an already anonymised row."""
    from initiatives.models import Participant, SeniorPass

    if participant.anonymised_year is not None:
        raise ValueError("This participant is already anonymous.")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        registrations = _registrations_of_year(participant, year)
        pieces = []
        for senior_pass in SeniorPass.objects.filter(holder=participant).order_by("issued_on"):
            piece = _split_pass(senior_pass).get(year)
            if piece is not None:
                pieces.append(piece)
        if not registrations.exists() and not pieces:
            return None
        first_years = _first_years(participant)
        row = _year_row(participant, year, first_years)
        _scrub_registrations(registrations, participant, row)
        for piece in pieces:
            _anonymise_pass_piece(piece, row)
        kept = _min_merge(participant.first_years or {}, first_years, up_to=year)
        kept["tokens"] = {**(participant.first_years or {}).get("tokens", {}), str(year): row.pk}
        participant.first_years = kept
        participant.save(update_fields=["first_years"])
        return row


def anonymise_participant(participant) -> dict[str, int]:
    """Anonymise every year of a participant (:func:`anonymise_participant_year`), then delete
    the identifiable row, its consent records, the pass applications of its passes and the
    e-mails about them. Returns counts by category: ``{"registrations", "passes" (pieces
    moved), "redemptions", "participants" (identifiable rows deleted, 1), "anonymous_rows"}``.
    One transaction. Raises ``ValueError`` for an already anonymised row."""
    from calportal.privacy.models import Consent
    from initiatives.models import Participant, PassApplication, Redemption, Registration
    from initiatives.passes.models import SeniorPass

    if participant.anonymised_year is not None:
        raise ValueError("This participant is already anonymous.")
    counts = {"registrations": 0, "passes": 0, "redemptions": 0, "participants": 0}
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        counts["registrations"] = Registration.objects.filter(participant=participant).count()
        passes = SeniorPass.objects.filter(holder=participant)
        counts["redemptions"] = Redemption.objects.filter(senior_pass__in=passes).count()
        application_ids = set(
            passes.exclude(application=None).values_list("application_id", flat=True)
        )
        rows = set()
        for year in _participant_years(participant):
            participant.refresh_from_db()
            row = anonymise_participant_year(participant, year)
            if row is not None:
                rows.add(row.pk)
        counts["passes"] = SeniorPass.objects.filter(holder_id__in=rows).count()
        counts["anonymous_rows"] = len(rows)
        applications = list(PassApplication.objects.filter(pk__in=application_ids))
        Consent.objects.filter(
            Q(participant=participant) | Q(pass_application__in=applications)
        ).delete()
        _forget(applications + [participant])
        _forget_messages(PassApplication, [a.pk for a in applications])
        _forget_messages(Participant, [participant.pk])
        PassApplication.objects.filter(pk__in=application_ids).delete()
        participant.delete()
        counts["participants"] = 1
    return counts


def delete_accessibility_text(registrations) -> int:
    """Delete the accessibility-needs texts of ``registrations`` (a queryset), keeping that
    there were needs (``had_accessibility_needs``, still counted by R11). Returns how many
    texts were deleted (PRIVACY.md §1: 30 days after the event)."""
    with_text = registrations.exclude(accessibility_needs="")
    _forget(list(with_text))
    return with_text.update(accessibility_needs="", had_accessibility_needs=True)


def anonymise_registrations(registrations) -> int:
    """Move ``registrations`` (a queryset) of identifiable participants to each person's
    anonymous row of the event's year, as :func:`anonymise_participant_year` does, but only
    those rows: for cancelled registrations and waiting lists never promoted (PRIVACY.md §1,
    30 days after the event), which count in no person figure. Later batches of the same
    person-year reuse the row. Returns how many were moved."""
    from initiatives.models import Participant

    moved = 0
    with transaction.atomic():
        by_person_year = defaultdict(list)
        for pk, participant_id, starts_at in registrations.filter(
            participant__anonymised_year__isnull=True
        ).values_list("pk", "participant_id", "event__starts_at"):
            by_person_year[participant_id, _local_year(starts_at)].append(pk)
        for (participant_id, year), pks in sorted(by_person_year.items()):
            participant = Participant.objects.select_for_update().get(pk=participant_id)
            first_years = _first_years(participant)
            row = _year_row(participant, year, first_years)
            batch = registrations.model.objects.filter(pk__in=pks)
            moved += _scrub_registrations(batch, participant, row)
            tokens = {**(participant.first_years or {}).get("tokens", {}), str(year): row.pk}
            participant.first_years = {**(participant.first_years or {}), "tokens": tokens}
            participant.save(update_fields=["first_years"])
    return moved


# -- senior passes ---------------------------------------------------------------------------------


def _history_key(change):
    return (change.started_on, change.changed_at, change.pk)


def _status_before(history: list, day: datetime.date):
    """The status in force at the start of ``day`` (from rows that began before it)."""
    earlier = [change for change in history if change.started_on < day]
    return earlier[-1].status if earlier else None


def _split_pass(senior_pass) -> dict:
    """Split a pass into one row per local year it has facts in (see the module docstring);
    returns ``{year: pass row}``. A pass of one year is returned as it is."""
    from initiatives.passes.models import PassStatus, PassStatusChange, SeniorPass

    history = sorted(senior_pass.status_changes.all(), key=_history_key)
    redemptions = list(senior_pass.redemptions.values_list("pk", "redeemed_at"))
    # The issue year counts through its history row (a piece split off before has none there).
    years = {_local_year(moment) for _pk, moment in redemptions}
    years |= {
        change.started_on.year for change in history if change.started_on <= senior_pass.valid_until
    }
    for year in range(senior_pass.issued_on.year + 1, senior_pass.valid_until.year + 1):
        if _status_before(history, datetime.date(year, 1, 1)) == PassStatus.ACTIVE:
            years.add(year)
    years = sorted(years or {senior_pass.issued_on.year})
    if len(years) == 1:
        return {years[0]: senior_pass}
    last = years[-1]
    pieces = {last: senior_pass}
    for year in years[:-1]:
        status = _status_before(history, datetime.date(year + 1, 1, 1)) or senior_pass.status
        if status in (PassStatus.ACTIVE, PassStatus.SUSPENDED):
            status = PassStatus.EXPIRED
        pieces[year] = SeniorPass.objects.create(
            holder_id=senior_pass.holder_id,
            number=_random_number(),
            issued_on=senior_pass.issued_on,
            valid_until=datetime.date(year, 12, 31),
            status=status,
            application_id=senior_pass.application_id,
            issued_by_id=senior_pass.issued_by_id,
        )
    # Each history row to the piece of its year (rows after the last year with facts: the last
    # piece; e.g. "expired" on the day after the last valid day).
    for change in history:
        year = max(y for y in years if y <= change.started_on.year)
        if pieces[year].pk != change.senior_pass_id:
            PassStatusChange.objects.filter(pk=change.pk).update(senior_pass=pieces[year])
    for year in years[1:]:
        january = datetime.date(year, 1, 1)
        if _status_before(history, january) != PassStatus.ACTIVE:
            continue
        same_day = [c.changed_at for c in history if c.started_on == january]
        at = datetime.datetime(year, 1, 1, tzinfo=WARSAW)
        if same_day:
            at = min(at, min(same_day) - datetime.timedelta(microseconds=1))
        PassStatusChange.objects.create(
            senior_pass=pieces[year], status=PassStatus.ACTIVE, started_on=january, changed_at=at
        )
    by_year = defaultdict(list)
    for pk, moment in redemptions:
        by_year[_local_year(moment)].append(pk)
    for year, pks in by_year.items():
        if pieces[year].pk != senior_pass.pk:
            senior_pass.redemptions.filter(pk__in=pks).update(senior_pass=pieces[year])
    # A pass issued to replace a lost one: the old one was replaced by the issue-year piece.
    first = pieces[years[0]]
    if first.pk != senior_pass.pk:
        SeniorPass.objects.filter(replaced_by=senior_pass).update(replaced_by=first)
    return pieces


def _random_number() -> str:
    return f"ANON-{secrets.token_hex(7).upper()}"


def _anonymise_pass_piece(piece, row) -> None:
    """Give one year's piece of a pass to the anonymous ``row``: random number, no application,
    no notes; its uses lose their one-time values and its history the typed reasons."""
    from initiatives.passes.models import SeniorPass

    _forget([piece])
    _forget_messages(SeniorPass, [piece.pk])
    piece.holder = row
    piece.number = _random_number()
    piece.application = None
    piece.status_note = ""
    piece.save(update_fields=["holder", "number", "application", "status_note"])
    piece.redemptions.update(nonce=None)
    piece.status_changes.exclude(reason="").update(reason="")


# -- volunteers ------------------------------------------------------------------------------------


def _clamp(day: datetime.date, low: datetime.date, high: datetime.date) -> datetime.date:
    return min(max(day, low), high)


def anonymise_volunteer(volunteer) -> dict[str, int]:
    """Replace a volunteer by one anonymous row per local year of their hours entries, shift
    assignments, certificates and end date (see the module docstring), then delete the
    identifiable row with its child-safety checks, consent records and the e-mails about it.
    Returns ``{"volunteers": 1, "anonymous_rows", "hours", "agreements", "checks",
    "assignments", "certificates"}``. One transaction."""
    from calportal.privacy.models import Consent
    from volunteers.models import (
        Agreement,
        Assignment,
        Certificate,
        ChildSafetyCheck,
        EntryStatus,
        GrammaticalGender,
        HoursEntry,
        Volunteer,
        VolunteerStatus,
    )

    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if volunteer.anonymised_year is not None:
            raise ValueError("This volunteer is already anonymous.")
        entries = list(HoursEntry.objects.filter(volunteer=volunteer).values_list("pk", "date"))
        assignments = list(
            Assignment.objects.filter(volunteer=volunteer).values_list("pk", "shift__starts_at")
        )
        certificates = list(Certificate.objects.filter(volunteer=volunteer))
        first_day = (
            HoursEntry.objects.filter(volunteer=volunteer, status=EntryStatus.APPROVED)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        years = {day.year for _pk, day in entries}
        years |= {_local_year(moment) for _pk, moment in assignments}
        years |= {certificate.issued_on.year for certificate in certificates}
        if volunteer.ended_on is not None:
            years.add(volunteer.ended_on.year)
        areas = list(volunteer.areas.all())
        agreements = list(Agreement.objects.filter(volunteer=volunteer))
        rows = {}
        for year in sorted(years):
            january, december = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            first_years = {}
            if first_day is not None and first_day.year <= year:
                first_years["cal"] = first_day.year
                if first_day < january:
                    first_years["since"] = max(first_day, january - _MARGIN).isoformat()
            birth_year, _band = generalised_birth_year(year, volunteer.birth_year)
            ended = (
                volunteer.ended_on
                if volunteer.ended_on and volunteer.ended_on.year == year
                else None
            )
            row = Volunteer.objects.create(
                organisation_id=volunteer.organisation_id,
                first_name="",
                last_name="",
                birth_year=birth_year,
                grammatical_gender=GrammaticalGender.NOT_GIVEN,
                status=VolunteerStatus.ENDED,
                ended_on=ended,
                anonymised_year=year,
                first_years=first_years,
            )
            row.areas.set(areas)
            low, high = january - _MARGIN, december + _MARGIN
            Agreement.objects.bulk_create(
                Agreement(
                    volunteer=row,
                    starts_on=_clamp(agreement.starts_on, low, high),
                    ends_on=None
                    if agreement.ends_on is None
                    else _clamp(agreement.ends_on, low, high),
                    scope="",
                    signed_on=_clamp(agreement.signed_on, low, high),
                )
                for agreement in agreements
                if agreement.starts_on <= december
            )
            rows[year] = row
        _forget([volunteer, *certificates, *agreements])
        by_year = defaultdict(list)
        for pk, day in entries:
            by_year[day.year].append(pk)
        for year, pks in by_year.items():
            HoursEntry.objects.filter(pk__in=pks).update(volunteer=rows[year], description="")
            HoursEntry.objects.filter(pk__in=pks, status=EntryStatus.REJECTED).update(
                reject_reason="—"
            )
        for pk, moment in assignments:
            Assignment.objects.filter(pk=pk).update(volunteer=rows[_local_year(moment)])
        for certificate in certificates:
            document = certificate.document
            certificate.volunteer = rows[certificate.issued_on.year]
            certificate.document = None
            certificate.save(update_fields=["volunteer", "document"])
            if document is not None:
                _forget([document])
                if document.file:
                    document.file.delete(save=False)
                document.delete()
        checks = ChildSafetyCheck.objects.filter(volunteer=volunteer).count()
        Consent.objects.filter(volunteer=volunteer).delete()
        _forget_messages(Volunteer, [volunteer.pk])
        volunteer.delete()
    return {
        "volunteers": 1,
        "anonymous_rows": len(rows),
        "hours": len(entries),
        "agreements": len(agreements),
        "checks": checks,
        "assignments": len(assignments),
        "certificates": len(certificates),
    }


# -- self-help -------------------------------------------------------------------------------------


def anonymise_selfhelp_member(member, *, user) -> None:
    """Erase a former self-help member's identity with the self-help app's own service
    (:func:`selfhelp.services.member_erase`, which keeps the joined/left/attendance facts)."""
    from selfhelp.services import member_erase

    _forget([member])
    member_erase(member=member, user=user)


def anonymise_selfhelp_request(join_request, *, user) -> None:
    """Erase a join request with :func:`selfhelp.services.request_erase` (anonymous facts
    kept)."""
    from selfhelp.services import request_erase

    _forget([join_request])
    request_erase(join_request=join_request, user=user)


# -- risk check ------------------------------------------------------------------------------------


def small_cell_check(year: int) -> list[dict]:
    """The combinations of Area × gender × age band with fewer than 3 anonymised persons of
    ``year`` (PRIVACY.md §2's risk check): ``[{"year", "area" (id, "outside" or
    "not_given"), "gender", "age_band", "persons"}]``, sorted. The rows are not changed (see
    the module docstring); the retention run logs the list. One query."""
    from initiatives.models import Participant

    rows = (
        Participant.objects.filter(anonymised_year=year)
        .values("area_id", "outside_municipality", "gender", "age_band")
        .annotate(persons=Count("pk"))
        .order_by()
    )
    small = []
    for row in rows:
        if row["persons"] >= SMALL_CELL:
            continue
        if row["area_id"] is not None:
            area = row["area_id"]
        else:
            area = "outside" if row["outside_municipality"] else "not_given"
        small.append(
            {
                "year": year,
                "area": area,
                "gender": row["gender"],
                "age_band": row["age_band"],
                "persons": row["persons"],
            }
        )
    return sorted(small, key=lambda cell: (str(cell["area"]), cell["gender"], cell["age_band"]))
