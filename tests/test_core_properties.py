"""Property tests of the claims ledger and the core helpers."""
import csv
import json

import numpy as np
import pytest
import torch
from hypothesis import assume, given, strategies as st

from reuse_edge.core import (CLAIM_KINDS, REPORTED_COLUMNS, Ledger, UnknownClaimError, _plain, bench_pair, claim, diff_se, exceeds,
                             env_flag, load_claim_files, load_reported, reported, set_seed)

def _write(folder, rows):
    with open(folder/"t.csv", "w", newline="") as fh: csv.writer(fh).writerows([REPORTED_COLUMNS, *rows])

printed = st.builds(lambda i, d, neg: f"{'-' if neg else ''}{i}" + (f".{d}" if d else ""),
                    st.integers(0, 10**6), st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=4)), st.booleans())

@given(value=printed, offset=st.floats(-2, 2, allow_nan=False))
def test_exact_status_follows_printed_precision(tmp_path_factory, value, offset):
    "An exact claim matches iff it is within half a unit of the last printed digit."
    folder = tmp_path_factory.mktemp("r")
    _write(folder, [("p.t.x", value, "", "", "", "")])
    rep = reported("p.t.x", folder)
    decimals = len(value.split(".")[1]) if "." in value else 0
    assert rep.half_unit == pytest.approx(0.5 * 10**-decimals)
    assume(abs(abs(offset) - 1) > 1e-6)  # exactly on the boundary, rounding decides
    c = claim("p.t.x", rep.number + offset * rep.half_unit, ledger=Ledger(), folder=folder)
    assert c.status == ("match" if abs(offset) < 1 else "mismatch")

@given(name=st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=30))
def test_unknown_ids_are_rejected(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("r")
    _write(folder, [("p.t.x", "1.0", "", "", "", "")])
    if name != "p.t.x":
        with pytest.raises(UnknownClaimError, match="unknown claim id"): claim(name, 1.0, ledger=Ledger(), folder=folder)

@given(kind=st.text(min_size=1, max_size=12).filter(lambda k: k not in CLAIM_KINDS))
def test_unknown_kinds_are_rejected(tmp_path_factory, kind):
    folder = tmp_path_factory.mktemp("r")
    _write(folder, [("p.t.x", "1.0", "", "", "", "")])
    with pytest.raises(ValueError, match="unknown claim kind"): claim("p.t.x", 1.0, kind=kind, ledger=Ledger(), folder=folder)

json_numbers = st.floats(allow_nan=False, allow_infinity=False, width=32) | st.integers(-10**9, 10**9)
nested = st.recursive(json_numbers | st.booleans() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8)

@given(value=nested)
def test_reproduced_values_survive_the_json_round_trip(tmp_path_factory, value):
    folder = tmp_path_factory.mktemp("r")
    _write(folder, [("p.t.x", "higher", "", "", "", "")])
    led = Ledger(folder/"out"/"nb.claims.json", notebook="nb", smoke=False)
    claim("p.t.x", value, kind="trend", holds=True, ledger=led, folder=folder)
    back = load_claim_files(folder/"out")["nb"][0]["reproduced"]
    assert back == json.loads(json.dumps(_plain(value)))

@given(bad=st.sampled_from([float("nan"), float("inf"), -float("inf")]))
def test_non_finite_values_are_rejected(bad):
    with pytest.raises(ValueError, match="not finite"): _plain({"a": [1.0, bad]})

def test_real_reported_tables_are_valid():
    "The shipped reuse_edge/reported/ files load: schema, id pattern, unique ids."
    rows = load_reported()
    assert {r.file for r in rows.values()} >= {"treasure_table2.csv", "genreuse_table1.csv", "genreuse_table3.csv",
                                                "neseem_table3_1.csv", "neseem_table4_1.csv"}
    assert reported("treasure.t2.resnet18.compression").value == "43.10"

@given(seed=st.integers(0, 2**40))
def test_set_seed_is_deterministic(seed):
    a = set_seed(seed).random(3), torch.rand(2)
    b = set_seed(seed).random(3), torch.rand(2)
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])

def test_env_flag_rejects_garbage(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ValueError, match="not a boolean flag"): env_flag("X_FLAG")

def test_bench_pair_interleaves():
    calls = []
    r = bench_pair(lambda: calls.append("a"), lambda: calls.append("b"), repeats=4, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b", "b", "a"]
    assert len(r.times_a) == len(r.times_b) == 4 and r.ratio > 0

@given(a=st.floats(-1e6, 1e6), margin=st.floats(0, 10))
def test_a_tie_never_passes_a_strict_ordering(a, margin):
    assert not exceeds(a, a, margin)
    assert exceeds(a + margin + 1, a, margin) and not exceeds(a + margin, a, margin + 1e-9 + margin * 1e-9)

@given(se_a=st.floats(0, 10), se_b=st.floats(0, 10))
def test_the_margin_of_two_standard_errors_is_symmetric_and_grows(se_a, se_b):
    assert diff_se(se_a, se_b) == diff_se(se_b, se_a) >= 2 * max(se_a, se_b) - 1e-12

@given(value=printed, offset=st.floats(0.6, 5))
def test_a_wider_tolerance_needs_a_reason_and_kinds_do_not_depend_on_the_outcome(tmp_path_factory, value, offset):
    folder = tmp_path_factory.mktemp("rep"); _write(folder, [["d.t.x", value, "", "s", "T", ""], ["d.t.y", "1", "", "s", "T", ""]])
    led = Ledger()
    from reuse_edge.core import reported
    half = reported("d.t.x", folder).half_unit
    with pytest.raises(ValueError, match="tol_reason"): claim("d.t.x", float(value), tol=half * (1 + offset), ledger=led, folder=folder)
    for kind, kw in [("exact", {}), ("consistency", dict(inputs=["d.t.y"], note="sum of printed cells")),
                     ("approx", dict(tol=half * (1 + offset), tol_reason="synthetic data"))]:
        for v in (float(value), float(value) + 10 * half * (1 + offset)):  # inside and far outside the band
            c = claim("d.t.x", v, kind=kind, ledger=led, folder=folder, **kw)
            assert c.kind == kind and c.status in ("match", "mismatch")
