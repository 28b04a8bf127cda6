# Two commands: `make site` builds content/ into site/; `make test` runs every check.
# Both create .venv and install what they need, so they work on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test lint typecheck pytest fuzz browser axe bench clean

site: $(VENV)/.installed
	$(BIN)/newsarchive build

test: $(VENV)/.installed-test browser axe lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

# The property tests with many more examples (not part of `make test`); prints how many each one ran.
fuzz: $(VENV)/.installed-test
	NEWSARCHIVE_FUZZ=1 $(BIN)/pytest tests/test_fuzz.py tests/test_properties.py --hypothesis-show-statistics

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# The browser tests drive Debian's chromium. Install it when missing and we are root;
# otherwise the tests skip with a reason (and fail under CI=true).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian package) for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed and cannot be installed here: browser tests will skip"; \
	  fi; \
	fi

# axe-core (accessibility rules) is injected into pages by the browser tests; it lives inside .venv.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): | $(VENV)/bin/python
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4 >/dev/null; \
	else \
	  echo "npm is not installed: accessibility tests will skip"; \
	fi

# newsarchive's own code compiled first, as an install from a wheel has it: a run then never pays for
# compiling it (where PYTHONDONTWRITEBYTECODE is set, nothing else would keep the compiled code).
bench: $(VENV)/.installed-test
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) site .site.building .site.spare-* .pytest_cache .mypy_cache .ruff_cache
