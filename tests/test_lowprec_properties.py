"""Property tests of the PikeLPN quantisers, QuantNorm and the shift arithmetic."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, strategies as st
from torch import nn

from reuse_edge.cost.acev2 import acev2_cost
from reuse_edge.cost.counters import count_costs
from reuse_edge.lowprec.pikelpn import (FixedPointQuant, LinearQuant, PikeLPNNet, PoTQuant, QuantConfig, QuantNorm,
                                        config_scheme, pot_pointwise_int, quantnorm_as_printed, ste_round)

seeds = st.integers(0, 2**31)

def rand(seed, *shape, scale=1.0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale

@given(seed=seeds, bits=st.integers(2, 8), kind=st.sampled_from(["arbitrary", "pot"]))
def test_linear_quant_levels_error_and_idempotence(seed, bits, kind):
    q = LinearQuant(bits, kind)
    w = rand(seed, 6, 5, 3, 3)
    y, s = q(w), q.scale(w)
    codes = y / s
    assert torch.allclose(codes, codes.round(), atol=1e-4) and codes.abs().max() <= 2 ** (bits - 1) - 1 + 1e-4
    assert ((y - w).abs() <= s / 2 + 1e-6).all()  # no clipping: error at most half a step
    assert torch.allclose(q(y), y, atol=1e-6)
    if kind == "pot": assert torch.equal(torch.log2(s.flatten()), torch.log2(s.flatten()).round())

@given(seed=seeds, bits=st.integers(2, 8), max_exp=st.integers(-3, 3))
def test_pot_quant_outputs_powers_of_two_in_range(seed, bits, max_exp):
    q = PoTQuant(bits, max_exp)
    y = q(rand(seed, 200, scale=2.0 ** max_exp))
    nz = y[y != 0].abs()
    e = torch.log2(nz)
    assert torch.equal(e, e.round()) and (e >= q.min_exp).all() and (e <= q.max_exp).all()
    assert torch.equal(q(y), y)

@given(seed=seeds, ib=st.integers(0, 6), fb=st.integers(0, 8), signed=st.booleans())
def test_fixed_point_grid_and_range(seed, ib, fb, signed):
    if ib + fb < 1: return
    q = FixedPointQuant(ib, fb, signed)
    y = q(rand(seed, 300, scale=2.0 ** ib))
    assert torch.equal(y / q.step, (y / q.step).round()) and y.min() >= q.lo and y.max() <= q.hi

def test_ste_gradient_is_identity():
    x = torch.linspace(-2, 2, 11, requires_grad=True)
    ste_round(x * 3.3).sum().backward()
    assert torch.allclose(x.grad, torch.full_like(x, 3.3))

@given(seed=seeds)
def test_quantnorm_without_quantisation_is_batch_norm_and_printed_form_is_not(seed):
    c = 5
    bn, qn = nn.BatchNorm2d(c), QuantNorm(c, bits=None)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in (bn, qn):
            torch.manual_seed(seed)
            m.weight.copy_(torch.rand(c, generator=torch.Generator().manual_seed(seed)) + 0.5)
            m.bias.copy_(torch.randn(c, generator=torch.Generator().manual_seed(seed + 1)))
            m.running_mean.copy_(torch.randn(c, generator=torch.Generator().manual_seed(seed + 2)) + 2)
            m.running_var.copy_(torch.rand(c, generator=torch.Generator().manual_seed(seed + 3)) + 0.5)
    bn.eval(); qn.eval()
    x = torch.randn(2, c, 4, 4, generator=g)
    assert torch.allclose(qn(x), bn(x), atol=1e-5)
    assert not torch.allclose(quantnorm_as_printed(qn, x), bn(x), atol=1e-2)

@given(seed=seeds, cin=st.integers(1, 24), cout=st.integers(1, 16), frac=st.integers(0, 6))
def test_pot_weights_times_integers_are_exact_shifts(seed, cin, cout, frac):
    rng = np.random.default_rng(seed)
    q = PoTQuant(4)
    w = q(torch.from_numpy(rng.normal(0, 0.3, (cout, cin, 1, 1))).float())
    X = rng.integers(-128, 128, (2, cin, 3, 3))
    out = pot_pointwise_int(X, w, q.min_exp).astype(np.float64) * 2.0 ** (q.min_exp - frac)
    ref = F.conv2d(torch.from_numpy(X).double() * 2.0 ** -frac, w.double()).numpy()
    assert np.array_equal(out, ref)

@pytest.mark.parametrize("bad", [dict(pw="log4"), dict(dw_q="learned"), dict(norm="groupnorm")])
def test_bad_configs(bad):
    with pytest.raises(ValueError): QuantConfig(**bad)

@pytest.mark.parametrize("norm", ["fp", "folded", "vanilla8", "quantnorm", "quantnorm_pot"])
def test_every_variant_runs_trains_and_is_priced(norm):
    cfg = QuantConfig("pot4", "arbitrary", "linear8", "pot", norm=norm, act=(3, 4, 1), stem="linear8")
    net = PikeLPNNet(cfg)
    net.load_state_dict(PikeLPNNet().state_dict())
    x = torch.rand(4, 3, 32, 32)
    net.train(); net(x).sum().backward()
    assert all(p.grad is not None for n, p in net.named_parameters() if "fc" in n or "pw.weight" in n)
    cost = acev2_cost(count_costs(PikeLPNNet(), (1, 3, 32, 32)), config_scheme(cfg))
    assert cost.total > 0 and math.isfinite(cost.total)
