"""Property tests of the reuse library: exactness on duplicates, bucket bounds, gradients, bad input."""
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, strategies as st

from reuse_edge.reuse.conv import COLUMN_ORDERS, ORDER_ALIASES, im2col, im2col_reuse_conv2d, pixel_reuse_conv2d, weight_matrix
from reuse_edge.reuse.gemm import ReuseCost, ideal_speedup, reuse_cost, reuse_matmul
from reuse_edge.reuse.layers import ReuseAttention, ReuseConv2d, ReuseLinear, convert_model, revert_model
from reuse_edge.reuse.lsh import HyperplaneLSH, SubvectorLSH, cluster, n_groups, split_subvectors
from reuse_edge.reuse.scope import ReuseCache

seeds = st.integers(0, 2**31 - 1)

@given(n_distinct=st.integers(1, 6), n=st.integers(1, 60), K=st.integers(2, 40), M=st.integers(1, 12),
       L=st.integers(3, 40), seed=seeds)
def test_duplicated_rows_are_exact(n_distinct, n, K, M, L, seed):
    "Rows that are copies of a few distinct rows are reproduced exactly (distinct rows in distinct buckets)."
    assume(L <= K)
    g = torch.Generator().manual_seed(seed)
    distinct = torch.randn(n_distinct, K, generator=g, dtype=torch.float64)
    x = distinct[torch.randint(0, n_distinct, (n,), generator=g)]
    w = torch.randn(K, M, generator=g, dtype=torch.float64)
    lsh = SubvectorLSH(K, L, n_bits=62, seed=seed)
    sub = split_subvectors(x, L)
    distinct_subvectors = sum(len(torch.unique(sub[g], dim=0)) for g in range(sub.shape[0]))
    clusters = cluster(lsh.ids(x))
    # sign hashing cannot separate positive multiples (e.g. scalars of equal sign): only then is exactness owed
    assume(clusters.n_clusters == distinct_subvectors)
    y, stats = reuse_matmul(x, w, lsh)
    assert stats.clusters == distinct_subvectors <= n_distinct * stats.groups
    torch.testing.assert_close(y, x @ w, rtol=1e-10, atol=1e-10)

@given(n=st.integers(1, 200), K=st.integers(1, 30), H=st.integers(1, 62), seed=seeds, center=st.booleans())
def test_bucket_ids_are_bounded(n, K, H, seed, center):
    x = torch.randn(n, K, generator=torch.Generator().manual_seed(seed))
    x[::7] = 0  # some zero rows
    ids = HyperplaneLSH(K, H, seed, center).ids(x)
    assert ids.dtype == torch.int64 and int(ids.min()) >= 0 and int(ids.max()) <= 2**H
    assert (ids[::7] == 2**H).all(), "zero rows get the reserved bucket"
    c = cluster(ids)
    assert 1 <= c.n_clusters <= min(n, 2**H + 1)
    assert 0 < c.remaining_ratio <= 1 and math.isclose(c.redundancy + c.remaining_ratio, 1)

@given(K=st.integers(1, 50), L=st.integers(1, 50), n=st.integers(1, 5))
def test_subvectors_pad_only_the_last_group(K, L, n):
    assume(L <= K)
    x = torch.randn(n, K)
    sub = split_subvectors(x, L)
    G = n_groups(K, L)
    assert sub.shape == (G, n, L)
    assert torch.equal(sub.transpose(0, 1).reshape(n, -1)[:, :K], x)
    assert (sub.transpose(0, 1).reshape(n, -1)[:, K:] == 0).all()

@given(n=st.integers(2, 30), K=st.integers(2, 8), M=st.integers(1, 5), H=st.integers(1, 4), seed=seeds)
def test_gradients_flow_through_centroid_means(n, K, M, H, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, K, generator=g, dtype=torch.float64, requires_grad=True)
    w = torch.randn(K, M, generator=g, dtype=torch.float64, requires_grad=True)
    lsh = SubvectorLSH(K, n_bits=H, seed=seed)
    fixed = cluster(lsh.ids(x.detach()))
    assert torch.autograd.gradcheck(lambda x, w: reuse_matmul(x, w, lsh, clusters=fixed)[0], (x, w))
    # every row of a cluster receives the same input gradient (the centroid's, divided by the count)
    y, _ = reuse_matmul(x, w, lsh, clusters=fixed)
    (gx,) = torch.autograd.grad(y.sum(), x)
    for c in range(fixed.n_clusters):
        members = gx[fixed.inverse[0] == c]
        torch.testing.assert_close(members, members[:1].expand_as(members))

@given(B=st.integers(1, 2), C=st.integers(4, 8), H=st.integers(3, 9), W=st.integers(3, 9), M=st.integers(1, 6),
       stride=st.integers(1, 2), pad=st.integers(0, 2), dil=st.integers(1, 2), seed=seeds)
def test_pixel_reuse_with_all_bits_is_dense_conv(B, C, H, W, M, stride, pad, dil, seed):
    assume(H + 2 * pad > 2 * dil and W + 2 * pad > 2 * dil)
    g = torch.Generator().manual_seed(seed)
    x, w, b = torch.randn(B, C, H, W, generator=g), torch.randn(M, C, 3, 3, generator=g), torch.randn(M, generator=g)
    ref = F.conv2d(x, w, b, stride, pad, dil)
    pixels = x.permute(0, 2, 3, 1).reshape(-1, C)
    assume(cluster(HyperplaneLSH(C, 62, seed).ids(pixels)).n_clusters == len(pixels))  # every pixel its own bucket
    out, _ = pixel_reuse_conv2d(x, w, b, HyperplaneLSH(C, 62, seed), stride, pad, dil)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)

@given(col_order=st.sampled_from(COLUMN_ORDERS + tuple(ORDER_ALIASES)), seed=seeds)
def test_column_orders_give_the_same_product(col_order, seed):
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(2, 3, 6, 5, generator=g), torch.randn(4, 3, 3, 3, generator=g)
    y = im2col(x, (3, 3), 1, 1, 1, col_order) @ weight_matrix(w, col_order)
    torch.testing.assert_close(y.view(2, 6, 5, 4).permute(0, 3, 1, 2), F.conv2d(x, w, padding=1), rtol=1e-5, atol=1e-5)

def test_ideal_speedup_and_cost_agree():
    for rc, H, M in [(0.1, 8, 64), (0.5, 16, 1024), (1.0, 1, 1)]:
        c = reuse_cost(1000, 128, M, 128, H, int(rc * 1000))
        assert isinstance(c, ReuseCost) and c.reuse_macs == c.hash_macs + c.gemm_macs
        assert math.isclose(c.mac_speedup, ideal_speedup(rc, H, M))
        assert math.isclose(c.dense_macs / (c.hash_macs + c.gemm_macs), ideal_speedup(rc, H, M))

@given(C=st.integers(1, 4), M=st.integers(1, 5), size=st.integers(3, 8), H=st.integers(1, 8), seed=seeds)
def test_every_reuse_path_costs_a_reuse_cost(C, M, size, H, seed):
    "cost() of pixel, im2col and GEMM reuse is a ReuseCost whose dense MACs are the convolution's."
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(2, C, size, size, generator=g), torch.randn(M, C, 3, 3, generator=g)
    dense = 2 * (size - 2) ** 2 * C * 9 * M
    _, sp = pixel_reuse_conv2d(x, w, None, HyperplaneLSH(C, H, seed))
    _, si = im2col_reuse_conv2d(x, w, None, SubvectorLSH(C * 9, n_bits=H, seed=seed))
    for s in (sp, si):
        c = s.cost()
        assert isinstance(c, ReuseCost) and c.dense_macs == dense and c.hash_macs > 0

def test_convert_and_revert_keep_parameters():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 2))
    params = [p.data_ptr() for p in model.parameters()]
    convert_model(model, default=dict(n_bits=8))
    assert isinstance(model[0], ReuseConv2d) and isinstance(model[3], ReuseLinear)
    assert [p.data_ptr() for p in model.parameters()] == params
    revert_model(model)
    assert type(model[0]) is torch.nn.Conv2d and [p.data_ptr() for p in model.parameters()] == params

@pytest.mark.parametrize("make,match", [
    (lambda: HyperplaneLSH(4, 63), "between 1 and 62"),
    (lambda: HyperplaneLSH(4, 0), "between 1 and 62"),
    (lambda: SubvectorLSH(8, 9), "exceeds the row length"),
    (lambda: reuse_matmul(torch.randn(0, 4), torch.randn(4, 2), SubvectorLSH(4)), "empty"),
    (lambda: reuse_matmul(torch.tensor([[1.0, float("nan"), 0, 0]]), torch.randn(4, 2), SubvectorLSH(4)), "NaN or inf"),
    (lambda: reuse_matmul(torch.randn(3, 4), torch.randn(5, 2), SubvectorLSH(4)), "shape mismatch"),
    (lambda: reuse_matmul(torch.randn(3, 4), torch.randn(4, 2).double(), SubvectorLSH(4)), "dtype mismatch"),
    (lambda: im2col_reuse_conv2d(torch.randn(1, 3, 5, 5), torch.randn(2, 4, 3, 3), None, SubvectorLSH(36)), "input has 3 channels"),
    (lambda: pixel_reuse_conv2d(torch.randn(0, 3, 5, 5), torch.randn(2, 3, 3, 3), None, HyperplaneLSH(3, 4)), "empty batch"),
    (lambda: pixel_reuse_conv2d(torch.full((1, 3, 5, 5), float("inf")), torch.randn(2, 3, 3, 3), None, HyperplaneLSH(3, 4)), "NaN or inf"),
    (lambda: ReuseConv2d.from_float(torch.nn.Conv2d(4, 4, 3, groups=4)), "groups=1"),
    (lambda: ReuseAttention(10, 3), "not divisible"),
    (lambda: ReuseCache(HyperplaneLSH(3, 4), lambda c: c, window=0), "positive integer"),
])
def test_bad_input_is_rejected_clearly(make, match):
    with pytest.raises((ValueError, TypeError), match=match): make()

@given(frames=st.integers(2, 6), seed=seeds)
def test_cache_serves_repeated_frames_exactly(frames, seed):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(6, 3, generator=g)
    cache = ReuseCache(HyperplaneLSH(6, 30, seed), lambda c: c @ w, window=frames)
    f = torch.randn(20, 6, generator=g)
    first = cache(f)
    for _ in range(frames - 1):
        assert torch.equal(cache(f), first)
    assert cache.history[-1]["hits"] == 20

# --- reuse layers built like torch layers, and model-level tools on every reuse layer ---
from hypothesis import settings
from reuse_edge.reuse.layers import ReuseLayer, ReuseMLP, reuse_enabled, reuse_layers, reuse_report
from reuse_edge.reuse.layers import ReusePattern
from reuse_edge.reuse.patterns import PatternConv2d, convert_to_patterns

@given(i=st.integers(1, 12), o=st.integers(1, 12), bias=st.booleans(), n=st.integers(1, 3), H=st.integers(1, 16), seed=seeds)
def test_reuse_linear_built_fresh_is_nn_linear(i, o, bias, n, H, seed):
    "ReuseLinear(...) draws nn.Linear's initial weights, and with reuse off computes F.linear exactly."
    torch.manual_seed(seed); ref = torch.nn.Linear(i, o, bias)
    torch.manual_seed(seed); m = ReuseLinear(i, o, bias, n_bits=H, seed=seed)
    assert all(torch.equal(p, q) for p, q in zip(m.parameters(), ref.parameters()))
    x = torch.randn(n, 4, i, generator=torch.Generator().manual_seed(seed))
    with reuse_enabled(m, False): assert torch.equal(m(x), F.linear(x, ref.weight, ref.bias))
    assert m.reuse and m(x).shape == (n, 4, o) and repr(m)

@given(C=st.integers(1, 5), M=st.integers(1, 5), k=st.integers(1, 3), stride=st.integers(1, 2), pad=st.integers(0, 1), seed=seeds)
def test_reuse_convs_built_fresh_are_nn_conv2d(C, M, k, stride, pad, seed):
    "ReuseConv2d(...) and PatternConv2d(...) draw nn.Conv2d's initial weights and, with reuse off, compute F.conv2d."
    torch.manual_seed(seed); ref = torch.nn.Conv2d(C, M, k, stride, pad)
    x = torch.randn(2, C, 5, 5, generator=torch.Generator().manual_seed(seed))
    for make in (lambda: ReuseConv2d(C, M, k, stride, pad, n_bits=8), lambda: PatternConv2d(C, M, k, stride, pad, pattern=ReusePattern(vec_len=1, n_bits=4))):
        torch.manual_seed(seed); m = make()
        assert all(torch.equal(p, q) for p, q in zip(m.parameters(), ref.parameters())) and isinstance(m, ReuseLayer)
        with reuse_enabled(m, False): assert torch.equal(m(x), F.conv2d(x, ref.weight, ref.bias, stride, pad))

@given(states=st.lists(st.booleans(), min_size=1, max_size=6), enabled=st.booleans(), fail=st.booleans())
def test_reuse_enabled_restores_mixed_states(states, enabled, fail):
    "Inside the block every reuse layer has the asked state; afterwards each has its own again, also after an exception."
    net = torch.nn.Sequential(*[ReuseLinear(3, 3, n_bits=4) for _ in states])
    for m, s in zip(net, states): m.reuse = s
    try:
        with reuse_enabled(net, enabled):
            assert [m.reuse for m in net] == [enabled] * len(states)
            if fail: raise RuntimeError("inside")
    except RuntimeError: assert fail
    assert [m.reuse for m in net] == states

@given(seed=seeds)
@settings(max_examples=10, deadline=None)
def test_reuse_report_covers_every_reuse_layer(seed):
    "One report over linear, convolution and pattern reuse layers; it leaves switches and parameters as they were."
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Tanh(), torch.nn.Conv2d(4, 4, 3), torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 2))
    params = [p.data_ptr() for p in net.parameters()]
    convert_to_patterns(net, {"0": ReusePattern("V", vec_len=9, n_bits=6)}, seed=seed)
    convert_model(net, {"2": dict(n_bits=6), "4": dict(n_bits=6)})
    net[2].reuse = False
    rep = reuse_report(net, torch.randn(2, 3, 8, 8))
    assert rep.layer.tolist() == ["0", "2", "4", "(total)"] and rep.type.tolist()[:3] == ["PatternConv2d", "ReuseConv2d", "ReuseLinear"]
    # a layer's r_c is a fraction of its rows; the total is GEMM MACs over dense MACs, which pixel reuse can push past 1
    # on small unpadded maps (more input pixels than output positions)
    assert ((rep.r_c[:-1] > 0) & (rep.r_c[:-1] <= 1)).all() and rep.r_c.iloc[-1] > 0
    assert [m.reuse for m in reuse_layers(net).values()] == [True, False, True]
    revert_model(net)
    assert reuse_layers(net) == {} and [p.data_ptr() for p in net.parameters()] == params

@pytest.mark.parametrize("make,match", [
    (lambda: ReuseLinear.from_float(torch.nn.Conv2d(1, 1, 1)), "expected nn.Linear"),
    (lambda: ReuseConv2d.from_float(torch.nn.Linear(1, 1)), "expected nn.Conv2d"),
    (lambda: PatternConv2d.from_float(torch.nn.Linear(1, 1)), "expected nn.Conv2d"),
    (lambda: ReuseLinear(4, 4, scope="frame"), "scope must be one of"),
    (lambda: ReuseConv2d(4, 4, 3, mode="fft"), "mode must be one of"),
    (lambda: ReuseLinear.from_float(torch.nn.Linear(2, 2), bits=3), "unexpected keyword argument"),
    (lambda: convert_model(torch.nn.Sequential(torch.nn.Linear(2, 2)), {"0": dict(layer=torch.nn.Linear)}), "reuse layer class"),
    (lambda: reuse_enabled(torch.nn.Linear(2, 2)).__enter__(), "no reuse layers"),
    (lambda: reuse_enabled(ReuseMLP(4, 8, n_bits=4), 1).__enter__(), "True or False"),
])
def test_reuse_layer_construction_rejects_bad_input(make, match):
    with pytest.raises((TypeError, ValueError), match=match): make()
