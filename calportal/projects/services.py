"""Writing projects, asking for the restricted participant list, and deleting old lists."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calportal.accounts.models import User
from calportal.documents.models import Document
from calportal.documents.services import document_request
from calportal.projects.documents import KIND, LIST_KEPT_FOR
from calportal.projects.models import Project


def project_save(*, form, periods, indicators) -> Project:
    """Save a validated project form with its reporting-period and indicator formsets, all or
    nothing. The indicators keep the order they were given in."""
    with transaction.atomic():
        project = form.save()
        periods.instance = project
        periods.save()
        indicators.instance = project
        saved = indicators.save(commit=False)
        for indicator in indicators.deleted_objects:
            indicator.delete()
        for position, indicator in enumerate(saved):
            if indicator.pk is None:
                indicator.position = project.indicators.count() + position
            indicator.save()
        return project


def indicator_values_save(*, form) -> None:
    """Save the typed values of one reporting period (see
    :class:`calportal.projects.forms.IndicatorValuesForm`), all or nothing."""
    with transaction.atomic():
        form.save()


def participant_list_request(*, project: Project, user: User, language: str) -> Document:
    """Ask for the project's restricted participant list (an XLSX, prepared in the background).
    Only OPS staff assigned to the project may: anyone else gets ``PermissionDenied``. The file
    may be opened until ``expires_at`` (:data:`~calportal.projects.documents.LIST_KEPT_FOR`
    from now) and is then deleted by :func:`participant_lists_delete_expired`."""
    if not user.has_perm("projects.view_project") or not project.staff.filter(pk=user.pk).exists():
        raise PermissionDenied
    expires = timezone.now() + LIST_KEPT_FOR
    return document_request(
        kind=KIND,
        params={"project": project.pk, "expires_at": expires.isoformat()},
        title=_("Participant list: %(project)s") % {"project": project.name[:150]},
        requested_by=user,
        language=language,
    )


def participant_lists_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of participant lists requested more than 7 days ago (PRIVACY.md §1);
    their document rows stay as the record (who asked, when, for which project) with
    ``params["deleted_at"]`` set. Hourly, to the hour; the nightly retention run applies the
    same rule (``project_participant_list``) by date. Idempotent; returns how many files were
    deleted."""
    from calportal.privacy.retention import document_files_delete

    now = now or timezone.now()
    due = Document.objects.filter(kind=KIND, created_at__lte=now - LIST_KEPT_FOR).exclude(
        params__has_key="deleted_at"
    )
    return document_files_delete(due, now=now)
