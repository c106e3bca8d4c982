"""The office's call list ("Do zadzwonienia"): every person staff must phone, and why.

Residents who gave only a phone number (many seniors) cannot be told by e-mail what happened to
their registration, pass, request or application. Each such moment adds a :class:`CallItem` in
the transaction of the change (:func:`calportal.calls.services.add`); staff record every try
(:class:`CallAttempt`) and an item leaves the list once the person has been told.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallReason(models.TextChoices):
    """Why a person is on the list; the list is grouped by it, in this order."""

    PROMOTED = "promoted", _("Got a place from the waiting list")
    MOVED = "moved", _("Moved to another session")
    EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
    EVENT_CHANGED = "event_changed", _("Event changed (date, time or place)")
    REMINDER = "reminder", _("Reminder: the event is tomorrow")
    PASS_READY = "pass_ready", _("Senior pass ready to collect")
    CALL_BACK = "call_back", _("Asked to be called back")
    JOIN_REQUEST = "join_request", _("Asked to join a self-help group")
    VOLUNTEER_APPLICATION = "volunteer_application", _("Applied to volunteer")
    SMS_FAILED = "sms_failed", _("A text message could not be delivered")


class CallStatus(models.TextChoices):
    OPEN = "open", _("to call")
    DONE = "done", _("done")
    # Closed without a call: the matter went away (the registration was cancelled meanwhile).
    OBSOLETE = "obsolete", _("no longer needed")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    MESSAGE_LEFT = "message_left", _("Left a message")
    NOT_REACHED = "not_reached", _("Not reached — try again tomorrow")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


# After this many "not reached" an item is flagged: staff look for another way to reach them.
FLAG_AFTER_NOT_REACHED = 3


class CallItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CallStatus.OPEN)

    def due(self, on=None):
        """Open items to call on the local date ``on`` (today): tried and not reached ones come
        back the next day."""
        return self.open().filter(due_on__lte=on or timezone.localdate())


class CallItem(models.Model):
    reason = models.CharField(_("reason"), max_length=30, choices=CallReason.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)  # 9 national digits
    language = models.CharField(_("language"), max_length=10, default="pl")
    # What to say: a short prepared text, in the person's language, written when the item is
    # added (the facts of that moment: the event, the date, the place).
    script = models.TextField(_("what to say"))
    regarding_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    regarding_id = models.PositiveBigIntegerField(null=True, blank=True)
    regarding = GenericForeignKey("regarding_type", "regarding_id")
    # Who may see it: a partner organisation's own (its volunteers' applications), a self-help
    # group's facilitator only, or — both empty — the office (OPS staff and the CAL team).
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True
    )
    group = models.ForeignKey("selfhelp.Group", on_delete=models.CASCADE, null=True, blank=True)
    # "promoted:registration:42:7": the same matter is on the list once, however often (and
    # however concurrently) it is added.
    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    due_on = models.DateField(_("call on"), default=timezone.localdate)
    not_reached = models.PositiveSmallIntegerField(_("times not reached"), default=0)
    flagged = models.BooleanField(_("flagged"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CallItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["regarding_type", "regarding_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(group__isnull=True),
                name="callitem_one_scope",
            )
        ]
        verbose_name = _("call")
        verbose_name_plural = _("call list")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.name}"


class CallAttempt(models.Model):
    item = models.ForeignKey(CallItem, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self) -> str:
        return f"{self.item_id} {self.outcome}"
