"""The portal's access log: who opened which sensitive page or file, and when (PRIVACY.md §6).

Changes to personal data are recorded by django-auditlog (its ``LogEntry``; see
``calportal.audit.tracking``); this model records reads, which auditlog does not. One log for
the whole portal: the self-help groups' access log is a view of it (``selfhelp.models.AccessLog``
is a proxy that shows the rows of a self-help group). An entry holds ids only — never the
person's name — so anonymisation has nothing to remove from it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Access(models.TextChoices):
    """What was opened. The first values are the self-help log's (kept as they were)."""

    MEMBERS = "members", _("Opened the member list")
    REQUESTS = "requests", _("Opened the requests")
    REQUEST = "request", _("Opened a request")
    MEETING = "meeting", _("Opened a meeting's attendance and notes")
    EXPORT = "export", _("Downloaded a file with personal data")
    ERASE = "erasure", _("Erased a person's data")
    FACILITATOR = "facilitator", _("Changed the group's facilitator")
    REPORT = "report", _("Read the anonymous figures (R10)")
    REGISTRATIONS = "registrations", _("Opened an event's registrations with contacts")
    PARTICIPANTS = "participants", _("Opened the participant list")
    PARTICIPANT = "participant", _("Opened a participant")
    VOLUNTEER = "volunteer", _("Opened a volunteer")
    PASS_HOLDERS = "pass_holders", _("Opened the pass holders")
    PASS_HOLDER = "pass_holder", _("Opened a pass holder")
    PASS_APPLICATIONS = "pass_applications", _("Opened the pass applications")
    VOLUNTEERS = "volunteers", _("Opened the volunteer list")
    SELFHELP_MEMBERS = "selfhelp_members", _("Opened a self-help group's members")
    SUBJECT_ACCESS_PACKAGE = (
        "subject_access_package",
        _("Prepared or read a subject access package"),
    )
    CALL_LIST = "call_list", _("Opened the call list (names and phones)")


class AccessEvent(models.Model):
    """One opening of a sensitive page or file by a logged-in user.

    ``object_type`` is the model label (``"initiatives.participant"``) and ``object_id`` its
    primary key; ``group`` is set for the self-help groups, whose coordinator reviews the log
    group by group. ``detail`` says which file or format (never personal data).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    action = models.CharField(_("what"), max_length=30, choices=Access.choices)
    object_type = models.CharField(_("kind of record"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    group = models.ForeignKey(
        "selfhelp.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-help group"),
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_access_object")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id} {self.at:%Y-%m-%d}"
