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
