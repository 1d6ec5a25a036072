"""nbdev-clean and nbdev-export leave a clean checkout unchanged: notebooks are clean, the package is in sync."""
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

def _snapshot(root: Path) -> dict:
    files = list((root/"nbs").rglob("*.ipynb")) + list((root/"reuse_edge").rglob("*.py"))
    return {str(p.relative_to(root)): p.read_bytes() for p in files if "__pycache__" not in p.parts}

def test_clean_and_export_change_nothing(tmp_path):
    "Run both commands on a copy of the sources and compare every notebook and module byte for byte."
    for name in ("nbs", "reuse_edge"):
        shutil.copytree(ROOT/name, tmp_path/name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("pyproject.toml", "README.md"):
        if (ROOT/name).exists(): shutil.copy(ROOT/name, tmp_path/name)
    before = _snapshot(tmp_path)
    bindir = Path(sys.executable).parent
    for cmd in ("nbdev-clean", "nbdev-export"):
        proc = subprocess.run([str(bindir/cmd)], cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 0, f"{cmd} failed: {proc.stderr}"
    after = _snapshot(tmp_path)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"nbdev-clean/nbdev-export changed {changed}: run them and commit the result"

def test_package_sources_compile_without_warnings():
    "Every module compiles with warnings turned into errors (e.g. an invalid escape in a generated docstring)."
    import warnings
    for path in sorted((ROOT/"reuse_edge").rglob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try: compile(path.read_text(), str(path), "exec")
            except (SyntaxError, SyntaxWarning, DeprecationWarning) as e:
                raise AssertionError(f"{path.relative_to(ROOT)}: {e} (a backslash in a notebook's '>' summary line?)") from None
