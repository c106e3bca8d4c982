import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.documents.registry import FORMATS, PDF
from calportal.documents.storage import document_path, private_storage


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DocumentFailure(models.TextChoices):
    """Why a document failed, in words for the person who asked for it (details in ``error``)."""

    RENDER_ERROR = "render_error", _("An error occurred while the document was being prepared.")
    WORKER_LOST = (
        "worker_lost",
        _("The office's background service stopped several times while preparing it."),
    )


# The document page says the job is held up when no worker has started it after this long.
HELD_UP_AFTER = datetime.timedelta(minutes=1)


class Document(models.Model):
    """A file (a PDF, a spreadsheet, a zip of CSV files) prepared in the background. ``kind``
    names a builder in the registry, which also decides the file's ``content_type``."""

    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(storage=private_storage, upload_to=document_path, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, default=PDF)
    error = models.TextField(blank=True)  # technical detail for the administrator
    failure = models.CharField(max_length=20, choices=DocumentFailure.choices, blank=True)
    language = models.CharField(max_length=10, blank=True)  # the PDF's; empty: the default
    # Names the stored file, so that rendering the document again overwrites it.
    file_key = models.UUIDField(default=uuid.uuid4, editable=False)
    # When the render job was last handed to the queue, and how many times it was.
    queued_at = models.DateTimeField(default=timezone.now)
    sends = models.PositiveSmallIntegerField(default=1)
    # When a worker last started rendering it, and how many renders have started.
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Empty for the files of a scheduled report nobody owns (shared with its readers instead).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="documents",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def extension(self) -> str:
        return FORMATS.get(self.content_type, ("bin", ""))[0]

    @property
    def format_label(self) -> str:
        """What the pages call the file's format: "PDF", "XLSX" or "ZIP"."""
        return FORMATS.get(self.content_type, ("", self.content_type))[1]

    @property
    def is_finished(self) -> bool:
        return self.status in {DocumentStatus.READY, DocumentStatus.FAILED}

    @property
    def is_held_up(self) -> bool:
        """Still waiting for a worker a while after it was requested (no worker running, or a
        long queue)."""
        return (
            self.status == DocumentStatus.PENDING
            and self.created_at is not None
            and timezone.now() - self.created_at > HELD_UP_AFTER
        )
