"""The subject-access package as a document kind (PRIVACY.md §3): the request page prepares it
at once (:func:`calportal.privacy.package.package_create`); the registration lets the document
machinery render it again and keeps the documents pages from opening it — only a superuser may,
everyone else downloads it from the request page, where each download is audited."""

from calportal.documents.registry import ZIP, Build, register


def _nobody(user, params) -> bool:
    return False


def _build(params: dict) -> Build:
    from calportal.privacy.models import SubjectRequest
    from calportal.privacy.package import package_bytes, package_filename

    subject_request = SubjectRequest.objects.get(pk=params["request"])
    return Build(
        content=lambda: package_bytes(subject_request, large_print=bool(params.get("large_print"))),
        content_type=ZIP,
        filename=package_filename(subject_request),
    )


register(
    "privacy.subject_access_package",
    permission="privacy.change_subjectrequest",
    shared_with=_nobody,
    requester_checked=True,
)(_build)
