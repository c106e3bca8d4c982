"""Finding a person's records across the portal for a data-subject request (PRIVACY.md §3,
"Search"), and reading everything the confirmed ones hold (the package's data, §3 item 2).

:func:`find` looks by e-mail address, phone number, and name with year of birth in every app
that holds residents' or users' data; staff then confirm which rows are the person's (two
people may share a name or a family e-mail address), and the confirmed keys are kept in
``SubjectRequest.matches`` as ``[{"model": "initiatives.participant", "pk": 12}, ...]``.
:func:`records` reads what those rows hold, and nothing of anyone else. Anonymised rows
(``anonymised_year`` set) and erased self-help rows are never found: they are no one's any more.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from calportal.contacts import (
    name_key,
    name_pattern,
    name_text_key,
    normalise_phone,
    phone_search_digits,
)

# The areas of processing, in the order the package lists them.
AREAS = {
    "events": gettext_lazy("Events and registrations"),
    "pass": gettext_lazy("Senior pass"),
    "volunteering": gettext_lazy("Volunteering"),
    "selfhelp": gettext_lazy("Self-help groups"),
    "map": gettext_lazy("Reports to the map of needs and resources"),
    "account": gettext_lazy("Portal account"),
}

# Every model :func:`find` searches, with its area.
MODEL_AREAS = {
    "initiatives.participant": "events",
    "initiatives.passapplication": "pass",
    "volunteers.volunteer": "volunteering",
    "selfhelp.joinrequest": "selfhelp",
    "selfhelp.member": "selfhelp",
    "resources_map.residentreport": "map",
    "accounts.user": "account",
}

# Self-help models whose facilitator notes wait for the art. 15(4) review.
NOTE_MODELS = ("selfhelp.joinrequest", "selfhelp.member")


@dataclass
class Match:
    """One row that may be the person's. ``key`` is ``"<app_label>.<model>:<pk>"``;
    ``matched_by`` lists what matched ("email", "phone", "name")."""

    model: str
    pk: int
    area: str
    summary: str
    matched_by: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.model}:{self.pk}"

    @property
    def area_label(self) -> str:
        return str(AREAS[self.area])

    @property
    def matched_by_label(self) -> str:
        labels = {"email": _("e-mail"), "phone": _("phone"), "name": pgettext("matched by", "name")}
        return ", ".join(labels[m] for m in self.matched_by)


def parse_key(key: str) -> tuple[str, int]:
    """``"initiatives.participant:12"`` → ``("initiatives.participant", 12)``. Raises
    ``ValueError`` for anything else, or a model :func:`find` does not search."""
    model, _sep, pk = (key or "").partition(":")
    if model not in MODEL_AREAS or not pk.isdigit():
        raise ValueError(f"not a record key: {key!r}")
    return model, int(pk)


def keys_of(matches: list[dict]) -> list[str]:
    """The keys of ``SubjectRequest.matches`` entries (entries that are not well formed are
    skipped)."""
    keys = []
    for entry in matches or []:
        try:
            keys.append(f"{entry['model']}:{int(entry['pk'])}")
        except (KeyError, TypeError, ValueError):
            continue
    return keys


def search_phone(text: str) -> str:
    """The stored form of a phone number typed any way (lenient: 9 digits also when the
    number is not valid in the numbering plan; "" when it is no phone number)."""
    try:
        return normalise_phone(text)
    except ValidationError:
        digits = phone_search_digits(text)
        return digits if len(digits) == 9 else ""


def _name_regex(text: str) -> str:
    return "^" + name_pattern(text).pattern + "$"


def find(*, email="", phone="", first_name="", last_name="", birth_year=None) -> list[Match]:
    """Every row in the portal that may be the person's (PRIVACY.md §3, "Search").

    ``email`` matches any e-mail field case-insensitively; ``phone`` is compared in its stored
    form (:func:`calportal.contacts.normalise_phone`, typed any common way); ``first_name`` and
    ``last_name`` compare as :func:`calportal.contacts.name_key` does (case, apostrophes,
    hyphens and spaces ignored), together with ``birth_year`` where the row has one (a row
    without a recorded year matches by name alone; so do self-help members, map reports and
    accounts, which hold no year). A name needs both parts. Rows found by several criteria come
    once. Ordered by area, then as found. Anonymised and erased rows are never returned."""
    email = (email or "").strip()
    phone = search_phone(phone) if phone else ""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    with_name = bool(first_name and last_name)
    if not (email or phone or with_name):
        return []
    key = name_key(first_name, last_name)
    found: dict[str, Match] = {}

    def add(model: str, row, summary: str, by: list[str]):
        if not by:
            return
        match = found.get(f"{model}:{row.pk}")
        if match is None:
            found[f"{model}:{row.pk}"] = Match(model, row.pk, MODEL_AREAS[model], summary, by)
        else:
            match.matched_by = sorted(set(match.matched_by) | set(by))

    def contact_q(email_field="email", phone_field="phone") -> Q:
        q = Q(pk__in=[])
        if email:
            q |= Q(**{f"{email_field}__iexact": email})
        if phone:
            q |= Q(**{phone_field: phone})
        return q

    def criteria(
        row, *, row_key: str | None, year=None, has_year=True, email_value="", phone_value=""
    ):
        by = []
        if email and (email_value or "").strip().lower() == email.lower():
            by.append("email")
        if phone and phone_value == phone:
            by.append("phone")
        year_fits = birth_year is None or not has_year or year is None or year == birth_year
        if with_name and row_key == key and year_fits:
            by.append("name")
        return by

    def year_q(field_name="birth_year", nullable=True) -> Q:
        if birth_year is None:
            return Q()
        q = Q(**{field_name: birth_year})
        return q | Q(**{f"{field_name}__isnull": True}) if nullable else q

    from calportal.accounts.models import User
    from initiatives.models import Participant, PassApplication
    from resources_map.models import ResidentReport
    from selfhelp.models import JoinRequest, Member
    from volunteers.models import Volunteer

    # Events and the pass: the participant (registrations and passes hang off it).
    q = contact_q()
    if with_name:
        q |= Q(name_key=key) & year_q()
    participants = (
        Participant.objects.filter(q, anonymised_year__isnull=True)
        .prefetch_related("registrations", "passes")
        .order_by("pk")
    )
    for row in participants:
        summary = _summary("initiatives.participant", row)
        add(
            "initiatives.participant",
            row,
            summary,
            criteria(
                row,
                row_key=row.name_key,
                year=row.birth_year,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    q = contact_q()
    if with_name:
        q |= Q(name_key=key) & year_q(nullable=False)
    for row in PassApplication.objects.filter(q).order_by("pk"):
        summary = _summary("initiatives.passapplication", row)
        add(
            "initiatives.passapplication",
            row,
            summary,
            criteria(
                row,
                row_key=row.name_key,
                year=row.birth_year,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    q = contact_q()
    if with_name:
        q |= Q(last_name__iregex=_name_regex(last_name)) & year_q(nullable=False)
    volunteers = Volunteer.objects.filter(q, anonymised_year__isnull=True).select_related(
        "organisation"
    )
    for row in volunteers.order_by("pk"):
        summary = _summary("volunteers.volunteer", row)
        add(
            "volunteers.volunteer",
            row,
            summary,
            criteria(
                row,
                row_key=name_key(row.first_name, row.last_name),
                year=row.birth_year,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    # Self-help requests hold a first name only: found by contact, never by name.
    requests = JoinRequest.objects.filter(contact_q(), erased_at__isnull=True).select_related(
        "group"
    )
    for row in requests.order_by("pk"):
        summary = _summary("selfhelp.joinrequest", row)
        add(
            "selfhelp.joinrequest",
            row,
            summary,
            criteria(row, row_key=None, email_value=row.email, phone_value=row.phone),
        )

    q = contact_q()
    if with_name:
        q |= Q(last_name__iregex=_name_regex(last_name))
    for row in (
        Member.objects.filter(q, erased_at__isnull=True).select_related("group").order_by("pk")
    ):
        summary = _summary("selfhelp.member", row)
        add(
            "selfhelp.member",
            row,
            summary,
            criteria(
                row,
                row_key=name_key(row.first_name, row.last_name),
                has_year=False,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    q = contact_q()
    if with_name:
        q |= Q(name__iregex=_name_regex(f"{first_name} {last_name}"))
    for row in ResidentReport.objects.filter(q).order_by("pk"):
        summary = _summary("resources_map.residentreport", row)
        add(
            "resources_map.residentreport",
            row,
            summary,
            criteria(
                row,
                row_key=name_text_key(row.name),
                has_year=False,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    q = contact_q()
    if with_name:
        q |= Q(full_name__iregex=_name_regex(f"{first_name} {last_name}"))
    for row in User.objects.filter(q).order_by("pk"):
        summary = _summary("accounts.user", row)
        add(
            "accounts.user",
            row,
            summary,
            criteria(
                row,
                row_key=name_text_key(row.full_name),
                has_year=False,
                email_value=row.email,
                phone_value=row.phone,
            ),
        )

    order = list(AREAS)
    return sorted(found.values(), key=lambda m: order.index(m.area))


def _summary(model: str, row) -> str:
    """A short text for staff to recognise the row by (its name, contact and what it is)."""
    contact = _contact(getattr(row, "email", ""), getattr(row, "phone", ""))
    if model == "initiatives.participant":
        return _(
            "{name}, born {year}; {contact}; {registrations} registrations, {passes} passes"
        ).format(
            name=f"{row.first_name} {row.last_name}",
            year=row.birth_year or "—",
            contact=contact,
            registrations=len(row.registrations.all()),
            passes=len(row.passes.all()),
        )
    if model == "initiatives.passapplication":
        return _("Pass application of {date}: {name}, born {year}; {contact}; {status}").format(
            date=_date(row.created_at),
            name=f"{row.first_name} {row.last_name}",
            year=row.birth_year,
            contact=contact,
            status=row.get_status_display(),
        )
    if model == "volunteers.volunteer":
        return _("Volunteer of {organisation}: {name}, born {year}; {contact}; {status}").format(
            organisation=row.organisation.name,
            name=f"{row.first_name} {row.last_name}",
            year=row.birth_year,
            contact=contact,
            status=row.get_status_display(),
        )
    if model == "selfhelp.joinrequest":
        return _("Request to join „{group}” of {date}: {name}; {contact}; {status}").format(
            group=row.group.name,
            date=_date(row.created_at),
            name=row.first_name or "—",
            contact=contact,
            status=row.get_status_display(),
        )
    if model == "selfhelp.member":
        return _("Member of „{group}” since {date}: {name}; {contact}").format(
            group=row.group.name,
            date=_date(row.joined_on),
            name=f"{row.first_name} {row.last_name}".strip(),
            contact=contact,
        )
    if model == "resources_map.residentreport":
        return _("Map report of {date} ({kind}): {name}; {contact}").format(
            date=_date(row.created_at),
            kind=row.get_kind_display(),
            name=row.name or "—",
            contact=contact,
        )
    return _("Portal account: {name}; {contact}").format(name=row.full_name, contact=contact)


_RELATED = {
    "initiatives.participant": ((), ("registrations", "passes")),
    "volunteers.volunteer": (("organisation",), ()),
    "selfhelp.joinrequest": (("group",), ()),
    "selfhelp.member": (("group",), ()),
}


def describe(keys: list[str]) -> list[Match]:
    """Matches for already confirmed keys (``matched_by`` empty), described as :func:`find`
    describes them; keys of rows gone, anonymised or erased are left out. One or two queries
    per model."""
    from django.apps import apps

    by_model: dict[str, list[int]] = {}
    for key in existing_keys(keys):
        model, pk = parse_key(key)
        by_model.setdefault(model, []).append(pk)
    out = []
    for model, pks in by_model.items():
        related, prefetch = _RELATED.get(model, ((), ()))
        rows = (
            apps.get_model(model)
            .objects.filter(pk__in=pks)
            .select_related(*related)
            .prefetch_related(*prefetch)
        )
        for row in rows.order_by("pk"):
            out.append(Match(model, row.pk, MODEL_AREAS[model], _summary(model, row), []))
    order = list(AREAS)
    return sorted(out, key=lambda m: order.index(m.area))


def existing_keys(keys: list[str]) -> list[str]:
    """The keys among ``keys`` whose rows still exist and may be the person's (not anonymised,
    not erased), in the order given; unknown or malformed keys are left out."""
    from django.apps import apps

    by_model: dict[str, list[int]] = {}
    for key in keys:
        try:
            model, pk = parse_key(key)
        except ValueError:
            continue
        by_model.setdefault(model, []).append(pk)
    alive = set()
    for model, pks in by_model.items():
        rows = apps.get_model(model).objects.filter(pk__in=pks)
        if model in ("initiatives.participant", "volunteers.volunteer"):
            rows = rows.filter(anonymised_year__isnull=True)
        if model in NOTE_MODELS:
            rows = rows.filter(erased_at__isnull=True)
        alive |= {f"{model}:{pk}" for pk in rows.values_list("pk", flat=True)}
    seen = []
    for key in keys:
        if key in alive and key not in seen:
            seen.append(key)
    return seen


# -- the records -------------------------------------------------------------------------------


def _date(value) -> str:
    """A date, or an aware moment's local date, as ``YYYY-MM-DD`` ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _moment(value) -> str:
    """An aware moment in local time as ``YYYY-MM-DD HH:MM`` ("" for None)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _contact(email: str, phone: str) -> str:
    return ", ".join(part for part in (email, phone) if part) or "—"


def _consents(rows) -> list[dict]:
    return [
        {
            "purpose": str(consent.text.get_purpose_display()),
            "version": consent.text.version,
            "language": consent.text.language,
            "given_at": _moment(consent.given_at),
            "channel": str(consent.get_channel_display()),
            "withdrawn_at": _moment(consent.withdrawn_at),
            "text": consent.text.text,
        }
        for consent in rows
    ]


def _consent_prefetch():
    from calportal.privacy.models import Consent

    return Prefetch(
        "consents", queryset=Consent.objects.select_related("text").order_by("given_at", "pk")
    )


def records(keys: list[str], *, include_facilitator_notes: bool = False) -> dict:
    """Everything the confirmed rows ``keys`` hold, grouped by area (PRIVACY.md §3 item 2),
    JSON-serialisable: dates as ``YYYY-MM-DD``, moments as local ``YYYY-MM-DD HH:MM``.

    Shape: ``{"identity": [...], "events": {"registrations": [...]}, "pass": {"passes": [...],
    "applications": [...]}, "volunteering": {"volunteers": [...]}, "selfhelp": {"requests":
    [...], "memberships": [...]}, "map": {"reports": [...]}, "account": {"accounts": [...]},
    "emails": [...], "text_messages": [...], "calls": [...]}`` (the last two by the phone
    numbers the rows hold); each area also carries ``"recipients"`` and ``"sources"`` (lists of
    text) and the package adds retention from these rows. Only the person's own facts are read:
    an event's other participants, a group's other members never appear. The self-help
    facilitator's notes are included only with ``include_facilitator_notes`` (after the
    art. 15(4) review); otherwise each area says ``"notes_withheld": true`` where there were
    some. Unknown, anonymised or erased keys are skipped."""
    from django.apps import apps

    by_model: dict[str, list[int]] = {}
    for key in existing_keys(keys):
        model, pk = parse_key(key)
        by_model.setdefault(model, []).append(pk)

    result = {
        "identity": [],
        "events": {"registrations": [], "recipients": [], "sources": []},
        "pass": {"passes": [], "applications": [], "recipients": [], "sources": []},
        "volunteering": {"volunteers": [], "recipients": [], "sources": []},
        "selfhelp": {
            "requests": [],
            "memberships": [],
            "recipients": [],
            "sources": [],
            "notes_withheld": False,
        },
        "map": {"reports": [], "recipients": [], "sources": []},
        "account": {"accounts": [], "recipients": [], "sources": []},
        "emails": [],
    }
    emails: set[str] = set()

    def note(area: str, kind: str, text: str):
        if text and text not in result[area][kind]:
            result[area][kind].append(text)

    from initiatives.models import Participant, PassApplication, Registration
    from initiatives.passes.models import Redemption, SeniorPass

    participant_ids = by_model.get("initiatives.participant", [])
    if participant_ids:
        participants = (
            Participant.objects.filter(pk__in=participant_ids)
            .select_related("area")
            .prefetch_related(
                _consent_prefetch(),
                Prefetch(
                    "registrations",
                    queryset=Registration.objects.select_related(
                        "event__initiative__lead_organisation"
                    )
                    .prefetch_related(
                        "event__initiative__partner_organisations",
                        "event__initiative__projects",
                        "event__initiative__public_tasks",
                        "event__public_tasks",
                        _consent_prefetch(),
                    )
                    .order_by("event__starts_at", "pk"),
                ),
                Prefetch(
                    "passes",
                    queryset=SeniorPass.objects.select_related("application")
                    .prefetch_related(
                        Prefetch(
                            "redemptions",
                            queryset=Redemption.objects.select_related("venue").order_by(
                                "redeemed_at"
                            ),
                        ),
                        "status_changes",
                    )
                    .order_by("issued_on", "pk"),
                ),
            )
            .order_by("pk")
        )
        for person in participants:
            emails.add(person.email)
            result["identity"].append(
                {
                    "record": f"initiatives.participant:{person.pk}",
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                    "phone": person.phone,
                    "birth_year": person.birth_year,
                    "gender": str(person.get_gender_display()),
                    "district": person.district,
                    "area": person.area.name if person.area else "",
                    "outside_municipality": person.outside_municipality,
                    "consent_text_version": person.consent_text_version,
                    "consent_given_at": _moment(person.consent_given_at),
                    "consent_scope": person.consent_scope,
                    "consents": _consents(person.consents.all()),
                    "created_at": _moment(person.created_at),
                }
            )
            for reg in person.registrations.all():
                event, initiative = reg.event, reg.event.initiative
                result["events"]["registrations"].append(
                    {
                        "record": f"initiatives.registration:{reg.pk}",
                        "event": event.display_title,
                        "event_id": event.pk,
                        "starts_at": _moment(event.starts_at),
                        "place": event.place_name,
                        "places": reg.places,
                        "companions": reg.companions,
                        "status": str(reg.get_status_display()),
                        "status_code": reg.status,
                        "attendance": str(reg.get_attendance_display()) if reg.attendance else "",
                        "source": str(reg.get_source_display()),
                        "accessibility_needs": reg.accessibility_needs,
                        "had_accessibility_needs": reg.had_accessibility_needs
                        or bool(reg.accessibility_needs),
                        "disability_declared": reg.certificate_declared,
                        "consent_text_version": reg.consent_text_version,
                        "consent_given_at": _moment(reg.consent_given_at),
                        "consents": _consents(reg.consents.all()),
                        "registered_at": _moment(reg.created_at),
                        "cancelled_at": _moment(reg.cancelled_at),
                        "organiser": initiative.lead_organisation.name,
                        "partners": [o.name for o in initiative.partner_organisations.all()],
                        "projects": [
                            {"name": p.name, "retention_end": _date(p.retention_end)}
                            for p in initiative.projects.all()
                        ],
                        "public_tasks": [
                            {"title": t.title, "ends_on": _date(t.ends_on)}
                            for t in {*initiative.public_tasks.all(), *event.public_tasks.all()}
                        ],
                    }
                )
                note("events", "recipients", initiative.lead_organisation.name)
                for partner in initiative.partner_organisations.all():
                    note("events", "recipients", partner.name)
                note("events", "sources", str(reg.get_source_display()))
            for senior_pass in person.passes.all():
                uses = [
                    {"venue": r.venue.name, "at": _moment(r.redeemed_at)}
                    for r in senior_pass.redemptions.all()
                ]
                ended = [
                    c.started_on for c in senior_pass.status_changes.all() if c.status != "active"
                ]
                result["pass"]["passes"].append(
                    {
                        "record": f"initiatives.seniorpass:{senior_pass.pk}",
                        "number": senior_pass.number,
                        "issued_on": _date(senior_pass.issued_on),
                        "valid_until": _date(senior_pass.valid_until),
                        "status": str(senior_pass.get_status_display()),
                        "status_code": senior_pass.status,
                        "ended_on": _date(max(ended)) if ended else "",
                        "note": senior_pass.status_note,
                        "uses": uses,
                    }
                )
                for use in uses:
                    note("pass", "recipients", use["venue"])
                note(
                    "pass",
                    "sources",
                    _("application form on the website")
                    if senior_pass.application_id
                    else _("issued by OPS staff on site"),
                )
                if senior_pass.application_id:
                    by_model.setdefault("initiatives.passapplication", [])
                    if senior_pass.application_id not in by_model["initiatives.passapplication"]:
                        by_model["initiatives.passapplication"].append(senior_pass.application_id)

    application_ids = by_model.get("initiatives.passapplication", [])
    for app in (
        PassApplication.objects.filter(pk__in=application_ids)
        .prefetch_related(_consent_prefetch())
        .order_by("created_at", "pk")
    ):
        emails.add(app.email)
        result["pass"]["applications"].append(
            {
                "record": f"initiatives.passapplication:{app.pk}",
                "first_name": app.first_name,
                "last_name": app.last_name,
                "birth_year": app.birth_year,
                "district": app.district,
                "email": app.email,
                "phone": app.phone,
                "call_back": app.call_back,
                "message": app.message,
                "status": str(app.get_status_display()),
                "status_code": app.status,
                "rejection_reason": app.rejection_reason,
                "received_at": _moment(app.created_at),
                "consent_text_version": app.consent_text_version,
                "consent_given_at": _moment(app.consent_given_at),
                "consents": _consents(app.consents.all()),
            }
        )
        note("pass", "sources", _("application form on the website"))

    from volunteers.models import Volunteer

    volunteer_ids = by_model.get("volunteers.volunteer", [])
    volunteers = (
        Volunteer.objects.filter(pk__in=volunteer_ids)
        .select_related("organisation")
        .prefetch_related(
            "skills",
            "areas",
            "agreements",
            "checks",
            "certificates",
            _consent_prefetch(),
            Prefetch(
                "hours",
                queryset=apps.get_model("volunteers", "HoursEntry")
                .objects.select_related("opportunity", "initiative", "work_kind")
                .order_by("date", "pk"),
            ),
        )
        .order_by("pk")
    )
    for vol in volunteers:
        emails.add(vol.email)
        result["volunteering"]["volunteers"].append(
            {
                "record": f"volunteers.volunteer:{vol.pk}",
                "organisation": vol.organisation.name,
                "first_name": vol.first_name,
                "last_name": vol.last_name,
                "email": vol.email,
                "phone": vol.phone,
                "birth_year": vol.birth_year,
                "status": str(vol.get_status_display()),
                "status_code": vol.status,
                "skills": [str(s) for s in vol.skills.all()],
                "languages": vol.languages,
                "availability": list(vol.availability or []),
                "areas": [a.name for a in vol.areas.all()],
                "insured": vol.insured,
                "policy_number": vol.policy_number,
                "safety_briefing_on": _date(vol.safety_briefing_on),
                "guardian_consent_on": _date(vol.guardian_consent_on),
                "ended_on": _date(vol.ended_on),
                "notes": vol.notes,
                "message": vol.message,
                "consent_given_at": _moment(vol.consent_given_at),
                "created_at": _moment(vol.created_at),
                "consents": _consents(vol.consents.all()),
                "agreements": [
                    {
                        "starts_on": _date(a.starts_on),
                        "ends_on": _date(a.ends_on),
                        "signed_on": _date(a.signed_on),
                        "scope": a.scope,
                    }
                    for a in vol.agreements.all()
                ],
                "checks": [
                    {
                        "checked_on": _date(c.checked_on),
                        "checked_by": c.checked_by,
                        "registers": c.registers,
                        "valid_until": _date(c.valid_until),
                        "valid_today": c.is_valid(),
                    }
                    for c in vol.checks.all()
                ],
                "hours": [
                    {
                        "date": _date(h.date),
                        "hours": str(h.hours),
                        "activity": h.activity_label,
                        "kind_of_work": h.work_kind.name if h.work_kind else "",
                        "description": h.description,
                        "status": str(h.get_status_display()),
                        "reject_reason": h.reject_reason,
                    }
                    for h in vol.hours.all()
                ],
                "certificates": [
                    {
                        "number": c.number,
                        "period_from": _date(c.period_from),
                        "period_to": _date(c.period_to),
                        "issued_on": _date(c.issued_on),
                        "hours": str(c.total_hours),
                    }
                    for c in vol.certificates.all()
                ],
            }
        )
        note("volunteering", "recipients", vol.organisation.name)
        note(
            "volunteering",
            "sources",
            _("application form on the website")
            if vol.message or vol.consent_given_at
            else _("entered by the organisation's coordinator"),
        )

    from selfhelp.models import JoinRequest, Member

    for req in (
        JoinRequest.objects.filter(pk__in=by_model.get("selfhelp.joinrequest", []))
        .select_related("group")
        .prefetch_related(_consent_prefetch())
        .order_by("created_at", "pk")
    ):
        emails.add(req.email)
        row = {
            "record": f"selfhelp.joinrequest:{req.pk}",
            "group": req.group.name,
            "first_name": req.first_name,
            "email": req.email,
            "phone": req.phone,
            "contact_way": str(req.get_contact_way_display()),
            "contact_time": req.contact_time,
            "message": req.message,
            "status": str(req.get_status_display()),
            "status_code": req.status,
            "sent_at": _moment(req.created_at),
            "handled_at": _moment(req.handled_at),
            "consent_given_at": _moment(req.consent_given_at),
            "consents": _consents(req.consents.all()),
        }
        if include_facilitator_notes:
            row["facilitator_note"] = req.note
        elif req.note:
            result["selfhelp"]["notes_withheld"] = True
        result["selfhelp"]["requests"].append(row)
        note(
            "selfhelp", "recipients", _("the facilitator of „{group}”").format(group=req.group.name)
        )
        note("selfhelp", "sources", _("request form on the website"))

    members = (
        Member.objects.filter(pk__in=by_model.get("selfhelp.member", []))
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=apps.get_model("selfhelp", "Meeting").objects.order_by("starts_at"),
            )
        )
        .order_by("joined_on", "pk")
    )
    for member in members:
        emails.add(member.email)
        meetings = []
        for meeting in member.meetings.all():
            entry = {"date": _moment(meeting.starts_at), "topic": meeting.topic}
            if include_facilitator_notes:
                entry["facilitator_notes"] = meeting.notes
            elif meeting.notes:
                result["selfhelp"]["notes_withheld"] = True
            meetings.append(entry)
        result["selfhelp"]["memberships"].append(
            {
                "record": f"selfhelp.member:{member.pk}",
                "group": member.group.name,
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": member.email,
                "phone": member.phone,
                "joined_on": _date(member.joined_on),
                "left_on": _date(member.left_on),
                "meetings_attended": meetings,
            }
        )
        note(
            "selfhelp",
            "recipients",
            _("the facilitator of „{group}”").format(group=member.group.name),
        )
        note("selfhelp", "sources", _("the group's facilitator"))

    from resources_map.models import ResidentReport

    for report in (
        ResidentReport.objects.filter(pk__in=by_model.get("resources_map.residentreport", []))
        .select_related("area")
        .prefetch_related(_consent_prefetch())
        .order_by("created_at", "pk")
    ):
        emails.add(report.email)
        result["map"]["reports"].append(
            {
                "record": f"resources_map.residentreport:{report.pk}",
                "kind": str(report.get_kind_display()),
                "description": report.description,
                "place": report.place,
                "area": report.area.name if report.area else "",
                "name": report.name,
                "email": report.email,
                "phone": report.phone,
                "status": str(report.get_status_display()),
                "status_code": report.status,
                "reject_reason": report.reject_reason,
                "sent_at": _moment(report.created_at),
                "handled_at": _moment(report.handled_at),
                "consent_given_at": _moment(report.consent_given_at),
                "consents": _consents(report.consents.all()),
            }
        )
        note("map", "sources", _("form on the website"))

    from calportal.accounts.models import User

    for user in (
        User.objects.filter(pk__in=by_model.get("accounts.user", []))
        .select_related("organisation")
        .prefetch_related("groups")
        .order_by("pk")
    ):
        emails.add(user.email)
        result["account"]["accounts"].append(
            {
                "record": f"accounts.user:{user.pk}",
                "full_name": user.full_name,
                "email": user.email,
                "phone": user.phone,
                "organisation": user.organisation.name if user.organisation else "",
                "roles": sorted(g.name for g in user.groups.all()),
                "active": user.is_active,
                "date_joined": _moment(user.date_joined),
                "last_login": _moment(user.last_login),
                "deactivated_at": _moment(user.deactivated_at),
            }
        )
        note("account", "sources", _("created by the portal's administrator"))

    result["emails"] = emails_sent(sorted(e for e in emails if e))
    phones = sorted(_phones_in(result))
    about = _records_in(result)
    result["text_messages"] = texts_sent(phones, about)
    result["calls"] = calls_listed(phones, about)
    return result


def _records_in(data) -> set[str]:
    """Every ``"record"`` key (``"initiatives.registration:5"``) in the rows found."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "record" and isinstance(value, str):
                found.add(value)
            else:
                found |= _records_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= _records_in(item)
    return found


def _about(records: set[str]) -> Q:
    """Rows whose ``regarding`` is one of ``records`` (``"app.model:pk"`` keys)."""
    from django.contrib.contenttypes.models import ContentType

    by_model: dict[str, list[int]] = {}
    for key in records:
        label, _sep, pk = key.partition(":")
        if pk.isdigit():
            by_model.setdefault(label, []).append(int(pk))
    condition = Q(pk__in=[])
    for label, pks in by_model.items():
        app_label, model = label.split(".", 1)
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is not None:
            condition |= Q(regarding_type=content_type, regarding_id__in=pks)
    return condition


def _phones_in(data) -> set[str]:
    """Every phone number in the rows found (any ``"phone"`` value, at any depth)."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "phone" and isinstance(value, str) and value:
                found.add(value)
            else:
                found |= _phones_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= _phones_in(item)
    return found


def texts_sent(phones: list[str], records: set[str]) -> list[dict]:
    """The portal's text messages to any of ``phones`` (9 national digits) about one of the
    person's ``records`` (``"app.model:pk"``) or about nothing in particular — not those to a
    shared phone about someone else: ``[{"type", "text", "queued_at", "status"}]``, oldest
    first."""
    from calportal.outbox.models import SMSMessage

    if not phones:
        return []
    own = _about(records) | Q(regarding_id__isnull=True)
    return [
        {
            "type": sms.template,
            "text": sms.text,
            "queued_at": _moment(sms.created_at),
            "status": str(sms.get_status_display()),
        }
        for sms in SMSMessage.objects.filter(own, to__in=phones).order_by("created_at", "pk")
    ]


def calls_listed(phones: list[str], records: set[str]) -> list[dict]:
    """The office's call-list items for any of ``phones`` about one of the person's
    ``records`` (or about nothing in particular), with each call's outcome and note:
    ``[{"reason", "what_to_say", "added_at", "status", "calls": "<when>: <outcome> (<note>);
    …"}]``, oldest first."""
    from calportal.calls.models import CallItem

    if not phones:
        return []
    own = _about(records) | Q(regarding_id__isnull=True)
    items = (
        CallItem.objects.filter(own, phone__in=phones)
        .prefetch_related("attempts")
        .order_by("created_at", "pk")
    )
    return [
        {
            "reason": str(item.get_reason_display()),
            "what_to_say": item.script,
            "added_at": _moment(item.created_at),
            "status": str(item.get_status_display()),
            "calls": "; ".join(
                f"{_moment(attempt.at)}: {attempt.get_outcome_display()}"
                + (f" ({attempt.note})" if attempt.note else "")
                for attempt in item.attempts.all()
            ),
        }
        for item in items
    ]


def emails_sent(addresses: list[str]) -> list[dict]:
    """The portal's e-mails addressed to any of ``addresses``: ``[{"type", "subject",
    "queued_at", "status"}]``, oldest first. Messages to several people list only that it
    was sent; no other recipient is shown."""
    if not addresses:
        return []
    from post_office.models import Email

    wanted = {a.strip().lower() for a in addresses}
    q = Q(pk__in=[])
    for address in wanted:
        q |= Q(to__icontains=address)
    rows = Email.objects.filter(q).select_related("outbox_entry").order_by("created", "pk")
    sent = []
    for email in rows:
        if not wanted & {str(t).strip().lower() for t in email.to}:
            continue
        entry = getattr(email, "outbox_entry", None)
        sent.append(
            {
                "type": entry.template if entry else email.template_id or "",
                "subject": email.subject,
                "queued_at": _moment(email.created),
                "status": str(email.get_status_display()) if email.status is not None else "",
            }
        )
    return sent


def emails_on_file(keys: list[str]) -> list[str]:
    """The distinct e-mail addresses the confirmed rows hold (lower-cased, sorted): where a
    one-time link may be sent."""
    data = records(keys)
    found = set()
    for row in data["identity"]:
        found.add(row["email"])
    for area, lists in (
        ("pass", ("applications",)),
        ("volunteering", ("volunteers",)),
        ("selfhelp", ("requests", "memberships")),
        ("map", ("reports",)),
        ("account", ("accounts",)),
    ):
        for name in lists:
            for row in data[area][name]:
                found.add(row.get("email", ""))
    return sorted({e.strip().lower() for e in found if e and e.strip()})
