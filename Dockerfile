# One image for web, worker and beat; docker-compose.yml changes only the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=0

# WeasyPrint needs Pango; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cal
WORKDIR /app

COPY pyproject.toml README.md ./
COPY calportal ./calportal
RUN pip install .

COPY . .
# Build-time only values: the real ones come from the environment at run time.
RUN SECRET_KEY=build ALLOWED_HOSTS=build python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/private && chown -R cal:cal /app/var

USER cal
EXPOSE 8000
# As docker-compose.yml runs it: a stuck request is killed after 60 s; on SIGTERM the requests in
# progress get 30 s to finish. Sized for a 2-core server: 3 processes keep both cores busy, and
# 4 threads each let a process serve others while a request waits for PostgreSQL or Redis (12
# at once, each thread keeping one database connection; see docker-compose.yml).
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-", "calportal.wsgi:application"]
