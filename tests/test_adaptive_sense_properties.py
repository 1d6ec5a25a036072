"""Property tests of AdaSense: features of fixed length at every configuration, the SPOT state machine (never below
the last state, a change returns to the top, time in state sums to the trace), its closed form against the
simulation, the power arithmetic, and the errors on bad input."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from reuse_edge.data.accel import TABLE5_1, AccelStream, alternating_script, emulate_stream, simulate_raw
from reuse_edge.adaptive.sense import (SPOT_STATES, FeatureSpec, HarMLP, PowerTable, Spot, SpotConfidence,
                                       bmi160_power_table, block_stats, combine_blocks, design_space, loop_inputs,
                                       mean_current, run_loop, stream_features, time_in_state)

RAW = simulate_raw(alternating_script(3, 2), seed=0)
POWER = bmi160_power_table()

@settings(max_examples=16, deadline=None)
@given(name=st.sampled_from(TABLE5_1), max_hz=st.sampled_from([0.5, 1.0, 3.0, 3.1]), dc=st.booleans())
def test_feature_length_is_independent_of_f(name, max_hz, dc):
    spec = FeatureSpec(max_hz, dc)
    f = stream_features(emulate_stream(RAW, name), spec)
    assert f.shape == (RAW.seconds - 1, spec.n_features) and np.isfinite(f).all()

@settings(max_examples=20, deadline=None)
@given(f=st.sampled_from([10.0, 20.0, 50.0, 100.0]), seed=st.integers(0, 1000))
def test_uniform_window_features_are_rfft_magnitudes(f, seed):
    n = int(2 * f)
    x = np.random.default_rng(seed).standard_normal((n, 3))
    t = np.arange(n) / f
    feats = combine_blocks(*(block_stats(x, t, f).blocks(slice(i, i + 1)) for i in (0, 1)))[0]
    ref = np.abs(np.fft.rfft(x - x.mean(0), axis=0)[1:7]) / n
    assert np.allclose(feats[:3], x.mean(0), atol=1e-5) and np.allclose(feats[3:6], x.std(0), atol=1e-5)
    assert np.allclose(feats[6:], ref.T.reshape(-1), atol=1e-5)

labels = st.lists(st.integers(0, 5), min_size=1, max_size=200)

@settings(max_examples=60, deadline=None)
@given(ys=labels, threshold=st.integers(1, 12), conf=st.lists(st.floats(0.01, 0.99), min_size=200, max_size=200),
       on_reject=st.sampled_from(["ignore", "count", "reset"]), use_conf=st.booleans())
def test_spot_invariants(ys, threshold, conf, on_reject, use_conf):
    p = SpotConfidence(threshold, 0.85, on_reject=on_reject) if use_conf else Spot(threshold)
    last, states = None, []
    for y, c in zip(ys, conf):
        before = p.state
        s = p.step(y, c)
        assert 0 <= s <= len(SPOT_STATES) - 1  # never below the last state
        assert s <= before + 1  # one step down at a time
        if last is not None and y != last and (not use_conf or c > 0.85): assert s == 0  # an accepted change returns to the top
        if last is None or y != last and (not use_conf or c > 0.85): last = y
        states.append(s)
    assert len(states) == len(ys)

@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 80), t=st.integers(1, 70), n=st.integers(1, 5), m=st.integers(1, 6))
def test_closed_form_sums_to_the_trace(d, t, n, m):
    secs = time_in_state(d, t, n, m)
    assert secs.sum() == d * n and (secs >= 0).all() and len(secs) == m

@settings(max_examples=12, deadline=None)
@given(d=st.sampled_from([3, 5, 8, 13]), t=st.integers(1, 9))
def test_closed_form_equals_simulation(d, t):
    raw = simulate_raw(alternating_script(d, 3), seed=1)
    res = run_loop(loop_inputs(raw, SPOT_STATES, "oracle"), Spot(t), POWER)
    assert np.array_equal(res.time_in_state(), time_in_state(d, t, 3))
    assert res.time_in_state().sum() == len(res.state) == 3 * d
    assert np.isclose(res.mean_current, mean_current(time_in_state(d, t, 3), [POWER[s] for s in SPOT_STATES]))

def test_closed_loop_with_a_classifier_counts_every_second():
    res = run_loop(loop_inputs(RAW, SPOT_STATES, HarMLP()), SpotConfidence(2), POWER)
    assert res.time_in_state().sum() == RAW.seconds - 1 and 0 <= res.accuracy <= 100

def test_power_table_and_pareto():
    assert POWER["F100_A128"] == max(POWER.currents.values()) and POWER["F6.25_A8"] == min(POWER.currents.values())
    ds = design_space({"F100_A128": 90.0, "F50_A16": 95.0}, POWER)
    assert ds.pareto_names() == ("F50_A16",) and ds.dominators("F100_A128") == ("F50_A16",)

@pytest.mark.parametrize("bad, match", [
    (lambda: SpotConfidence(9, confidence=1.0), r"in \(0, 1\)"),
    (lambda: SpotConfidence(9, confidence=-0.2), r"in \(0, 1\)"),
    (lambda: SpotConfidence(9, on_reject="skip"), "on_reject"),
    (lambda: Spot(0), ">= 1"),
    (lambda: Spot(3, states=("F99_A1",)), "unknown configuration"),
    (lambda: POWER["F7_A3"], "no current"),
    (lambda: PowerTable({}), "at least one"),
    (lambda: stream_features(AccelStream(np.zeros((0, 3), np.float32), np.zeros(0), emulate_stream(RAW, "F50_A8").config)), "empty"),
    (lambda: stream_features(emulate_stream(simulate_raw(alternating_script(1, 1), seed=0, preroll=0), "F50_A8")), "shorter than one"),
    (lambda: loop_inputs(RAW, SPOT_STATES, "perfect"), "oracle"),
    (lambda: time_in_state(10, 0, 2), ">= 1"),
])
def test_bad_input_errors(bad, match):
    with pytest.raises(ValueError, match=match): bad()
