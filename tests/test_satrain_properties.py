"""Property tests of the similarity-aware training pieces: regularisers, clip batches, metrics, tuning helpers."""
import pytest
import torch
from hypothesis import given, strategies as st

from reuse_edge.data.video import DriveConfig, synthetic_video
from reuse_edge.reuse.layers import convert_model
from reuse_edge.nn.models import LaneResNet
from reuse_edge.reuse.tasks import clip_batches, load_apolloscape_like, write_apolloscape_like
from reuse_edge.train.metrics import lane_f1, miou
from reuse_edge.reuse.satrain import SAConfig, sa_train
from reuse_edge.reuse.similarity import SimilarityRegulariser, cluster_dispersion, kl_to_mean, temporal_kl
from reuse_edge.reuse.tuning import LayerSetting, best_within, hypervolume, knee, pareto_points

maps = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 5), st.integers(1, 5))

@given(shape=maps, seed=st.integers(0, 2**31 - 1), tau=st.floats(0.1, 5.0))
def test_kl_terms_are_nonnegative_and_zero_on_identical_maps(shape, seed, tau):
    B, C, H, W = shape
    f = torch.randn(2 * B, C, H, W, generator=torch.Generator().manual_seed(seed), requires_grad=True)
    r = kl_to_mean(f, f.detach().mean(0), tau)
    rt = temporal_kl(f, 2, tau)
    assert r.item() >= -1e-6 and rt.item() >= -1e-6
    (r + rt).backward()
    assert torch.isfinite(f.grad).all()
    same = f.detach()[:1].expand(2 * B, C, H, W)
    assert abs(kl_to_mean(same, same[0], tau).item()) < 1e-6
    assert abs(temporal_kl(same, 2, tau).item()) < 1e-6

@given(n=st.integers(1, 30), k=st.integers(1, 6), n_c=st.integers(1, 5), seed=st.integers(0, 2**31 - 1))
def test_dispersion_is_nonnegative_and_zero_for_singletons(n, k, n_c, seed):
    g = torch.Generator().manual_seed(seed)
    rows = torch.randn(n, k, generator=g)
    inverse = torch.randint(0, n_c, (n,), generator=g)
    _, inverse, counts = torch.unique(inverse, return_inverse=True, return_counts=True)
    assert cluster_dispersion(rows, inverse, counts).item() >= 0
    assert cluster_dispersion(rows, torch.arange(n), torch.ones(n, dtype=torch.int64)).item() == 0

@pytest.mark.parametrize("make,match", [
    (lambda: temporal_kl(torch.randn(3, 4), 2), "not a whole number of clips"),
    (lambda: temporal_kl(torch.randn(4, 4), 2, g=torch.randn(2, 4)), "batches differ"),
    (lambda: kl_to_mean(torch.randn(2, 4), torch.randn(5)), "does not match"),
    (lambda: kl_to_mean(torch.randn(0, 4), torch.randn(4)), "non-empty batch"),
    (lambda: SAConfig(lam=-1e-3), "lambda values must be >= 0"),
    (lambda: SAConfig(lam_t=-1.0), "lambda values must be >= 0"),
    (lambda: SimilarityRegulariser(convert_model(LaneResNet(), default=dict(n_bits=4)), lam_d=-1), ">= 0"),
])
def test_bad_input_is_rejected(make, match):
    with pytest.raises((ValueError, RuntimeError), match=match): make()

def test_empty_or_too_short_clips_are_rejected():
    v = synthetic_video(3, 3, DriveConfig(height=16, width=32), seed=0)  # three drives of one frame each
    with pytest.raises(ValueError, match="no run of 2 consecutive frames"): next(clip_batches(v, 2, 4))
    with pytest.raises(ValueError, match="no run of 2 consecutive frames"):
        sa_train(convert_model(LaneResNet(), default=dict(n_bits=4)), v, SAConfig(epochs=1, batch_size=4), progress=False)

@given(T=st.sampled_from([1, 2, 4]), per=st.integers(1, 3), seed=st.integers(0, 100))
def test_clip_batches_stay_within_one_drive(T, per, seed):
    v = synthetic_video(24, 2, DriveConfig(height=16, width=32), seed=seed)
    seen = []
    for b in clip_batches(v, T, T * per, seed=seed):
        for i in range(0, len(b), T):
            assert (b.sequence[i:i + T] == b.sequence[i]).all()
        seen.append(len(b))
    assert sum(seen) == 24 and all(s % T == 0 for s in seen)

@given(seed=st.integers(0, 2**31 - 1), tol=st.integers(0, 2))
def test_metrics_are_percentages(seed, tol):
    g = torch.Generator().manual_seed(seed)
    p, t = torch.rand(2, 8, 8, generator=g) > 0.7, torch.rand(2, 8, 8, generator=g) > 0.7
    assert 0 <= lane_f1(p, t, tol) <= 100 + 1e-9
    assert lane_f1(t, t, tol) == pytest.approx(100.0) or not t.any()
    c1, c2 = torch.randint(0, 5, (2, 8, 8), generator=g), torch.randint(0, 5, (2, 8, 8), generator=g)
    assert 0 <= miou(c1, c2, 5) <= 100 and miou(c1, c1, 5) == pytest.approx(100.0)

@given(points=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 100)), min_size=1, max_size=12))
def test_front_and_knee(points):
    pts = [LayerSetting(n_bits=4, vec_len=8, rel_error=e, mse=e * e, sigma=1.0, compression=c, r_c=1 - c / 100) for e, c in points]
    front = pareto_points(pts)
    assert front and knee(front) in front
    for p in pts:  # every point is dominated by (or on) the front
        assert any(q.rel_error <= p.rel_error and q.compression >= p.compression for q in front)
    assert 0 <= hypervolume(pts) <= 100
    best = best_within(pts, 0.5)
    assert best is None or (best.rel_error <= 0.5 and all(best.compression >= p.compression for p in pts if p.rel_error <= 0.5))

def test_apolloscape_loader_round_trip(tmp_path):
    v = synthetic_video(4, 1, DriveConfig(height=32, width=64), seed=1)
    write_apolloscape_like(tmp_path, v, records=2)
    back = load_apolloscape_like(tmp_path, size=(32, 64))
    assert back.frames.shape == (4, 3, 32, 64) and back.sequence.tolist() == [0, 0, 1, 1]
    assert torch.equal(back.lane_mask, v.lane_mask)
