"""Property tests of the synthetic glyph scenes: determinism under a seed, valid boxes and labels, the class layout of
the spec, the COCO instances round trip through pycocotools, and the errors on bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.data.scenes import GlyphSceneSpec, glyph_scenes, load_coco_bags, write_coco_instances

specs = st.builds(GlyphSceneSpec, n_contexts=st.integers(1, 4), per_context=st.integers(1, 5), n_common=st.integers(0, 3),
                  size=st.sampled_from([32, 48, 64]), max_objects=st.integers(1, 6),
                  common_prob=st.floats(0, 0.5), foreign_prob=st.floats(0, 0.3))

@settings(max_examples=20, deadline=None)
@given(spec=specs, n=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_scenes_are_valid_and_deterministic(spec, n, seed):
    s = glyph_scenes(n, spec, seed)
    assert s.images.shape == (n, 3, spec.size, spec.size) and 0 <= s.images.min() and s.images.max() <= 1
    assert len(s) == n and s.contexts.min() >= 0 and s.contexts.max() < spec.n_contexts
    for b, l in zip(s.boxes, s.labels):
        assert 1 <= len(l) <= spec.max_objects and b.shape == (len(l), 4)
        assert (b[:, :2] >= 0).all() and (b[:, 2:] <= spec.size).all() and (b[:, 2:] > b[:, :2]).all()
        assert ((l >= 0) & (l < spec.n_classes)).all()
    t = glyph_scenes(n, spec, seed)
    assert torch.equal(s.images, t.images) and all(np.array_equal(a, b) for a, b in zip(s.labels, t.labels))

@settings(max_examples=10, deadline=None)
@given(spec=specs)
def test_class_layout(spec):
    cc = spec.class_context
    assert len(cc) == spec.n_classes and list(np.flatnonzero(cc == -1)) == list(spec.common)
    assert all((cc == k).sum() == spec.per_context for k in range(spec.n_contexts))
    assert len(set(spec.class_names)) == spec.n_classes

def test_own_context_dominates():
    spec = GlyphSceneSpec(common_prob=0.0, foreign_prob=0.0)
    s = glyph_scenes(50, spec, seed=3)
    assert all((spec.class_context[l] == k).all() for l, k in zip(s.labels, s.contexts))

@settings(max_examples=5, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 100))
def test_coco_round_trip(tmp_path_factory, n, seed):
    s = glyph_scenes(n, seed=seed)
    d = tmp_path_factory.mktemp("coco")
    write_coco_instances(s, d / "instances.json")
    c = load_coco_bags(d / "instances.json")
    assert len(c) == n and c.n_classes == s.spec.n_classes and c.bags == s.bags
    assert all(np.allclose(a, b) for a, b in zip(c.boxes, s.boxes))

def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="at least one image"): glyph_scenes(0)
    with pytest.raises(ValueError, match="distinct glyphs"): GlyphSceneSpec(n_contexts=5, per_context=5)
    with pytest.raises(ValueError, match="probabilities"): GlyphSceneSpec(common_prob=0.9, foreign_prob=0.2)
    with pytest.raises(ValueError, match="min_objects"): GlyphSceneSpec(min_objects=3, max_objects=2)
    with pytest.raises(FileNotFoundError, match="no COCO instances file"): load_coco_bags(tmp_path)
