"""The public API: names are unique across the package, the top level re-exports them lazily, and an
installed copy (not the checkout) works on its own, with the reported values shipped as package data."""
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reuse_edge
from conftest import ROOT

# Names that several modules define ON PURPOSE, with one contract: say why.
SAME_CONTRACT = {"run_benchmarks": "the benchmark-suite entry point (group reuse_edge.benchmarks): run_benchmarks(quick) -> list of lines, one per suite"}

def _modules()->list:
    names = [m.name for m in pkgutil.walk_packages(reuse_edge.__path__, "reuse_edge.") if not m.name.endswith("_modidx")]
    return [importlib.import_module(n) for n in sorted(names)]

def test_public_callables_have_one_definition():
    "No two modules define a public function or class of the same name (one name, one contract)."
    where = {}
    for mod in _modules():
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name, None)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == mod.__name__:
                where.setdefault(name, []).append(mod.__name__)
    clashes = {n: m for n, m in where.items() if len(m) > 1 and n not in SAME_CONTRACT}
    assert not clashes, f"public names defined in more than one module: {clashes}"

def test_all_lists_only_existing_names():
    "Every module's __all__ names objects that exist."
    missing = [(m.__name__, n) for m in _modules() for n in getattr(m, "__all__", []) if not hasattr(m, n)]
    assert not missing, f"__all__ entries that do not exist: {missing}"

def test_top_level_names_resolve():
    "Each top-level name is the object its module defines; unknown names fail with a hint."
    for name, module in reuse_edge._EXPORTS.items():
        assert getattr(reuse_edge, name) is getattr(importlib.import_module(module), name), name
    with pytest.raises(AttributeError, match="did you mean"):
        reuse_edge.convert_modle

def test_installed_package_works_outside_the_checkout(tmp_path):
    "pip-install the package (no dependencies: this venv has them) into a folder and use it from elsewhere."
    import shutil
    src, target = tmp_path/"src", tmp_path/"site"  # build from a copy: setuptools writes build/ next to its sources
    shutil.copytree(ROOT/"reuse_edge", src/"reuse_edge", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"): shutil.copy(ROOT/name, src/name)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(src)], check=True, capture_output=True, text=True)
    probe = ("import reuse_edge, pathlib; from reuse_edge import ReuseConv2d, convert_model, bitmap_saved_tensors, claim, reported; "
             "assert pathlib.Path(reuse_edge.__file__).resolve().is_relative_to(pathlib.Path(r'%s').resolve()), reuse_edge.__file__; "
             "r = reported('treasure.t2.resnet18.compression'); print(r.value != '', r.file)" % target)
    env = {k: v for k, v in os.environ.items() if k not in ("REUSE_EDGE_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(target)
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "treasure_table2.csv"], out.stdout
