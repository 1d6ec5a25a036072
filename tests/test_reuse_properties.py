"""Property tests of the reuse library: exactness on duplicates, bucket bounds, gradients, bad input."""
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, strategies as st

from reuse_edge.reuse.conv import im2col, im2col_reuse_conv2d, pixel_reuse_conv2d, weight_matrix
from reuse_edge.reuse.gemm import ideal_speedup, reuse_cost, reuse_matmul
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

@given(order=st.sampled_from(["ckk", "kkc"]), seed=seeds)
def test_column_orders_give_the_same_product(order, seed):
    g = torch.Generator().manual_seed(seed)
    x, w = torch.randn(2, 3, 6, 5, generator=g), torch.randn(4, 3, 3, 3, generator=g)
    y = im2col(x, (3, 3), 1, 1, 1, order) @ weight_matrix(w, order)
    torch.testing.assert_close(y.view(2, 6, 5, 4).permute(0, 3, 1, 2), F.conv2d(x, w, padding=1), rtol=1e-5, atol=1e-5)

def test_ideal_speedup_and_cost_agree():
    for rc, H, M in [(0.1, 8, 64), (0.5, 16, 1024), (1.0, 1, 1)]:
        c = reuse_cost(1000, 128, M, 128, H, int(rc * 1000))
        assert math.isclose(c["dense_macs"] / (c["hash_macs"] + c["gemm_macs"]), ideal_speedup(rc, H, M))

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
    (lambda: ReuseConv2d.from_conv(torch.nn.Conv2d(4, 4, 3, groups=4)), "groups=1"),
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
