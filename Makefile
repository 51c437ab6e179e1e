# Two commands on a fresh machine: `make run` (install + start the app), `make test` (install + all tests).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CITY ?= lanzhou

.PHONY: install run test lint bench validate clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -e .
	touch $@

install: $(VENV)/.installed

run: install
	@echo "culturemap: open http://localhost:$(PORT)"
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install
	$(PY) -m ruff check src tests bench tools app.py
	$(PY) -m ruff format --check src tests bench tools app.py
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check --fix src tests bench tools app.py
	$(PY) -m ruff format src tests bench tools app.py

validate: install
	$(VENV)/bin/culturemap validate geodata/$(CITY)

bench: install
	$(PY) bench/run.py --out BENCHMARKS.md

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
