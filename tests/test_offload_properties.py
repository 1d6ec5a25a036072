"""Properties of the offloading latency model and configuration search (reuse_edge.offload.latency, .segment)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.offload.latency import (choose_config, config_grid, config_latency, scaling_factor, n_downscaled, sweep_constraints,
                                        tx_latency, tx_latency_base)
from reuse_edge.offload.segment import downscale_up, reconstruct, select_patches

GRID = config_grid()
rates = st.floats(0.05, 50)
tables = st.integers(0, 2**31 - 1).map(lambda s: np.random.default_rng(s).random(GRID.shape))

@settings(max_examples=60)
@given(tables, st.floats(1e-4, 2.0), rates, st.sampled_from(["tx", "total"]))
def test_the_optimiser_never_violates_the_constraint(acc, l_c, rate, constraint):
    lat = config_latency(GRID, rate, constraint=constraint)
    if not (lat < l_c).any():
        with pytest.raises(ValueError, match="smallest achievable latency"): choose_config(acc, GRID, l_c, rate, constraint=constraint)
        return
    c = choose_config(acc, GRID, l_c, rate, constraint=constraint)
    assert c.latency < l_c and c.accuracy == acc[lat < l_c].max()

@settings(max_examples=60)
@given(tables, st.floats(1e-4, 2.0), rates)
def test_the_optimum_is_at_least_the_best_baseline(acc, l_c, rate):
    try: b = choose_config(acc, GRID, l_c, rate, baseline=True)
    except ValueError: return
    assert choose_config(acc, GRID, l_c, rate).accuracy >= b.accuracy

@given(st.floats(0, 1), rates, st.integers(16, 1000), st.floats(0.5, 4))
def test_sf_zero_configurations_are_the_uniform_baseline(r, rate, res, c):
    assert tx_latency(0.0, r, rate, res, c) == pytest.approx(c * res**2 * r**2 / (rate * 1e6), rel=1e-12)

@settings(max_examples=30)
@given(tables, st.floats(1e-4, 2.0), rates)
def test_baseline_choice_is_the_best_sf_zero_point(acc, l_c, rate):
    lat = tx_latency(0.0, GRID.rf, rate)
    ok = lat < l_c
    if not ok.any(): return
    assert choose_config(acc, GRID, l_c, rate, baseline=True).accuracy == acc[0][ok].max()

@given(st.integers(0, 2**31 - 1), st.sampled_from([0.0, 0.05, 0.5, 1.0]))
def test_sf_zero_reconstruction_is_uniform_downscaling(seed, rf):
    g = torch.Generator().manual_seed(seed)
    img, prob = torch.rand(2, 3, 16, 16, generator=g), torch.rand(2, 4, 4, generator=g)
    assert torch.equal(reconstruct(img, select_patches(prob, 0.0), rf), downscale_up(img, rf))

@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), rates, rates)
def test_latency_is_monotone(sf1, sf2, rf1, rf2, g1, g2):
    (sf1, sf2), (rf1, rf2), (g1, g2) = sorted((sf1, sf2)), sorted((rf1, rf2)), sorted((g1, g2))
    assert tx_latency(sf1, rf1, g2) <= tx_latency(sf2, rf1, g2) + 1e-15
    assert tx_latency(sf1, rf1, g2) <= tx_latency(sf1, rf2, g2) + 1e-15
    assert tx_latency(sf1, rf1, g2) <= tx_latency(sf1, rf1, g1) + 1e-15  # lower rate, higher latency

@pytest.mark.parametrize("rate", [0, -1, float("nan"), float("inf")])
def test_bad_data_rate_is_refused(rate):
    with pytest.raises(ValueError, match="positive number of MB/s"): tx_latency_base(rate)
    with pytest.raises(ValueError, match="positive number of MB/s"): choose_config(np.zeros(GRID.shape), GRID, 1.0, rate)

def test_constraint_below_smallest_latency_is_refused():
    with pytest.raises(ValueError, match="smallest achievable latency"): choose_config(np.zeros(GRID.shape), GRID, 0.0, 10.0)
    with pytest.raises(ValueError, match="smallest achievable latency"):
        choose_config(np.zeros(GRID.shape), GRID, 0.03, 10.0, constraint="total", l_proc=0.046)

@given(st.integers(1, 20), st.data())
def test_scaling_factor_round_trips(n, data):
    k = data.draw(st.integers(0, n * n))
    assert n_downscaled(scaling_factor(k, n), n) == k

def test_grid_has_420_configurations_and_sweep_never_loses():
    assert GRID.n_configs == 20 * 21
    acc = np.sqrt(GRID.fraction())
    s = sweep_constraints(acc, GRID, [10, 5, 1], np.linspace(0.001, 1.5, 30))
    assert np.all((s.proposed >= s.baseline) | np.isnan(s.baseline))
