"""The benchmark's "floor": the cheapest page Django can serve through the same gunicorn,
middleware and settings as the portal. Every page's requests per second are given as a share
of it. This URLconf is only used by the benchmark's gunicorn (``ROOT_URLCONF`` set for it
alone); the portal's own URLs never include it."""

from django.http import HttpResponse
from django.urls import path

from calportal.urls import urlpatterns as portal_urlpatterns

FLOOR_PATH = "/__bench__/floor/"


def floor(request):
    """A fixed short text, no database, no template: what the framework itself costs."""
    return HttpResponse(b"floor", content_type="text/plain; charset=utf-8")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *portal_urlpatterns]
