"""Every reported row is accounted for by the smoke run: claimed, read as an input, or excluded with a reason in
reuse_edge/reported/unclaimed/unclaimed.csv; and no exclusion is stale.

Run on its own with `pytest -m ledger` (it needs the session's smoke run of every notebook), or against a run you
already have: `REUSE_EDGE_EXECUTED=/tmp/smoke pytest tests/test_ledger_coverage.py`."""
import os
from pathlib import Path

import pytest

from reuse_edge.book import UNCLAIMED_COLUMNS, ledger_coverage, load_exclusions, unclaimed_file
from reuse_edge.core import reported_dir

pytestmark = pytest.mark.ledger

@pytest.fixture(scope="module")
def executed(request):
    "The folder of claim files: REUSE_EDGE_EXECUTED if set, else the session's smoke run."
    if folder := os.environ.get("REUSE_EDGE_EXECUTED"): return Path(folder)
    return request.getfixturevalue("smoke_run")[0]

def _grouped(ids:list)->str:
    "Ids grouped by their table (the first two parts of the id), for a readable failure message."
    groups = {}
    for i in ids: groups.setdefault(".".join(i.split(".")[:2]), []).append(i)
    return "\n".join(f"  {g} ({len(v)}): {', '.join(v)}" for g, v in sorted(groups.items()))

def test_exclusion_file_is_valid():
    "One exclusion file, outside load_reported's glob, with the header id,reason and a reason on every row."
    path = unclaimed_file()
    assert path.is_file() and path.parent.name == "unclaimed", f"{path} missing"
    assert path.read_text().splitlines()[0] == ",".join(UNCLAIMED_COLUMNS)
    assert path.parent.parent == reported_dir(), "a subfolder of reuse_edge/reported/, which load_reported does not read"
    load_exclusions()  # raises on a row without a reason, a repeated id or a bad header

def test_every_reported_row_is_accounted_for(executed):
    "No reported row is left unclaimed, unread and unexcluded."
    cov = ledger_coverage(executed)
    missing = cov.ids("unaccounted")
    if missing: pytest.fail(f"{len(missing)} reported rows are claimed by no claim, read by no notebook (reported(id)) and "
                            f"not in {unclaimed_file().relative_to(unclaimed_file().parents[3])}:\n{_grouped(missing)}", pytrace=False)

def test_no_stale_exclusion(executed):
    "Every excluded id exists and is claimed by no claim of the run."
    cov = ledger_coverage(executed)
    stale = [p for p in cov.problems() if p.startswith("stale")]
    if stale: pytest.fail("stale rows of the exclusion file (remove them):\n" + "\n".join(f"  {p}" for p in stale), pytrace=False)
