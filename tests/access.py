"""The outcomes of an access-matrix cell, shared by every app's matrix test."""

from django.urls import reverse

ALLOWED, DENIED, LOGIN, NOT_FOUND = "allowed", "denied", "login", "not found"


def assert_outcome(response, expected: str, *, denied_page: bool = False) -> None:
    """200 for ALLOWED, 403 for DENIED (with the portal's page if ``denied_page``), 404 for
    NOT_FOUND, and a redirect to the login page for LOGIN."""
    if expected == ALLOWED:
        assert response.status_code == 200
    elif expected == DENIED:
        assert response.status_code == 403
        if denied_page:
            assert "Brak dostępu do tej strony" in response.content.decode()
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
