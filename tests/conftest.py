import os
import shutil

import pytest
from django.apps import apps as django_apps

from calportal.accounts.roles import FOUNDATION_PERMISSIONS, Role, grant
from tests.factories import OrganisationFactory, UserFactory

# CI sets this: a test that needs PostgreSQL, Redis or Chromium then fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("CALPORTAL_REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI, where it must exist."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def polish_is_active():
    """Each test starts in the default language; a request may leave another one active."""
    from django.utils import translation

    translation.activate("pl")
    yield
    translation.activate("pl")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and other cached state never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def celery_runs_eagerly():
    from calportal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def roles(db):
    """The role groups. Migrations create them; a flushed (transactional) database needs this."""
    import importlib

    from initiatives.models import TargetGroup, TargetGroupCode

    grant(django_apps, FOUNDATION_PERMISSIONS)
    initiatives_roles = importlib.import_module(
        "initiatives.migrations.0002_target_groups_and_roles"
    )
    grant(django_apps, initiatives_roles.PERMISSIONS)
    pass_roles = importlib.import_module("initiatives.migrations.0005_pass_roles")
    grant(django_apps, pass_roles.PERMISSIONS)
    map_roles = importlib.import_module("resources_map.migrations.0002_roles")
    grant(django_apps, map_roles.PERMISSIONS)
    volunteer_roles = importlib.import_module("volunteers.migrations.0002_skills_and_roles")
    grant(django_apps, volunteer_roles.PERMISSIONS)
    selfhelp_roles = importlib.import_module("selfhelp.migrations.0002_roles")
    grant(django_apps, selfhelp_roles.PERMISSIONS)
    from volunteers.models import Skill

    for code in volunteer_roles.SKILLS:
        Skill.objects.get_or_create(code=code)
    for code in TargetGroupCode.values:
        TargetGroup.objects.get_or_create(code=code)


@pytest.fixture
def organisation_a(db):
    return OrganisationFactory(name="Towarzystwo „Nadzieja” (A)")


@pytest.fixture
def organisation_b(db):
    return OrganisationFactory(name="Fundacja Rewaloryzacji (B)")


@pytest.fixture
def staff(roles):
    return UserFactory(email="staff@example.org", full_name="Anna Staff", role=Role.OPS_STAFF)


@pytest.fixture
def partner_a(roles, organisation_a):
    return UserFactory(
        email="partner.a@example.org",
        full_name="Piotr Partner",
        organisation=organisation_a,
        role=Role.PARTNER_COORDINATOR,
    )


@pytest.fixture
def partner_b(roles, organisation_b):
    return UserFactory(
        email="partner.b@example.org",
        full_name="Beata Partner",
        organisation=organisation_b,
        role=Role.PARTNER_COORDINATOR,
    )


@pytest.fixture
def team_member(roles):
    return UserFactory(
        email="team@example.org", full_name="Tadeusz Team", role=Role.CAL_TEAM_MEMBER
    )


@pytest.fixture
def login(client):
    """``login(user)`` returns the test client logged in as ``user`` (None: anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), "Chromium is not installed (apt-get install chromium)")
    return path
