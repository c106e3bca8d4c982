# The CAL portal. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install messages lint format vendor clean bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 …'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# `make run PORT=8001` serves on another port; SITE_URL (the address in e-mailed links, .ics
# files and the QR codes on pass cards) follows it unless it is set in the environment.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

## Start the portal with demo data on the embedded default (SQLite, tasks in-process, console e-mail).
run: messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo_data
	@echo "Serving the CAL portal at http://127.0.0.1:$(PORT) (Ctrl+C to stop); links point to $(SITE_URL)"
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (pytest; DATABASE_URL/REDIS_URL choose the services).
test: messages
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the vendored front-end assets from npm (needs npm; run by a developer, not at build time).
vendor:
	rm -rf /tmp/calportal-vendor && mkdir -p /tmp/calportal-vendor
	cd /tmp/calportal-vendor && npm pack --silent bootstrap@5.3 axe-core@4 leaflet@1.9 leaflet.markercluster@1.5 >/dev/null && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp /tmp/calportal-vendor/bootstrap-*/package/dist/css/bootstrap.min.css /tmp/calportal-vendor/bootstrap-*/package/dist/js/bootstrap.bundle.min.js /tmp/calportal-vendor/bootstrap-*/package/LICENSE static/vendor/bootstrap/
	sed -i 's|/\*# sourceMappingURL=.*\*/||' static/vendor/bootstrap/bootstrap.min.css
	sed -i 's|//# sourceMappingURL=.*||' static/vendor/bootstrap/bootstrap.bundle.min.js
	cp /tmp/calportal-vendor/axe-core-*/package/axe.min.js tests/browser/vendor/axe.min.js
	cp -r /tmp/calportal-vendor/leaflet-1*/package/dist/leaflet.js /tmp/calportal-vendor/leaflet-1*/package/dist/leaflet.css /tmp/calportal-vendor/leaflet-1*/package/dist/images /tmp/calportal-vendor/leaflet-1*/package/LICENSE static/vendor/leaflet/
	sed -i 's|//# sourceMappingURL=.*||' static/vendor/leaflet/leaflet.js
	cp /tmp/calportal-vendor/leaflet.markercluster-*/package/dist/leaflet.markercluster.js /tmp/calportal-vendor/leaflet.markercluster-*/package/dist/MarkerCluster*.css /tmp/calportal-vendor/leaflet.markercluster-*/package/MIT-LICENCE.txt static/vendor/leaflet.markercluster/
	sed -i 's|//# sourceMappingURL=.*||' static/vendor/leaflet.markercluster/leaflet.markercluster.js

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

## Issue 17's benchmark in a throw-away PostgreSQL database (DATABASE_URL's server; needs wrk).
## BENCH_REDIS_URL: a Redis database of its own. `make bench ARGS=--quick` for a smoke run.
bench: $(STAMP)
	$(BIN)/python manage.py benchmark $(ARGS)
