"""No reported number is typed into code: notebooks and the package read them with `reported(id)` (CONTRIBUTING.md).

A numeric literal in a code cell of `nbs/**/*.ipynb`, or anywhere in `reuse_edge/**/*.py`, fails when it equals (same
digits, trailing zeros and sign ignored) a numeric value of the reported CSV files with at least 3 significant digits.
Markdown cells, strings and comments are not code. Trivial values are ignored: integers below 1000 (layer widths,
kernel sizes, resolutions, epochs) and powers of two (0.125, 2048, ...). Legitimate coincidences are listed in
ALLOWED, each with its reason.
"""
import ast
import functools
import json
import math
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from reuse_edge.core import load_reported

ROOT = Path(__file__).resolve().parent.parent
MIN_DIGITS = 3

ALLOWED = {  # (file, literal as written) -> why it is not a typed reported value
    ("00_core.ipynb", "43.1"): "the ledger's own tests: reported() must return treasure.t2.resnet18.compression as 43.1",
    ("91_book.ipynb", "43.1"): "a made-up claim row for the book renderer's test",
    ("24_reuse_patterns.ipynb", "1.02"): "a 2% perturbation of a demo column, not a Table 1 speed-up",
    ("40_cost_counters.ipynb", "1.02"): "matplotlib legend anchor (bbox_to_anchor)",
    ("42_cost_acev2.ipynb", "12.8"): "mac_pot(8) = 8 log2(8)/5 + 8 and QuantNorm's shift + add, from the formulas; "
                                     "Table 3.1's int16 shift is also 12.8",
    ("42_cost_acev2.ipynb", "25.6"): "mac_pot(16) from the formula; coincides with a GenReuse Table 3 latency (ms)",
    ("51_memory_analysis.ipynb", "6.13"): "round_half_up(6.125) == 6.13: a test of the rounding helper",
    ("51_memory_analysis.ipynb", "3.13"): "round_half_up(-3.125) == -3.13: a test of the rounding helper",
}


def _number(text:str):
    "The normalised absolute value of a printed number (None if it is not one)."
    try: d = Decimal(str(text).strip().replace("_", "").lstrip("+-"))
    except InvalidOperation: return None
    return d.normalize() if d.is_finite() and d != 0 else None

def _reported_numbers()->dict:
    "Normalised value -> ids, for every numeric reported value with at least MIN_DIGITS significant digits."
    out = {}
    for rid, r in load_reported().items():
        d = _number(r.value) if r.value else None
        if d is not None and len(d.as_tuple().digits) >= MIN_DIGITS: out.setdefault(d, []).append(rid)
    return out

def _trivial(d:Decimal)->bool:
    "Integers below 1000 and powers of two."
    if d == d.to_integral_value() and d < 1000: return True
    return math.frexp(float(d))[0] == 0.5

def _literals(src:str):
    "(line, literal as written) of every int/float constant of a piece of Python (IPython magics skipped)."
    src = "\n".join("pass" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())
    for n in ast.walk(ast.parse(src)):
        if isinstance(n, ast.Constant) and type(n.value) in (int, float):
            seg = ast.get_source_segment(src, n)
            try: same = seg is not None and ast.literal_eval(seg) == n.value
            except (ValueError, SyntaxError): same = False
            yield n.lineno, seg if same else repr(n.value)

def _sources():
    "(file label, cell index or '', cell id or line, code) for every code cell of nbs/ and every module of reuse_edge/."
    for nb in sorted((ROOT/"nbs").rglob("*.ipynb")):
        for i, c in enumerate(json.loads(nb.read_text())["cells"]):
            if c["cell_type"] == "code": yield nb.name, i, c.get("id", ""), "".join(c["source"])
    for py in sorted((ROOT/"reuse_edge").rglob("*.py")):
        yield str(py.relative_to(ROOT)), "", "", py.read_text()

@functools.lru_cache(maxsize=1)
def _all_literals()->tuple:
    "(file label, cell, cell id, line, literal) of every numeric literal in the sources, parsed once per test session."
    return tuple((label, cell, cid, line, lit) for label, cell, cid, src in _sources() for line, lit in _literals(src))

def find_reported_literals()->list:
    "Every non-trivial literal that equals a reported value: dicts with file, cell, cell_id, line, literal, ids."
    numbers, hits = _reported_numbers(), []
    for label, cell, cid, line, lit in _all_literals():
        d = _number(lit)
        if d is None or d not in numbers or _trivial(d) or (label, lit) in ALLOWED: continue
        hits.append(dict(file=label, cell=cell, cell_id=cid, line=line, literal=lit, ids=numbers[d][:4]))
    return hits

def _show(hits): return "\n".join(f"{h['file']} cell {h['cell']} ({h['cell_id']}) line {h['line']}: {h['literal']} = {', '.join(h['ids'])}"
                                  if h["cell"] != "" else f"{h['file']}:{h['line']}: {h['literal']} = {', '.join(h['ids'])}" for h in hits)

def test_the_scanner_finds_a_typed_value_and_ignores_the_rest():
    numbers = _reported_numbers()
    r = load_reported()["neseem.t3_6.r1.acev2"]
    assert _number(r.value) in numbers and not _trivial(_number(r.value))
    src = f'x = {r.value} * 2\ny = "{r.value}"  # {r.value}\nz = 224 + 0.125 + 0.5'
    assert [lit for _, lit in _literals(src) if _number(lit) in numbers and not _trivial(_number(lit))] == [r.value]
    assert _number("-3.130") == _number("3.13") and _number("1_000") == Decimal("1E+3")
    assert _trivial(Decimal("992")) and _trivial(Decimal("2048")) and _trivial(Decimal("0.125")) and not _trivial(Decimal("20.91"))

def test_allow_list_entries_are_still_needed():
    "An allow-list entry whose literal is gone (or no longer matches a reported value) should be removed."
    numbers = _reported_numbers()
    present = {(label, lit) for label, _, _, _, lit in _all_literals() if _number(lit) in numbers}
    assert not set(ALLOWED) - present, f"stale ALLOWED entries: {sorted(set(ALLOWED) - present)}"

def test_no_reported_literals():
    "No code types a reported value: read it with reported(id), or add an ALLOWED entry with a reason."
    hits = find_reported_literals()
    assert not hits, "typed reported values:\n" + _show(hits)
