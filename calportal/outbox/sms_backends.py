"""Where text messages go: one small interface, a backend per provider.

A backend's :meth:`SMSBackend.send` hands one message to the provider and returns the
provider's id for it, or raises :class:`SMSError` — ``permanent`` when trying again cannot help
(an invalid number, a refused sender), otherwise the message is retried
(:func:`calportal.outbox.sms.deliver`). ``reference`` is the portal's own id of the message,
unique and the same on every try, for providers that refuse a duplicate.
"""

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SentSMS:
    to: str
    text: str
    reference: str = ""


class SMSError(Exception):
    """The provider did not take the message; ``permanent``: do not try again."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SMSBackend:
    def send(self, to: str, text: str, *, reference: str) -> str:
        """Send ``text`` to ``to`` (9 national digits). Returns the provider's message id."""
        raise NotImplementedError


_lock = threading.Lock()
# Messages "sent" by LocmemBackend, in order (tests read it like django.core.mail.outbox).
outbox: list[SentSMS] = []


class LocmemBackend(SMSBackend):
    """Keeps messages in :data:`outbox` (tests)."""

    def send(self, to: str, text: str, *, reference: str) -> str:
        with _lock:
            outbox.append(SentSMS(to=to, text=text, reference=reference))
            return f"locmem-{len(outbox)}"


class ConsoleBackend(SMSBackend):
    """Prints each message to standard output (the embedded default, like e-mail)."""

    def send(self, to: str, text: str, *, reference: str) -> str:
        sys.stdout.write(f"--- SMS to {to} ({reference}) ---\n{text}\n---\n")
        sys.stdout.flush()
        return f"console-{reference}"


def get_backend() -> SMSBackend:
    """The backend ``settings.SMS_BACKEND`` names. Raises ImproperlyConfigured-like
    ImportError for a wrong path; callers check :func:`calportal.outbox.sms.sms_enabled`."""
    return import_string(settings.SMS_BACKEND)()
