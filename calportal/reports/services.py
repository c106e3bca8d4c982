"""Asking for reports, building them, and running schedules (REPORTS.md §5).

The :class:`~calportal.reports.models.ReportRun` row is the record of the work, like a
document: publishing the build job only starts it sooner; :func:`run_sweep` (every minute)
sends again what was never published or lost with a worker. Building reads every figure in one
REPEATABLE READ transaction on PostgreSQL, so the whole dataset is one consistent snapshot, and
holds the definition's row lock, so runs of one definition never overlap. The files (PDF, XLSX,
CSV) are documents rendered from the stored dataset by the documents pipeline.
"""

import contextlib
import datetime
import json
import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calportal.accounts.models import User
from calportal.documents.models import Document
from calportal.queue import enqueue_on_commit
from calportal.reports import access
from calportal.reports.figures import Scope
from calportal.reports.finalise import finalise
from calportal.reports.models import (
    Recurrence,
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    RunStatus,
    dataset_checksum,
)
from calportal.reports.periods import PeriodError, comparison, resolve
from calportal.reports.registry import Request, formats_of, get_kind, get_scope

logger = logging.getLogger(__name__)
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

# A schedule that fails this many times in a row is disabled and its owner told (§5).
MAX_SCHEDULE_FAILURES = 5
# The formats every run is rendered to, as (run field, documents kind, file label).
FORMATS = (
    ("pdf", "reports.pdf", "PDF"),
    ("xlsx", "reports.xlsx", "XLSX"),
    ("csv", "reports.csv", "CSV"),
)


def report_request(
    *,
    parameters: dict,
    requested_by: User | None,
    definition: ReportDefinition | None = None,
    schedule: ReportSchedule | None = None,
    today: datetime.date | None = None,
) -> ReportRun:
    """Record a run of ``parameters`` (``kind``, ``scope`` dict, ``timeframe``, ``comparison``,
    ``variant``, ``language``, ``k``) and start building it after the commit.

    Raises ``PermissionDenied`` when ``requested_by`` may not have this report and
    ``ValidationError`` (translated) for a period or comparison that cannot be resolved."""
    kind = parameters["kind"]
    spec = get_kind(kind)
    scope = Scope.from_dict(parameters.get("scope"))
    if scope.kind not in spec.scopes:
        raise ValidationError(_("This report cannot be made for that scope."))
    if requested_by is not None and not access.may_run(
        requested_by, kind, scope, parameters["variant"]
    ):
        raise PermissionDenied
    try:
        period = resolve(parameters["timeframe"], today=today)
        compared = comparison(period, parameters.get("comparison") or "none")
    except PeriodError as error:
        raise ValidationError(str(error)) from None
    run = ReportRun.objects.create(
        definition=definition,
        schedule=schedule,
        kind=kind,
        title=_run_title(spec.code, parameters, period),
        parameters=parameters,
        scope=scope.as_dict(),
        variant=parameters["variant"],
        language=parameters.get("language") or settings.LANGUAGE_CODE,
        period_start=period.start,
        period_end=period.end,
        comparison_start=compared.start if compared else None,
        comparison_end=compared.end if compared else None,
        requested_by=requested_by,
    )
    _enqueue_build(run)
    return run


def _run_title(kind: str, parameters: dict, period) -> str:
    """The run's name in lists: the report, what it is about when it is not the whole CAL
    (an event, an initiative, an organisation), and the period."""
    from calportal.reports.models import ReportKind

    scope = Scope.from_dict(parameters.get("scope"))
    with translation.override(parameters.get("language") or settings.LANGUAGE_CODE):
        about = ""
        if scope.kind in {"event", "initiative"}:
            from initiatives.selectors import scope_title

            about = scope_title(initiative_id=scope.initiative, event_id=scope.event)
        elif scope.kind == "organisation":
            from calportal.organisations.figures import organisations

            about = organisations().get(scope.organisation, "")
        elif scope.kind != "cal" and get_scope(scope.kind) is not None:
            about = get_scope(scope.kind).title(getattr(scope, scope.kind))
        dates = f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"
        title = (
            f"{ReportKind(kind).label}: {about} ({dates})"
            if about
            else f"{ReportKind(kind).label} ({dates})"
        )
        return title[:200]


def _next_version(kind, scope: Scope, period, variant, language) -> int:
    """The number the next official version of this report gets: one more than the official
    versions of the same report (kind, scope, period, variant and language)."""
    latest = ReportRun.objects.filter(
        kind=kind,
        scope=scope.as_dict(),
        period_start=period.start,
        period_end=period.end,
        variant=variant,
        language=language,
        is_official=True,
    ).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _enqueue_build(run: ReportRun) -> None:
    from calportal.reports.tasks import build_report

    enqueue_on_commit(build_report, run.pk)


def report_build(*, run_id: int) -> None:
    """Build the run's dataset and ask for its files, once, however often the job arrives.

    A finished run, or one another worker is building, is left alone. After
    ``DOCUMENTS_MAX_ATTEMPTS`` starts (workers that died) the run is marked failed."""
    attempt = _start(run_id)
    if attempt is None:
        return
    # One snapshot for every figure of the report (only possible in an outermost transaction;
    # a test's wrapping transaction sees one state anyway).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    definition_id = (
        ReportRun.objects.filter(pk=run_id).values_list("definition_id", flat=True).first()
    )
    try:
        with _definition_lock(definition_id if snapshot else None), transaction.atomic():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            run = (
                ReportRun.objects.select_for_update(skip_locked=True)
                .filter(pk=run_id, status=RunStatus.BUILDING, attempts=attempt)
                .first()
            )
            if run is None:
                return
            if run.definition_id and not snapshot:
                # Runs of one definition never overlap: wait for the other to finish (with a
                # snapshot the advisory lock above already waited, before the snapshot began).
                ReportDefinition.objects.select_for_update().filter(pk=run.definition_id).first()
            data_as_of = timezone.now()
            dataset = build_dataset(run, data_as_of=data_as_of)
            run.dataset = dataset
            run.checksum = dataset_checksum(dataset)
            run.data_as_of = data_as_of
            run.is_empty = get_kind(run.kind).is_empty(dataset)
            run.status = RunStatus.READY
            run.finished_at = timezone.now()
            run.save(
                update_fields=[
                    "dataset",
                    "checksum",
                    "data_as_of",
                    "is_empty",
                    "status",
                    "finished_at",
                ]
            )
            request_files(run)
            if run.parameters.get("notify"):
                _notify_organisers(run)
            if run.schedule_id:
                transaction.on_commit(lambda: _after_scheduled_run(run_id, failed=False))
    except Exception as exc:
        failed = ReportRun.objects.filter(
            pk=run_id, status=RunStatus.BUILDING, attempts=attempt
        ).update(status=RunStatus.FAILED, error=repr(exc)[:2000], finished_at=timezone.now())
        if failed:
            _after_scheduled_run(run_id, failed=True)
        raise


@contextlib.contextmanager
def _definition_lock(definition_id: int | None):
    """Wait until no other run of the definition is being built, and hold that until the block
    ends (a PostgreSQL session advisory lock, taken before the report's snapshot begins, so the
    data it reads is as fresh as its "data as of" says)."""
    if definition_id is None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(hashtext(%s))", [f"report-definition:{definition_id}"]
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(hashtext(%s))", [f"report-definition:{definition_id}"]
            )


def build_dataset(run: ReportRun, *, data_as_of: datetime.datetime) -> dict:
    """The run's finished dataset (figures composed by the kind, then suppression and printed
    texts for its variant and language)."""
    from calportal.reports.periods import Period

    spec = get_kind(run.kind)
    compared = Period(run.comparison_start, run.comparison_end) if run.comparison_start else None
    request = Request(
        kind=run.kind,
        period=Period(run.period_start, run.period_end),
        comparison=compared,
        scope=Scope.from_dict(run.scope),
        variant=run.variant,
        language=run.language,
        k=max(3, int(run.parameters.get("k") or 3)),
        today=timezone.localdate(data_as_of),
        options=run.parameters.get("options") or {},
    )
    with translation.override(run.language):
        dataset = spec.build(request)
        dataset.update(
            {
                "kind": run.kind,
                "language": run.language,
                "variant": run.variant,
                "data_as_of": timezone.localtime(data_as_of).isoformat(),
                "k": request.k,
            }
        )
        finished = finalise(dataset)
        if run.variant != "shared":
            # The e-mail's headline figures are always the shared variant's (§5).
            finished["email_kpis"] = finalise({**dataset, "variant": "shared"})["kpis"]
        else:
            finished["email_kpis"] = finished["kpis"]
    return finished


def _start(run_id: int) -> int | None:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.is_finished:
            return None
        if run.attempts >= settings.DOCUMENTS_MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.error = f"The worker was lost during each of {run.attempts} attempts."
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            transaction.on_commit(lambda: _after_scheduled_run(run_id, failed=True))
            return None
        run.status = RunStatus.BUILDING
        run.started_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "attempts"])
        return run.attempts


def request_files(run: ReportRun) -> None:
    """Ask the documents pipeline for the run's PDF, XLSX and CSV (new documents each time, so
    a file made before the narrative changed is never served as the current one)."""
    from calportal.documents.tasks import render_document

    owner = run.requested_by or (run.definition.owner if run.definition_id else None)
    formats = formats_of(get_kind(run.kind), run.variant)
    for field, kind, label in FORMATS:
        if field not in formats:
            continue
        document = Document.objects.create(
            kind=kind,
            params={"run": run.pk},
            title=f"{run.title} – {label}",
            requested_by=owner,
            language=run.language,
        )
        setattr(run, field, document)
        enqueue_on_commit(render_document, document.pk)
    run.save(update_fields=[field for field, _kind, _label in FORMATS if field in formats])


def narrative_save(*, run: ReportRun, texts: dict, by: User) -> ReportRun:
    """Store the narrative fields (R1 §11) and render the files again. Raises
    ``ValidationError`` when the run is official (frozen) or not built yet."""
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_official:
            raise ValidationError(_("This report is official and can no longer be changed."))
        if locked.status != RunStatus.READY:
            raise ValidationError(_("The report is not ready yet."))
        locked.narrative = {key: str(value).strip() for key, value in texts.items()}
        locked.save(update_fields=["narrative"])
        request_files(locked)
    return locked


def mark_official(*, run: ReportRun, by: User) -> ReportRun:
    """Freeze the run as the official version; its files are rendered again so that they say
    so. Raises ``ValidationError`` when the run is not ready or already official."""
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        _lock_series(locked)  # two drafts of one report marked at once get v1 and v2
        if locked.status != RunStatus.READY:
            raise ValidationError(_("Only a finished report can be marked official."))
        if locked.is_official:
            raise ValidationError(_("This report is already official."))
        locked.version = _next_version(
            locked.kind,
            Scope.from_dict(locked.scope),
            _period(locked),
            locked.variant,
            locked.language,
        )
        locked.is_official = True
        locked.official_at = timezone.now()
        locked.official_by = by
        locked.save(update_fields=["version", "is_official", "official_at", "official_by"])
        request_files(locked)
    return locked


def _lock_series(run: ReportRun) -> None:
    """Hold, until the transaction ends, a lock on "this report" (kind, scope, period, variant,
    language), so its official versions are numbered one at a time. PostgreSQL only (SQLite
    allows one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        return
    key = json.dumps(
        [
            run.kind,
            run.scope,
            str(run.period_start),
            str(run.period_end),
            run.variant,
            run.language,
        ],
        sort_keys=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"report-series:{key}"])


def _period(run: ReportRun):
    from calportal.reports.periods import Period

    return Period(run.period_start, run.period_end)


def run_again(*, run: ReportRun, by: User) -> ReportRun:
    """Build the report again with today's data. A draft is rebuilt in place; an official run
    stays as it was and a new draft is made (the next version once marked official). Raises
    ``PermissionDenied`` when the user may no longer have it."""
    if not access.may_read(by, run):
        raise PermissionDenied
    if run.is_official:
        new = ReportRun.objects.create(
            definition=run.definition,
            kind=run.kind,
            title=run.title,
            parameters=run.parameters,
            scope=run.scope,
            variant=run.variant,
            language=run.language,
            period_start=run.period_start,
            period_end=run.period_end,
            comparison_start=run.comparison_start,
            comparison_end=run.comparison_end,
            narrative=run.narrative,
            requested_by=by,
        )
        _enqueue_build(new)
        return new
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status in {RunStatus.PENDING, RunStatus.BUILDING}:
            return locked
        locked.status = RunStatus.PENDING
        locked.attempts = 0
        locked.error = ""
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "error", "queued_at"])
        _enqueue_build(locked)
    return locked


def run_sweep(*, limit: int = 100) -> int:
    """Send again the build jobs that were never published, lost by the broker or lost with
    their worker (every minute from beat). Returns how many were sent."""
    from calportal.documents.services import resend_delay
    from calportal.reports.tasks import BUILD_TIME_LIMIT

    now = timezone.now()
    stuck_since = now - datetime.timedelta(seconds=BUILD_TIME_LIMIT)
    waiting_since = now - datetime.timedelta(seconds=settings.DOCUMENTS_RESEND_SECONDS)
    candidates = list(
        ReportRun.objects.filter(status=RunStatus.PENDING, queued_at__lt=waiting_since)
        .order_by("queued_at")
        .values_list("pk", flat=True)[:limit]
    ) + list(
        ReportRun.objects.filter(status=RunStatus.BUILDING, started_at__lt=stuck_since)
        .order_by("started_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for run_id in candidates:
        with transaction.atomic():
            run = ReportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
            if run is None:
                continue
            if run.status == RunStatus.PENDING:
                if now - run.queued_at <= resend_delay(run.sends):
                    continue
            elif run.status == RunStatus.BUILDING and run.started_at < stuck_since:
                logger.warning("Report run %s lost its worker; sending it again", run.pk)
                run.status = RunStatus.PENDING
            else:
                continue
            run.queued_at = now
            run.sends += 1
            run.save(update_fields=["status", "queued_at", "sends"])
            _enqueue_build(run)
        sent += 1
    return sent


# Schedules ---------------------------------------------------------------------------------


def next_occurrence(schedule: ReportSchedule, after: datetime.datetime) -> datetime.datetime:
    """The first moment strictly after ``after`` at which the schedule is due: its day (and
    month) at its time, Europe/Warsaw, as an aware datetime."""
    local = timezone.localtime(after, WARSAW)
    year, month = local.year, local.month
    for _step in range(30):
        if schedule.recurrence == Recurrence.YEARLY:
            candidate_month = schedule.month
        elif schedule.recurrence == Recurrence.QUARTERLY:
            candidate_month = (month - 1) // 3 * 3 + 1
        else:
            candidate_month = month
        moment = datetime.datetime.combine(
            datetime.date(year, candidate_month, schedule.day), schedule.time, tzinfo=WARSAW
        )
        if moment > after:
            return moment
        step = {Recurrence.YEARLY: 12, Recurrence.QUARTERLY: 3}.get(schedule.recurrence, 1)
        if schedule.recurrence == Recurrence.YEARLY:
            year += 1
        else:
            index = year * 12 + candidate_month - 1 + step
            year, month = index // 12, index % 12 + 1
    raise AssertionError("no occurrence found")  # pragma: no cover


def schedule_save(*, schedule: ReportSchedule, recipients, by: User) -> ReportSchedule:
    """Save an edited schedule: its failure count starts again (§5) and its next run follows
    the new timing. Raises ``ValidationError`` for a recipient who may not have the report."""
    definition = schedule.definition
    scope = Scope.from_dict(definition.scope)
    refused = [
        user
        for user in recipients
        if not access.may_run(user, definition.kind, scope, definition.variant)
    ]
    if refused:
        raise ValidationError(
            _("%(names)s may not see this report.")
            % {"names": ", ".join(user.get_full_name() or user.email for user in refused)}
        )
    with transaction.atomic():
        schedule.failures = 0
        schedule.last_error = ""
        schedule.next_run_at = next_occurrence(schedule, timezone.now())
        schedule.save()
        schedule.recipients.set(recipients)
    return schedule


def schedules_run_due(*, now: datetime.datetime | None = None) -> int:
    """Start a run for every enabled schedule that is due (beat, every 15 minutes); each
    schedule is taken under its row lock, so two beats never start it twice. Returns how many
    runs were started."""
    now = now or timezone.now()
    started = 0
    due = list(
        ReportSchedule.objects.filter(enabled=True, next_run_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for schedule_id in due:
        with transaction.atomic():
            schedule = (
                ReportSchedule.objects.select_for_update(skip_locked=True)
                .select_related("definition")
                .filter(pk=schedule_id, enabled=True, next_run_at__lte=now)
                .first()
            )
            if schedule is None:
                continue
            try:
                report_request(
                    parameters=schedule.definition.parameters(),
                    requested_by=None,
                    definition=schedule.definition,
                    schedule=schedule,
                    today=timezone.localdate(now),
                )
            except ValidationError as error:
                _schedule_failed(schedule, "; ".join(error.messages))
            except Exception as error:  # noqa: BLE001 - one schedule's fault must not stop the rest
                logger.exception("Report schedule %s could not start", schedule.pk)
                _schedule_failed(schedule, repr(error))
            schedule.last_run_at = now
            schedule.next_run_at = next_occurrence(schedule, now)
            schedule.save(update_fields=["last_run_at", "next_run_at"])
            started += 1
    return started


def event_summaries_request(*, today: datetime.date | None = None) -> int:
    """R11 the day after an event (REPORTS.md §6 R11): for each event that ended yesterday
    (local date) with confirmed registrations, prepare its summary once and e-mail a login link
    to its organisers — the active users of the organisation leading its initiative who may
    have it. Returns how many summaries were asked for. Run hourly by beat; idempotent."""
    from calportal.accounts.models import User
    from initiatives.selectors import events_ended_on

    today = today or timezone.localdate()
    day = today - datetime.timedelta(days=1)
    started = 0
    for event_id, organisation_id in events_ended_on(day):
        scope = Scope(event=event_id)
        organisers = [
            user
            for user in User.objects.filter(is_active=True, organisation_id=organisation_id)
            if user.email and access.may_run(user, "R11", scope, "internal")
        ]
        if not organisers:
            continue
        with transaction.atomic():
            already = (
                ReportRun.objects.select_for_update()
                .filter(kind="R11", scope=scope.as_dict(), parameters__day_after=True)
                .exists()
            )
            if already:
                continue
            report_request(
                parameters={
                    "kind": "R11",
                    "scope": scope.as_dict(),
                    "timeframe": f"custom:{day.isoformat()}/{day.isoformat()}",
                    "comparison": "none",
                    "variant": "internal",
                    "language": settings.LANGUAGE_CODE,
                    "k": 3,
                    "day_after": True,
                    "notify": [user.pk for user in organisers],
                },
                requested_by=None,
            )
            started += 1
    return started


def _notify_organisers(run: ReportRun) -> None:
    """E-mail the R11 summary's link to the organisers listed when it was asked for (each
    checked again now)."""
    from calportal.accounts.models import User
    from calportal.outbox.services import queue_email

    for user in User.objects.filter(pk__in=run.parameters.get("notify") or [], is_active=True):
        if user.email and access.may_read(user, run):
            queue_email(
                "reports/run",
                {"run": run, "dataset": run.dataset, "user": user},
                [user.email],
                language=run.language,
                regarding=run,
                key=f"report-run:{run.pk}:{user.pk}",
            )


def _after_scheduled_run(run_id: int, *, failed: bool) -> None:
    """Count a scheduled run's failure or success; send a successful one to its recipients."""
    with transaction.atomic():
        run = ReportRun.objects.select_related("schedule__definition__owner").get(pk=run_id)
        schedule = (
            ReportSchedule.objects.select_for_update().filter(pk=run.schedule_id).first()
            if run.schedule_id
            else None
        )
        if schedule is None:
            return
        if failed:
            _schedule_failed(schedule, run.error or "failed")
            return
        if schedule.failures:
            schedule.failures = 0
            schedule.save(update_fields=["failures"])
        send_run(run, schedule)


def _schedule_failed(schedule: ReportSchedule, error: str) -> None:
    from calportal.outbox.services import queue_email

    schedule.failures += 1
    schedule.last_error = error[:2000]
    fields = ["failures", "last_error"]
    if schedule.failures >= MAX_SCHEDULE_FAILURES and schedule.enabled:
        schedule.enabled = False
        fields.append("enabled")
        owner = schedule.definition.owner
        if owner is not None and owner.email:
            queue_email(
                "reports/schedule-disabled",
                {"schedule": schedule, "definition": schedule.definition, "user": owner},
                [owner.email],
                language=schedule.definition.language,
                key=f"report-schedule-disabled:{schedule.pk}:{schedule.last_run_at}",
            )
    schedule.save(update_fields=fields)


def send_run(run: ReportRun, schedule: ReportSchedule) -> int:
    """E-mail a scheduled run: subject = report and period, body = the headline figures of the
    shared variant and a login link (never an internal file). Only recipients allowed to see
    the report now get it; the owner is told about the others. An empty report is not sent
    unless the schedule asks for it. Returns how many were sent."""
    from calportal.outbox.services import queue_email

    if run.is_empty and not schedule.send_if_empty:
        return 0
    recipients = list(schedule.recipients.filter(is_active=True))
    allowed = [user for user in recipients if access.may_read(user, run) and user.email]
    skipped = [user for user in recipients if user not in allowed]
    for user in allowed:
        queue_email(
            f"reports/run-{run.kind.lower()}" if run.kind == "R12" else "reports/run",
            {"run": run, "dataset": run.dataset, "user": user},
            [user.email],
            language=run.language,
            regarding=run,
            key=f"report-run:{run.pk}:{user.pk}",
        )
    owner = schedule.definition.owner
    if skipped and owner is not None and owner.email:
        queue_email(
            "reports/recipients-skipped",
            {"run": run, "skipped": skipped, "user": owner},
            [owner.email],
            language=run.language,
            key=f"report-run-skipped:{run.pk}",
        )
    ReportRun.objects.filter(pk=run.pk).update(sent_at=timezone.now())
    return len(allowed)


def definition_save(*, definition: ReportDefinition, by: User) -> ReportDefinition:
    """Save a report definition after checking the owner may have it and its period resolves.
    Raises ``ValidationError`` or ``PermissionDenied``."""
    if not access.may_run(
        by, definition.kind, Scope.from_dict(definition.scope), definition.variant
    ):
        raise PermissionDenied
    try:
        comparison(resolve(definition.timeframe), definition.comparison)
    except PeriodError as error:
        raise ValidationError(str(error)) from None
    if definition.pk is None:
        definition.created_by = by
    definition.updated_by = by
    definition.save()
    return definition
