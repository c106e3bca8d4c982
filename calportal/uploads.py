"""Uploads are capped while they arrive, not after: without this Django would write a file of
any size to a temporary file before a form could say it is too large."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class CappedUploadHandler(FileUploadHandler):
    """Passes an uploaded file on to Django's own handlers up to ``settings.MAX_UPLOAD_SIZE``
    bytes and one chunk more, then drops the rest.

    The stored file is then just over the limit, so the form's own size check
    (:class:`calportal.forms.ImportForm`) refuses it with its clear message, while the disk and
    memory hold at most the limit and a chunk (64 KiB) per file. Must come first in
    ``FILE_UPLOAD_HANDLERS``.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.received > settings.MAX_UPLOAD_SIZE:
            return None  # later handlers never see the rest
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler builds the file from what it was given
