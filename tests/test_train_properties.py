"""Property tests of the training foundation: exact resumption of `fit`, step budgets, and the metrics."""
import tempfile
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from reuse_edge.train.loop import Callback, fit, make_optimizer, make_scheduler, train_step
from reuse_edge.train.metrics import accuracy, lane_f1, miou, relative_error


def _net():
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 3))


def _data(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, 2, 2, generator=g), torch.randint(0, 3, (n,), generator=g)


class _Count(Callback):
    def __init__(self): self.n = 0
    def on_step_end(self, state): self.n += 1
    def state_dict(self): return dict(n=self.n)
    def load_state_dict(self, s): self.n = s["n"]


def _run(x, y, epochs, bs, loader, scheduler, ck=None, stop_after=None):
    torch.manual_seed(0)
    model, count = _net(), _Count()
    if loader:
        batches = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), bs, shuffle=True,
                                              generator=torch.Generator().manual_seed(7))
    else:
        def batches(epoch):
            order = torch.randperm(len(x), generator=torch.Generator().manual_seed(epoch))
            return [(x[order[i:i + bs]], y[order[i:i + bs]]) for i in range(0, len(x), bs)]
    per_epoch = -(-len(x) // bs)
    h = fit(model, batches, lambda m, b: F.cross_entropy(m(b[0]), b[1]), epochs, "sgd", scheduler,
            steps_per_epoch=per_epoch, callbacks=[count], seed=3, progress=False, checkpoint=ck, stop_after=stop_after)
    return model, h, count.n


@settings(max_examples=15)
@given(n=st.integers(2, 12), bs=st.integers(1, 6), epochs=st.integers(1, 4), cut=st.integers(0, 4),
       loader=st.booleans(), scheduler=st.sampled_from([None, "onecycle", "cosine"]), seed=st.integers(0, 1000))
def test_fit_resumes_to_the_uninterrupted_result(n, bs, epochs, cut, loader, scheduler, seed):
    x, y = _data(n, seed)
    straight, h_straight, c_straight = _run(x, y, epochs, bs, loader, scheduler)
    with tempfile.TemporaryDirectory() as d:
        ck = Path(d) / "ck.pt"
        _, h_first, _ = _run(x, y, epochs, bs, loader, scheduler, ck, stop_after=min(cut, epochs))
        assert len(h_first) == min(cut, epochs)
        torch.manual_seed(seed + 1); torch.rand(3)  # other work between the two calls
        resumed, h_resumed, c_resumed = _run(x, y, epochs, bs, loader, scheduler, ck)
    sa, sb = straight.state_dict(), resumed.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert h_resumed == h_straight and c_resumed == c_straight == h_straight.steps


@given(n=st.integers(1, 10), bs=st.integers(1, 4), steps=st.integers(0, 12))
def test_a_step_budget_is_spent_exactly(n, bs, steps):
    x, y = _data(n, 0)
    model = _net()
    h = fit(model, [(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)], lambda m, b: F.cross_entropy(m(b[0]), b[1]),
            steps=steps, optimizer="sgd", progress=False)
    assert h.steps == steps
    assert all(r.steps == -(-n // bs) for r in list(h)[:-1])


def test_train_step_matches_a_hand_written_step():
    torch.manual_seed(0); a = _net()
    torch.manual_seed(0); b = _net()
    x, y = _data(6, 1)
    oa, ob = make_optimizer(a, "sgd", 0.1), make_optimizer(b, "sgd", 0.1)
    sa, sb = make_scheduler("cosine", oa, 4), make_scheduler("cosine", ob, 4)
    for _ in range(3):
        torch.manual_seed(5)
        oa.zero_grad(); F.cross_entropy(a(x), y).backward(); nn.utils.clip_grad_norm_(a.parameters(), 0.5); oa.step(); sa.step()
        torch.manual_seed(5)
        train_step(b, ob, (x, y), lambda m, batch: F.cross_entropy(m(batch[0]), batch[1]), scheduler=sb, clip_grad=0.5)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


masks = st.tuples(st.integers(1, 3), st.integers(2, 9), st.integers(2, 9), st.integers(0, 2**31 - 1))


@given(shape=masks, tol=st.integers(0, 2), p=st.floats(0.05, 0.9))
def test_lane_f1_is_a_percentage_and_perfect_predictions_score_100(shape, tol, p):
    n, h, w, seed = shape
    g = torch.Generator().manual_seed(seed)
    target, pred = torch.rand(n, h, w, generator=g) < p, torch.rand(n, h, w, generator=g) < p
    assert 0 <= lane_f1(pred, target, tol) <= 100 + 1e-9
    if target.any(): assert lane_f1(target, target, tol) == pytest.approx(100.0)


@given(shape=masks, k=st.integers(1, 6))
def test_miou_is_a_percentage_and_100_on_a_perfect_prediction(shape, k):
    n, h, w, seed = shape
    g = torch.Generator().manual_seed(seed)
    a, b = torch.randint(0, k, (n, h, w), generator=g), torch.randint(0, k, (n, h, w), generator=g)
    assert 0 <= miou(a, b, k) <= 100 + 1e-9 and miou(a, a, k) == pytest.approx(100.0)


@given(n=st.integers(1, 20), classes=st.integers(2, 5), seed=st.integers(0, 1000), bs=st.integers(1, 8))
def test_accuracy_is_a_fraction_and_independent_of_the_batch_size(n, classes, seed, bs):
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(n, 4, generator=g), torch.randint(0, classes, (n,), generator=g)
    model = nn.Linear(4, classes)
    acc = accuracy(model, (x, y), batch_size=bs)
    assert 0 <= acc <= 1 and acc == accuracy(model, (x, y), batch_size=n)
    assert acc * n == pytest.approx(round(acc * n))


@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), seed=st.integers(0, 1000), scale=st.floats(0.5, 2.0))
def test_relative_error_is_zero_for_equal_tensors_and_scales(shape, seed, scale):
    t = torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    assert relative_error(t, t) == 0
    if t.norm() > 0: assert relative_error(scale * t, t) == pytest.approx(abs(scale - 1), abs=1e-12)


@pytest.mark.parametrize("make,match", [
    (lambda: lane_f1(torch.zeros(1, 4, 4, dtype=torch.bool), torch.zeros(1, 4, 5, dtype=torch.bool)), "differ"),
    (lambda: lane_f1(torch.zeros(0, 4, 4, dtype=torch.bool), torch.zeros(0, 4, 4, dtype=torch.bool)), "empty"),
    (lambda: lane_f1(torch.zeros(4, 4, dtype=torch.bool), torch.zeros(4, 4, dtype=torch.bool)), r"\(N, H, W\)"),
    (lambda: miou(torch.zeros(2, 2), torch.zeros(3, 2), 2), "differ"),
    (lambda: miou(torch.zeros(0, 2), torch.zeros(0, 2), 2), "empty"),
    (lambda: miou(torch.zeros(2, 2), torch.zeros(2, 2), 0), "n_classes"),
    (lambda: relative_error(torch.ones(2, 3), torch.ones(3)), "differ"),
    (lambda: relative_error(torch.ones(0), torch.ones(0)), "empty"),
    (lambda: accuracy(nn.Linear(2, 2), (torch.zeros(3, 2), torch.zeros(2, dtype=torch.long))), "3 images but 2 labels"),
    (lambda: accuracy(nn.Linear(2, 2), (torch.zeros(0, 2), torch.zeros(0, dtype=torch.long))), "empty"),
    (lambda: fit(_net(), [], lambda m, b: m(b).sum(), 1, progress=False), "no batches"),
    (lambda: fit(_net(), [1], lambda m, b: m(b).sum(), -1, progress=False), "epochs must be >= 0"),
    (lambda: fit(_net(), lambda e: [1], lambda m, b: m(b).sum(), 1, scheduler="cosine", progress=False), "steps_per_epoch"),
    (lambda: make_optimizer(_net(), "adam"), "optimizer must be"),
    (lambda: make_scheduler("step", make_optimizer(_net()), 3), "scheduler must be"),
])
def test_bad_input_is_rejected(make, match):
    with pytest.raises((ValueError, TypeError), match=match): make()
