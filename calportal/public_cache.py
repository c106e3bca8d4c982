"""Anonymous public pages served from the cache, with exact invalidation.

A public page that is the same for every anonymous reader (the home page, the calendar, the map,
the feeds …) is rendered once and kept in the cache (``settings.CACHES["default"]``, Redis in a
deployment). Use :func:`public_page` where the URL is declared::

    path("events/", public_page("events", ttl=PLACES_TTL)(views.event_calendar), ...)

**What is served from the cache.** Only GET and HEAD requests of anonymous readers with no
message waiting to be shown; a logged-in user always gets the live page. The key holds
everything such a page varies on: scheme, host, the full path with its query string (the
language prefix included), the active language, the text size (``text_size`` cookie), whether
the client takes gzip and today's local date; the stored copy carries the generation of each
content area the page shows (below), read with it in one round trip and compared. Only a 200
response that sets no cookie and has no ``Vary: Cookie`` is stored. For readers who take gzip,
pages of :data:`GZIP_MIN_BYTES` or more without a CSRF token are kept compressed.

**CSRF.** The language and text-size switches are links, so most public pages carry no token.
A page with a form (the signup form of an event) is stored with a placeholder instead of the
CSRF token, and each reader gets their own token (and cookie) filled in, exactly as a live page
would give them.

**Invalidation.** Each content area ("events", "map", "groups", "passes", and "shared":
organisations and consent texts, shown on every page) has a generation in the cache. Saving or
deleting any model of the area (signals, connected by :func:`connect`) gives it a new
generation, so every page that shows the area is rendered afresh on the next request. Code that
changes rows without signals (``QuerySet.update``, ``bulk_create``, raw SQL) calls
:func:`changed` itself. A new generation is set when the transaction commits (once per area,
however many rows it changed), so a page rendered from data read before the commit is never
kept under the new generation.

Each page also expires on its own (``ttl``): a few seconds for pages showing places left, so a
change the signals could not see (and anything depending on the clock, like "registration
opens at …") is stale for at most that long.

**Redis down.** The cache calls fail soft (django-redis ``IGNORE_EXCEPTIONS`` and
:mod:`calportal.redis_breaker`): a generation that cannot be read means the page is rendered
live and not stored.
"""

import gzip
import hashlib
import re
import secrets
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.cache import has_vary_header, patch_vary_headers

from calportal.context_processors import TEXT_SIZES

# The content areas a page can depend on.
AREAS = ("events", "map", "groups", "passes", "shared")
# Seconds a page showing places left (or a signup's state) may be kept: its safety net.
PLACES_TTL = 5
# Seconds any other page may be kept (time-dependent content such as an event that has ended).
DEFAULT_TTL = 60
# Pages at least this long are kept gzip-compressed for readers who take it.
GZIP_MIN_BYTES = 1024
# Addresses longer than this are served live and not stored (no cache filling by junk queries).
MAX_PATH_LENGTH = 1024

_GENERATION_KEY = "public-cache:generation:{}"
_PAGE_KEY = "public-cache:page:{}"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
_CSRF_PLACEHOLDER = b"\x00public-cache-csrf-token\x00"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_QUALITY = re.compile(r"\bq\s*=\s*([^;,\s]*)")
# Headers of the view's response kept with the page; the middleware adds the rest per request.
_SKIPPED_HEADERS = {"content-length", "set-cookie"}

# Which content area(s) a model's changes belong to (see _areas_of).
_APP_AREAS = {
    "initiatives": ("events",),
    "resources_map": ("map",),
    "selfhelp": ("groups",),
    "organisations": ("shared",),
}
# Models with areas of their own, by "app_label.ModelName".
_MODEL_AREAS = {
    # Events name the district they take place in.
    "resources_map.Area": ("map", "events"),
    "privacy.ConsentText": ("shared",),
    # Who opened a group's records: written on staff reads, never shown publicly.
    "selfhelp.AccessLog": (),
}


def _areas_of(model) -> tuple[str, ...]:
    """The content areas whose pages show rows of ``model`` (empty: none)."""
    label = f"{model._meta.app_label}.{model.__name__}"
    if label in _MODEL_AREAS:
        return _MODEL_AREAS[label]
    if model.__module__.startswith("initiatives.passes"):
        return ("passes",)
    return _APP_AREAS.get(model._meta.app_label, ())


def _new_generation() -> str:
    return secrets.token_hex(8)


def _bump(areas: tuple[str, ...]) -> None:
    cache.set_many({_GENERATION_KEY.format(area): _new_generation() for area in areas}, None)


def changed(*areas: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Tell the cache that the content of ``areas`` (names from :data:`AREAS`; none: all of
    them) changed, so that every public page showing them is rendered afresh on the next
    request. Call it after ``QuerySet.update()``, ``bulk_create()`` or raw SQL on the models
    behind a public page; ``save()`` and ``delete()`` need no call (signals do it).

    Inside a transaction (database ``using``) the generation changes when it commits. Raises
    ``ValueError`` for an unknown area. Never raises for a cache that is down (the page then
    expires after its ``ttl``)."""
    unknown = set(areas) - set(AREAS)
    if unknown:
        raise ValueError(f"unknown public cache area(s): {', '.join(sorted(unknown))}")
    areas = tuple(areas) or AREAS
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump(areas)
        return
    # On commit, once per transaction and area: a page built before the commit from the data
    # before it is stored under the generation it read, which the commit then renews.
    new = tuple(area for area in areas if area not in _renewing_on_commit(connection))
    if new:
        connection.on_commit(_BumpOnCommit(new))


class _BumpOnCommit:
    """The renewal of ``areas`` waiting for the commit (recognisable among the callbacks)."""

    def __init__(self, areas: tuple[str, ...]):
        self.areas = areas

    def __call__(self) -> None:
        _bump(self.areas)


def _renewing_on_commit(connection) -> set[str]:
    """The areas whose renewal already waits for this transaction's commit and survives any
    savepoint still open (registered in this savepoint or an enclosing one: a rollback that
    drops it drops the change being made now too)."""
    active = set(connection.savepoint_ids)
    areas = set()
    for savepoints, callback, *_robust in connection.run_on_commit:
        if isinstance(callback, _BumpOnCommit) and set(savepoints) <= active:
            areas.update(callback.areas)
    return areas


def _model_changed(sender, instance=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    areas = set(_areas_of(sender))
    if kwargs.get("signal") is m2m_changed:
        if not kwargs.get("action", "").startswith("post_"):
            return
        areas |= set(_areas_of(type(instance)))
        if kwargs.get("model") is not None:
            areas |= set(_areas_of(kwargs["model"]))
    if areas:
        changed(*sorted(areas), using=using)


def connect() -> None:
    """Connect the signals that renew the generations: ``post_save`` and ``post_delete`` of
    every model behind a public page (each connected to its own model, so other models keep
    Django's fast deletes) and ``m2m_changed``. Idempotent; call it from an ``AppConfig.ready``
    so that every process (web, Celery worker, management commands) invalidates."""
    for model in apps.get_models():
        if _areas_of(model):
            uid = f"public-cache:{model._meta.label}"
            post_save.connect(_model_changed, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(_model_changed, sender=model, dispatch_uid=uid + ":delete")
    m2m_changed.connect(_model_changed, dispatch_uid="public-cache:m2m")


def _lookup(
    areas: tuple[str, ...], page_key: str, found: dict | None = None
) -> tuple[list[str] | None, dict | None]:
    """The current generation of each area and the stored page, in one round trip to the cache:
    ``(generations, entry)``; generations None when the cache does not answer. ``found``: what
    :class:`PublicCacheMiddleware` already read for this request (every area and the page)."""
    keys = [_GENERATION_KEY.format(area) for area in areas]
    if found is None:
        found = cache.get_many([*keys, page_key])
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, _new_generation(), None)
            value = cache.get(key)
            if value is None:
                return None, None
        values.append(value)
    return values, found.get(page_key)


def _pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _may_use_cache(request) -> bool:
    if not settings.PUBLIC_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if len(request.get_full_path()) > MAX_PATH_LENGTH:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not _pending_messages(request)


def _accepts_gzip(request) -> bool:
    """Whether the reader takes gzip: ``gzip`` (or ``*``) in ``Accept-Encoding`` without
    ``q=0`` (RFC 9110 §12.5.3)."""
    weights = {}
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _sep, parameters = part.partition(";")
        quality = _QUALITY.search(parameters)
        try:
            weights[coding.strip().lower()] = float(quality.group(1)) if quality else 1.0
        except ValueError:
            weights[coding.strip().lower()] = 0.0
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _page_key(request) -> str:
    """The key of the page for this request: everything it varies on but the generations of
    its areas, which the stored entry carries (so that one round trip reads both)."""
    text_size = request.COOKIES.get("text_size", "normal")
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        text_size if text_size in TEXT_SIZES else "normal",
        "gzip" if _accepts_gzip(request) else "",
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _PAGE_KEY.format(digest)


def _storable(request, response) -> dict | None:
    """What to keep of ``response`` (status, headers, content with the CSRF token replaced by a
    placeholder), or None when it must not be kept."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if has_vary_header(response, "Cookie"):
        return None
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return None
    content = response.content
    with_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if with_token:
        content = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", content)
        if _leaks_token(request, content):
            return None
    patch_vary_headers(response, ["Accept-Encoding"])
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS
    ]
    # Kept compressed for readers who take gzip (a page without a token of its own: compressed
    # secrets are what BREACH reads), so that a hit sends a tenth of the bytes.
    if (
        not with_token
        and _accepts_gzip(request)
        and len(content) >= GZIP_MIN_BYTES
        and not response.has_header("Content-Encoding")
    ):
        content = gzip.compress(content, compresslevel=6, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
    return {
        "status": response.status_code,
        "headers": headers,
        "content": content,
        "token": with_token,
    }


def _leaks_token(request, content: bytes) -> bool:
    """Whether ``content`` still holds this reader's CSRF secret (masked or not) somewhere other
    than the hidden inputs the placeholder replaced."""
    secret = request.META.get("CSRF_COOKIE", "")
    if not secret:
        return False
    if secret.encode() in content:
        return True
    return any(
        _unmask_cipher_token(match.group().decode()) == secret
        for match in _MASKED_TOKEN.finditer(content)
    )


def _from_storage(request, stored: dict) -> HttpResponse:
    content = stored["content"]
    if stored["token"]:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    return response


def public_page(*areas: str, ttl: int = DEFAULT_TTL):
    """Decorator for a public view whose page is the same for every anonymous reader: serve it
    from the cache as described in this module's docstring.

    ``areas``: the content areas (from :data:`AREAS`) the page shows; "shared" is always
    added. ``ttl``: seconds the page may be kept at most (:data:`PLACES_TTL` for pages that show
    places left). Raises ``ValueError`` for an unknown area."""
    unknown = set(areas) - set(AREAS)
    if unknown:
        raise ValueError(f"unknown public cache area(s): {', '.join(sorted(unknown))}")
    page_areas = tuple(sorted({*areas, "shared"}))

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _may_use_cache(request):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            earlier = getattr(request, "_public_cache_read", None)
            found = earlier[1] if earlier is not None and earlier[0] == key else None
            generations, stored = _lookup(page_areas, key, found)
            if generations is None:
                return view(request, *args, **kwargs)
            if stored is not None and stored.get("generations") == generations:
                response = _from_storage(request, stored)
                response["X-Public-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            entry = _storable(request, response)
            if entry is not None:
                # The generations read before the page was built: a change meanwhile renewed
                # one, so this copy is never served.
                cache.set(key, {**entry, "areas": page_areas, "generations": generations}, ttl)
                response["X-Public-Cache"] = "miss"
            return response

        wrapper.public_cache_areas = page_areas
        return wrapper

    return decorator


class PublicCacheMiddleware:
    """Serve a stored public page before the address is even resolved: one round trip to the
    cache reads the page and the generation of every area, and a page whose areas have not
    changed since it was stored is the answer. Anything else goes on to the view (whose
    :func:`public_page` reuses what was read); an address answered by a view that is not a
    public page is remembered and not looked up again, so other pages pay nothing. The last
    middleware, so that every other one (security headers, CSRF, the language) has run and
    wraps the answer as for a live page."""

    # Addresses this process has seen answered by a view that is not a public page (a staff
    # page, the login form): they are not looked up in the cache again. Bounded: emptied when
    # full.
    NOT_PUBLIC_MAX = 4096

    def __init__(self, get_response):
        self.get_response = get_response
        self.not_public: set[str] = set()

    def __call__(self, request):
        if request.path_info in self.not_public or not _may_use_cache(request):
            return self.get_response(request)
        response = _serve_stored(request)
        if response is not None:
            return response
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and not hasattr(match.func, "public_cache_areas"):
            if len(self.not_public) >= self.NOT_PUBLIC_MAX:
                self.not_public.clear()
            self.not_public.add(request.path_info)
        return response


def _serve_stored(request) -> HttpResponse | None:
    key = _page_key(request)
    found = cache.get_many([*(_GENERATION_KEY.format(area) for area in AREAS), key])
    request._public_cache_read = (key, found)
    stored = found.get(key)
    if stored is None or "areas" not in stored:
        return None
    current = [found.get(_GENERATION_KEY.format(area)) for area in stored["areas"]]
    if None in current or current != stored["generations"]:
        return None
    response = _from_storage(request, stored)
    response["X-Public-Cache"] = "hit"
    return response


connect()
