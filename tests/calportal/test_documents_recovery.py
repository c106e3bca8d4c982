"""Documents always finish or say why: the sweep re-sends lost jobs and gives up after a few
attempts, the render is done once into one file, the page says when the job is held up, and a
request never fails because the broker is down."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from calportal.documents.models import Document, DocumentFailure, DocumentStatus
from calportal.documents.registry import Build, register
from calportal.documents.services import document_render, document_request, document_sweep
from calportal.documents.tasks import RENDER_TIME_LIMIT
from tests.calportal.faults import broker
from tests.factories import UserFactory

QUICK = "tests.quick_document"
BROKEN = "tests.broken_document"


def english(path: str) -> str:
    """The English page at ``path``. New texts are checked in English: their Polish arrives
    with the next translation merge. (``reverse`` gives English paths once a request to one
    has activated English in this thread.)"""
    return path if path.startswith("/en/") else f"/en{path}"


@register(QUICK, permission="documents.view_document")
def quick_document(params: dict) -> Build:
    return Build(template="pdf/base.html", context={}, filename="test.pdf")


@register(BROKEN, permission="documents.view_document")
def broken_document(params: dict) -> Build:
    return 1 / 0


@pytest.fixture
def owner(db):
    return UserFactory(is_superuser=True)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _request(owner) -> Document:
    """A requested document whose job never reached a worker (the test's transaction never
    commits, so the job is never published)."""
    return document_request(kind=QUICK, params={}, title="Test", requested_by=owner, language="pl")


def _stored_files(root) -> list:
    return sorted((root / "documents").iterdir()) if (root / "documents").exists() else []


# --- The render --------------------------------------------------------------------------------


def test_a_job_for_a_ready_document_does_nothing(owner, private_root):
    document = _request(owner)
    document_render(document_id=document.pk)
    document.refresh_from_db()
    first_file = document.file.name

    document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert (document.attempts, document.file.name) == (1, first_file)
    assert len(_stored_files(private_root)) == 1


def test_a_render_lost_with_its_worker_is_done_again_into_the_same_file(owner, private_root):
    document = _request(owner)
    document_render(document_id=document.pk)
    # As if the worker had died after writing the file but before its transaction committed.
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.RUNNING)

    document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2
    assert _stored_files(private_root) == [private_root / document.file.name]


def test_a_job_delivered_again_after_the_last_attempt_marks_the_document_failed(
    owner, private_root, settings
):
    document = _request(owner)
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, attempts=settings.DOCUMENTS_MAX_ATTEMPTS
    )

    document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.failure == DocumentFailure.WORKER_LOST
    assert _stored_files(private_root) == []


def test_a_render_error_fails_the_document_with_its_reason(owner, private_root):
    document = Document.objects.create(kind=BROKEN, params={}, title="Test", requested_by=owner)

    with pytest.raises(ZeroDivisionError):
        document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.failure == DocumentFailure.RENDER_ERROR
    assert "ZeroDivisionError" in document.error


# --- The sweep ---------------------------------------------------------------------------------


def test_the_sweep_resends_a_document_waiting_for_more_than_a_minute(
    owner, private_root, django_capture_on_commit_callbacks
):
    document = _request(owner)
    assert document_sweep() == 0  # just requested: its job may well be on its way

    a_minute_later = timezone.now() + datetime.timedelta(seconds=61)
    with (
        time_machine.travel(a_minute_later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = document_sweep()

    assert sent == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY  # the job ran (in-process here)
    assert document.sends == 2


def test_the_sweep_waits_longer_each_time_it_resends(owner, django_capture_on_commit_callbacks):
    document = _request(owner)
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=False) as published:
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            assert document_sweep() == 1
            assert document_sweep() == 0  # a second sweep at once sends nothing more
        with time_machine.travel(start + datetime.timedelta(seconds=61 + 100), tick=False):
            assert document_sweep() == 0  # the second wait is two minutes
        with time_machine.travel(start + datetime.timedelta(seconds=61 + 121), tick=False):
            assert document_sweep() == 1

    assert len(published) == 2
    document.refresh_from_db()
    assert (document.status, document.sends) == (DocumentStatus.PENDING, 3)


def test_the_sweep_resends_a_document_whose_worker_died(owner, django_capture_on_commit_callbacks):
    document = _request(owner)
    started = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, started_at=started, attempts=1
    )
    assert document_sweep() == 0  # within the render's time limit: maybe still running

    later = started + datetime.timedelta(seconds=RENDER_TIME_LIMIT + 1)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=False) as published,
    ):
        assert document_sweep() == 1

    assert len(published) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert document.attempts == 1


def test_the_sweep_marks_a_document_failed_after_the_last_attempt(
    owner, login, settings, django_capture_on_commit_callbacks
):
    document = _request(owner)
    started = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING,
        started_at=started,
        attempts=settings.DOCUMENTS_MAX_ATTEMPTS,
    )

    later = started + datetime.timedelta(seconds=RENDER_TIME_LIMIT + 1)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=False) as published,
    ):
        assert document_sweep() == 0

    assert published == []
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.failure == DocumentFailure.WORKER_LOST
    assert document.finished_at is not None
    page = login(owner).get(english(document.get_absolute_url())).content.decode()
    assert "The document could not be prepared." in page
    assert "stopped several times while preparing it" in page
    assert f"give them the document number {document.pk}." in page
    assert "updates by itself" not in page
    assert 'data-finished="1"' in page


@pytest.mark.django_db(transaction=True)
def test_the_sweep_and_a_job_leave_alone_a_document_someone_is_rendering(
    private_root, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    owner = UserFactory(is_superuser=True)
    document = Document.objects.create(kind=QUICK, params={}, title="Test", requested_by=owner)
    long_ago = timezone.now() - datetime.timedelta(seconds=RENDER_TIME_LIMIT + 60)
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, started_at=long_ago, attempts=1
    )
    locked, release = threading.Event(), threading.Event()

    def render_in_progress():
        with transaction.atomic():
            Document.objects.select_for_update().get(pk=document.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    worker = threading.Thread(target=render_in_progress)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        with django_capture_on_commit_callbacks(execute=False) as published:
            assert document_sweep() == 0
        document_render(document_id=document.pk)
    finally:
        release.set()
        worker.join()

    assert published == []
    document.refresh_from_db()
    assert (document.status, document.attempts) == (DocumentStatus.RUNNING, 1)


# --- The page ----------------------------------------------------------------------------------


def test_the_page_says_when_no_worker_has_started_the_job_within_a_minute(owner, login):
    document = _request(owner)
    client = login(owner)

    page = client.get(english(document.get_absolute_url())).content.decode()
    assert "This page updates by itself." in page
    assert "longer than usual" not in page

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        page = client.get(english(document.get_absolute_url())).content.decode()
        status = client.get(english(reverse("documents:status", args=[document.pk]))).json()

    assert 'aria-live="polite"' in page
    assert "This is taking longer than usual" in page
    assert "background service may be busy or stopped" in page
    assert f'href="{english(reverse("documents:list"))}"' in page
    assert 'data-finished="0"' in page  # the page keeps polling
    assert status["state"] == "held-up"
    assert status["finished"] is False
    assert "longer than usual" in status["message"]


def test_the_documents_list_shows_only_ones_own_documents(owner, login):
    mine = _request(owner)
    someone_else = _request(UserFactory(is_superuser=True))

    page = login(owner).get(reverse("documents:list")).content.decode()

    assert mine.get_absolute_url() in page
    assert someone_else.get_absolute_url() not in page


def test_the_documents_list_pages_its_documents_in_the_same_number_of_queries(
    owner, login, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(owner)
    Document.objects.bulk_create(
        [Document(kind=QUICK, title=f"Dokument {n}", requested_by=owner) for n in range(3)]
    )
    with django_assert_max_num_queries(20) as baseline:
        client.get(reverse("documents:list"))
    Document.objects.bulk_create(
        [Document(kind=QUICK, title=f"Dokument {n}", requested_by=owner) for n in range(300)]
    )

    with django_assert_num_queries(len(baseline.captured_queries)):
        page = client.get(reverse("documents:list"), {"page": "2"}).content.decode()
    assert page.count("/documents/") >= 25
    assert "?page=3" in page  # 303 documents, 25 a page: the oldest are a few pages on


def test_the_documents_list_needs_a_login(client):
    response = client.get(reverse("documents:list"))

    assert response.status_code == 302


# --- A broker that is down ---------------------------------------------------------------------


@pytest.fixture
def unreachable_broker():
    """Celery publishing for real, to a port where nothing listens."""
    with broker("redis://127.0.0.1:9/0"):
        yield


def test_a_document_request_answers_at_once_when_the_broker_is_down(
    login, staff, unreachable_broker, django_capture_on_commit_callbacks
):
    client = login(staff)

    start = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(english(reverse("resources_map:diagnosis_pdf")), follow=True)
    first = time.monotonic() - start
    start = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(english(reverse("resources_map:diagnosis_pdf")))
    second = time.monotonic() - start

    # A publish gives up after one quick retry; later requests skip the broker for a while
    # (calportal.queue).
    assert first < 3
    assert second < 1
    assert response.status_code == 200
    first_document, _ = Document.objects.order_by("pk")
    assert response.redirect_chain == [(english(first_document.get_absolute_url()), 302)]
    assert "This page updates by itself." in response.content.decode()
    assert set(Document.objects.values_list("status", flat=True)) == {DocumentStatus.PENDING}
