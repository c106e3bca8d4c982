"""Staff pages about the people themselves: the participants, possible duplicates and their
merge (REPORTS.md §9, D3), and the typed districts still to map to an area (D1)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calportal.accounts.decorators import permission_required
from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.contacts import format_phone, name_text_key, phone_search_digits
from initiatives import services
from initiatives.forms import DistrictMapForm, residence_choices
from initiatives.models import Participant, Registration, RegistrationStatus
from initiatives.passes.models import SeniorPass

PAGE_SIZE = 25
# Groups of possible duplicates shown per kind (e-mail, phone, name and year of birth): the
# page stays quick; each merge makes room for the next.
GROUP_LIMIT = 30
# The largest primary key the database holds (a signed 64-bit integer): a larger id in a URL
# would make the query fail (SQLite cannot even bind it).
LARGEST_ID = 2**63 - 1


def _with_counts(participants):
    """Each person's active registrations and passes, counted in the same query."""
    return participants.select_related("area").annotate(
        active_registrations=Count(
            "registrations",
            filter=~Q(registrations__status=RegistrationStatus.CANCELLED),
            distinct=True,
        ),
        pass_count=Count("passes", distinct=True),
    )


# --- Participants ------------------------------------------------------------------------------


@permission_required("initiatives.view_participant")
def participant_list(request):
    query = request.GET.get("q", "").strip()
    # Anonymised rows (PRIVACY.md §2) are nobody: they only feed the figures.
    participants = Participant.objects.identifiable()
    if query:
        match = Q(name_key__contains=name_text_key(query)) | Q(email__icontains=query)
        digits = phone_search_digits(query)
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        participants = participants.filter(match)
    participants = _with_counts(participants).order_by("last_name", "first_name", "pk")
    record_access(request.user, Access.PARTICIPANTS)
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "initiatives/participants/list.html", {"page": page, "query": query})


# --- Possible duplicates -------------------------------------------------------------------------


KIND_LABELS = {
    "email": gettext_lazy("Same e-mail address"),
    "phone": gettext_lazy("Same phone number"),
    "name": gettext_lazy("Same name and year of birth"),
}


def _duplicate_groups() -> tuple[list[dict], bool]:
    """Groups of participants sharing an e-mail address (case aside), a phone number, or a
    name (compared as ``name_key``) and year of birth; oldest record first. Four queries
    whatever the data; at most :data:`GROUP_LIMIT` groups of each kind (``truncated`` says
    when there are more). Anonymised rows are never a duplicate of anyone (they share an empty
    name and often a generalised year of birth)."""
    shared = Q(n__gt=1)
    people = Participant.objects.identifiable()
    emails = list(
        people.exclude(email="")
        .values(key=Lower("email"))
        .annotate(n=Count("pk"))
        .filter(shared)
        .order_by("key")
        .values_list("key", flat=True)[: GROUP_LIMIT + 1]
    )
    phones = list(
        people.exclude(phone="")
        .values("phone")
        .annotate(n=Count("pk"))
        .filter(shared)
        .order_by("phone")
        .values_list("phone", flat=True)[: GROUP_LIMIT + 1]
    )
    names = list(
        people.filter(birth_year__isnull=False)
        .values("name_key", "birth_year")
        .annotate(n=Count("pk"))
        .filter(shared)
        .order_by("name_key", "birth_year")
        .values_list("name_key", "birth_year")[: GROUP_LIMIT + 1]
    )
    truncated = max(len(emails), len(phones), len(names)) > GROUP_LIMIT
    emails, phones, names = emails[:GROUP_LIMIT], phones[:GROUP_LIMIT], names[:GROUP_LIMIT]
    if not (emails or phones or names):
        return [], truncated
    match = Q(email_key__in=emails) | Q(phone__in=phones)
    for key, year in names:
        match |= Q(name_key=key, birth_year=year)
    members = list(
        _with_counts(people.annotate(email_key=Lower("email"))).filter(match).order_by("pk")
    )
    keyed = {
        "email": {key: [] for key in emails},
        "phone": {key: [] for key in phones},
        "name": {key: [] for key in names},
    }
    for person in members:  # a bounded number of rows, folded into their groups
        for kind, key in (
            ("email", person.email_key),
            ("phone", person.phone),
            ("name", (person.name_key, person.birth_year)),
        ):
            if key in keyed[kind]:
                keyed[kind][key].append(person)
    groups = []
    for kind, by_key in keyed.items():
        for key, people in by_key.items():
            if len(people) < 2:
                continue
            if kind == "phone":
                shown = format_phone(key)
            elif kind == "name":
                shown = f"{people[0].first_name} {people[0].last_name}, {key[1]}"
            else:
                shown = key
            groups.append(
                {"kind": kind, "label": KIND_LABELS[kind], "key": shown, "people": people}
            )
    return groups, truncated


@permission_required("initiatives.view_participant")
def participant_duplicates(request):
    groups, truncated = _duplicate_groups()
    return render(
        request,
        "initiatives/participants/duplicates.html",
        {"groups": groups, "truncated": truncated, "group_limit": GROUP_LIMIT},
    )


# --- Merge ---------------------------------------------------------------------------------------


def _residence_text(person: Participant, area_names: dict) -> str:
    if person.outside_municipality:
        return _("Outside the municipality")
    return area_names.get(person.area_id, "") if person.area_id else ""


def _comparison(keep: Participant, duplicate: Participant, merged: dict) -> list[dict]:
    """Rows of (field, kept record, duplicate, after the merge) for the preview."""
    area_names = {
        person.area_id: person.area.name for person in (keep, duplicate) if person.area_id
    }
    after = Participant(
        **{
            name: getattr(keep, name)
            for name in ("first_name", "last_name", "email", "phone", "birth_year", "gender")
        }
    )
    after.district, after.area_id = keep.district, keep.area_id
    after.outside_municipality = keep.outside_municipality
    for name, value in merged.items():
        setattr(after, name, value)
    fields = [
        ("first_name", _("First name"), lambda p: p.first_name),
        ("last_name", _("Last name"), lambda p: p.last_name),
        ("email", _("E-mail address"), lambda p: p.email),
        ("phone", _("Phone"), lambda p: format_phone(p.phone)),
        ("birth_year", _("Year of birth"), lambda p: p.birth_year or ""),
        ("gender", _("Gender"), lambda p: p.get_gender_display()),
        ("district", _("District or village (as typed)"), lambda p: p.district),
        ("area_id", _("Where the person lives"), lambda p: _residence_text(p, area_names)),
    ]
    return [
        {
            "label": label,
            "keep": show(keep),
            "duplicate": show(duplicate),
            "after": show(after),
            "filled": name in merged,
        }
        for name, label, show in fields
    ]


@permission_required("initiatives.change_participant", "initiatives.change_registration")
def participant_merge(request, keep: int, duplicate: int):
    """GET: both records side by side and what the merge will do; POST: merge. An id no
    record can have (beyond a 64-bit integer) is not found, before any query. An anonymised
    row is no record to merge: it is treated as gone."""
    if max(keep, duplicate) > LARGEST_ID:
        raise Http404
    people = Participant.objects.identifiable().select_related("area").in_bulk([keep, duplicate])
    if keep not in people or duplicate not in people:
        messages.info(request, _("That record no longer exists: it may have been merged already."))
        return redirect("initiatives:participant_duplicates")
    kept, other = people[keep], people[duplicate]
    if request.method != "POST":
        record_access(request.user, Access.PARTICIPANT, kept)
        record_access(request.user, Access.PARTICIPANT, other)
    if request.method == "POST":
        try:
            result = services.participant_merge(keep=kept, duplicate=other, by=request.user)
        except services.ParticipantError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The records are merged into %(person)s.") % {"person": result.participant}
                + " "
                + ngettext(
                    "%(count)s registration for the same event was cancelled.",
                    "%(count)s registrations for the same events were cancelled.",
                    len(result.cancelled),
                )
                % {"count": len(result.cancelled)},
            )
            return redirect("initiatives:participant_duplicates")
    registrations = list(
        Registration.objects.filter(participant__in=[kept, other])
        .select_related("event__initiative")
        .order_by("event__starts_at", "pk")
    )
    passes = list(SeniorPass.objects.filter(holder__in=[kept, other]).order_by("issued_on", "pk"))
    conflicts = services.participant_merge_conflicts(registrations)
    return render(
        request,
        "initiatives/participants/merge.html",
        {
            "keep": kept,
            "duplicate": other,
            "rows": _comparison(
                kept, other, services.participant_merged_values(keep=kept, duplicate=other)
            ),
            "registrations": {
                "keep": [r for r in registrations if r.participant_id == kept.pk],
                "duplicate": [r for r in registrations if r.participant_id == other.pk],
            },
            "passes": {
                "keep": [p for p in passes if p.holder_id == kept.pk],
                "duplicate": [p for p in passes if p.holder_id == other.pk],
            },
            "conflicts": conflicts,
            "refusal": services.participant_merge_refusal(keep=kept, duplicate=other),
        },
    )


# --- Districts to map ----------------------------------------------------------------------------


@permission_required("initiatives.change_participant")
def districts_to_map(request):
    """Typed districts of people with no residence yet, most people first; each row maps all
    of them at once."""
    choices = residence_choices(not_given_label=_("— choose —"))
    if request.method == "POST":
        form = DistrictMapForm(request.POST, choices=choices)
        if form.is_valid():
            mapped = services.participants_map_district(
                district_key=form.cleaned_data["district_key"],
                residence=form.cleaned_data["residence"],
                by=request.user,
            )
            messages.success(
                request,
                ngettext("%(count)s person mapped.", "%(count)s people mapped.", mapped)
                % {"count": mapped},
            )
        else:
            messages.error(request, _("Choose an area or “outside the municipality”."))
        return redirect(request.get_full_path())
    unmapped = (
        Participant.objects.identifiable()
        .filter(area__isnull=True, outside_municipality=False)
        .exclude(district="")
        .annotate(district_key=services.district_key_expression())
        .exclude(district_key="")
        .values("district_key")
        .annotate(people=Count("pk"), written=Min("district"))
        .order_by("-people", "district_key")
    )
    page = Paginator(unmapped, PAGE_SIZE).get_page(request.GET.get("page"))
    suggested = {
        name.strip().lower(): value
        for _group, options in choices
        if isinstance(options, list)
        for value, name in options
    }
    rows = [
        (
            row,
            DistrictMapForm(
                choices=choices,
                initial={
                    "district_key": row["district_key"],
                    "residence": suggested.get(row["district_key"], ""),
                },
                auto_id=f"id_%s_{number}",
            ),
        )
        for number, row in enumerate(page, start=1)
    ]
    return render(request, "initiatives/participants/districts.html", {"page": page, "rows": rows})
