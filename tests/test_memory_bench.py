"""The memory benchmark suite is registered and its measurements return well-formed results (no timing asserts)."""
from importlib.metadata import entry_points

import pytest
import torch

from reuse_edge.book import parse_bench_line
from reuse_edge.data.images import synthetic_images
from reuse_edge.nn.models import small_cnn
from reuse_edge.memory.bench import (TARGET_ROUNDTRIP_GBS, recompute_vs_bitmap, run_benchmarks, size_policy_sweep, step_line,
                                     step_overhead, throughput, throughput_line)

def test_entry_point_is_registered():
    eps = {ep.name: ep for ep in entry_points(group="reuse_edge.benchmarks")}
    assert "memory" in eps and eps["memory"].load() is run_benchmarks

def test_measurements_are_well_formed():
    t = throughput(4096, repeats=1)
    assert t.copy_gbs > 0 and t.roundtrip_gbs > 0 and 0.4 < t.ratio < 0.6
    assert t.ideal_gbs == pytest.approx(t.copy_gbs / (1 + t.ratio)) and t.efficiency == pytest.approx(t.roundtrip_gbs / t.ideal_gbs)
    r = recompute_vs_bitmap(4, channels=8, batch=2, repeats=1)
    assert r.elements == 2 * 8 * 4 * 4 and 0 <= r.sparsity <= 1 and "bench" not in r.to_dict()
    s = synthetic_images(8, seed=0)
    o = step_overhead(small_cnn(width=4), s.images, s.labels, repeats=1, copy_bandwidth=10.0, min_bytes=0)
    assert o.dense_ms > 0 and o.bitmap_ms > 0 and o.saved_tensors > 0 and o.compressed > 0 and o.ideal_pct > 0
    assert o.other_ms == pytest.approx(o.bitmap_ms - o.dense_ms - o.pack_ms - o.unpack_ms)

def test_bench_lines_keep_the_headline_fields():
    t = throughput(1 << 18, repeats=1, reference=False)
    f = parse_bench_line(throughput_line(t, 1))
    assert f["case"] == "bitmap_throughput" and {"roundtrip_gbs", "copy_gbs", "ideal_gbs", "efficiency"} <= set(f)
    assert f["target_gbs"] == TARGET_ROUNDTRIP_GBS
    assert parse_bench_line(throughput_line(throughput(1024, repeats=1, reference=False), 1))["case"] == "bitmap_throughput_small"
    s = synthetic_images(8, seed=0)
    o = step_overhead(small_cnn(width=4), s.images, s.labels, repeats=1, copy_bandwidth=10.0)
    g = parse_bench_line(step_line(o, "small", 4))
    assert g["case"] == "training_step" and g["width"] == 4 and "overhead_pct" in g and "efficiency" in g

def test_size_policy_sweep_accounts_for_the_bytes():
    s = synthetic_images(8, seed=0)
    pts = size_policy_sweep(lambda: small_cnn(width=4), s.images, s.labels, (1 << 30,), repeats=1, copy_bandwidth=10.0, min_savings=(0.0,))
    assert [(p.min_bytes, p.min_saving) for p in pts] == [(0, 0.0), (1 << 30, 0.0)]
    assert pts[0].kept_pct == 100 and pts[0].given_up_mib == 0
    assert pts[1].compressed == 0 and pts[1].kept_pct == pytest.approx(0, abs=1e-9)  # nothing is large enough
    with pytest.raises(ValueError, match="integers >= 0"): size_policy_sweep(lambda: small_cnn(width=4), s.images, s.labels, (-5,))
    with pytest.raises(ValueError, match=r"in \[0, 1\)"): size_policy_sweep(lambda: small_cnn(width=4), s.images, s.labels, (0,), min_savings=(1.5,))

def test_size_policy_sweep_gain_threshold_only_gives_up_bytes():
    "The reference (0, 0.0) is always measured; a gain threshold keeps more tensors dense, never fewer."
    s = synthetic_images(8, seed=0)
    pts = size_policy_sweep(lambda: small_cnn(width=4), s.images, s.labels, (0,), repeats=1, copy_bandwidth=10.0, min_savings=(0.5, 0.9))
    assert [(p.min_bytes, p.min_saving) for p in pts] == [(0, 0.0), (0, 0.5), (0, 0.9)]
    assert pts[0].kept_pct == 100
    assert pts[0].saved_mib >= pts[1].saved_mib >= pts[2].saved_mib and pts[0].compressed >= pts[1].compressed >= pts[2].compressed
