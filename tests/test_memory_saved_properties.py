"""Tests of the saved-tensor hooks (reuse_edge.memory.saved): bit-identical training, dedupe, skips, robustness."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from reuse_edge.data.images import synthetic_images
from reuse_edge.memory.analysis import bitmap_bytes
from reuse_edge.memory.combine import CheckpointEveryM, fit_compressed
from reuse_edge.memory.sparsity import OutputReLU6
from reuse_edge.nn.models import mobilenet_style, resnet_style, small_cnn
from reuse_edge.memory.measure import saved_bytes
from reuse_edge.memory.saved import bitmap_saved_tensors, identical_training

def _batches(n=2, batch=8, seed=0):
    s = synthetic_images(n * batch, seed=seed)
    return [(s.images[i * batch:(i + 1) * batch], s.labels[i * batch:(i + 1) * batch]) for i in range(n)]

@pytest.mark.parametrize("make", [lambda: resnet_style(width=8), lambda: mobilenet_style(width=8),
                                  lambda: mobilenet_style(width=8, act=OutputReLU6), lambda: small_cnn(width=8),
                                  lambda: CheckpointEveryM(resnet_style(width=8), 2)],
                         ids=["resnet_style", "mobilenet_style", "mobilenet_outrelu6", "small_cnn", "checkpointed"])
def test_lossless_training_is_bit_identical(make):
    r = identical_training(make, _batches(3), seed=1)
    assert r.identical_grads and r.identical_state and r.compressed > 0

def test_lossy_modes_are_not_identical():
    for kw in (dict(prune_below=0.05), dict(value_dtype=torch.float16)):
        assert not identical_training(lambda: resnet_style(width=8), _batches(2), **kw).identical_grads

@settings(max_examples=15, deadline=None)
@given(rows=st.integers(1, 40), cols=st.integers(1, 40), seed=st.integers(0, 10**6), min_bytes=st.sampled_from([1, 256]))
def test_views_of_one_storage_are_stored_once_and_restored_exactly(rows, cols, seed, min_bytes):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(rows, cols, generator=g, requires_grad=True)
    def f():
        r = torch.relu(a * 1.5)
        return (r[:, ::2] * r[:, ::2]).sum() + (r.t() ** 3).sum() + (r.reshape(-1)[: max(1, rows * cols // 2)] ** 2).sum()
    a.grad = None; f().backward(); ref = a.grad.clone()
    a.grad = None
    with bitmap_saved_tensors(min_bytes=min_bytes) as s: out = f()
    out.backward()
    assert torch.equal(a.grad, ref)
    if 4 * rows * cols >= min_bytes:
        assert len([r for r in s.stats.records if r.numel == rows * cols]) == 1  # r: one record however many views
    else:
        assert s.stats.small_calls >= 4 and not s.stats.records  # small storages: kept and counted in aggregate
    assert s.stats.stored_bytes == s.stats.analytic_bytes

def test_a_small_view_of_a_big_storage_costs_its_span():
    big = torch.relu(torch.randn(1000, 100))
    x = big[10:20].requires_grad_(False)  # a view: rows 10..19 of a 100k-element storage
    w = nn.Parameter(torch.randn(100, 5))
    with bitmap_saved_tensors(min_bytes=1) as s: out = (x @ w).sum()
    out.backward()
    assert [r.numel for r in s.stats.records] == [1000]
    assert torch.equal(w.grad, x.t() @ torch.ones(10, 5))

@settings(max_examples=15, deadline=None)
@given(n_in=st.integers(1, 24), width=st.integers(1, 48), batch=st.integers(2, 9), seed=st.integers(0, 10**6))
def test_parameters_buffers_and_their_views_are_skipped(n_in, width, batch, seed):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(n_in, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, 4))
    x = torch.randn(batch, n_in)
    held = {t.untyped_storage().data_ptr() for t in list(net.parameters()) + list(net.buffers())}
    net(x).sum().backward()
    ref = [p.grad.clone() for p in net.parameters()]
    census = []  # an independent census of what autograd saves, with torch's own hooks
    def keep(t): census.append(t); return t
    with torch.autograd.graph.saved_tensors_hooks(keep, lambda t: t): net(x).sum()
    ptr = lambda t: t.untyped_storage().data_ptr()
    model_saves = [t for t in census if ptr(t) in held]  # weights (and views such as weight.t()), running statistics
    activations = {ptr(t): t.untyped_storage().nbytes() for t in census if ptr(t) not in held}  # one entry per storage
    assert model_saves and activations
    net.zero_grad()
    with bitmap_saved_tensors(net, min_bytes=1) as s: net(x).sum().backward()
    assert s.stats.calls == len(census) and s.stats.param_calls == len(model_saves)
    assert len(s.stats.records) == len(activations)  # every activation storage once; no parameter or buffer among them
    assert s.stats.dense_bytes == sum(activations.values())  # hence no parameter bytes counted
    assert all(torch.equal(p.grad, g) for p, g in zip(net.parameters(), ref))  # the skipped tensors were kept, not lost

def test_buffers_given_new_storage_are_still_recognised():
    "The cached parameter/buffer addresses follow a buffer replaced between contexts (e.g. by load_state_dict or .data =)."
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8)).eval()  # eval: batch norm saves its running statistics
    x = torch.randn(4, 6, requires_grad=True)
    def held_saves():
        with bitmap_saved_tensors(net, min_bytes=1) as s: net(x).sum().backward()
        return s.stats.param_calls, len(s.stats.records)
    first = held_saves()
    net[0].weight.data = net[0].weight.data.clone()  # new storage, same Parameter object
    net[1].running_mean = net[1].running_mean.clone()  # a new buffer tensor
    net[1].running_var.data = net[1].running_var.data.clone()  # a buffer given new storage
    assert held_saves() == first and first[0] >= 3  # the weight and both running statistics held, not recorded

def test_dense_tensors_are_kept_and_counted():
    x = torch.randn(5000)
    y = (x + 1).requires_grad_()
    with bitmap_saved_tensors(min_bytes=1) as s: out = (y.sin() + 0).sum()
    out.backward()
    assert [r.decision for r in s.stats.records] == []  # y is a leaf that requires grad: held by the caller
    z = torch.randn(5000, requires_grad=True)
    with bitmap_saved_tensors(min_bytes=1) as s: out = (z * 2).sin().sum()
    out.backward()
    assert [r.decision[:14] for r in s.stats.records] == ["dense: no gain"]
    assert s.stats.stored_bytes == s.stats.dense_bytes == 20000

def test_in_place_modification_after_save():
    b = torch.randn(1000, requires_grad=True)
    with bitmap_saved_tensors(min_bytes=1):
        h = b.exp(); out = (h * 3).sum(); h.add_(1)  # exp's result is dense: kept, then modified
    with pytest.raises(RuntimeError, match="modified by an in-place operation"): out.backward()
    b.grad = None
    with bitmap_saved_tensors(min_bytes=1):
        h = torch.relu(b * 1.0); out = h.sum(); h.add_(1)  # compressed: a snapshot of what the forward used
    out.backward()
    assert torch.equal(b.grad, (b > 0).float())

def test_other_devices_and_errors_keep_the_tensor():
    m = torch.randn(16, 16, device="meta", requires_grad=True)
    with bitmap_saved_tensors(min_bytes=1) as s: torch.relu(m * 2).sum()
    assert {r.decision for r in s.stats.records} == {"dense: device/layout/empty"}
    sp = torch.randn(50, 50).relu().to_sparse().requires_grad_()
    with bitmap_saved_tensors(min_bytes=1) as s: out = torch.sparse.sum(sp * 2)
    out.backward()
    assert sp.grad is not None

def test_bad_options_and_reentry():
    with pytest.raises(ValueError, match="prune_below"): bitmap_saved_tensors(prune_below=-0.1)
    with pytest.raises(ValueError, match="floating dtype"): bitmap_saved_tensors(value_dtype=torch.int16)
    ctx = bitmap_saved_tensors()
    with ctx: pass
    with pytest.raises(RuntimeError, match="not re-entrant"): ctx.__enter__()

def test_saved_bytes_match_the_formula_and_live_buffers():
    x, y = _batches(1, 16)[0]
    r = saved_bytes(resnet_style(width=8), x, y)
    assert r.stored == r.analytic < r.dense
    assert abs(r.live - r.analytic) <= 0.01 * r.analytic
    bm = [rec for rec in r.stats.records if rec.decision == "bitmap"]
    assert bm and all(rec.stored_bytes == bitmap_bytes(rec.numel, rec.nnz) for rec in bm)

def test_pruning_and_fp16_save_more():
    x, y = _batches(1, 16)[0]
    net = resnet_style(width=8)
    base = saved_bytes(net, x, y).saving
    assert saved_bytes(net, x, y, prune_below=0.1).saving >= base
    assert saved_bytes(net, x, y, value_dtype=torch.float16, min_bytes=0).saving > 0.5  # every storage cast and compressed

def test_fit_compressed_lossless_equals_fit_classifier():
    from reuse_edge.train.recipes import fit_classifier
    s = synthetic_images(32, seed=3)
    torch.manual_seed(0); a = fit_classifier(small_cnn(width=4), s, 1, batch_size=16, progress=False)
    torch.manual_seed(0); b, saving = fit_compressed(small_cnn(width=4), s, 1, batch_size=16)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values())) and saving > 0


def test_size_policy_keeps_small_storages_dense_and_counts_them_once():
    a = torch.randn(64, 32, requires_grad=True)  # relu(a * 2) is 8 KiB
    def f():
        r = torch.relu(a * 2)
        return (r * r).sum() + (r[:, ::2] ** 2).sum()  # r: saved by relu, twice by the product, by the square
    a.grad = None; f().backward(); ref = a.grad.clone()
    for min_bytes, compressed in ((1, True), (8192, True), (8193, False)):
        a.grad = None
        with bitmap_saved_tensors(min_bytes=min_bytes) as s: out = f()
        out.backward()
        assert torch.equal(a.grad, ref)
        assert any(r.decision == "bitmap" for r in s.stats.records) == compressed
        if not compressed:
            assert s.stats.small_calls == 4 and s.stats.small_bytes == 64 * 32 * 4  # r, saved four times, counted once
    with pytest.raises(ValueError, match="min_bytes must be an integer >= 0"): bitmap_saved_tensors(min_bytes=-1)

@pytest.mark.parametrize("native", [True, False], ids=["compiled", "reference"])
def test_lossless_training_is_bit_identical_on_both_paths(native):
    from reuse_edge.native import use_native
    with use_native(native):
        r = identical_training(lambda: resnet_style(width=4), _batches(1, 4), seed=2, min_bytes=0)
    assert r.identical_grads and r.identical_state and r.compressed > 0

def test_size_policy_gives_up_at_most_the_small_storages():
    x, y = _batches(1, 16)[0]
    net = resnet_style(width=8)
    full = saved_bytes(net, x, y, min_bytes=0)
    kept = saved_bytes(net, x, y)  # the default MIN_BYTES
    assert full.dense == kept.dense and kept.stored >= full.stored
    assert kept.stats.small_bytes >= kept.stored - full.stored  # what is given up lies within the kept-small storages
