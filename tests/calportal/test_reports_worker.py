"""A scheduled monthly digest (R12) is started, built, rendered and e-mailed by a real Celery
worker: a redis-server and an SMTP relay (aiosmtpd) of the test's own, the CI's PostgreSQL
(committed data, so the worker sees it). Nothing runs in this process but the publishing of
beat's task."""

import datetime
from email import message_from_bytes
from email import policy as email_policy

import pytest
from django.db import connection
from django.utils import timezone

from calportal.accounts.roles import Role
from calportal.documents.models import DocumentStatus
from calportal.reports.models import (
    Recurrence,
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    RunStatus,
)
from calportal.reports.tasks import run_due_schedules
from tests.calportal.faults import OwnRedis, Relay, Worker, broker, wait_for
from tests.conftest import require
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_redis():
    require(connection.vendor == "postgresql", "the worker needs the shared PostgreSQL database")
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def relay():
    server = Relay()
    server.open()
    yield server
    server.close()


@pytest.fixture
def worker(own_redis, relay, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    process = Worker(own_redis.url, relay, PRIVATE_MEDIA_ROOT=str(tmp_path))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def digest_schedule(roles):
    director = UserFactory(
        email="dyrektor@example.org", full_name="Danuta Dyrektor", role=Role.OPS_STAFF
    )
    definition = ReportDefinition.objects.create(
        kind="R12",
        title="Przegląd miesięczny CAL",
        owner=director,
        scope={},
        timeframe="month_previous",
        variant="internal",
        language="pl",
    )
    schedule = ReportSchedule.objects.create(
        definition=definition,
        recurrence=Recurrence.MONTHLY,
        day=2,
        # Long due, whatever clock this process runs on (the worker's is the real one).
        next_run_at=datetime.datetime(2020, 1, 2, 7, 0, tzinfo=datetime.UTC),
        send_if_empty=True,
    )
    schedule.recipients.set([director])
    return schedule


def test_a_due_digest_is_built_rendered_and_mailed_by_the_worker(
    own_redis, relay, worker, digest_schedule, tmp_path
):
    with broker(own_redis.url):
        run_due_schedules.delay()  # what beat publishes every 15 minutes

        assert wait_for(lambda: relay.messages, timeout=60, interval=0.2), "no digest e-mail"
        run = ReportRun.objects.get()
        assert wait_for(
            lambda: ReportRun.objects.filter(pk=run.pk, pdf__status=DocumentStatus.READY).exists(),
            timeout=60,
        ), "the digest's PDF was not rendered"

    run.refresh_from_db()
    assert run.schedule == digest_schedule and run.requested_by is None
    assert run.status == RunStatus.READY and run.kind == "R12"
    # The month before the one the worker made it in, e.g. 1–31 October on 30 November.
    made_on = timezone.localtime(run.created_at).date()
    assert run.period_end == made_on.replace(day=1) - datetime.timedelta(days=1)
    assert run.period_start == run.period_end.replace(day=1)
    assert run.sent_at is not None
    assert run.pdf.file and (tmp_path / run.pdf.file.name).stat().st_size > 1000
    assert run.pdf.file.name.endswith(".pdf")
    digest_schedule.refresh_from_db()
    assert digest_schedule.last_run_at is not None
    assert digest_schedule.next_run_at > digest_schedule.last_run_at
    assert timezone.localtime(digest_schedule.next_run_at).day == 2

    [message] = relay.messages
    assert message["to"] == ["dyrektor@example.org"]
    mail = message_from_bytes(message["content"], policy=email_policy.default)
    # (the header is folded after "Subject:", which the parser leaves as a leading space)
    assert mail["Subject"].strip() == f"Miesięczny przegląd: {run.dataset['period']['label']}"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Danuta" in text
    assert f"{run.get_absolute_url()}" in text
    assert "http" in text.split(run.get_absolute_url())[0].split()[-1]  # an absolute link
    assert list(mail.iter_attachments()) == []  # a link, never a file
