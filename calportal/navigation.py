"""Where the reader is in the staff menu, and whether this address matches ``SITE_URL``.

Both are template context processors (registered in ``settings.TEMPLATES``):

- ``navigation`` tells ``base.html`` which staff menu section and item hold the current page,
  so that the menu marks them with ``aria-current``;
- ``site_url_check`` compares ``settings.SITE_URL`` with the address the page was opened at,
  so that pages which print or e-mail links can warn staff before a card is wasted.
"""

from urllib.parse import urlsplit

from django.conf import settings

# The staff menu: (app_name, url names that are public pages and so belong to no item).
# An app's other pages belong to the item named after the app; the "initiatives" app holds
# three items, initiatives, events and participants, told apart by the url name.
_PUBLIC_PAGES = {
    "initiatives": {
        "calendar",
        "calendar_month",
        "calendar_month_current",
        "event_public",
        "event_ics",
        "feed_all",
        "feed_initiative",
        "registration_personal",
        "registration_cancel_public",
    },
    "passes": {"programme", "apply", "applied", "check"},
    "resources_map": {"map", "geojson", "report", "report_thanks", "guide"},
    "volunteers": {"apply", "applied"},
    "selfhelp": {"group_list", "thanks", "group_public"},
}
_COUNTER_PAGES = {"counter", "counter_history", "redeem", "recorded"}
_ITEM_SECTIONS = {
    "initiatives": "initiatives",
    "events": "initiatives",
    "passes": "initiatives",
    "participants": "initiatives",
    "counter": "counter",
    "map": "community",
    "groups": "community",
    "volunteers": "community",
    "organisations": "organisation",
    "team": "organisation",
    "accounts": "organisation",
    "reports": "reports",
    "public_tasks": "reports",
    "projects": "reports",
    "strategy": "reports",
    "privacy_overview": "privacy",
    "privacy_requests": "privacy",
    "privacy_retention": "privacy",
    "privacy_processing": "privacy",
    "privacy_breaches": "privacy",
    "privacy_erasure": "privacy",
    "privacy_consent": "privacy",
    "audit": "privacy",
}
# The data-protection pages (namespace "privacy"): the item is told by the url name's start.
_PRIVACY_ITEMS = (
    ("dpo", "privacy_overview"),
    ("request", "privacy_requests"),
    ("retention", "privacy_retention"),
    ("processing", "privacy_processing"),
    ("breach", "privacy_breaches"),
    ("erasure", "privacy_erasure"),
    ("consent", "privacy_consent"),
)
# Any of these lets a user read the data-protection pages (PRIVACY.md §6).
PRIVACY_READ_PERMISSIONS = tuple(
    f"privacy.view_{model}"
    for model in (
        "subjectrequest",
        "retentionrule",
        "retentionrun",
        "consenttext",
        "consent",
        "erasurerecord",
        "recipientnotice",
        "breach",
        "processingactivity",
    )
)
_APP_ITEMS = {
    "resources_map": "map",
    "selfhelp": "groups",
    "volunteers": "volunteers",
    "organisations": "organisations",
    "team": "team",
    "reports": "reports",
    "public_tasks": "public_tasks",
    "projects": "projects",
    "strategy": "strategy",
    "audit": "audit",
}


def nav_item_for(app_name: str, url_name: str) -> str:
    """The staff menu item ("events", "map", …) of a page, or "" for a public page."""
    if url_name in _PUBLIC_PAGES.get(app_name, ()):
        return ""
    if app_name == "initiatives":
        if url_name.startswith("participant") or url_name == "districts_to_map":
            return "participants"
        return "initiatives" if url_name.startswith("initiative") else "events"
    if app_name == "passes":
        return "counter" if url_name in _COUNTER_PAGES else "passes"
    if app_name == "accounts":
        return "accounts" if url_name.startswith("user_") else ""
    if app_name == "calls":
        # The call list, its history and "Today" are top-level menu items of their own.
        return "today" if url_name == "today" else "calls"
    if app_name == "privacy":
        return next((item for start, item in _PRIVACY_ITEMS if url_name.startswith(start)), "")
    return _APP_ITEMS.get(app_name, "")


def may_read_privacy(user) -> bool:
    """Whether ``user`` holds any ``privacy.view_*`` permission: the data protection officer
    and the OPS staff who handle data protection get the "Data protection" menu."""
    return bool(user and user.is_authenticated) and any(
        user.has_perm(permission) for permission in PRIVACY_READ_PERMISSIONS
    )


def navigation(request) -> dict:
    """Context: ``nav_item`` and ``nav_section`` ("initiatives", "community", "organisation",
    "privacy"), and ``nav_privacy`` (whether to show the "Data protection" menu; computed only
    where a template asks)."""
    match = getattr(request, "resolver_match", None)
    item = nav_item_for(match.app_name or "", match.url_name or "") if match else ""
    user = getattr(request, "user", None)
    return {
        "nav_item": item,
        "nav_section": _ITEM_SECTIONS.get(item, ""),
        "nav_privacy": lambda: may_read_privacy(user),
    }


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, with the scheme's default port dropped."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def site_url_mismatch(request) -> str | None:
    """The address this request was opened at when it differs from ``settings.SITE_URL``.

    Compares scheme, host and port only. Behind a proxy, ``SECURE_PROXY_SSL_HEADER`` and
    ``USE_X_FORWARDED_HOST`` shape what ``request.build_absolute_uri`` sees, exactly as they
    shape every other absolute address the portal builds. Returns ``None`` when they match
    or when the host cannot be read (a disallowed ``Host`` header is not our warning to give).
    """
    try:
        opened_at = _origin(request.build_absolute_uri("/"))
    except Exception:  # DisallowedHost and friends: Django reports those itself.
        return None
    return None if opened_at == _origin(settings.SITE_URL) else opened_at


def site_url_check(request) -> dict:
    """Context: ``site_url_opened_at`` (the mismatching address, or None) for staff only.

    Lazy: the comparison runs only on the pages that include the warning.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"site_url_opened_at": lambda: site_url_mismatch(request), "SITE_URL": settings.SITE_URL}
