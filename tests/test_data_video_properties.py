"""Property tests of the synthetic video generator: determinism, shapes, value ranges, label consistency."""
import pytest
import torch
from hypothesis import given, strategies as st

from reuse_edge.data.video import SCENE_CLASSES, DriveConfig, iid_frames, load_frame_folder, synthetic_video

sizes = st.tuples(st.integers(16, 48), st.integers(16, 64))

@given(seed=st.integers(0, 10**6), n=st.integers(1, 12), seqs=st.integers(1, 3), hw=sizes,
       vehicles=st.integers(0, 3), lanes=st.sampled_from([(1, 1), (2, 4), (3, 6)]))
def test_video_shapes_ranges_and_labels(seed, n, seqs, hw, vehicles, lanes):
    seqs = min(seqs, n)
    cfg = DriveConfig(height=hw[0], width=hw[1], vehicles=vehicles, lanes=lanes)
    v = synthetic_video(n, seqs, cfg, seed=seed)
    assert v.frames.shape == (n, 3, *hw) and v.frames.dtype == torch.float32
    assert v.lane_mask.shape == v.classes.shape == (n, *hw) and v.lane_mask.dtype == torch.bool
    assert float(v.frames.min()) >= 0 and float(v.frames.max()) <= 1
    assert int(v.classes.max()) < len(SCENE_CLASSES)
    assert sorted(set(v.sequence.tolist())) == list(range(seqs))
    # lane pixels are never sky or vehicle pixels
    assert not (v.lane_mask & ((v.classes == 0) | (v.classes == 4))).any()

@given(seed=st.integers(0, 10**6))
def test_same_seed_same_frames(seed):
    cfg = DriveConfig(height=24, width=32)
    a, b = synthetic_video(5, 2, cfg, seed), synthetic_video(5, 2, cfg, seed)
    assert torch.equal(a.frames, b.frames) and torch.equal(a.lane_mask, b.lane_mask)
    c, d = iid_frames(4, cfg, seed), iid_frames(4, cfg, seed)
    assert torch.equal(c.frames, d.frames) and (c.sequence == -1).all()

def test_consecutive_frames_are_closer_than_iid_frames():
    cfg = DriveConfig(height=32, width=64, noise=0.0)
    v, i = synthetic_video(20, 1, cfg, seed=1), iid_frames(20, cfg, seed=1)
    step = lambda x: (x.frames[1:] - x.frames[:-1]).abs().mean()
    assert step(v) < 0.5 * step(i)

@pytest.mark.parametrize("bad", [dict(height=8), dict(lanes=(0, 2)), dict(horizon=0.95), dict(dash_length=20.0), dict(noise=-1.0)])
def test_bad_configs_are_rejected(bad):
    with pytest.raises(ValueError): DriveConfig(**bad)

def test_frame_folder_loader_round_trip(tmp_path):
    from PIL import Image
    v = synthetic_video(4, 1, DriveConfig(height=20, width=30, noise=0.0), seed=2)
    for k in range(4):
        Image.fromarray((v.frames[k].permute(1, 2, 0) * 255).round().byte().numpy()).save(tmp_path/f"{k:02d}.png")
    (tmp_path/"notes.txt").write_text("not a frame")
    back = load_frame_folder(tmp_path)
    assert back.shape == (4, 3, 20, 30) and torch.allclose(back, v.frames, atol=1/255 + 1e-6)
    (tmp_path/"empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no .png"): load_frame_folder(tmp_path/"empty")
