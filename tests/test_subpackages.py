"""Every subpackage re-exports its main names lazily, from a generated __init__.py that is current."""
import importlib
import subprocess
import sys

import pytest

import reuse_edge
from reuse_edge.book import subpackage_inits
from conftest import ROOT

INITS = subpackage_inits(ROOT/"reuse_edge")
SUBPACKAGES = [f"reuse_edge.{p.parent.name}" for p in INITS]

def test_every_subpackage_init_is_generated_and_current():
    "What `reuse-edge api` writes now is what the checkout has (the check a fresh clone passes)."
    from reuse_edge.cli import main
    assert main(["api", "--check"]) == 0, "a subpackage __init__.py is stale: run `reuse-edge api` (or `make export`) and commit"
    assert {"reuse_edge.nn", "reuse_edge.reuse", "reuse_edge.memory", "reuse_edge.lowprec"} <= set(SUBPACKAGES)

@pytest.mark.parametrize("package", SUBPACKAGES)
def test_subpackage_names_resolve(package):
    "`__all__` and `dir()` list the names; each is the object its module defines; unknown names hint."
    sub = importlib.import_module(package)
    exports = reuse_edge._subpackage_exports(package)
    assert exports, f"{package} re-exports nothing: add its main names to nbs/9_appendix/93_api.ipynb"
    assert sub.__all__ == list(exports) and set(exports) <= set(dir(sub))
    for name, module in exports.items():
        assert module.startswith(package + "."), (name, module)
        assert getattr(sub, name) is getattr(importlib.import_module(module), name), f"{package}.{name}"
    submodules = {m.rsplit(".", 1)[1] for m in exports.values()}
    assert not submodules & set(exports), "a re-exported name would be shadowed by its submodule"
    with pytest.raises(AttributeError, match="has no attribute"):
        getattr(sub, "no_such_name_here")

def test_every_top_level_name_is_in_its_subpackage():
    "A top-level name defined in a subpackage is also importable from that subpackage."
    for name, module in reuse_edge._EXPORTS.items():
        if module.count(".") == 2: assert name in reuse_edge._subpackage_exports(module.rsplit(".", 1)[0]), name

def _fresh(code:str)->list:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()

def test_import_of_a_subpackage_is_lazy():
    "`import reuse_edge.nn` imports none of its modules (nor torch); a name imports only its own module."
    probe = ("import sys, reuse_edge.nn; print(sorted(m for m in sys.modules if m.startswith('reuse_edge.nn.') or m == 'torch') or 'none'); "
             "from reuse_edge.nn import ConvBNAct, build_model; "
             "print('reuse_edge.nn.blocks' in sys.modules, 'reuse_edge.nn.models' in sys.modules, 'reuse_edge.nn.inspect' in sys.modules)")
    assert _fresh(probe) == ["none", "True", "True", "False"]

@pytest.mark.parametrize("package", SUBPACKAGES)
def test_every_subpackage_imports_without_its_modules(package):
    "No subpackage's __init__ imports one of its modules at import time."
    probe = f"import sys, {package}; print([m for m in sys.modules if m.startswith('{package}.')] or 'none')"
    assert _fresh(probe) == ["none"]
