"""The memory benchmark suite is registered and its measurements return well-formed results (no timing asserts)."""
from importlib.metadata import entry_points

import torch

from reuse_edge.data.images import synthetic_images
from reuse_edge.nn.models import small_cnn
from reuse_edge.memory.bench import recompute_vs_bitmap, run_benchmarks, step_overhead, throughput

def test_entry_point_is_registered():
    eps = {ep.name: ep for ep in entry_points(group="reuse_edge.benchmarks")}
    assert "memory" in eps and eps["memory"].load() is run_benchmarks

def test_measurements_are_well_formed():
    t = throughput(4096, repeats=1)
    assert t.copy_gbs > 0 and t.roundtrip_gbs > 0 and 0.4 < t.ratio < 0.6
    r = recompute_vs_bitmap(4, channels=8, batch=2, repeats=1)
    assert r.elements == 2 * 8 * 4 * 4 and 0 <= r.sparsity <= 1 and "bench" not in r.to_dict()
    s = synthetic_images(8, seed=0)
    o = step_overhead(small_cnn(width=4), s.images, s.labels, repeats=1)
    assert o.dense_ms > 0 and o.bitmap_ms > 0 and o.saved_tensors > 0
