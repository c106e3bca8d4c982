"""Documents hold residents' names: they live outside MEDIA_ROOT, under random names, and are
served only through the access-checked download view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        # A document rendered again (its first worker died) replaces its own file.
        super().__init__(base_url=None, allow_overwrite=True)

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
    """The same random name each time the document is rendered: one file per document (its
    extension from the document's format)."""
    return f"documents/{instance.file_key.hex}.{instance.extension}"
