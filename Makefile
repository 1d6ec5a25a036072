# reuse-edge: everything a fresh machine needs, from two commands (`make book`, `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0
JOBS ?= 2
SMOKE ?= 0
APT_PACKAGES := gcc g++ ninja-build chromium chromium-driver

.PHONY: install system-deps export test book reproduce clean distclean

install: $(STAMP)

# torch first, pinned to the CPU wheel this machine has locally: an unpinned torch (asked for directly
# or by a dependency) would pull several GB of CUDA packages. The package's own range accepts it.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Debian packages: the C/C++ compiler and ninja (pyeda's espresso is built from its sdist; the fused reuse and
# bitmap kernels are compiled on first use through torch.utils.cpp_extension) and Chromium for the headless-browser
# test of the built book. Installed before the Python packages, when we have the rights; otherwise say what was
# skipped (the kernels then fall back to pure torch with a one-line notice; the browser test skips, or fails when CI=true).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then \
	  echo "system-deps: $(APT_PACKAGES) are installed"; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "system-deps: SKIPPED$$missing: no apt-get on this machine"; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else echo "system-deps: SKIPPED$$missing: not root and no passwordless sudo"; exit 0; fi; \
	  if $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 \
	    || { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1; }; \
	  then echo "system-deps: installed$$missing"; \
	  else echo "system-deps: FAILED to install$$missing with apt-get"; fi; \
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
