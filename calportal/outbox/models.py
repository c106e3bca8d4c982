"""What each outgoing message is about, beside django-post-office's own ``Email`` row.

post_office keeps the message itself (recipients, bodies, attachments, Message-ID), its status
(queued, requeued, sent, failed) and a log of every attempt. :class:`OutboxMessage` adds what
the portal needs to find it again: the template it came from, the record it concerns (a
registration, a join request, a user) and, for messages a periodic task sends, a unique key so
that a second run of the task adds nothing.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from post_office.models import Email


class OutboxMessage(models.Model):
    email = models.OneToOneField(Email, on_delete=models.CASCADE, related_name="outbox_entry")
    template = models.CharField(_("message"), max_length=100)
    language = models.CharField(_("language"), max_length=10, blank=True)
    regarding_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    regarding_id = models.PositiveBigIntegerField(null=True, blank=True)
    regarding = GenericForeignKey("regarding_type", "regarding_id")
    # "volunteers/missing_hours:2026-11-23:user-42": a periodic task's run adds each once.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep last handed the message to the broker (None: only its first publish).
    handed_on_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["regarding_type", "regarding_id"])]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.template} → {', '.join(self.email.to)}"


class SMSStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("not delivered")
    # The matter went away before it was sent (the registration was cancelled meanwhile).
    CANCELLED = "cancelled", _("not sent: no longer needed")


class SMSMessage(models.Model):
    """One text message to a resident's mobile phone, stored with the change that causes it and
    delivered by Celery through the configured backend (:mod:`calportal.outbox.sms`). A message
    that cannot be delivered is handed to the office's call list (``call_item``)."""

    to = models.CharField(_("phone"), max_length=20)  # 9 national digits (calportal.contacts)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    template = models.CharField(_("message"), max_length=100)
    language = models.CharField(_("language"), max_length=10, blank=True)
    regarding_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    regarding_id = models.PositiveBigIntegerField(null=True, blank=True)
    regarding = GenericForeignKey("regarding_type", "regarding_id")
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SMSStatus.choices, default=SMSStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    handed_on_at = models.DateTimeField(null=True, blank=True)
    # The provider's id of the message once it accepted it.
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The call-list item a failed message was handed to (calportal.calls).
    call_item = models.ForeignKey(
        "calls.CallItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["regarding_type", "regarding_id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")

    def __str__(self) -> str:
        return f"{self.template} → {self.to}"


class PendingMessage(models.Model):
    """A message still to be composed: stored with the change that causes it, composed by the
    worker after the commit (:mod:`calportal.outbox.later`), so that the change's transaction
    (and any lock it holds) does not wait for templates to render. Deleted once composed."""

    # The registered composer (calportal.outbox.later.register) and its keyword arguments.
    composer = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    handed_on_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message still to compose")
        verbose_name_plural = _("messages still to compose")

    def __str__(self) -> str:
        return f"{self.composer}({self.arguments})"
