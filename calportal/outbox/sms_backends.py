"""Where text messages go: one small interface, a backend per provider.

A backend's :meth:`SMSBackend.send` hands one message to the provider and returns the
provider's id for it, or raises :class:`SMSError` — ``permanent`` when trying again cannot help
(an invalid number, a refused sender), otherwise the message is retried
(:func:`calportal.outbox.sms.deliver`). ``reference`` is the portal's own id of the message,
unique and the same on every try, for providers that refuse a duplicate.
"""

import json
import sys
import threading
from dataclasses import dataclass

import requests
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


# SMSAPI.pl's error codes (https://www.smsapi.pl/statusy-wiadomosci) after which trying again
# cannot help: no valid number (wrong, a landline, or on a blacklist), an empty or too long
# text, a refused sender name, the person opted out. Every other code — bad token (101, 102),
# no credit (103), a blocked IP (105), the provider's own trouble (2xx, 999), rate limits — is
# temporary: the message is retried and, if it still fails, goes to the call list.
SMSAPI_PERMANENT_ERRORS = frozenset({11, 13, 14, 57, 59})
# A message with this idx was sent already (``check_idx=1``): an earlier try went through.
SMSAPI_DUPLICATE_IDX = 53


class SMSAPIBackend(SMSBackend):
    """SMSAPI.pl through its maintained client (``smsapi-client``).

    ``settings.SMSAPI_URL`` (the provider by default, a fake server in tests),
    ``SMSAPI_TOKEN`` (an OAuth token), ``SMS_SENDER`` (a registered sender name; empty: the
    provider's default) and ``SMS_TIMEOUT`` (seconds) configure it. Polish letters are
    transliterated (``normalize``) so that 160 characters fit one message, and every message
    carries the portal's ``reference`` as ``idx`` with ``check_idx``, so a repeat of a message
    the provider already took is refused instead of sent twice — and counted as sent here."""

    def send(self, to: str, text: str, *, reference: str) -> str:
        from smsapi.client import Client
        from smsapi.exception import ClientException, EndpointException

        domain = (
            settings.SMSAPI_URL if settings.SMSAPI_URL.endswith("/") else f"{settings.SMSAPI_URL}/"
        )
        parameters = {
            "to": f"48{to}",
            "message": text,
            "idx": reference,
            "check_idx": 1,
            "normalize": 1,
            "timeout": settings.SMS_TIMEOUT,
        }
        if settings.SMS_SENDER:
            parameters["from_"] = settings.SMS_SENDER
        try:
            client = Client(domain=domain, access_token=settings.SMSAPI_TOKEN)
            result = client.sms.send(**parameters)
        except requests.Timeout as error:
            raise SMSError(
                f"SMSAPI did not answer within {settings.SMS_TIMEOUT} s: {error}"
            ) from error
        except requests.RequestException as error:
            raise SMSError(f"SMSAPI could not be reached: {error}") from error
        except EndpointException as error:  # SendException too: the provider said no
            code, message = _smsapi_error(error)
            if code == SMSAPI_DUPLICATE_IDX:
                return reference  # sent by an earlier try whose answer was lost
            permanent = code in SMSAPI_PERMANENT_ERRORS or bool(
                getattr(error, "invalid_numbers", None)
            )
            http = f"HTTP {error.code}, " if getattr(error, "url", None) else ""
            raise SMSError(
                f"SMSAPI refused the message ({http}error {code if code is not None else '?'}): "
                f"{message}"[:500],
                permanent=permanent,
            ) from error
        except ClientException as error:  # no token configured
            raise SMSError(f"SMSAPI client: {error.message}") from error
        ids = [item.id for item in result if getattr(item, "id", None)]
        if not ids:
            raise SMSError("SMSAPI answered without a message id")
        return str(ids[0])


def _smsapi_error(error) -> tuple[int | None, str]:
    """``(SMSAPI error code, its message)`` of a client exception: a JSON error body (answered
    with HTTP 200 or 4xx) gives both; any other answer (a proxy's 502 page) gives None and its
    text."""
    code, message = error.code, error.message
    if getattr(error, "url", None) is not None:  # a non-2xx answer: code is the HTTP status
        try:
            body = json.loads(message or "")
        except ValueError:
            body = None
        if not (isinstance(body, dict) and body.get("error") is not None):
            return None, " ".join(str(message or "").split())[:300]
        code, message = body.get("error"), body.get("message") or ""
    try:
        return int(code), str(message or "")
    except (TypeError, ValueError):
        return None, str(message or "")


def get_backend() -> SMSBackend:
    """The backend ``settings.SMS_BACKEND`` names. Raises ImproperlyConfigured-like
    ImportError for a wrong path; callers check :func:`calportal.outbox.sms.sms_enabled`."""
    return import_string(settings.SMS_BACKEND)()
