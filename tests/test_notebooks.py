"""Every notebook runs in smoke mode without an exception or failed assertion, and follows the skeleton."""

import nbformat
import pytest

from conftest import NOTEBOOKS

@pytest.mark.parametrize("name", [nb.stem for nb in NOTEBOOKS])
def test_notebook_smoke(smoke_run, name):
    "The notebook executed in smoke mode; on failure show the failing cell's traceback."
    _, runs = smoke_run
    r = runs[name]
    assert r.ok, f"{r.summary()}\n\n{r.traceback}"

def test_no_exact_claim_mismatch(smoke_run):
    """Exact claims match even in smoke mode (`reuse_edge.book.strict_failures`).

    exact: derived from first principles with a tolerance fixed in advance, so a miss is a bug (in our code or in the
    reported table), in smoke mode as in full mode. consistency: arithmetic on the paper's printed numbers; a miss is a
    finding about the paper, discussed in its chapter and listed in the report, not a failure. approx and trend claims
    depend on the sizes of the run and may miss in smoke mode (the full run is the evidence)."""
    from reuse_edge.book import strict_failures
    from reuse_edge.core import load_claim_files
    executed, _ = smoke_run
    bad = [(c["notebook"], c["kind"], c["id"], c["reported"], c["reproduced"]) for c in strict_failures(load_claim_files(executed))]
    assert not bad, f"exact claims that do not match: {bad}"

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_exactly_one_parameters_cell(nb):
    "papermill needs one cell tagged `parameters`; nbdev-clean must not have stripped the tag."
    cells = nbformat.read(nb, as_version=4).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{nb.name}: {len(tagged)} cells tagged 'parameters' (cells {tagged})"
    assert "SMOKE" in cells[tagged[0]].source, f"{nb.name}: the parameters cell must define SMOKE"

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_skeleton(nb):
    "A title first, a default_exp, and no committed execution counts."
    cells = nbformat.read(nb, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), f"{nb.name}: first cell must be '# Title'"
    assert any(c.source.lstrip().startswith("#| default_exp") for c in cells if c.cell_type == "code"), f"{nb.name}: no default_exp"
    assert all(c.get("execution_count") is None for c in cells if c.cell_type == "code"), f"{nb.name}: run nbdev-clean"
