"""Changing the map: saving staff forms, residents' reports and their moderation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    return report


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
    with transaction.atomic():
        report = _locked_new_report(report.pk)
        report.status = ReportStatus.REJECTED
        report.reject_reason = reason.strip()
        _handled(report, user)
        report.save(update_fields=["status", "reject_reason", *HANDLED_FIELDS])
    return report


def report_accept(*, report: ResidentReport, form, user: User) -> Need | Resource:
    """Save the need or resource the moderator made of the report, and mark the report handled.

    Both happen in one transaction under a lock on the report, so two moderators cannot turn
    the same report into two entries.
    """
    with transaction.atomic():
        report = _locked_new_report(report.pk)
        created = form.save()
        if isinstance(created, Need):
            report.need = created
        else:
            report.resource = created
        report.status = ReportStatus.ACCEPTED
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
