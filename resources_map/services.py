"""Changing the map: saving staff forms, residents' reports and their moderation."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calportal import notify
from calportal.accounts.models import User
from calportal.privacy import consent
from calportal.privacy.models import ConsentChannel, ConsentPurpose
from resources_map.models import (
    Diagnosis,
    FoundBy,
    Need,
    ReportKind,
    ReportStatus,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
)


class ReportError(Exception):
    """A moderation step that cannot happen (e.g. the report was handled meanwhile)."""


def resource_save(*, form) -> Resource:
    with transaction.atomic():
        return form.save()


def need_save(*, form) -> Need:
    with transaction.atomic():
        return form.save()


def area_save(*, form):
    with transaction.atomic():
        return form.save()


def diagnosis_save(*, form, user: User) -> Diagnosis:
    form.instance.updated_by = user
    return form.save()


# --- Residents' reports -----------------------------------------------------------------------


def report_create(*, data: dict) -> ResidentReport:
    """Store a resident's report with the consent to the map clause in force (PRIVACY.md §5)."""
    with transaction.atomic():
        report = _report_store(data)
        consent.record(
            report,
            ConsentPurpose.MAP_REPORT,
            channel=ConsentChannel.ONLINE,
            language=report.language,
            at=report.consent_given_at,
        )
        _tell_reporter(report, "report_received", {})
    return report


def _tell_reporter(report: ResidentReport, name: str, extra: dict) -> None:
    """E-mail the reporter ``templates/emails/resources_map/<name>`` in the report's language,
    in this transaction, once per report and message — or, to a reporter who gave only a mobile
    number, text ``templates/sms/resources_map_<name>``. Call before :func:`_handled` erases
    the contact details."""
    key = f"map-report:{report.pk}:{name}"
    context = {
        "report": report,
        "name": report.name,
        "is_need": report.is_need,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        **extra,
    }
    notify.tell(
        notify.Contact(
            name=report.name,
            email=report.email,
            phone=str(report.phone or ""),
            language=report.language,
        ),
        key=key,
        context=context,
        regarding=report,
        email_template=f"resources_map/{name}",
        sms=f"resources_map_{name}",
    )


def _public_link(entry: Need | Resource, language: str) -> str:
    """The public map listing ``entry`` (filtered to it), or "" for an entry not shown to the
    public."""
    if not entry.is_public:
        return ""
    if isinstance(entry, Need):
        query = {"layer": "needs", "q": entry.title}
    else:
        query = {"layer": "resources", "q": entry.name}
    with translation.override(language):
        path = reverse("resources_map:map")
    return f"{settings.SITE_URL}{path}?{urlencode(query)}"


def _report_store(data: dict) -> ResidentReport:
    return ResidentReport.objects.create(
        kind=data["kind"],
        description=data["description"].strip(),
        place=data.get("place", "").strip(),
        area=data.get("area"),
        name=data["name"].strip(),
        email=(data.get("email") or "").strip().lower(),
        phone=data.get("phone") or "",
        consent_given_at=timezone.now(),
        language=get_language() or "pl",
    )


def _locked_new_report(report_id: int) -> ResidentReport:
    report = ResidentReport.objects.select_for_update().get(pk=report_id)
    if report.status != ReportStatus.NEW:
        raise ReportError(_("This report has already been handled by someone else."))
    return report


HANDLED_FIELDS = ["handled_by", "handled_at", "name", "email", "phone"]


def _handled(report: ResidentReport, user: User) -> None:
    """Record who handled the report, and erase the reporter's contact details as the
    information clause promises: they were only for talking about this report."""
    report.handled_by, report.handled_at = user, timezone.now()
    report.name, report.email, report.phone = "", "", ""


def report_reject(*, report: ResidentReport, reason: str, user: User) -> ResidentReport:
    """Decline a new report with the moderator's ``reason``; the reporter is told why by
    e-mail (when they gave one) before their contact details are erased. Raises
    :class:`ReportError` for a report handled meanwhile."""
    with transaction.atomic():
        report = _locked_new_report(report.pk)
        report.status = ReportStatus.REJECTED
        report.reject_reason = reason.strip()
        _tell_reporter(report, "report_declined", {"reason": report.reject_reason})
        _handled(report, user)
        report.save(update_fields=["status", "reject_reason", *HANDLED_FIELDS])
    return report


def report_accept(*, report: ResidentReport, form, user: User) -> Need | Resource:
    """Save the need or resource the moderator made of the report, and mark the report handled.

    Both happen in one transaction under a lock on the report, so two moderators cannot turn
    the same report into two entries. The reporter is told by e-mail (when they gave one) what
    became of it, with a link to the public map when the entry is public.
    """
    with transaction.atomic():
        report = _locked_new_report(report.pk)
        created = form.save()
        if isinstance(created, Need):
            report.need = created
        else:
            report.resource = created
        report.status = ReportStatus.ACCEPTED
        _tell_reporter(
            report,
            "report_accepted",
            {
                "entry_title": created.title if isinstance(created, Need) else created.name,
                "accepted_as_need": isinstance(created, Need),
                "link": _public_link(created, report.language),
            },
        )
        _handled(report, user)
        report.save(update_fields=["status", "need", "resource", *HANDLED_FIELDS])
    return created


_OFFER_KIND = {
    ReportKind.SKILL: (ResourceClass.HUMAN, ResourceKind.SKILL),
    ReportKind.TIME: (ResourceClass.HUMAN, ResourceKind.TIME),
    ReportKind.ROOM: (ResourceClass.MATERIAL, ResourceKind.ROOM),
}


def report_initial(report: ResidentReport) -> dict:
    """What the moderator's form starts with: the report's text, area and kind."""
    if report.is_need:
        return {
            "title": report.description.split("\n")[0][:120],
            "description": report.description,
            "areas": [report.area] if report.area else [],
            "found_by": FoundBy.RESIDENT_REPORT,
            "identified_on": timezone.localtime(report.created_at).date(),
            "internal_notes": report.place,
            # The resident's own words are not published as they are: staff rewrite them and
            # then decide to show the need.
            "is_public": False,
        }
    resource_class, kind = _OFFER_KIND[report.kind]
    return {
        "name": report.description.split("\n")[0][:120],
        "description": report.description,
        "resource_class": resource_class,
        "kind": kind,
        "area": report.area,
        "address": report.place,
        # An offer from a person is not public until staff decide so and check the contact.
        "is_public": False,
    }
