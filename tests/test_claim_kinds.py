"""A claim's kind is fixed before the comparison: no code path chooses it from the outcome."""
import ast
from collections import defaultdict

import nbformat

from conftest import NOTEBOOKS
from reuse_edge.core import CLAIM_KINDS

def _cells(nb):
    for i, c in enumerate(nbformat.read(nb, as_version=4).cells):
        if c.cell_type != "code": continue
        src = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in c.source.splitlines())
        try: yield i, ast.parse(src)
        except SyntaxError: continue

def _claims(tree):
    "(call, kind or None if not a literal) of every claim(...) call."
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "claim":
            kw = {k.arg: k.value for k in node.keywords}
            if None in kw or "ledger" in kw: continue  # a demonstration ledger (the ledger chapter's own examples)
            k = kw.get("kind")
            yield node, ("exact" if k is None else k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None)

def claim_kind_problems(notebooks=NOTEBOOKS)->list:
    "Claims whose kind is computed, unknown, or differs between branches for one claim."
    bad = []
    for nb in notebooks:
        for i, tree in _cells(nb):
            by_id = defaultdict(set)
            for node, kind in _claims(tree):
                where = f"{nb.name} cell {i} line {node.lineno}"
                if kind is None: bad.append(f"{where}: kind is not a literal string"); continue
                if kind not in CLAIM_KINDS: bad.append(f"{where}: unknown kind {kind!r}")
                if node.args: by_id[ast.unparse(node.args[0])].add(kind)
            bad += [f"{nb.name} cell {i}: claim {k} is made with kinds {sorted(v)} on different branches" for k, v in by_id.items() if len(v) > 1]
            for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))):
                kinds = {kind for _, kind in _claims(fn) if kind}
                if len(kinds) > 1: bad.append(f"{nb.name} cell {i}: function {getattr(fn, 'name', 'lambda')} makes claims of kinds {sorted(kinds)}")
    return bad

def test_claim_kinds_are_fixed_in_advance():
    bad = claim_kind_problems()
    assert not bad, "claims whose kind may depend on their outcome:\n" + "\n".join(bad)

def test_the_check_catches_relabelling(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('def approx(id, v):\n    if v > 1: return claim(id, v)\n    return claim(id, v, kind="deviation", note="x")'),
                nbformat.v4.new_code_cell('claim("a.b", 1, kind=k)')]
    nbformat.write(nb, tmp_path/"x.ipynb")
    bad = claim_kind_problems([tmp_path/"x.ipynb"])
    assert any("function approx" in b for b in bad) and any("not a literal" in b for b in bad), bad
