"""The fused reuse kernels against the pure-torch reference: the same clusters, centroids and outputs, bit for bit,
over shapes, settings and thread counts; and the layers built on them."""
import pytest
import torch
import torch.nn as nn
from hypothesis import given, strategies as st

from reuse_edge.native import use_native
from reuse_edge.reuse.gemm import cluster_centroids
from reuse_edge.reuse.kernels import bucket_clusters, fused_ops, table_conv
from reuse_edge.reuse.layers import ReuseConv2d, ReuseLinear
from reuse_edge.reuse.lsh import hyperplanes

pytestmark = pytest.mark.skipif(fused_ops() is None, reason="the fused kernels cannot be built here (the fallback is tested in test_native.py)")
seeds = st.integers(0, 2**31 - 1)

def rows_with_repeats(n, dim, seed, zero_every):
    "Rows drawn from a few prototypes with small noise, some exactly zero: many ties, as in real activations."
    g = torch.Generator().manual_seed(seed)
    proto = torch.randn(max(1, n // 8), dim, generator=g)
    x = proto[torch.randint(0, proto.shape[0], (n,), generator=g)] + 0.01 * torch.randn(n, dim, generator=g)
    if zero_every: x[::zero_every] = 0
    return x

def same_clusters(a, b):
    return torch.equal(a.inverse, b.inverse) and torch.equal(a.counts, b.counts) and torch.equal(a.offsets, b.offsets)

@given(n_scopes=st.integers(1, 4), per_scope=st.integers(1, 300), dim=st.integers(1, 70), H=st.integers(1, 62),
       center=st.booleans(), zero_every=st.sampled_from([0, 1, 3, 7]), threads=st.sampled_from([1, 2]), seed=seeds)
def test_bucket_clusters_and_centroids_match_reference(n_scopes, per_scope, dim, H, center, zero_every, threads, seed):
    n = n_scopes * per_scope
    x, planes = rows_with_repeats(n, dim, seed, zero_every), hyperplanes(dim, H, seed=seed)
    scope_len = per_scope if n_scopes > 1 else 0
    old = torch.get_num_threads(); torch.set_num_threads(threads)
    try:
        with use_native(False):
            ref = bucket_clusters(x, planes, center, scope_len)
            ref_cent = cluster_centroids(x, ref, pad_row=True)
        got = bucket_clusters(x, planes, center, scope_len)
        assert same_clusters(got, ref)
        assert torch.equal(cluster_centroids(x, got, pad_row=True), ref_cent)
        assert torch.equal(cluster_centroids(x, got), ref_cent[:-1])
    finally: torch.set_num_threads(old)

@given(n=st.integers(0, 6000), bits=st.integers(1, 62), seed=seeds)
def test_rank_keys_both_sorts_give_the_ascending_ranks(n, bits, seed):
    "The comparison sort and the radix sort that number the clusters rank any distinct non-negative keys as argsort does."
    g = torch.Generator().manual_seed(seed)
    keys = torch.unique(torch.randint(0, 1 << bits, (n,), generator=g))
    keys = keys[torch.randperm(len(keys), generator=g)]
    expect = torch.empty_like(keys); expect[torch.argsort(keys)] = torch.arange(len(keys))
    ops = fused_ops()
    assert torch.equal(ops.rank_keys(keys, 0), expect) and torch.equal(ops.rank_keys(keys, len(keys) + 1), expect)

@given(n=st.integers(3000, 9000), H=st.integers(24, 62), center=st.booleans(), scopes=st.sampled_from([1, 3]), seed=seeds)
def test_many_clusters_take_the_radix_numbering_and_match_reference(n, H, center, scopes, seed):
    "Random rows on wide keys: thousands of clusters, numbered by the radix sort, index for index as the reference."
    n -= n % scopes
    x = torch.randn(n, 16, generator=torch.Generator().manual_seed(seed))
    planes = hyperplanes(16, H, seed=seed)
    scope_len = n // scopes if scopes > 1 else 0
    with use_native(False): ref = bucket_clusters(x, planes, center, scope_len)
    got = bucket_clusters(x, planes, center, scope_len)
    assert got.n_clusters > 2048 and same_clusters(got, ref)

@given(n=st.integers(1, 200), center=st.booleans(), seed=seeds)
def test_rows_with_all_zero_projections_are_not_zero_rows(n, center, seed):
    "The kernel reads a row only when all its projections are zero: rows orthogonal to every plane keep the reference's ids."
    g = torch.Generator().manual_seed(seed)
    planes = torch.tensor([[1.0, 2.0], [-1.0, -2.0], [0.0, 0.0]])  # every row (a, a, c) projects to exactly 0 on both planes
    a, c = torch.randint(-3, 4, (n, 1), generator=g).float(), torch.randint(-3, 4, (n, 1), generator=g).float()
    x = torch.cat([a, a, c], 1)  # some rows all zero, the others non-zero with zero projections
    with use_native(False): ref = bucket_clusters(x, planes, center)
    assert same_clusters(bucket_clusters(x, planes, center), ref)

@given(n_c=st.integers(1, 60), B=st.integers(1, 3), H=st.integers(1, 12), W=st.integers(1, 12), M=st.integers(1, 80),
       k=st.sampled_from([1, 3, 5]), stride=st.integers(1, 3), padding=st.integers(0, 2), dilation=st.integers(1, 2),
       bias=st.booleans(), threads=st.sampled_from([1, 2]), seed=seeds)
def test_table_conv_matches_reference(n_c, B, H, W, M, k, stride, padding, dilation, bias, threads, seed):
    g = torch.Generator().manual_seed(seed)
    if (H + 2 * padding - dilation * (k - 1) - 1) < 0 or (W + 2 * padding - dilation * (k - 1) - 1) < 0: return
    table = torch.cat([torch.randn(n_c, k * k, M, generator=g), torch.zeros(1, k * k, M)])
    idmap, b = torch.randint(0, n_c, (B, H, W), generator=g), (torch.randn(M, generator=g) if bias else None)
    old = torch.get_num_threads(); torch.set_num_threads(threads)
    try:
        with use_native(False): ref = table_conv(table, idmap, b, (k, k), stride, padding, dilation)
        assert torch.equal(table_conv(table, idmap, b, (k, k), stride, padding, dilation), ref)
    finally: torch.set_num_threads(old)

@given(C=st.integers(1, 24), M=st.integers(1, 40), H=st.integers(2, 20), scope=st.sampled_from(["image", "batch"]),
       center=st.booleans(), stride=st.integers(1, 2), padding=st.integers(0, 2), dilation=st.integers(1, 2),
       bias=st.booleans(), channels_last=st.booleans(), threads=st.sampled_from([1, 2]), seed=seeds)
def test_reuse_layers_match_reference(C, M, H, scope, center, stride, padding, dilation, bias, channels_last, threads, seed):
    "Whole layers: the one-call fused path is the step-by-step reference path, bit for bit, in inference; float64 always uses the reference."
    torch.manual_seed(seed)
    conv, lin = nn.Conv2d(C, M, 3, stride=stride, padding=padding, dilation=dilation, bias=bias), nn.Linear(C, M, bias=bias)
    x = torch.relu(torch.randn(3, C, 9, 10))
    if channels_last: x = x.contiguous(memory_format=torch.channels_last)
    tokens = torch.randn(3, 17, C)
    rc = ReuseConv2d.from_float(conv, n_bits=H, center=center, scope=scope, seed=seed)
    rl = ReuseLinear.from_float(lin, n_bits=H, center=center, scope=scope, seed=seed)
    old = torch.get_num_threads(); torch.set_num_threads(threads)
    try:
        with torch.no_grad():
            with use_native(False): ref_c, ref_l = rc(x), rl(tokens)
            ref_stats = rc.last_stats.assignment
            assert torch.equal(rc(x), ref_c) and torch.equal(rl(tokens), ref_l)
            assert same_clusters(rc.last_stats.assignment, ref_stats)
            rc64 = ReuseConv2d.from_float(conv.double(), n_bits=H, center=center, scope=scope, seed=seed)
            with use_native(False): ref64 = rc64(x.double())
            assert torch.equal(rc64(x.double()), ref64)
    finally: torch.set_num_threads(old)

@given(bad=st.sampled_from([float("nan"), float("inf"), -float("inf")]), where=st.integers(0, 10**6), seed=seeds)
def test_fused_layers_reject_nan_and_inf_as_the_reference_does(bad, where, seed):
    "A NaN or inf anywhere in the input: the same clear error from the fused call as from the reference, the input untouched."
    torch.manual_seed(seed)
    rc = ReuseConv2d.from_float(nn.Conv2d(5, 7, 3, padding=1), n_bits=10, center=True, scope="batch", seed=seed)
    rl = ReuseLinear.from_float(nn.Linear(5, 7), n_bits=10, scope="batch", seed=seed)
    for layer, x in ((rc, torch.randn(2, 5, 6, 6)), (rl, torch.randn(2, 9, 5))):
        x.view(-1)[where % x.numel()] = bad
        keep = x.clone()
        for native in (False, True):
            with torch.no_grad(), use_native(native):
                with pytest.raises(ValueError, match="NaN or inf"): layer(x)
        assert torch.equal(x.nan_to_num(), keep.nan_to_num()) and torch.equal(x.isnan(), keep.isnan())

def test_training_uses_the_differentiable_reference():
    "With a gradient needed, the layers run the reference and gradients reach the weights and the input."
    torch.manual_seed(0)
    conv = nn.Conv2d(4, 6, 3, padding=1)
    rc = ReuseConv2d.from_float(conv, n_bits=8, scope="batch")
    x = torch.randn(2, 4, 8, 8, requires_grad=True)
    rc(x).sum().backward()
    assert x.grad is not None and conv.weight.grad is not None and conv.weight.grad.abs().sum() > 0
