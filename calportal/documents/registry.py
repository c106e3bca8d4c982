"""Document builders: each app registers how to turn ``params`` into a PDF's template and context.

A builder returns a :class:`Build`. It runs inside the Celery task, so it receives plain
parameters (ids), loads what it needs and aggregates in SQL before the template sees it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Build:
    template: str
    context: dict
    filename: str


@dataclass(frozen=True)
class Builder:
    build: Callable[[dict], Build]
    permission: str  # who may request and download this kind of document
    # Besides the requester, who may open a finished document: ``(user, params) -> bool``.
    # For example anyone who may see the volunteer a certificate is about.
    shared_with: Callable | None = None


_builders: dict[str, Builder] = {}


def register(kind: str, *, permission: str, shared_with: Callable | None = None):
    def decorator(function: Callable[[dict], Build]):
        _builders[kind] = Builder(build=function, permission=permission, shared_with=shared_with)
        return function

    return decorator


def get_builder(kind: str) -> Builder:
    return _builders[kind]
