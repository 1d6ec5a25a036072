# reuse-edge: everything a fresh machine needs, from two commands (`make book`, `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0
JOBS ?= 2
SMOKE ?= 0
APT_PACKAGES := chromium chromium-driver

.PHONY: install system-deps export test book reproduce clean distclean

install: $(STAMP)

# torch first, pinned to the CPU wheel this machine has locally: an unpinned torch (asked for directly
# or by a dependency) would pull several GB of CUDA packages. The package's own range accepts it.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@$(MAKE) --no-print-directory system-deps
	touch $(STAMP)

# Debian packages for the headless-browser test of the built book. Installed when we have the rights;
# otherwise say what was skipped (the browser test then skips, or fails when CI=true).
system-deps:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
	  echo "system-deps: chromium and chromedriver are installed"; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "system-deps: SKIPPED $(APT_PACKAGES): no apt-get on this machine; the browser test will be skipped"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  if apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1 \
	    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1; }; \
	  then echo "system-deps: installed $(APT_PACKAGES)"; \
	  else echo "system-deps: FAILED to install $(APT_PACKAGES) with apt-get; the browser test will be skipped"; fi; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  if sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1 \
	    || { sudo apt-get update -q >/dev/null 2>&1 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1; }; \
	  then echo "system-deps: installed $(APT_PACKAGES) with sudo"; \
	  else echo "system-deps: FAILED to install $(APT_PACKAGES) with sudo apt-get; the browser test will be skipped"; fi; \
	else \
	  echo "system-deps: SKIPPED $(APT_PACKAGES): not root and no passwordless sudo; the browser test will be skipped"; \
	fi

# After changing a notebook: export the package, clean the notebooks, and write the subpackages' __init__.py
# from the tables of nbs/9_appendix/93_api.ipynb (nbdev exports one module per notebook).
export: install
	$(BIN)/nbdev-export
	$(BIN)/nbdev-clean
	$(BIN)/reuse-edge api

# The test suite. pytest's exit code 5 means no test was collected: that is a failure, not a pass.
test: install
	@set +e; $(BIN)/python -m pytest tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Execute every notebook (full mode; SMOKE=1 for a quick preview) and build the book.
reproduce: install
	$(BIN)/reuse-edge reproduce --jobs $(JOBS) $(if $(filter 1 true yes,$(SMOKE)),--smoke)

book: reproduce
	$(BIN)/reuse-edge book
	@echo "open book/_build/html/index.html"

clean:
	rm -rf book/_build .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
