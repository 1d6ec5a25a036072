"""Property tests of the generalized-reuse modules: reorder exactness, the accuracy bound, pattern
(de)serialisation, selection, the MCU emulator, and errors on bad input."""
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, strategies as st

from reuse_edge.reuse.accuracy_model import accuracy_profile, spearman
from reuse_edge.reuse.latency_model import contiguous_runs, flop_ratio, reuse_ops, rt_bounds, rt_feasibility
from reuse_edge.quant import fixed_frac_bits, shift_saturate, to_fixed
from reuse_edge.reuse.mcu import CYCLE_TABLE, MCUS, emulate, pattern_ops, q7_pattern_matmul
from reuse_edge.experiments.genreuse import book_data
from reuse_edge.nn.inspect import layer_shapes
from reuse_edge.nn.models import build_model
from reuse_edge.reuse.conv import COLUMN_ORDERS, column_permutation, weight_matrix
from reuse_edge.reuse.layers import ROW_ORDERS, ReusePattern
from reuse_edge.reuse.patterns import pattern_conv2d, pattern_im2col, pattern_matmul, pattern_units, restore_rows, row_permutation
from reuse_edge.core import pareto_ranks
from reuse_edge.reuse.selection import enumerate_patterns, load_scope, pareto_select
from reuse_edge.data.images import write_cifar10_like

seeds = st.integers(0, 2**31 - 1)
patterns = st.builds(ReusePattern, direction=st.sampled_from(["V", "H"]), vec_len=st.integers(1, 40), n_bits=st.integers(1, 62),
                     depth=st.integers(1, 4), col_order=st.sampled_from(COLUMN_ORDERS), row_order=st.sampled_from(ROW_ORDERS),
                     tile=st.integers(1, 4), scope=st.sampled_from(["image", "batch"]))

@given(B=st.integers(1, 3), C=st.integers(1, 4), size=st.integers(3, 8), k=st.integers(1, 3), stride=st.integers(1, 2),
       pad=st.integers(0, 1), col=st.sampled_from(COLUMN_ORDERS), row=st.sampled_from(ROW_ORDERS), tile=st.integers(1, 3), seed=seeds)
def test_reorder_is_exact(B, C, size, k, stride, pad, col, row, tile, seed):
    "Any row and column order, with the matching weight permutation and the rows restored, is the convolution."
    assume(size + 2 * pad >= k)
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(B, C, size, size, generator=g, dtype=torch.float64), torch.randn(3, C, k, k, generator=g, dtype=torch.float64)
    X, rp, (oh, ow) = pattern_im2col(x, (k, k), stride, pad, 1, col, row, tile)
    assert pattern_im2col(x, (k, k), stride, pad, 1, col, row, tile).out_size == (oh, ow)
    y = restore_rows(X @ weight_matrix(w, col), rp).view(B, oh, ow, 3).permute(0, 3, 1, 2)
    torch.testing.assert_close(y, F.conv2d(x, w, stride=stride, padding=pad), rtol=1e-10, atol=1e-10)

@given(C=st.integers(1, 5), kh=st.integers(1, 4), kw=st.integers(1, 4), col=st.sampled_from(COLUMN_ORDERS),
       B=st.integers(1, 3), oh=st.integers(1, 6), ow=st.integers(1, 6), row=st.sampled_from(ROW_ORDERS), tile=st.integers(1, 4))
def test_permutations_are_permutations(C, kh, kw, col, B, oh, ow, row, tile):
    assert sorted(column_permutation(C, kh, kw, col).tolist()) == list(range(C * kh * kw))
    assert sorted(row_permutation(B, oh, ow, row, tile).tolist()) == list(range(B * oh * ow))

@given(p=patterns)
def test_pattern_serialisation_round_trips(p):
    assert ReusePattern.from_json(p.to_json()) == p
    assert ReusePattern.from_dict(json.loads(json.dumps(p.to_dict()))) == p
    assert p.hash_len == p.block[0] * p.block[1]

@given(N=st.integers(8, 60), D=st.integers(4, 30), M=st.integers(1, 8), direction=st.sampled_from(["V", "H"]),
       L=st.integers(2, 12), H=st.integers(1, 6), depth=st.integers(1, 3), seed=seeds, shift=st.floats(-1, 1))
def test_rigorous_bound_holds(N, D, M, direction, L, H, depth, seed, shift):
    "On random data the rigorous bound is >= the exact error, and the paper's terms bound the per-panel/cluster errors."
    assume((L <= D and depth <= N) if direction == "V" else (L <= N and depth <= D))
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(N, D, generator=g, dtype=torch.float64) + shift, torch.randn(D, M, generator=g, dtype=torch.float64)
    prof = accuracy_profile(x, w, ReusePattern(direction, L, H, depth, scope="batch"), seed=seed % 1000)
    assert prof.exact <= prof.rigorous_bound * (1 + 1e-9) + 1e-9
    assert prof.parts_exact <= prof.paper_bound * (1 + 1e-9) + 1e-9
    assert 0 <= prof.redundancy < 1

@given(N=st.integers(4, 60), D=st.integers(4, 30), direction=st.sampled_from(["V", "H"]), L=st.integers(1, 12), H=st.integers(1, 8),
       depth=st.integers(1, 3), seed=seeds)
def test_redundancy_is_bounded_by_buckets(N, D, direction, L, H, depth, seed):
    assume((L <= D and depth <= N) if direction == "V" else (L <= N and depth <= D))
    x = torch.randn(N, D, generator=torch.Generator().manual_seed(seed))
    _, s = pattern_matmul(x, torch.randn(D, 3), ReusePattern(direction, L, H, depth, scope="batch"))
    lo, hi = rt_bounds(H, s.per_group, extra_buckets=1)
    assert lo - 1e-12 <= s.redundancy <= hi + 1e-12

@given(N=st.integers(10, 60), K=st.integers(12, 40), M=st.integers(1, 6), seed=seeds, direction=st.sampled_from(["V", "H"]))
def test_distinct_units_are_exact(N, K, M, seed, direction):
    "With 32 bits, random continuous data has one unit per bucket, and reuse is exact (whenever that happens)."
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(N, K, generator=g, dtype=torch.float64), torch.randn(K, M, generator=g, dtype=torch.float64)
    p = ReusePattern(direction, 12 if direction == "V" else min(N, 10), 32, scope="batch")
    y, s = pattern_matmul(x, w, p)
    assume(s.remaining_ratio == 1.0)
    torch.testing.assert_close(y, x @ w, rtol=1e-9, atol=1e-9)

def test_bad_input_is_an_error():
    x = torch.randn(20, 10)
    with pytest.raises(ValueError, match="L=11 exceeds the row length D_in=10"): pattern_matmul(x, torch.randn(10, 2), ReusePattern("V", 11, n_bits=4))
    with pytest.raises(ValueError, match="row-panel height vec_len=21 exceeds"): pattern_units(x, ReusePattern("H", 21, scope="batch", n_bits=4))
    with pytest.raises(ValueError, match="block height depth=30 exceeds"): pattern_units(x, ReusePattern("V", 5, depth=30, scope="batch", n_bits=4))
    with pytest.raises(ValueError, match="block width depth=12 exceeds"): pattern_units(x, ReusePattern("H", 5, depth=12, scope="batch", n_bits=4))
    for h in (0, 63, -1): 
        with pytest.raises(ValueError, match="n_bits \\(H\\) must be an integer between 1 and 62"): ReusePattern(n_bits=h, vec_len=16)
    with pytest.raises(ValueError, match="are empty"): load_scope(dict(direction=[]))
    with pytest.raises(ValueError, match="yields no pattern"): enumerate_patterns(dict(L=[100], direction=["V"]), 10, 20)
    with pytest.raises(ValueError, match="unknown pattern field"): ReusePattern.from_dict({"L": 3, "size": 4})
    with pytest.raises(ValueError, match="empty"): pattern_matmul(torch.randn(0, 10), torch.randn(10, 2), ReusePattern("V", 5, n_bits=4))
    with pytest.raises(ValueError, match="hash planes must have shape"): pattern_matmul(x, torch.randn(10, 2), ReusePattern("V", 5, 3), planes=torch.randn(5, 4))
    for h in (33, 62):  # the emulated MCU kernels build the bucket id in one 32-bit word
        with pytest.raises(ValueError, match=f"n_bits \\(H\\) must be <= 32, got {h}"): q7_pattern_matmul(x, torch.randn(10, 2), ReusePattern("V", 5, h), 6, 6, 6)

@given(n=st.integers(3, 30), seed=seeds)
def test_pareto_rank_zero_is_non_dominated(n, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.random(n), rng.random(n)
    r = pareto_ranks(np.column_stack([a, b]))
    front = np.nonzero(r == 0)[0]
    for i in front:
        assert not np.any((a <= a[i]) & (b <= b[i]) & ((a < a[i]) | (b < b[i])))
    assert (r >= 0).all()

@given(rt=st.floats(0.0, 0.999), H=st.integers(1, 8), L=st.sampled_from([8, 12, 16, 24]))
def test_emulator_adds_up_and_grows_with_clusters(rt, H, L):
    "Emulated cycles are the sum of the phases, fall as r_t rises, and the op counts give the paper's FLOP ratio (L | D_in)."
    p = ReusePattern("V", L, H)
    a, b = pattern_ops(p, rt, 100, 16, (3, 3), 32), pattern_ops(p, min(0.0, rt), 100, 16, (3, 3), 32)
    for board in MCUS:
        ea, eb = emulate(a, board), emulate(b, board)
        assert math.isclose(ea.total_cycles, sum(ea.cycles.values()))
        assert ea.total_cycles <= eb.total_cycles + 1e-6  # fewer clusters (higher r_t), fewer cycles
    assert math.isclose(a.paper_flops() / a.dense_macs, flop_ratio(H, 32, 1 - a.gemm_macs / (a.centroid_adds * 32)), rel_tol=1e-9)

def test_rt_feasibility_examples():
    f = rt_feasibility("M-1", 1, 20, 100, 1600, 0.960)
    assert not f.possible and f.min_batch is None and (f.floor, f.ceiling) == tuple(rt_bounds(1, 100))
    assert rt_feasibility("M-1", 6, 15, 784, 75, 0.948).per_image
    assert contiguous_runs(64, 5, 5, "hwc") == 5 and contiguous_runs(3, 5, 5, "chw") == 75

@given(N=st.integers(10, 50), seed=seeds)
def test_q7_reuse_with_distinct_units_matches_q7_dense(N, seed):
    g = torch.Generator().manual_seed(seed)
    x, w = torch.rand(N, 36, generator=g) * 2 - 1, torch.randn(36, 8, generator=g) * 0.2
    fx, fw, fy = fixed_frac_bits(x), fixed_frac_bits(w), fixed_frac_bits(x @ w)
    y = q7_pattern_matmul(x, w, ReusePattern("V", 36, 32, scope="batch"), fx, fw, fy, accumulate="int32")
    _, s = pattern_matmul(to_fixed(x, fx), to_fixed(w, fw), ReusePattern("V", 36, 32, scope="batch"))
    assume(s.remaining_ratio == 1.0)
    dense = shift_saturate(to_fixed(x, fx) @ to_fixed(w, fw), fx + fw - fy) / 2.0 ** fy
    torch.testing.assert_close(y, dense, rtol=0, atol=2.0 ** -fy * 1.01)

def test_cifar10_files_feed_the_models(tmp_path):
    "The real-data path: CIFAR-10 pickle files (written here in that format) load and run through every model."
    write_cifar10_like(tmp_path, per_batch=3)
    tr, te = book_data(10, 2, data_dir=tmp_path)
    assert tr.images.shape == (10, 3, 32, 32) and len(te) == 2
    for arch in ("cifarnet", "squeezenet", "zfnet"):
        assert build_model(arch, width=0.25)(tr.images[:2]).shape == (2, 10)

def test_spearman():
    assert math.isclose(spearman([1, 2, 3], [3, 2, 1]), -1.0)
    assert math.isclose(spearman([1, 1, 2, 3], [1, 1, 2, 3]), 1.0)
