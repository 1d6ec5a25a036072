"""Property tests of the synthetic accelerometer: shapes, determinism under a seed, noise falling as 1/sqrt(A), the
configuration rules, the UCI HAR loader on tiny files, and the errors on bad input."""
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from reuse_edge.data.accel import (ACTIVITIES, RAW_RATE, TABLE5_1, ActivityModel, ActivityScript, RawTrace, SensorConfig,
                                   alternating_script, change_rate_script, emulable_configs, emulate_stream, emulate_streams,
                                   emulate_windows, load_uci_har, sensor_config, simulate_raw)

configs = st.sampled_from(TABLE5_1)
scripts = st.lists(st.tuples(st.sampled_from(ACTIVITIES), st.integers(1, 3)), min_size=1, max_size=3)

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), segs=scripts, preroll=st.integers(0, 1), name=configs)
def test_shapes_and_labels(seed, segs, preroll, name):
    script = ActivityScript([a for a, _ in segs], [d for _, d in segs])
    raw = simulate_raw(script, seed=seed, preroll=preroll)
    n = script.total + preroll
    assert raw.samples.shape == (n * RAW_RATE, 3) and raw.samples.dtype == np.float32
    assert raw.labels.tolist() == ([ACTIVITIES.index(segs[0][0])] * preroll + script.labels().tolist())
    cfg = sensor_config(name)
    out = emulate_stream(raw, name)
    assert len(out) == n * RAW_RATE // cfg.raw_per_output and out.samples.shape == (len(out), 3)
    assert np.allclose(np.diff(out.times), 1 / cfg.f) and out.times[-1] < n

@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_same_seed_same_trace(seed):
    s = alternating_script(2, 2)
    a, b = simulate_raw(s, seed=seed), simulate_raw(s, seed=seed)
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.samples, simulate_raw(s, seed=seed + 1).samples)

@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10**6), name=configs)
def test_noise_falls_as_one_over_sqrt_a(seed, name):
    sigma = ActivityModel().noise_g
    x = (sigma * np.random.default_rng(seed).standard_normal((8 * RAW_RATE, 3))).astype(np.float32)
    out = emulate_stream(RawTrace(x, np.zeros(8, int), RAW_RATE, 0), name).samples[4:]  # skip the partial windows at the start
    assert abs(out.std() * math.sqrt(sensor_config(name).A) / sigma - 1) < 0.2

@settings(max_examples=20, deadline=None)
@given(f=st.sampled_from([1, 2, 5, 10, 20, 25, 40, 50, 80, 100, 200, 400, 800, 1600]), A=st.integers(1, 200))
def test_emulation_is_a_trailing_mean(f, A):
    x = np.random.default_rng(A).standard_normal((2 * RAW_RATE, 3)).astype(np.float32)
    cfg = SensorConfig(f, A)
    out = emulate_stream(RawTrace(x, np.zeros(2, int), RAW_RATE, 0), cfg)
    k = len(out) - 1
    end = (k + 1) * cfg.raw_per_output
    assert np.allclose(out.samples[k], x[max(end - A, 0):end].mean(0), atol=1e-5)
    assert cfg.mode == ("normal" if A >= cfg.raw_per_output else "low-power")

def test_emulate_streams_matches_emulate():
    raw = simulate_raw(alternating_script(2, 1), seed=3)
    many = emulate_streams(raw, TABLE5_1)
    for name in TABLE5_1: assert np.array_equal(many[name].samples, emulate_stream(raw, name).samples)

def test_change_rate_scripts_always_change():
    s = change_rate_script(7, 100, seed=2)
    assert s.total == 100 and all(a != b for a, b in zip(s.activities, s.activities[1:]))

def test_uci_har_loader_on_tiny_files(tmp_path:Path):
    d = tmp_path / "train" / "Inertial Signals"; d.mkdir(parents=True)
    x = np.random.default_rng(0).normal(0, 0.3, (3, 128, 3))
    for i, a in enumerate("xyz"): np.savetxt(d / f"total_acc_{a}_train.txt", x[..., i])
    np.savetxt(tmp_path / "train" / "y_train.txt", [1, 5, 6], fmt="%d"); np.savetxt(tmp_path / "train" / "subject_train.txt", [2, 2, 3], fmt="%d")
    w = load_uci_har(tmp_path, limit=2)
    assert w.x.shape == (2, 128, 3) and [ACTIVITIES[i] for i in w.labels] == ["walk", "stand"]
    ok = [c for c, why in emulable_configs(w.rate).items() if not why]
    assert "F100_A128" not in ok and "F50_A16" not in ok and "F12.5_A128" in ok
    for c in ok:
        e = emulate_windows(w, c)
        assert e.samples.shape == (2, int(round(2 * sensor_config(c).f)), 3) and e.times.max() < 2

@pytest.mark.parametrize("bad, match", [
    (lambda: sensor_config("F7_A8"), "unknown configuration"),
    (lambda: SensorConfig(3200, 8), "above the raw rate"),
    (lambda: SensorConfig(50, 0), "positive integer"),
    (lambda: SensorConfig(50, 2000), "longer than one second"),
    (lambda: SensorConfig(30, 8), "must be an integer"),
    (lambda: ActivityScript([], []), "at least one segment"),
    (lambda: ActivityScript(["run"], [3]), "unknown activities"),
    (lambda: ActivityScript(["sit"], [0]), ">= 1"),
    (lambda: emulate_stream(RawTrace(np.zeros((50, 3), np.float32), np.zeros(1, int), RAW_RATE, 0), "F100_A128"), "larger than the 50 raw samples"),
    (lambda: load_uci_har("/nonexistent", "train"), "missing"),
])
def test_bad_input_errors(bad, match):
    with pytest.raises((ValueError, FileNotFoundError), match=match): bad()
