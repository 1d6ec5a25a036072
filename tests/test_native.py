"""Compiled kernels: the fallback when no compiler is present (a one-line notice, the same results), the switch,
and the chapters that use them passing on the fallback."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

def _python(code:str, **env)->subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env}, timeout=600)

NO_COMPILER = dict(CXX="/nonexistent/c++")

PROBE = """
import json, warnings, torch, torch.nn as nn
warnings.simplefilter("always")
from reuse_edge.native import native_status, use_native
from reuse_edge.reuse.layers import ReuseConv2d, ReuseLinear
torch.manual_seed(0)
conv, lin = nn.Conv2d(8, 16, 3, padding=1), nn.Linear(8, 16)
x = torch.relu(torch.randn(4, 8, 10, 12)).contiguous(memory_format=torch.channels_last)
with torch.no_grad():
    y = ReuseConv2d.from_float(conv, n_bits=10, center=True, scope="batch")(x)
    z = ReuseLinear.from_float(lin, n_bits=12, scope="batch")(torch.randn(4, 20, 8))
print(json.dumps(dict(conv=y.flatten().tolist()[:64] + [float(y.sum())], lin=[float(z.sum())],
                      status=[(s.name, s.loaded, s.reason) for s in native_status()])))
"""

def _probe(tmp_path, **env):
    "Run PROBE with its build cache in tmp_path (None: the user's cache, where the test session's kernels are built already)."
    r = _python(PROBE, **({} if tmp_path is None else dict(REUSE_EDGE_CACHE=str(tmp_path))), **env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr

def test_no_compiler_falls_back_with_one_notice(tmp_path):
    "Without a compiler (and an empty build cache) the layers run the reference, after one clear notice."
    out, err = _probe(tmp_path, **NO_COMPILER)
    assert out["status"] == [["reuse_edge_reuse", False, "no C++ compiler (/nonexistent/c++) on PATH"]]
    notices = [l for l in err.splitlines() if "compiled kernels 'reuse_edge_reuse' unavailable" in l]
    assert len(notices) == 1 and "pure-torch reference" in notices[0]

def test_fallback_gives_the_same_results(tmp_path):
    "The compiled path (when it builds here), the switched-off path and the no-compiler path agree exactly."
    off, _ = _probe(tmp_path / "off", REUSE_EDGE_NATIVE="0")
    none, _ = _probe(tmp_path / "none", **NO_COMPILER)
    assert off["conv"] == none["conv"] and off["lin"] == none["lin"] and off["status"] == []
    on, _ = _probe(None)  # the kernels as users get them, without building them again
    if on["status"] and on["status"][0][1]:  # built here: exactly the same numbers
        assert on["conv"] == off["conv"] and on["lin"] == off["lin"]

def test_bad_switch_value_is_an_error():
    r = _python("from reuse_edge.native import native_requested; native_requested()", REUSE_EDGE_NATIVE="fast")
    assert r.returncode != 0 and "REUSE_EDGE_NATIVE='fast'" in r.stderr

@pytest.mark.parametrize("pattern", ["13_reuse_kernels", "14_reuse_conv"])
def test_chapters_pass_on_the_fallback(tmp_path, pattern):
    "The chapters of the fused kernels run green in smoke mode on a machine without a compiler."
    from reuse_edge.runner import discover_notebooks, run_notebooks
    nb = [p for p in discover_notebooks(ROOT / "nbs") if p.stem == pattern]
    old = {k: os.environ.get(k) for k in ("CXX", "REUSE_EDGE_CACHE")}
    os.environ.update(CXX="/nonexistent/c++", REUSE_EDGE_CACHE=str(tmp_path / "cache"))
    try: (res,) = run_notebooks(nb, tmp_path / "out", smoke=True, jobs=1, timeout=600, root=ROOT, progress=False)
    finally:
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v
    assert res.status == "ok", res.error
