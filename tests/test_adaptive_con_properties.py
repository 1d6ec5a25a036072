"""Property tests of AdaCon's context clustering and branch modes: a relabelling of the classes does not change the
partition, common classes are in every cluster and never one branch's own, results are deterministic under a seed,
threshold 0 selects every branch, an empty selection falls back to the arg-max, the branch-width rule, and clear
errors on bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.data.scenes import GlyphSceneSpec, glyph_scenes
from reuse_edge.adaptive.con import (branch_miss_rate, branch_width, compression_factor, context_clusters,
                                     cooccurrence, dominant_cluster, merge_detections, decode_grid, select_branches)

SCENES = glyph_scenes(400, seed=7)
SPEC = SCENES.spec
BAGS = SCENES.bags

def _relabel(clusters, inverse):
    return frozenset(frozenset(int(inverse[i]) for i in own) for own in clusters.own)

@settings(max_examples=8, deadline=None)
@given(perm_seed=st.integers(0, 10_000), n=st.integers(2, 4))
def test_permutation_of_class_ids_keeps_the_partition(perm_seed, n):
    perm = np.random.default_rng(perm_seed).permutation(SPEC.n_classes)  # new id of every class
    inverse = np.argsort(perm)
    base = context_clusters(BAGS, n, SPEC.n_classes, seed=0)
    moved = context_clusters([[int(perm[c]) for c in b] for b in BAGS], n, SPEC.n_classes, seed=0)
    assert _relabel(moved, inverse) == base.partition()
    assert {int(inverse[c]) for c in moved.common} == set(base.common)

@settings(max_examples=8, deadline=None)
@given(n=st.integers(1, 5), seed=st.integers(0, 50))
def test_common_classes_in_every_cluster_and_determinism(n, seed):
    cl = context_clusters(BAGS, n, SPEC.n_classes, seed=seed)
    assert set(cl.common) == set(SPEC.common)
    assert all(set(cl.common) <= set(c) for c in cl.clusters)
    assert all(not set(cl.common) & set(o) for o in cl.own)
    assert (cl.assignment[list(cl.common)] == -1).all()
    own = sorted(i for o in cl.own for i in o)
    assert own == [i for i in range(SPEC.n_classes) if i not in cl.common]
    again = context_clusters(BAGS, n, SPEC.n_classes, seed=seed)
    assert again.partition() == cl.partition() and np.allclose(again.positions, cl.positions, equal_nan=True)
    assert 0 <= branch_miss_rate(cl, BAGS) <= 1 and len(dominant_cluster(cl, BAGS)) == len(BAGS)

@settings(max_examples=40, deadline=None)
@given(scores=st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=8), thr=st.floats(0, 1))
def test_branch_modes(scores, thr):
    s = torch.tensor(scores)
    single = select_branches(s)
    assert (single.sum(1) == 1).all() and (single.float().argmax(1) == s.argmax(1)).all()
    assert select_branches(s, 0.0).all()
    multi = select_branches(s, thr)
    assert (multi.sum(1) >= 1).all()
    empty = ~(s >= thr).any(1)
    assert torch.equal(multi[empty], single[empty]) and torch.equal(multi[~empty], (s >= thr)[~empty])

@settings(max_examples=30, deadline=None)
@given(width=st.integers(1, 512), k=st.integers(1, 80), extra=st.integers(0, 80))
def test_branch_width_rule(width, k, extra):
    f = compression_factor(k, k + extra)
    w = branch_width(width, f)
    assert 1 <= w <= width and (w == max(1, (width * k) // (k + extra)))

def test_merge_keeps_one_of_duplicates():
    out = torch.full((1, 2 + 4, 8, 8), -9.0); out[0, 0, 3, 3] = 2.0; out[0, 2:, 3, 3] = 0.0
    low = out.clone(); low[0, 0, 3, 3] = 1.0
    d = merge_detections([decode_grid(out, torch.tensor([5, 6])), decode_grid(low, torch.tensor([5, 6]))])
    assert len(d.image(0)["labels"]) == 1

def test_bad_input():
    with pytest.raises(ValueError, match="empty"): cooccurrence([])
    with pytest.raises(ValueError, match="empty"): context_clusters([[], []], 2)
    with pytest.raises(ValueError, match="unknown class id"): context_clusters([[0, 1], [2, 99]], 2, n_classes=10)
    with pytest.raises(ValueError, match="unknown class id"): cooccurrence([[-3]], 5)
    with pytest.raises(ValueError, match="threshold"): select_branches(torch.rand(2, 3), 1.2)
    with pytest.raises(ValueError, match="threshold"): select_branches(torch.rand(2, 3), -0.01)
    with pytest.raises(ValueError, match="non-common classes"): context_clusters(BAGS, SPEC.n_classes, SPEC.n_classes)
    with pytest.raises(ValueError, match="compression factor"): branch_width(64, 0.0)
