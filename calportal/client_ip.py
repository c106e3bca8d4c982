"""The one place that decides which address a request came from.

Login lockouts (django-axes), public-form rate limits (django-ratelimit) and any record of
who tried what all key on this address, so they must agree and must not be fooled.
"""

import ipaddress

from django.conf import settings
from ipware.ip import get_client_ip

# Answered when no address can be found at all (e.g. a Unix socket without REMOTE_ADDR).
# A valid address, so it fits the database's address columns; all such requests share it.
UNKNOWN_CLIENT_IP = "0.0.0.0"  # noqa: S104 (an answer, not an address to listen on)


def client_ip(request) -> str:
    """Return the client's address as text (``"203.0.113.7"``, ``"2001:db8::1"``); never raise.

    ``settings.TRUSTED_PROXY_COUNT`` (N) says how many reverse proxies of ours stand in front
    of the application, each appending the address it received the request from to
    ``X-Forwarded-For``:

    - N = 0: the request comes straight from the client, headers are ignored (anyone can send
      them) and the answer is ``REMOTE_ADDR``.
    - N ≥ 1: the answer is the N-th address from the right of ``X-Forwarded-For`` — the one
      our outermost proxy saw. Addresses to the left of it were written by the client and are
      never trusted. Entries that are not addresses are skipped; several headers count as one
      comma-separated list.

    When the header is missing, holds fewer than N addresses, or the chosen entry is not a
    usable address, the answer falls back to ``REMOTE_ADDR`` and, if that is not an address
    either, to ``UNKNOWN_CLIENT_IP``. IPv4-mapped IPv6 addresses come back as IPv4, IPv6 zone
    ids (``%eth0``) are dropped.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        # django-ipware counts the proxies listed *in* the header; the nearest one is in
        # REMOTE_ADDR instead, hence N - 1. Not strict: extra client-written entries on the
        # left are allowed (and ignored), and a malformed entry does not void the header.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
            algorithm="modern",
        )
        if address:
            return _without_zone(address)
    try:
        return _without_zone(str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "").strip())))
    except (AttributeError, ValueError):
        return UNKNOWN_CLIENT_IP


def _without_zone(address: str) -> str:
    # "fe80::1%eth0" names a link of this machine, not a client; rate limits cannot mask it.
    return address.split("%", 1)[0]
