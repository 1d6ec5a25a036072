"""Shared fixtures: one smoke run of every notebook per test session, and the book built from it."""
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import settings

from reuse_edge.runner import discover_notebooks, format_run_table, run_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = discover_notebooks(ROOT/"nbs")
JOBS = int(os.environ.get("REUSE_EDGE_TEST_JOBS", os.cpu_count() or 1))
NOTEBOOK_TIMEOUT = float(os.environ.get("REUSE_EDGE_TEST_TIMEOUT", 600))  # seconds per notebook, smoke mode

settings.register_profile("reuse-edge", deadline=None, max_examples=40)
settings.load_profile("reuse-edge")

_runs = {}

@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    "Execute every notebook in smoke mode once (in parallel); return (executed folder, results by name)."
    out = tmp_path_factory.mktemp("executed")
    results = run_notebooks(NOTEBOOKS, out, smoke=True, jobs=JOBS, timeout=NOTEBOOK_TIMEOUT, root=ROOT, progress=False)
    _runs.update({r.notebook: r for r in results})
    return out, _runs

@pytest.fixture(scope="session")
def built_book(smoke_run, tmp_path_factory):
    "Stage and build the Jupyter Book (strict: Sphinx warnings are errors) from the smoke run."
    from reuse_edge.book import build_book, stage_book
    executed, _ = smoke_run
    tmp = tmp_path_factory.mktemp("book")
    t0 = time.perf_counter()
    staged = stage_book(ROOT/"book", executed, tmp/"stage")
    html = build_book(staged.path, tmp, strict=True)
    _runs["(book build)"] = time.perf_counter() - t0
    return staged, html

def pytest_terminal_summary(terminalreporter):
    "Print per-notebook times and peak memory of the smoke run."
    results = [r for r in _runs.values() if not isinstance(r, float)]
    if results:
        terminalreporter.section("notebook smoke run")
        terminalreporter.write_line(format_run_table(results))
        terminalreporter.write_line(f"sum of notebook wall times: {sum(r.seconds for r in results):.0f} s (run {JOBS} at a time)")
    if "(book build)" in _runs: terminalreporter.write_line(f"book stage + build: {_runs['(book build)']:.0f} s")
