"""Every notebook runs in smoke mode without an exception or failed assertion, and follows the skeleton."""
import json

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
    "Exact claims are analytic: they must match even in smoke mode."
    executed, _ = smoke_run
    bad = [(f.name, c["id"], c["reported"], c["reproduced"]) for f in executed.glob("*.claims.json")
           for c in json.loads(f.read_text())["claims"] if c["status"] == "mismatch"]
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
