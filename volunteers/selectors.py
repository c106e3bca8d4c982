"""Reading volunteering data, always through the user's scope: a partner coordinator's own
organisation, or everything for OPS staff. Totals are aggregated in SQL."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from calportal.accounts.models import User
from calportal.organisations.models import Organisation
from volunteers.models import (
    Agreement,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Volunteer,
    VolunteerRate,
    VolunteerStatus,
)

AGREEMENT_AFTER_DAYS = 30


def sees_all(user: User) -> bool:
    return user.has_perm("volunteers.view_all_volunteers")


def volunteers_for(user: User) -> QuerySet[Volunteer]:
    """The volunteers the user may see: every organisation's for the OPS, their own
    organisation's for a partner, none otherwise. Never the anonymous per-year rows that
    anonymisation leaves for the figures (PRIVACY.md §2): they are nobody's profile, choice or
    reminder."""
    volunteers = Volunteer.objects.identifiable()
    if sees_all(user):
        return volunteers
    if user.organisation_id:
        return volunteers.filter(organisation_id=user.organisation_id)
    return Volunteer.objects.none()


def opportunities_for(user: User) -> QuerySet[Opportunity]:
    if sees_all(user):
        return Opportunity.objects.all()
    if user.organisation_id:
        return Opportunity.objects.filter(organisation_id=user.organisation_id)
    return Opportunity.objects.none()


def entries_for(user: User, *, with_anonymised: bool = False) -> QuerySet[HoursEntry]:
    """The hours entries the user may see (scoped as :func:`volunteers_for`). Entries of
    anonymised volunteers (PRIVACY.md §2) only with ``with_anonymised``: the totals count them
    (they are the figures' hours, shown as one row of "Anonymised volunteers") and the approval
    queue shows those still waiting for a decision; the hours list, its export and the edit
    page leave them out."""
    if sees_all(user):
        entries = HoursEntry.objects.all()
    elif user.organisation_id:
        entries = HoursEntry.objects.filter(volunteer__organisation_id=user.organisation_id)
    else:
        return HoursEntry.objects.none()
    if not with_anonymised:
        entries = entries.filter(volunteer__anonymised_year__isnull=True)
    return entries


def initiatives_for(user: User):
    """Initiatives a user may pick: all for the OPS; for a partner the public ones and those
    their organisation leads or partners in (never another organisation's internal work)."""
    from initiatives.models import Initiative

    if sees_all(user):
        return Initiative.objects.order_by("title")
    own = Q(lead_organisation_id=user.organisation_id) | Q(
        partner_organisations=user.organisation_id
    )
    return (
        Initiative.objects.filter(
            Q(is_public=True) | own if user.organisation_id else Q(is_public=True)
        )
        .distinct()
        .order_by("title")
    )


def events_for(user: User):
    from initiatives.models import Event

    return Event.objects.filter(initiative__in=initiatives_for(user)).select_related("initiative")


def organisations_for(user: User) -> QuerySet[Organisation]:
    """Organisations that host volunteers, as far as the user may see them."""
    if sees_all(user):
        return Organisation.objects.filter(is_partner=True).order_by("name")
    return Organisation.objects.filter(pk=user.organisation_id)


def with_compliance(queryset: QuerySet[Volunteer], on: datetime.date | None = None):
    """Annotate: a current agreement, a valid check, when work started (first hours)."""
    day = on or timezone.localdate()
    current_agreement = Agreement.objects.filter(
        volunteer=OuterRef("pk"), starts_on__lte=day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    valid_check = ChildSafetyCheck.objects.filter(
        volunteer=OuterRef("pk"), checked_on__lte=day
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    return queryset.annotate(
        has_agreement=Exists(current_agreement),
        has_valid_check=Exists(valid_check),
        work_started=Min("hours__date"),
    )


def lacking_agreement(queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Active volunteers who have worked for more than 30 days without a current agreement."""
    cutoff = timezone.localdate() - datetime.timedelta(days=AGREEMENT_AFTER_DAYS)
    return (
        with_compliance(queryset.filter(status=VolunteerStatus.ACTIVE))
        .filter(has_agreement=False, work_started__lt=cutoff)
        .select_related("organisation")
    )


def rate_of_entry(field: str):
    """SQL for one field (``"hourly_rate"`` or ``"pk"``) of the rate row in force for each
    hours entry (REPORTS.md §2 VO4, §9 D6): the row of the entry's kind of work with the latest
    ``valid_from`` not after the entry's date, else the general row (no kind) with the latest
    ``valid_from`` not after it; NULL when there is none."""
    own = (
        VolunteerRate.objects.filter(
            work_kind=OuterRef("work_kind"), valid_from__lte=OuterRef("date")
        )
        .order_by("-valid_from")
        .values(field)[:1]
    )
    general = (
        VolunteerRate.objects.filter(work_kind__isnull=True, valid_from__lte=OuterRef("date"))
        .order_by("-valid_from")
        .values(field)[:1]
    )
    return Coalesce(Subquery(own), Subquery(general))


def with_rate(entries: QuerySet[HoursEntry]) -> QuerySet[HoursEntry]:
    """``entries`` annotated with ``rate``: zł an hour in force for each (0 without a rate)."""
    return entries.annotate(
        rate=Coalesce(
            rate_of_entry("hourly_rate"),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=7, decimal_places=2),
        )
    )


def value_sum() -> Sum:
    """The aggregate of Σ quarters × rate over entries :func:`with_rate` annotated: four times
    their value in zł (divide by 4)."""
    return Sum(
        F("quarters") * F("rate"), output_field=DecimalField(max_digits=20, decimal_places=2)
    )


def pln(amount) -> Decimal:
    """An amount in zł rounded to the grosz (half up)."""
    return Decimal(amount or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# The value first: after it "quarters" names the sum, not the column.
def _sums() -> dict:
    return {"quarters_value": value_sum(), "quarters": Sum("quarters")}


def _with_value(rows):
    for row in rows:
        row["hours"] = row["quarters"] / 4
        row["value"] = pln(row["quarters_value"] / 4)
    return rows


def _approved(entries: QuerySet[HoursEntry]) -> QuerySet[HoursEntry]:
    return with_rate(entries.filter(status=EntryStatus.APPROVED))


def totals_summary(entries: QuerySet[HoursEntry]) -> dict:
    """Approved hours and their value per organisation (``by_organisation``), per month
    (``by_month``) and overall (``overall``: None without approved hours), each entry at the
    rate in force on its date for its kind of work (the rate table). Two queries: the overall
    figures are the organisations' added up (a volunteer belongs to one organisation, so their
    volunteers add up too)."""
    approved = _approved(entries)
    by_organisation = _with_value(
        list(
            approved.values("volunteer__organisation_id", "volunteer__organisation__name")
            .annotate(**_sums(), volunteers=Count("volunteer", distinct=True))
            .order_by("volunteer__organisation__name")
        )
    )
    by_month = _with_value(
        list(
            approved.annotate(month=TruncMonth("date"))
            .values("month")
            .annotate(**_sums(), volunteers=Count("volunteer", distinct=True))
            .order_by("month")
        )
    )
    overall = None
    if by_organisation:
        overall = _with_value(
            [
                {
                    name: sum(row[name] or 0 for row in by_organisation)
                    for name in ("quarters_value", "quarters", "volunteers")
                }
            ]
        )[0]
    return {"by_organisation": by_organisation, "by_month": by_month, "overall": overall}


def _by_person(entries: QuerySet[HoursEntry]) -> QuerySet:
    """Approved hours and their value per identifiable volunteer, by name (SQL rows)."""
    return (
        _approved(entries.filter(volunteer__anonymised_year__isnull=True))
        .values(
            "volunteer_id",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__organisation__name",
        )
        .annotate(**_sums(), entries=Count("pk"))
        .order_by("volunteer__last_name", "volunteer__first_name", "volunteer_id")
    )


def _anonymised_row(entries: QuerySet[HoursEntry]) -> dict | None:
    """The approved hours of anonymised volunteers (PRIVACY.md §2) as one row, named
    "Anonymised volunteers", organisation empty (they may be of several); None without any."""
    row = _approved(entries.filter(volunteer__anonymised_year__isnull=False)).aggregate(
        **_sums(), entries=Count("pk")
    )
    if not row["quarters"]:
        return None
    return {
        "volunteer_id": None,
        "volunteer__first_name": _("Anonymised volunteers"),
        "volunteer__last_name": "",
        "volunteer__organisation__name": "",
        "quarters_value": row["quarters_value"] or 0,
        "quarters": row["quarters"],
        "entries": row["entries"],
        "anonymised": True,
    }


class VolunteerTotals:
    """The per-volunteer rows of :func:`totals` for a :class:`~django.core.paginator.Paginator`:
    the identifiable volunteers by name, read a page at a time in SQL, then the anonymised
    volunteers' row (one query, made at once) last. ``count()`` is one query."""

    def __init__(self, entries: QuerySet[HoursEntry]):
        self.people = _by_person(entries)
        self.anonymised = _anonymised_row(entries)

    def count(self) -> int:
        if not hasattr(self, "_count"):
            self._count = self.people.count() + (1 if self.anonymised else 0)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("VolunteerTotals is read in slices")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        rows = [{**row, "anonymised": False} for row in self.people[start:stop]]
        if self.anonymised and start <= self.count() - 1 < stop:
            rows.append(dict(self.anonymised))
        return _with_value(rows)


def totals(entries: QuerySet[HoursEntry]) -> dict:
    """Approved hours per volunteer (``by_volunteer``, every row: for the export), per
    organisation and per month, and their value, as :func:`totals_summary`. The hours of
    anonymised volunteers (PRIVACY.md §2) count everywhere, but in ``by_volunteer`` they are
    one last row with ``anonymised`` True (the rows of anonymised persons folded together,
    ``volunteer_id`` None), so that no row is a blank name and the rows still add up to the
    overall total. Four queries."""
    people = VolunteerTotals(entries)
    return {"by_volunteer": people[:None], **totals_summary(entries)}


def week_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + datetime.timedelta(days=offset) for offset in range(7)]


def week_grid(volunteers: list[Volunteer], monday: datetime.date) -> dict:
    """What is already logged for these volunteers in the week, by (volunteer id, day)."""
    days = week_days(monday)
    logged: dict[tuple[int, datetime.date], list[dict]] = {}
    rows = (
        HoursEntry.objects.filter(volunteer__in=volunteers, date__gte=days[0], date__lte=days[-1])
        .values("volunteer_id", "date", "quarters", "status")
        .order_by("pk")
    )
    for row in rows:
        row["hours"] = row["quarters"] / 4
        row["status_label"] = EntryStatus(row["status"]).label.lower()
        logged.setdefault((row["volunteer_id"], row["date"]), []).append(row)
    return logged


def dashboard_counts(user: User) -> dict:
    return {
        "applicants": volunteers_for(user).filter(status=VolunteerStatus.APPLICANT).count(),
        "waiting": entries_for(user, with_anonymised=True)
        .filter(status=EntryStatus.SUBMITTED)
        .count(),
        "lacking": lacking_agreement(volunteers_for(user)).count(),
    }
