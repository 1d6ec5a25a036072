"""Property tests of the multi-task scenes: label consistency for any seed and size, determinism per (seed, i),
unit normals of any height map, the PASCAL-Context-like round trip, and the errors on bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.data.mtl import (MTL_TASKS, MTL_CLASSES, PART_CLASSES, height_normals, load_pascal_mtl, mtl_scenes,
                                 write_pascal_mtl_like)

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.sampled_from([16, 24, 32]), lo=st.integers(1, 3), extra=st.integers(0, 3))
def test_labels_are_consistent(seed, size, lo, extra):
    s = mtl_scenes(3, size, seed=seed, objects=(lo, lo + extra))
    assert s.images.shape == (3, 3, size, size) and float(s.images.min()) >= 0 and float(s.images.max()) <= 1
    assert set(s.semseg.unique().tolist()) <= set(range(len(MTL_CLASSES)))
    assert set(s.parts.unique().tolist()) <= set(range(len(PART_CLASSES)))
    assert bool(((s.parts > 0) <= (s.semseg == MTL_CLASSES.index("figure"))).all())
    assert bool(((s.sal > 0) == (s.semseg > 0)).all())
    assert torch.allclose(s.normals.norm(dim=1), torch.ones(3, size, size), atol=1e-5)
    assert ((s.n_objects >= lo) & (s.n_objects <= lo + extra)).all() and ((s.clutter >= 0) & (s.clutter <= 1)).all()
    assert set(s.targets()) == set(MTL_TASKS)

@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), n=st.integers(2, 5))
def test_scene_i_depends_only_on_seed_and_i(seed, n):
    a, b = mtl_scenes(n, 16, seed=seed), mtl_scenes(n + 2, 16, seed=seed)
    assert torch.equal(a.images, b.images[:n]) and torch.equal(a.semseg, b.semseg[:n])

@settings(max_examples=25, deadline=None)
@given(h=st.lists(st.floats(-5, 5), min_size=36, max_size=36))
def test_normals_of_any_height_map_are_unit_and_point_up(h):
    n = height_normals(np.array(h).reshape(6, 6))
    assert n.shape == (3, 6, 6) and np.allclose(np.linalg.norm(n, axis=0), 1, atol=1e-5) and (n[2] > 0).all()

def test_pascal_like_round_trip(tmp_path):
    s = mtl_scenes(2, 16, seed=3)
    write_pascal_mtl_like(tmp_path, s, "val")
    back = load_pascal_mtl(tmp_path, "val", size=16)
    assert torch.equal(back.semseg, s.semseg) and torch.equal(back.parts, s.parts) and torch.equal(back.sal, s.sal)
    assert torch.allclose(back.images, s.images, atol=1 / 255 + 1e-6) and torch.allclose(back.normals, s.normals, atol=0.02)

def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="n must be"): mtl_scenes(0)
    with pytest.raises(ValueError, match="size must be"): mtl_scenes(2, 8)
    with pytest.raises(ValueError, match="objects must be"): mtl_scenes(2, objects=(3, 1))
    with pytest.raises(ValueError, match="2-D"): height_normals(np.zeros((2, 2, 2)))
    with pytest.raises(FileNotFoundError, match="missing"): load_pascal_mtl(tmp_path)
    with pytest.raises(ValueError, match="batch_size"): mtl_scenes(2, 16).batches(0)
