from celery import shared_task

from calportal.documents.services import document_render


@shared_task(
    name="calportal.documents.render_document",
    soft_time_limit=120,
    time_limit=150,
)
def render_document(document_id: int, language: str) -> None:
    document_render(document_id=document_id, language=language)
