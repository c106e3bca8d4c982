"""Documents hold residents' names: they live outside MEDIA_ROOT, under random names, and are
served only through the access-checked download view."""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def document_path(instance, filename: str) -> str:
    return f"documents/{uuid.uuid4().hex}.pdf"
