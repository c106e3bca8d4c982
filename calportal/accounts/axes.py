def username_from_credentials(request, credentials) -> str | None:
    """Count failed logins per address whatever its letter case, as the login itself does.

    Axes passes the credentials keyed by the user model's USERNAME_FIELD ("email") from the
    backend, and by the form field name ("username") elsewhere; accept both.
    """
    username = None
    if credentials:
        username = credentials.get("email") or credentials.get("username")
    if not username and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if username else None
