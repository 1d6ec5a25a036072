"""Property tests of the PikeLPN quantisers, QuantNorm and the shift arithmetic."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from torch import nn

from reuse_edge.cost.acev2 import acev2_cost
from reuse_edge.cost.counters import count_costs
from reuse_edge.lowprec.pikelpn import PikeLPNNet, QuantConfig, QuantNorm, config_scheme, pot_pointwise_int, quantnorm_as_printed
from reuse_edge.quant import FixedPointQuant, LinearQuant, PoTQuant, ste_round
from reuse_edge.experiments.pikelpn_tables import TABLE36_ROWS

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

# --- pricing the configurations the chapter trains ------------------------------------------------------
# 47_lowprec_pikelpn trains the five Table 3.6 rows with fixed-point (3, 4, 1) activations and Linear-8 stem and
# classifier, and row 5 with each batch-norm treatment; a PoT weight's Q-params "-" is written "arbitrary" there.
ACT, STEM = (3, 4, 1), "linear8"

def chapter_config(row, norm="fp", act=ACT):
    pw, pw_q, dw, dw_q = (q if q != "-" else "arbitrary" for q in TABLE36_ROWS[row])
    return QuantConfig(pw, pw_q, dw, dw_q, norm=norm, act=act, stem=STEM)

def price(cfg, **net_kw):
    "ACEv2 of the network built for `cfg` itself (not of a default network), 32x32 input."
    return acev2_cost(count_costs(PikeLPNNet(cfg, **net_kw), (1, 3, 32, 32)), config_scheme(cfg))

@pytest.mark.parametrize("norm", ["fp", "folded", "vanilla8", "quantnorm", "quantnorm_pot"])
def test_every_variant_runs_trains_and_is_priced(norm):
    cfg = chapter_config("r5", norm)
    net = PikeLPNNet(cfg)
    net.load_state_dict(PikeLPNNet().state_dict())
    x = torch.rand(4, 3, 32, 32)
    net.train(); net(x).sum().backward()
    assert all(p.grad is not None for n, p in net.named_parameters() if "fc" in n or "pw.weight" in n)
    fp_counts = count_costs(PikeLPNNet(), (1, 3, 32, 32))
    fp_cost = acev2_cost(fp_counts, config_scheme(QuantConfig())).total
    chapter = acev2_cost(fp_counts, config_scheme(cfg))  # the chapter prices every variant on the FP network's counts
    assert chapter.total < fp_cost / 10 and math.isclose(chapter.total, chapter.mac + chapter.elementwise)
    if norm == "folded":  # folding calls F.conv2d: the counter cannot see those convolutions, and says so
        with pytest.warns(UserWarning, match="could not be counted"): counts = count_costs(net, (1, 3, 32, 32))
        assert counts.unknown and counts.macs < fp_counts.macs
        with pytest.raises(ValueError, match="could not be counted"): acev2_cost(counts, config_scheme(cfg))
    else:  # the trained network's own counts: the same MACs, and the same price as the chapter's
        counts = count_costs(net, (1, 3, 32, 32))
        assert not counts.unknown and counts.macs == fp_counts.macs
        assert math.isclose(acev2_cost(counts, config_scheme(cfg)).total, chapter.total)

def test_lower_precision_configurations_cost_less():
    c = {r: price(chapter_config(r)) for r in TABLE36_ROWS}
    fp = price(QuantConfig())
    assert all(v.total < fp.total for v in c.values())
    assert c["r2"].total < c["r1"].total and c["r5"].total < c["r4"].total  # PoT scales instead of FP32 scales
    assert c["r4"].total < c["r1"].total and c["r4"].mac < c["r1"].mac  # PoT-4 PW weights instead of Linear-4
    assert c["r3"].mac < c["r4"].mac  # PoT-8 DW weights instead of Linear-8
    norms = {n: price(chapter_config("r5", n)).total for n in ("fp", "vanilla8", "quantnorm", "quantnorm_pot")}
    assert norms["quantnorm_pot"] < norms["quantnorm"] < norms["fp"] and norms["vanilla8"] < norms["fp"]

@settings(max_examples=20, deadline=None)
@given(row=st.sampled_from(["r1", "r2", "r3", "r4", "r5"]), ib=st.integers(0, 6), fb=st.integers(0, 8), signed=st.booleans())
def test_mac_part_is_proportional_to_activation_bits(row, ib, fb, signed):
    if ib + fb < 1: return  # FixedPointQuant needs an integer or a fraction bit
    a = ib + fb + int(signed)
    low, high = price(chapter_config(row, act=(ib, fb, signed))), price(chapter_config(row, act=(ib, fb + 1, signed)))
    assert math.isclose(high.mac * a, low.mac * (a + 1)) and high.total > low.total  # one more bit costs more, MACs linearly

def test_tiny_net_priced_by_hand():
    cfg = chapter_config("r1")  # PW Linear-4 (FP32 scale), DW Linear-8 (FP32 scale), stem/FC Linear-8 (PoT scale), FP32 BN, 8-bit inputs
    net_kw = dict(blocks=((4, 1),), stem_channels=2, n_classes=3)
    rep = count_costs(PikeLPNNet(cfg, **net_kw), (1, 3, 4, 4))
    hw, a = 4 * 4, 3 + 4 + 1  # output positions (stride 1, same padding); activation bits
    macs = dict(stem=hw * 2 * 3 * 9, dw=hw * 2 * 9, pw=hw * 4 * 2, fc=4 * 3)
    assert rep.macs == sum(macs.values()) == 1292
    linear_mac = lambda w: w * a - max(w, a) + max(w, a)  # multiply (w a - max) + accumulate (max)
    fp32_mult, fp32_add, pot_scale, int_add = 32 * 32 - 32, 6 * 32, 8 * 3 / 5, a  # Eq. 3.3 primitives, c_a = 6, c_s = 5
    outputs = dict(stem=hw * 2, dw=hw * 2, pw=hw * 4)
    expect = dict(mac=linear_mac(8) * (macs["stem"] + macs["dw"] + macs["fc"]) + linear_mac(4) * macs["pw"],
                  scale=pot_scale * outputs["stem"] + fp32_mult * (outputs["dw"] + outputs["pw"]),
                  bn=(fp32_mult + fp32_add) * sum(outputs.values()), pool=int_add * outputs["pw"], bias=32 * 3)
    got = acev2_cost(rep, config_scheme(cfg)).by_kind()
    assert set(got.index) == set(expect)
    for k, v in expect.items(): assert math.isclose(got[k], v), (k, got[k], v)
