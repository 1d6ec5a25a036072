"""Properties of the end-to-end reuse experiment's building blocks (reuse_edge.experiments.reuse_e2e): the cost-model
bound behind the conversion rule, the per-layer choice of H, the refined end-to-end ideal, the configuration's cache key
and the BENCH lines. No model is trained here."""
import dataclasses

import pytest
import torch
import torch.nn as nn
from hypothesis import given, settings, strategies as st

from reuse_edge.book import parse_bench_line
from reuse_edge.core import BenchResult
from reuse_edge.experiments.reuse_e2e import (E2E_CASE, E2EConfig, E2EResult, E2ERun, pick_bits, refined_ideal, reuse_bounds)
from reuse_edge.reuse.tuning import LayerSetting


@settings(max_examples=25, deadline=None)
@given(c=st.sampled_from([4, 8, 16, 32]), m=st.sampled_from([1, 4, 16, 64]), k=st.sampled_from([1, 3, 5]),
       stride=st.sampled_from([1, 2]), h=st.integers(1, 32), side=st.sampled_from([8, 16]))
def test_bound_is_dense_macs_over_the_overheads(c, m, k, stride, h, side):
    "bound = N C k^2 M / (P C H + P C + N k^2 M) for a single convolution, whatever its shape."
    net = nn.Sequential(nn.Conv2d(3, c, 1), nn.Conv2d(c, m, k, stride, k // 2))
    b = {x.name: x for x in reuse_bounds(net, (side, side), n_bits=h)}["1"]
    P, N = side * side, ((side + 2 * (k // 2) - k) // stride + 1) ** 2
    assert b.dense_macs == N * c * k * k * m
    assert b.overhead_ops == P * c * h + P * c + N * k * k * m
    assert b.bound == pytest.approx(b.dense_macs / b.overhead_ops)


@settings(max_examples=20, deadline=None)
@given(lo=st.floats(0.5, 20), hi=st.floats(0.5, 20))
def test_rule_converts_fewer_layers_with_a_higher_minimum(lo, hi):
    lo, hi = sorted((lo, hi))
    net = nn.Sequential(nn.Conv2d(3, 16, 7, 2, 3), nn.Conv2d(16, 32, 3, 1, 1), nn.Conv2d(32, 64, 3, 2, 1), nn.Conv2d(64, 1, 1))
    keep = lambda t: {b.name for b in reuse_bounds(net, (16, 16), min_bound=t) if b.reuse}
    assert keep(hi) <= keep(lo)


def _evals(draw_errors, comps):
    return [LayerSetting(4 * (i + 1), 8, e, e * e, 1 / max(1 - c / 100, 1e-9), c, 1 - c / 100)
            for i, (e, c) in enumerate(zip(draw_errors, comps))]

@settings(max_examples=40, deadline=None)
@given(errors=st.lists(st.floats(0, 1), min_size=1, max_size=8), data=st.data(), budget=st.floats(0.001, 1))
def test_pick_bits_respects_the_budget_and_looser_budgets_compress_no_less(errors, data, budget):
    comps = data.draw(st.lists(st.floats(0, 99), min_size=len(errors), max_size=len(errors)))
    evals = _evals(errors, comps)
    by_h = {e.n_bits: e for e in evals}
    chosen = by_h[pick_bits({"x": evals}, budget)["x"]]
    if any(e.rel_error <= budget for e in evals):
        assert chosen.rel_error <= budget
        assert chosen.compression == max(e.compression for e in evals if e.rel_error <= budget)
        looser = by_h[pick_bits({"x": evals}, budget * 2)["x"]]
        assert looser.compression >= chosen.compression


@settings(max_examples=40, deadline=None)
@given(dense=st.floats(1, 100), parts=st.lists(st.tuples(st.floats(0, 1), st.floats(0.1, 50)), min_size=1, max_size=6))
def test_refined_ideal_is_amdahl(dense, parts):
    total = sum(p for p, _ in parts)
    layers = [dict(dense_ms=dense * p / max(total, 1.0), ideal=i) for p, i in parts]  # the reuse layers take at most the whole time
    ideal = refined_ideal(dense, layers)
    outside = dense - sum(l["dense_ms"] for l in layers)
    assert ideal == pytest.approx(dense / (outside + sum(l["dense_ms"] / l["ideal"] for l in layers)))
    if all(l["ideal"] == 1 for l in layers): assert ideal == pytest.approx(1)
    if outside > 1e-9: assert ideal <= dense / outside * (1 + 1e-9)  # the time outside the reuse layers bounds it


def test_every_field_is_in_the_cache_key():
    base = E2EConfig()
    changed = dict(height=96, width=192, model_width=32, train_drives=3, val_drives=1, frames_per_drive=48, epochs=3, sa_epochs=1,
                   clip=4, min_bound=4.0, bits=(2, 30), bit_step=2, budgets=(0.1,), max_f1_loss=1.0, calib_frames=32, seed=1)
    assert set(changed) == {f.name for f in dataclasses.fields(E2EConfig)}
    for k, v in changed.items(): assert dataclasses.replace(base, **{k: v}).key() != base.key(), k


@settings(max_examples=20, deadline=None)
@given(a=st.lists(st.floats(1e-3, 1), min_size=1, max_size=5), b=st.lists(st.floats(1e-3, 1), min_size=1, max_size=5),
       runs=st.integers(1, 4))
def test_bench_lines_parse_back(a, b, runs):
    run = E2ERun(BenchResult(("dense", "reuse"), a, b, E2E_CASE), {"hashing": 1.0, "gemm": 2.0})
    layers = [dict(dense_ms=1.0, ideal=2.0, hashing_model_ms=0.5, centroids_model_ms=0.1, gemm_model_ms=0.2, recovery_model_ms=0.1)]
    res = E2EResult(90.0, 0.5, 89.5, 0.5, 89.0, 90.0, 80.0, 70.0, 5.0, 3.0, [run] * runs, layers, (128, 256), 8)
    lines = res.lines(width=64)
    assert len(lines) == runs
    for i, line in enumerate(lines):
        f = parse_bench_line(line)
        assert (f["case"], f["run"], f["width"], f["frame"], f["clip"]) == (E2E_CASE, i, 64, "128x256", 8)
        assert f["ratio"] == pytest.approx(run.ratio, rel=1e-3) and f["efficiency"] == pytest.approx(run.ratio / 3.0, rel=1e-3)
        assert f["hashing_ms"] == "1.000/0.500" and f["centroids_ms"] == "0.000/0.100"


def test_config_errors():
    with pytest.raises(ValueError, match="a clip of 8 frames"): E2EConfig(frames_per_drive=4)
    with pytest.raises(ValueError, match="budgets and min_bound must be positive"): E2EConfig(min_bound=0)
