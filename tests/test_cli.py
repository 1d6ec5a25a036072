"""The installed `reuse-edge` console command: clear one-line errors and non-zero exits on bad input."""
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

EXE = Path(sys.executable).parent/"reuse-edge"

def _run(*args, cwd=ROOT):
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300)

def test_version():
    p = _run("--version")
    assert p.returncode == 0 and p.stdout.startswith("reuse-edge ")

def test_unknown_glob_is_a_usage_error():
    p = _run("reproduce", "--smoke", "--only", "zz_no_such*")
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [p.stderr.strip()], "expected one line"
    assert "no notebook matches 'zz_no_such*'" in p.stderr

def test_failing_notebook_exits_nonzero(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("SMOKE = False", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("1/0")])
    (tmp_path/"nbs").mkdir(); nbformat.write(nb, tmp_path/"nbs"/"01_zero.ipynb")
    p = _run("reproduce", "--smoke", "--nbs", str(tmp_path/"nbs"), "--out", str(tmp_path/"out"))
    assert p.returncode == 1
    assert "01_zero FAILED at cell 2: ZeroDivisionError: division by zero" in p.stderr

def test_report_without_a_run_is_a_usage_error(tmp_path):
    p = _run("report", "--executed", str(tmp_path))
    assert p.returncode == 2 and "run `reuse-edge reproduce` first" in p.stderr

def test_report_lists_the_smoke_claims(smoke_run):
    executed, _ = smoke_run
    p = _run("report", "--strict", "--executed", str(executed))
    assert p.returncode == 0, p.stderr
    assert "treasure.fig1.video_vs_iid_similarity" in p.stdout

def test_report_prints_counts_first_and_filters(smoke_run):
    "Counts per kind and status come first; --kind/--status (repeatable or comma-separated) select the claims shown."
    executed, _ = smoke_run
    p = _run("report", "--executed", str(executed), "--kind", "trend", "--status", "holds,does-not-hold")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].split()[:3] == ["kind", "match", "mismatch"] and lines[1].split()[0] == "exact"
    first = next(i for i, l in enumerate(lines) if l.startswith("== "))
    rows = [l for l in lines[first:-1] if l.strip() and not l.startswith(("== ", "status "))]
    assert rows and all(l.startswith(("holds", "does not hold")) and "  trend  " in l for l in rows), rows
    assert lines[-1].endswith("claims shown (kind trend; status holds, does not hold)")

def test_report_unknown_filter_lists_the_valid_values(tmp_path):
    import json
    (tmp_path/"01_demo.claims.json").write_text(json.dumps(dict(notebook="01_demo", smoke=True, claims=[])))
    p = _run("report", "--executed", str(tmp_path), "--kind", "exact,exakt")
    assert p.returncode == 2 and p.stderr.strip().splitlines() == [p.stderr.strip()]
    assert "unknown kind 'exakt': use one or more of exact, consistency, approx, trend, reported-only, deviation" in p.stderr
    p = _run("report", "--executed", str(tmp_path), "--status", "passed")
    assert p.returncode == 2 and "unknown status 'passed': use one or more of match, mismatch, holds, does not hold" in p.stderr
