"""The portal's settings with the benchmark's URLconf (the portal's URLs plus the floor view).
Only the benchmark's gunicorn uses this module; everything else is read from the environment
exactly as in production."""

from calportal.settings import *  # noqa: F403

ROOT_URLCONF = "calportal.bench.floor"
