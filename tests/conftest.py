import datetime
import os
import shutil
import zoneinfo

import pytest
from django.apps import apps as django_apps

from calportal.accounts.roles import FOUNDATION_PERMISSIONS, Role, grant
from tests.factories import OrganisationFactory, UserFactory

# CI sets this: a test that needs PostgreSQL, Redis or Chromium then fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("CALPORTAL_REQUIRE_SERVICES") == "1"


WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

# The moments at which every test marked ``@pytest.mark.clock`` runs (once each): the day
# boundaries where a UTC date and the local date part, both DST changes, the turn of a year
# and a leap day. Local (Europe/Warsaw) wall-clock times; ``fold`` picks the hour that repeats.
CLOCK_MOMENTS = {
    "local-midnight-before": datetime.datetime(2026, 11, 30, 23, 59, 30, tzinfo=WARSAW),
    "local-midnight-after": datetime.datetime(2026, 12, 1, 0, 0, 30, tzinfo=WARSAW),
    "utc-midnight-hour": datetime.datetime(2026, 12, 1, 0, 30, tzinfo=WARSAW),  # 23:30 UTC
    "spring-dst-before": datetime.datetime(2027, 3, 28, 1, 59, tzinfo=WARSAW),
    "spring-dst-after": datetime.datetime(2027, 3, 28, 3, 1, tzinfo=WARSAW),
    "autumn-dst-summer-time": datetime.datetime(2026, 10, 25, 2, 30, tzinfo=WARSAW),
    "autumn-dst-winter-time": datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=WARSAW),
    "new-years-eve": datetime.datetime(2026, 12, 31, 23, 30, tzinfo=WARSAW),
    "leap-day": datetime.datetime(2028, 2, 29, 12, 0, tzinfo=WARSAW),
}


def frozen_at_from_environment() -> datetime.datetime | None:
    """``CALPORTAL_FROZEN_AT`` (ISO 8601, e.g. ``2026-12-31T23:30:00+01:00``; without an offset
    it is Warsaw time) → the moment the whole test session travels to; None when unset."""
    value = os.environ.get("CALPORTAL_FROZEN_AT", "").strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"CALPORTAL_FROZEN_AT={value!r} is not an ISO 8601 moment "
            "(e.g. 2026-12-31T23:30:00+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=WARSAW)


def pytest_configure(config):
    from django.conf import settings

    config.addinivalue_line(
        "markers",
        "clock: depends on the date; runs once at each of tests/conftest.py's CLOCK_MOMENTS",
    )

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Text messages are kept in memory (calportal.outbox.sms_backends.outbox), like mail.outbox.
    settings.SMS_PROVIDER = "locmem"
    settings.SMS_BACKEND = "calportal.outbox.sms_backends.LocmemBackend"
    # No quiet hours: a test's text message goes at once, whatever the hour (a test of the
    # quiet hours sets them).
    settings.SMS_QUIET_FROM = settings.SMS_QUIET_UNTIL = 0
    # Pages are built live, so that tests of what a page shows (and its queries) see the page;
    # tests/calportal/test_public_cache.py turns the cache on.
    settings.PUBLIC_CACHE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_generate_tests(metafunc):
    """Run each ``@pytest.mark.clock`` test at every moment of :data:`CLOCK_MOMENTS`."""
    if metafunc.definition.get_closest_marker("clock") is not None:
        metafunc.parametrize(
            "frozen_moment",
            list(CLOCK_MOMENTS.values()),
            ids=list(CLOCK_MOMENTS),
            indirect=True,
            scope="function",
        )


@pytest.fixture(scope="session", autouse=True)
def whole_session_frozen_at():
    """With ``CALPORTAL_FROZEN_AT`` set, the whole suite runs as if started at that moment
    (the clock ticks on from there), to catch tests and code that depend on the wall clock."""
    moment = frozen_at_from_environment()
    if moment is None:
        yield None
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture(autouse=True)
def frozen_moment(request, whole_session_frozen_at):
    """For a ``@pytest.mark.clock`` test: the (aware) moment it runs at, the clock travelled
    there and ticking on. For any other test: None, and the clock untouched."""
    moment = getattr(request, "param", None)
    if moment is None:
        yield None
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield moment


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
def sms_outbox():
    """The text messages "sent" in this test (``[SentSMS(to, text), …]``), emptied for each."""
    from calportal.outbox import sms_backends

    sms_backends.outbox.clear()
    yield sms_backends.outbox
    sms_backends.outbox.clear()


@pytest.fixture(autouse=True)
def celery_runs_eagerly():
    from calportal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


def _role_permissions() -> dict:
    """Every role's permissions as the migrations grant them: ``{role: [app_label.codename]}``."""
    import importlib

    merged: dict = {}
    modules = [
        "initiatives.migrations.0002_target_groups_and_roles",
        "initiatives.migrations.0005_pass_roles",
        "resources_map.migrations.0002_roles",
        "volunteers.migrations.0002_skills_and_roles",
        "selfhelp.migrations.0002_roles",
        "calportal.reports.migrations.0002_roles_and_statutory_calendar",
        "calportal.reports.migrations.0004_reports_ii_kinds",
        "calportal.public_tasks.migrations.0002_roles",
        "calportal.projects.migrations.0002_roles",
        "calportal.strategy.migrations.0002_roles",
        "volunteers.migrations.0007_rate_table_and_work_kinds",
        "calportal.privacy.migrations.0002_roles_and_retention_rules",
        "calportal.audit.migrations.0002_selfhelp_log_and_roles",
        "calportal.calls.migrations.0002_roles",
    ]
    sources = [FOUNDATION_PERMISSIONS] + [importlib.import_module(m).PERMISSIONS for m in modules]
    for source in sources:
        for role, permissions in source.items():
            merged.setdefault(role, []).extend(permissions)
    return merged


ROLE_PERMISSIONS = _role_permissions()
EXPECTED_GRANTS = {
    (str(role.value), permission)
    for role, permissions in ROLE_PERMISSIONS.items()
    for permission in permissions
}


@pytest.fixture
def roles(db):
    """The role groups and standing data that migrations create; a flushed (transactional)
    database needs this. When the migrations' groups are all there (the usual case), it only
    checks, in one query: granting costs 0.4 s per test, which over the suite is minutes."""
    import importlib

    from django.contrib.auth.models import Group

    from initiatives.models import TargetGroup, TargetGroupCode
    from volunteers.models import Skill

    granted = {
        (group, f"{app_label}.{codename}")
        for group, app_label, codename in Group.permissions.through.objects.values_list(
            "group__name", "permission__content_type__app_label", "permission__codename"
        )
    }
    if not granted >= EXPECTED_GRANTS:
        grant(django_apps, ROLE_PERMISSIONS)
    from calportal.team.models import TeamTask

    team_tasks = importlib.import_module("calportal.team.migrations.0002_standing_tasks")
    if TeamTask.objects.count() < len(team_tasks.STANDING_TASKS):
        team_tasks.create_tasks(django_apps, None)
    volunteer_roles = importlib.import_module("volunteers.migrations.0002_skills_and_roles")
    if Skill.objects.count() < len(volunteer_roles.SKILLS):
        for code in volunteer_roles.SKILLS:
            Skill.objects.get_or_create(code=code)
    if TargetGroup.objects.count() < len(TargetGroupCode.values):
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
def dpo(roles):
    """The data protection officer: reads the privacy pages, changes nothing."""
    return UserFactory(email="iod@example.org", full_name="Irena Inspektor", role=Role.DPO)


@pytest.fixture
def data_officer(roles):
    """An OPS staff member who answers data-protection requests (OPS staff + Data requests)."""
    from django.contrib.auth.models import Group

    user = UserFactory(email="rodo@example.org", full_name="Olga Ochrona", role=Role.OPS_STAFF)
    user.groups.add(Group.objects.get(name=Role.DATA_REQUESTS.value))
    return user


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
