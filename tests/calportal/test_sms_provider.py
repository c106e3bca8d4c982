"""SMSAPI.pl, through the maintained ``smsapi-client``, against a fake SMSAPI server on
127.0.0.1: what the portal sends, and that no failure of the provider loses a message — it is
retried, and in the end the office calls the person."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from calportal.calls.models import CallReason
from calportal.outbox import sms
from calportal.outbox.models import SMSMessage, SMSStatus

TOKEN = "test-oauth-token"
TEXT = "Zażółć gęślą jaźń: zajęcia w CAL jutro o 10:00."


class FakeSMSAPI:
    """A fake ``POST /sms.do``. Each request takes the next answer from :attr:`answers`
    (``"ok"`` once they run out): ``"ok"``, ``("error", code, http_status)``, ``"http500"``,
    ``"slow"`` (answers after the client gave up, and does not send) or ``"slow-but-sent"``
    (sends, then answers too late). Like SMSAPI with ``check_idx=1``, a second message with an
    idx it sent already is refused with error 53."""

    def __init__(self):
        self.answers: list = []
        self.requests: list[dict] = []
        self.sent: list[dict] = []  # the messages that reached a phone
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                with fake.lock:
                    fake.requests.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), **form}
                    )
                    answer = fake.answers.pop(0) if fake.answers else "ok"
                    duplicate = form.get("check_idx") == "1" and any(
                        sent["idx"] == form.get("idx") for sent in fake.sent
                    )
                if answer in ("slow", "slow-but-sent"):
                    if answer == "slow-but-sent":
                        fake.deliver(form)
                    time.sleep(1.5)  # longer than SMS_TIMEOUT
                    answer = "ok"
                elif duplicate:
                    answer = ("error", 53, 200)
                if answer == "ok":
                    status, payload = 200, fake.deliver(form)
                elif answer == "http500":
                    self.reply(500, b"<html><h1>500 Internal Server Error</h1></html>", "text/html")
                    return
                else:
                    _kind, code, status = answer
                    payload = {"error": code, "message": f"Fake SMSAPI error {code}"}
                self.reply(status, json.dumps(payload).encode(), "application/json")

            def reply(self, status, body, content_type):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def deliver(self, form: dict) -> dict:
        with self.lock:
            if any(sent["idx"] == form.get("idx") for sent in self.sent):
                return {"error": 53, "message": "Not unique idx"}
            self.sent.append(form)
            number = len(self.sent)
        return {
            "count": 1,
            "list": [
                {
                    "id": f"SMSAPI-{number}",
                    "points": 0.16,
                    "number": form["to"],
                    "submitted_number": form["to"],
                    "status": "QUEUE",
                    "idx": form.get("idx"),
                    "error": None,
                }
            ],
        }


@pytest.fixture
def smsapi(settings):
    fake = FakeSMSAPI()
    thread = threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    settings.SMS_PROVIDER = "smsapi"
    settings.SMS_BACKEND = "calportal.outbox.sms_backends.SMSAPIBackend"
    settings.SMSAPI_URL = fake.url
    settings.SMSAPI_TOKEN = TOKEN
    settings.SMS_SENDER = "OPS Srem"
    settings.SMS_TIMEOUT = 1
    settings.SMS_MAX_ATTEMPTS = 2
    settings.SMS_RETRY_BASE_SECONDS = 1
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join(5)


@pytest.fixture
def message(db):
    return SMSMessage.objects.create(
        to="601234567", name="Halina Kowalska", text=TEXT, template="test", language="pl"
    )


def retry_now(message: SMSMessage) -> None:
    """The retry's time has come (without waiting SMS_RETRY_BASE_SECONDS)."""
    SMSMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def assert_on_the_call_list(message: SMSMessage) -> None:
    message.refresh_from_db()
    assert message.status == SMSStatus.FAILED
    item = message.call_item
    assert item is not None and item.reason == CallReason.SMS_FAILED
    assert (item.name, item.phone) == ("Halina Kowalska", "601234567")
    assert TEXT in item.script


def test_a_message_is_sent_with_its_reference_transliterated_from_the_sender(smsapi, message):
    assert sms.deliver(message.pk) == SMSStatus.SENT

    [request] = smsapi.requests
    assert request["path"] == "/sms.do"
    assert request["auth"] == f"Bearer {TOKEN}"
    assert request["to"] == "48601234567"
    assert request["message"] == TEXT
    assert request["idx"] == f"cal-{message.pk}"
    assert request["check_idx"] == "1"
    assert request["normalize"] == "1"
    assert request["from"] == "OPS Srem"
    assert request["format"] == "json"
    message.refresh_from_db()
    assert message.provider_id == "SMSAPI-1" and message.sent_at is not None


def test_without_a_sender_name_the_provider_s_default_is_used(smsapi, message, settings):
    settings.SMS_SENDER = ""

    assert sms.deliver(message.pk) == SMSStatus.SENT
    assert "from" not in smsapi.requests[0]


@pytest.mark.parametrize(
    "answer",
    [("error", 103, 200), ("error", 101, 401), ("error", 201, 200)],
    ids=["no-credit", "bad-token", "provider-trouble"],
)
def test_a_provider_error_is_retried_then_the_office_calls(smsapi, message, answer):
    smsapi.answers = [answer, answer]

    assert sms.deliver(message.pk) == SMSStatus.QUEUED
    message.refresh_from_db()
    assert f"error {answer[1]}" in message.last_error
    assert f"Fake SMSAPI error {answer[1]}" in message.last_error
    retry_now(message)
    assert sms.deliver(message.pk) == SMSStatus.FAILED

    assert len(smsapi.requests) == 2 and smsapi.sent == []
    assert_on_the_call_list(message)


def test_an_invalid_number_goes_to_the_call_list_at_once(smsapi, message):
    smsapi.answers = [("error", 13, 200)]

    assert sms.deliver(message.pk) == SMSStatus.FAILED

    assert len(smsapi.requests) == 1
    assert_on_the_call_list(message)
    assert "error 13" in message.last_error


def test_a_server_error_is_retried_and_a_retry_the_server_takes_is_sent(smsapi, message):
    smsapi.answers = ["http500"]

    assert sms.deliver(message.pk) == SMSStatus.QUEUED
    message.refresh_from_db()
    assert "HTTP 500" in message.last_error and "Internal Server Error" in message.last_error
    retry_now(message)
    assert sms.deliver(message.pk) == SMSStatus.SENT

    assert len(smsapi.sent) == 1


def test_server_errors_until_the_last_attempt_put_the_person_on_the_call_list(smsapi, message):
    smsapi.answers = ["http500", "http500"]

    sms.deliver(message.pk)
    retry_now(message)
    assert sms.deliver(message.pk) == SMSStatus.FAILED

    assert_on_the_call_list(message)


def test_a_provider_that_never_answers_in_time_leaves_the_person_on_the_call_list(smsapi, message):
    smsapi.answers = ["slow", "slow"]

    started = time.monotonic()
    assert sms.deliver(message.pk) == SMSStatus.QUEUED
    assert time.monotonic() - started < 1.4  # SMS_TIMEOUT, not the server's 1.5 s
    message.refresh_from_db()
    assert "did not answer within 1 s" in message.last_error
    retry_now(message)
    assert sms.deliver(message.pk) == SMSStatus.FAILED

    assert_on_the_call_list(message)


@pytest.mark.parametrize("first", ["slow", "slow-but-sent"])
def test_after_a_timeout_the_retry_is_sent_exactly_once(smsapi, message, first):
    smsapi.answers = [first]

    assert sms.deliver(message.pk) == SMSStatus.QUEUED
    retry_now(message)
    assert sms.deliver(message.pk) == SMSStatus.SENT

    assert [sent["idx"] for sent in smsapi.sent] == [f"cal-{message.pk}"]  # one text, not two
    assert [request["idx"] for request in smsapi.requests] == [f"cal-{message.pk}"] * 2
    message.refresh_from_db()
    assert message.attempts == 2 and message.call_item is None
    # A provider that sent it the first time refuses the repeat (check_idx): still "sent".
    assert message.provider_id == ("SMSAPI-1" if first == "slow" else f"cal-{message.pk}")


def test_an_unreachable_provider_is_retried(smsapi, message, settings):
    settings.SMSAPI_URL = "http://127.0.0.1:9/"  # discard port: connection refused

    assert sms.deliver(message.pk) == SMSStatus.QUEUED

    message.refresh_from_db()
    assert "could not be reached" in message.last_error
