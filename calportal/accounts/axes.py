def username_from_credentials(request, credentials) -> str | None:
    """Count failed logins per address whatever its letter case, as the login itself does."""
    source = credentials or request.POST
    username = source.get("username") if source else None
    return username.strip().lower() if username else None
