"""The subject-access package (art. 15 GDPR; PRIVACY.md §3 "Package" and "Delivery").

A package is a zip of ``data.json``, one CSV per table of each area, and the PDF "Informacja o
przetwarzaniu Pani/Pana danych" (plain Polish, optionally in large print). It is built from the
rows staff confirmed on the request (:func:`calportal.privacy.search.records`) and stored as a
:class:`~calportal.documents.models.Document` of kind :data:`KIND` (rendered at once, in the
request that asks for it, so nothing waits on a worker and nothing is lost), which the
retention rule ``subject_access_package`` deletes after 7 days.

Delivery is in person (staff download the zip from the request page) or by a one-time link
(:func:`link_create`): the link goes to an e-mail address on file, the 6-digit PIN is read out by
phone; only hashes of both are stored; 5 wrong PINs lock the link; it serves the file once and
lives 7 days. Every package prepared and every download goes to the audit trail.
"""

import datetime
import hashlib
import hmac
import io
import json
import secrets
import zipfile

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal.csv_files import csv_text
from calportal.documents.models import Document, DocumentStatus
from calportal.pdf import render_pdf
from calportal.privacy import search
from calportal.privacy.models import DeliveryLink, SubjectRequest
from calportal.privacy.rules import rule

KIND = "privacy.subject_access_package"
LINK_VALID = datetime.timedelta(days=7)
MAX_PIN_ATTEMPTS = 5
PDF_NAME = "informacja-o-przetwarzaniu-danych.pdf"

# What each area's processing is, in plain words (PRIVACY.md §3 item 1).
AREA_TEXTS = {
    "events": {
        "holds": gettext_lazy(
            "Your name, contact details, year of birth, gender and where you live; the events "
            "you signed up for, how many places, whether you came, the accessibility needs you "
            "told us about and whether you declared a disability certificate."
        ),
        "purpose": gettext_lazy(
            "To sign you up for the events of the Local Activity Centre, to keep in touch about "
            "them, to prepare the place for your needs, and to report on the activities "
            "(anonymously, as figures)."
        ),
        "basis": gettext_lazy(
            "Your consent (art. 6(1)(a) GDPR); for health and disability data your explicit "
            "consent (art. 9(2)(a) GDPR); for events of EU-funded projects and public tasks "
            "the legal obligation to account for them (art. 6(1)(c) GDPR)."
        ),
    },
    "pass": {
        "holds": gettext_lazy(
            "Your application, the pass (number, dates, status) and every use of it: in which "
            "café or restaurant and when."
        ),
        "purpose": gettext_lazy(
            "To run the „Śremski Przyjaciel Seniora” programme: to issue the pass, check it at "
            "the partner venues and settle the uses."
        ),
        "basis": gettext_lazy(
            "Your consent (art. 6(1)(a) GDPR) and the OPS's task in the public interest "
            "(art. 6(1)(e) GDPR)."
        ),
    },
    "volunteering": {
        "holds": gettext_lazy(
            "Your profile (contact, year of birth, skills, availability), agreements, insurance "
            "and briefing dates, checks before work with children (date and result, never the "
            "document), hours of work and certificates."
        ),
        "purpose": gettext_lazy(
            "To organise your volunteering with the host organisation, to meet its duties under "
            "the Act on public benefit activity and volunteering, and to issue certificates."
        ),
        "basis": gettext_lazy(
            "The volunteer agreement (art. 6(1)(b) GDPR) and the legal obligations of the host "
            "organisation (art. 6(1)(c) GDPR); the host organisation decides about this data "
            "together with the OPS."
        ),
    },
    "selfhelp": {
        "holds": gettext_lazy(
            "Your request to join a self-help group, your contact, membership dates and the "
            "meetings you attended."
        ),
        "purpose": gettext_lazy("To contact you about the group and to run its meetings."),
        "basis": gettext_lazy(
            "Your consent, also explicit consent for what the group's topic says about your "
            "health or situation (art. 6(1)(a) and 9(2)(a) GDPR)."
        ),
    },
    "map": {
        "holds": gettext_lazy("Your report of a need or an offer of help and your contact."),
        "purpose": gettext_lazy(
            "To ask you about the report before it is added to the map of needs and resources."
        ),
        "basis": gettext_lazy("Your consent (art. 6(1)(a) GDPR)."),
    },
    "account": {
        "holds": gettext_lazy(
            "Your name, e-mail, phone, organisation, roles and when you logged in."
        ),
        "purpose": gettext_lazy(
            "To give you access to the portal for your work and keep it secure."
        ),
        "basis": gettext_lazy(
            "The OPS's task in the public interest and its duty to secure data "
            "(art. 6(1)(e) and art. 32 GDPR)."
        ),
    },
}

AREA_RECIPIENTS = {
    "events": gettext_lazy("OPS staff organising the event"),
    "pass": gettext_lazy("OPS staff running the programme"),
    "volunteering": gettext_lazy("OPS staff coordinating volunteering"),
    "selfhelp": gettext_lazy("the OPS coordinator of self-help groups"),
    "map": gettext_lazy("OPS staff moderating the map"),
    "account": gettext_lazy("the portal's administrators at the OPS"),
}


class DeliveryError(Exception):
    """A package cannot be delivered this way (the message says why, for staff)."""


def record_access(user, obj, detail: str) -> None:
    """The audit trail's entry for a package prepared or downloaded (PRIVACY.md §6)."""
    from calportal.audit.services import record_access as write

    write(user, "subject_access_package", obj, detail=detail)


def notes_reviewed(subject_request: SubjectRequest) -> bool:
    """Whether staff ticked "reviewed for other people's data" (art. 15(4)) on every
    confirmed self-help record: only then the facilitator's notes go into the package."""
    selfhelp = [m for m in subject_request.matches or [] if m.get("model") in search.NOTE_MODELS]
    return bool(selfhelp) and all(m.get("notes_reviewed") for m in selfhelp)


# -- retention ---------------------------------------------------------------------------------


class _Rules:
    """``rule(code)`` read once per package."""

    def __init__(self):
        self._rows = {}

    def until(self, code: str, anchor: datetime.date) -> datetime.date:
        """The last day the data stays identifiable (the rule's due date minus one day)."""
        if code not in self._rows:
            self._rows[code] = rule(code)
        return self._rows[code].due(anchor) - datetime.timedelta(days=1)


def _day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text[:10]) if text else None


def retention(data: dict) -> dict[str, list[dict]]:
    """For each area of ``data`` (from :func:`search.records`), how long each thing is kept,
    computed from the retention rules (PRIVACY.md §1): ``{area: [{"what", "until", "note"}]}``
    with ``until`` as ``YYYY-MM-DD`` ("" when it depends on something still going on; ``note``
    then says on what)."""
    rules = _Rules()
    today = timezone.localdate()
    out: dict[str, list[dict]] = {area: [] for area in search.AREAS}

    def add(area, what, until=None, note=""):
        out[area].append(
            {"what": what, "until": until.isoformat() if until else "", "note": str(note)}
        )

    for reg in data["events"]["registrations"]:
        day = _day(reg["starts_at"])
        what = _("Registration: {event}, {date}").format(
            event=reg["event"], date=reg["starts_at"][:10]
        )
        if reg["projects"]:
            add(
                "events",
                what,
                max(_day(p["retention_end"]) for p in reg["projects"]),
                _("an EU-funded project: kept as its agreement requires"),
            )
        elif reg["public_tasks"]:
            end = max(_day(t["ends_on"]) for t in reg["public_tasks"])
            add(
                "events",
                what,
                rules.until("public_task_registration", end),
                _("a public task: kept as the contract requires"),
            )
        elif reg["status_code"] != "confirmed":
            add("events", what, rules.until("cancelled_registration", day))
        else:
            add("events", what, rules.until("registration", day))
        if reg["accessibility_needs"]:
            add(
                "events",
                _("Accessibility needs told for {event}").format(event=reg["event"]),
                rules.until("accessibility_needs", day),
            )

    for item in data["pass"]["passes"]:
        what = _("Pass {number} and its uses").format(number=item["number"])
        if item["status_code"] == "active":
            add(
                "pass",
                what,
                None,
                _(
                    "while the pass is active, then 12 months after it ends "
                    "(at the earliest until {date})"
                ).format(date=rules.until("pass_holder", _day(item["valid_until"])).isoformat()),
            )
        else:
            end = _day(item["ended_on"]) or _day(item["valid_until"])
            add("pass", what, rules.until("pass_holder", min(end, _day(item["valid_until"]))))
    for app in data["pass"]["applications"]:
        what = _("Pass application of {date}").format(date=app["received_at"][:10])
        received = _day(app["received_at"])
        if app["status_code"] == "rejected":
            add("pass", what, rules.until("pass_application_rejected", received))
        elif app["status_code"] == "new":
            add("pass", what, None, _("until it is handled, then 3 to 6 months"))
        else:
            add("pass", what, None, _("together with the pass"))

    for vol in data["volunteering"]["volunteers"]:
        org = vol["organisation"]
        ended = _day(vol["ended_on"])
        if vol["status_code"] == "applicant":
            add(
                "volunteering",
                _("Application to {organisation}").format(organisation=org),
                rules.until("volunteer_applicant", _day(vol["created_at"])),
            )
        elif ended:
            add(
                "volunteering",
                _("Contact, availability, skills and notes ({organisation})").format(
                    organisation=org
                ),
                rules.until("volunteer_contact", ended),
            )
        else:
            add(
                "volunteering",
                _("Profile with {organisation}").format(organisation=org),
                None,
                _("while you volunteer, then 12 months"),
            )
        if vol["agreements"] or vol["certificates"] or vol["hours"]:
            ends = [_day(a["ends_on"]) for a in vol["agreements"] if a["ends_on"]]
            anchor = ended or (max(ends) if ends else None)
            what = _("Agreements, hours and certificates ({organisation})").format(organisation=org)
            if anchor and anchor <= today:
                add("volunteering", what, rules.until("volunteer_agreement", anchor))
            else:
                add(
                    "volunteering",
                    what,
                    None,
                    _("6 full calendar years after the year the agreement ends"),
                )
        if vol["checks"]:
            what = _("Checks before work with children ({organisation})").format(organisation=org)
            if ended:
                add("volunteering", what, rules.until("child_safety_check", ended))
            else:
                add("volunteering", what, None, _("until you stop volunteering"))

    for req in data["selfhelp"]["requests"]:
        what = _("Request to join „{group}”").format(group=req["group"])
        if req["status_code"] in ("declined", "withdrawn") and req["handled_at"]:
            add("selfhelp", what, rules.until("selfhelp_request", _day(req["handled_at"])))
        else:
            add("selfhelp", what, None, _("while the request is open or you are a member"))
    for member in data["selfhelp"]["memberships"]:
        what = _("Membership of „{group}”").format(group=member["group"])
        if member["left_on"]:
            add("selfhelp", what, rules.until("selfhelp_member", _day(member["left_on"])))
        else:
            add("selfhelp", what, None, _("while you are a member, then 90 days"))

    for report in data["map"]["reports"]:
        what = _("Your contact on the report of {date}").format(date=report["sent_at"][:10])
        if report["handled_at"]:
            add("map", what, rules.until("map_report_contact", _day(report["handled_at"])))
        else:
            add("map", what, None, _("until the report is moderated, then 6 months"))

    for account in data["account"]["accounts"]:
        if account["deactivated_at"]:
            add(
                "account",
                _("Account"),
                rules.until("staff_account", _day(account["deactivated_at"])),
            )
        else:
            add(
                "account",
                _("Account"),
                None,
                _("while you have a role in the portal, then 12 months"),
            )
    return out


# -- the package -------------------------------------------------------------------------------


def _areas(data: dict, kept: dict) -> list[dict]:
    """The PDF's sections: only the areas where something is held."""
    counts = {
        "events": len(data["events"]["registrations"]),
        "pass": len(data["pass"]["passes"]) + len(data["pass"]["applications"]),
        "volunteering": len(data["volunteering"]["volunteers"]),
        "selfhelp": len(data["selfhelp"]["requests"]) + len(data["selfhelp"]["memberships"]),
        "map": len(data["map"]["reports"]),
        "account": len(data["account"]["accounts"]),
    }
    if data["identity"] and not counts["events"]:
        counts["events"] = len(data["identity"])
    sections = []
    for area, label in search.AREAS.items():
        if not counts[area]:
            continue
        sections.append(
            {
                "code": area,
                "label": label,
                **AREA_TEXTS[area],
                "recipients": [AREA_RECIPIENTS[area], *data[area]["recipients"]],
                "sources": data[area]["sources"],
                "retention": kept[area],
            }
        )
    return sections


def package_data(subject_request: SubjectRequest) -> dict:
    """The package's content for the request's confirmed records: :func:`search.records`
    (with facilitator notes only after the review) plus ``"retention"`` per area and
    ``"facilitator_notes_included"``."""
    reviewed = notes_reviewed(subject_request)
    data = search.records(
        search.keys_of(subject_request.matches), include_facilitator_notes=reviewed
    )
    data["retention"] = retention(data)
    data["facilitator_notes_included"] = reviewed
    data["prepared_on"] = timezone.localdate().isoformat()
    return data


def render_information_pdf(
    subject_request: SubjectRequest, data: dict, *, large_print: bool = False
) -> bytes:
    """The PDF "Informacja o przetwarzaniu Pani/Pana danych" (``templates/pdf/
    privacy_package.html``); ``large_print`` sets the base font at 16 pt instead of 10.5 pt."""
    context = {
        "request": subject_request,
        "data": data,
        "areas": _areas(data, data["retention"]),
        "large_print": large_print,
        "DPO_EMAIL": settings.DPO_EMAIL,
        "prepared_on": timezone.localdate(),
    }
    return render_pdf("pdf/privacy_package.html", context, language=settings.LANGUAGE_CODE)


def _cell(value):
    if isinstance(value, list):
        return " | ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(rows: list[dict], drop=()) -> str:
    header = [key for key in rows[0] if key not in drop]
    return csv_text(header, ([_cell(row[key]) for key in header] for row in rows))


def tables(data: dict) -> dict[str, list[dict]]:
    """The package's CSV files: ``{filename: rows}`` (only tables with rows)."""
    out = {
        "identity.csv": data["identity"],
        "events-registrations.csv": data["events"]["registrations"],
        "pass-passes.csv": [
            {k: v for k, v in p.items() if k != "uses"} for p in data["pass"]["passes"]
        ],
        "pass-uses.csv": [
            {"pass": p["number"], **use} for p in data["pass"]["passes"] for use in p["uses"]
        ],
        "pass-applications.csv": data["pass"]["applications"],
        "volunteering-profiles.csv": [
            {
                k: v
                for k, v in vol.items()
                if k not in ("agreements", "checks", "hours", "certificates")
            }
            for vol in data["volunteering"]["volunteers"]
        ],
        "self-help-requests.csv": data["selfhelp"]["requests"],
        "self-help-memberships.csv": [
            {k: v for k, v in m.items() if k != "meetings_attended"}
            for m in data["selfhelp"]["memberships"]
        ],
        "self-help-meetings.csv": [
            {"group": m["group"], **meeting}
            for m in data["selfhelp"]["memberships"]
            for meeting in m["meetings_attended"]
        ],
        "map-reports.csv": data["map"]["reports"],
        "account.csv": data["account"]["accounts"],
        "emails.csv": data["emails"],
        "text-messages.csv": data.get("text_messages", []),
        "calls.csv": data.get("calls", []),
        "retention.csv": [
            {"area": area, **row} for area, rows in data["retention"].items() for row in rows
        ],
    }
    for part in ("agreements", "checks", "hours", "certificates"):
        out[f"volunteering-{part}.csv"] = [
            {"organisation": vol["organisation"], **row}
            for vol in data["volunteering"]["volunteers"]
            for row in vol[part]
        ]
    return {name: rows for name, rows in out.items() if rows}


def package_bytes(subject_request: SubjectRequest, *, large_print: bool = False) -> bytes:
    """The zip: ``data.json``, the CSV files of :func:`tables`, and the PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        data = package_data(subject_request)
        pdf = render_information_pdf(subject_request, data, large_print=large_print)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
            for name, rows in tables(data).items():
                archive.writestr(name, _csv(rows))
            archive.writestr(PDF_NAME, pdf)
    return buffer.getvalue()


def package_filename(subject_request: SubjectRequest) -> str:
    return f"dane-osobowe-wniosek-{subject_request.pk}-{timezone.localdate():%Y-%m-%d}.zip"


def package_create(*, subject_request: SubjectRequest, user, large_print: bool = False) -> Document:
    """Prepare the package now and store it as a document (kind :data:`KIND`; nobody's
    "my documents": it is reached only from the request). Written to the audit trail. Raises
    :class:`DeliveryError` when no record is confirmed; a rendering failure propagates (the
    document is then marked failed)."""
    from calportal.documents.services import document_render
    from calportal.privacy import documents  # noqa: F401  (registers the builder)

    if not search.existing_keys(search.keys_of(subject_request.matches)):
        raise DeliveryError(_("Confirm the person's records first: the package would be empty."))
    document = Document.objects.create(
        kind=KIND,
        params={"request": subject_request.pk, "large_print": bool(large_print)},
        title=_("Data package for request no. {number}").format(number=subject_request.pk),
        requested_by=None,
        language=settings.LANGUAGE_CODE,
    )
    document_render(document_id=document.pk)
    document.refresh_from_db()
    record_access(user, subject_request, "prepared" + (" large print" if large_print else ""))
    return document


def packages(subject_request: SubjectRequest):
    """The request's packages, newest first (also those whose file retention removed)."""
    return Document.objects.filter(kind=KIND, params__request=subject_request.pk).order_by(
        "-created_at", "-pk"
    )


def latest_package(subject_request: SubjectRequest) -> Document | None:
    """The newest package whose file is still there."""
    for document in packages(subject_request).filter(status=DocumentStatus.READY).exclude(file=""):
        return document
    return None


# -- the one-time link -------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """HMAC-SHA256 of a link's token with the site's secret (hex): what is stored and looked up."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def link_create(
    *, subject_request: SubjectRequest, document: Document, email: str, user
) -> tuple[DeliveryLink, str]:
    """Make a one-time link to ``document`` and e-mail it to ``email``, which must be an
    address on file for the confirmed records (:func:`search.emails_on_file`; raises
    :class:`DeliveryError` otherwise). Returns the link and its PIN, to be shown to staff once
    and read out by phone; neither token nor PIN is stored, only their hashes. Sets the
    request's delivery to "link"."""
    from calportal.outbox.services import queue_email

    email = (email or "").strip().lower()
    if email not in search.emails_on_file(search.keys_of(subject_request.matches)):
        raise DeliveryError(_("The link can be sent only to an e-mail address on file."))
    if (
        document is None
        or document.kind != KIND
        or document.params.get("request") != subject_request.pk
    ):
        raise DeliveryError(_("Prepare the package first."))
    token = secrets.token_urlsafe(32)
    pin = f"{secrets.randbelow(10**6):06d}"
    expires_at = timezone.now() + LINK_VALID
    with transaction.atomic():
        link = DeliveryLink.objects.create(
            request=subject_request,
            document=document,
            token_hash=token_hash(token),
            pin_hash=make_password(pin),
            expires_at=expires_at,
            created_by=user,
        )
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse("privacy:package_public", args=[token])
        url = settings.SITE_URL.rstrip("/") + path
        queue_email(
            "privacy_package_link",
            {"url": url, "expires_at": expires_at, "DPO_EMAIL": settings.DPO_EMAIL},
            [email],
            regarding=subject_request,
        )
        if not subject_request.delivery:
            SubjectRequest.objects.filter(pk=subject_request.pk).update(delivery="link")
            subject_request.delivery = "link"
    return link, pin


def link_state(link: DeliveryLink | None, now=None) -> str:
    """``"open"``, or why the link no longer works: ``"missing"``, ``"expired"``, ``"used"``,
    ``"locked"`` (5 wrong PINs) or ``"file_gone"`` (the file was deleted)."""
    now = now or timezone.now()
    if link is None:
        return "missing"
    if link.used_at:
        return "used"
    if link.failed_pins >= MAX_PIN_ATTEMPTS:
        return "locked"
    if now >= link.expires_at:
        return "expired"
    if link.document is None or not link.document.file:
        return "file_gone"
    return "open"


def link_find(token: str) -> DeliveryLink | None:
    return (
        DeliveryLink.objects.select_related("document")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )


def link_use(*, token: str, pin: str) -> tuple[str, DeliveryLink | None, int]:
    """Check ``pin`` for the link ``token`` under a row lock. Returns ``(state, link,
    attempts_left)``: ``"ok"`` (the link is now used; serve ``link.document``), ``"wrong_pin"``
    (one attempt fewer; the 5th wrong one locks it) or a :func:`link_state` reason."""
    with transaction.atomic():
        link = (
            DeliveryLink.objects.select_for_update(of=("self",))
            .select_related("document")
            .filter(token_hash=token_hash(token or ""))
            .first()
        )
        state = link_state(link)
        if state != "open":
            return state, link, 0
        if not check_password((pin or "").strip(), link.pin_hash):
            link.failed_pins += 1
            link.save(update_fields=["failed_pins"])
            return "wrong_pin", link, MAX_PIN_ATTEMPTS - link.failed_pins
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    record_access(None, link.request, "downloaded by the person through the one-time link")
    return "ok", link, 0
