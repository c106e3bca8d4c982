from celery import shared_task

from calportal.documents import services

# Seconds. Past the hard limit the worker kills the render; the sweep then treats a document
# still marked as being prepared as lost (see :func:`services.document_sweep`).
RENDER_SOFT_TIME_LIMIT = 120
RENDER_TIME_LIMIT = 150


@shared_task(
    name="calportal.documents.render_document",
    ignore_result=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
)
def render_document(document_id: int, language: str | None = None) -> None:
    """Render one document (see :func:`services.document_render`). ``language`` is only read
    from messages sent before documents stored their own."""
    services.document_render(document_id=document_id, language=language)


@shared_task(
    name="calportal.documents.sweep", ignore_result=True, soft_time_limit=50, time_limit=60
)
def sweep() -> int:
    """Every minute from beat: send again the jobs that were lost (see
    :func:`services.document_sweep`)."""
    return services.document_sweep()
