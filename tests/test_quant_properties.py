"""Property tests of reuse_edge.quant: fake quantisation, the model parametrization, fixed point, binarisation."""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn.utils import parametrize

from reuse_edge.quant import (BinaryConv2d, BinaryLinear, FakeQuant, FixedPointQuant, LinearQuant, PoTQuant, binarize,
                              clip_latent, fake_quant, fixed_frac_bits, make_quantizer, parse_quantizer, quantize_int8,
                              quantize_model, saturate, shift_saturate, ste_round, to_fixed)

seeds = st.integers(0, 2**31 - 1)
widths = st.integers(1, 12)

def rand(seed, *shape, scale=1.0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype) * scale

def int8_reference(x):
    "The per-tensor affine int8 fake quantisation the reuse chapters were written with."
    lo, hi = x.detach().min(), x.detach().max()
    scale = (hi - lo).clamp_min(1e-12) / 255
    zero = torch.round(-lo / scale)
    q = (torch.clamp(torch.round(x.detach() / scale) + zero, 0, 255) - zero) * scale
    return x + (q - x).detach()

# --- fake quantisation -------------------------------------------------------------------------------------

@given(seed=seeds, n=st.integers(1, 500), scale=st.floats(1e-3, 1e3), shift=st.floats(-10, 10))
def test_8_bit_fake_quant_is_the_int8_formula_bit_for_bit(seed, n, scale, shift):
    x = (rand(seed, n, scale=scale) + shift).requires_grad_()
    y, ref = fake_quant(x), int8_reference(x)
    assert torch.equal(y, ref) and torch.equal(fake_quant(x, 8), ref)

@given(seed=seeds, bits=widths, n=st.integers(2, 400), scale=st.floats(1e-2, 1e2), symmetric=st.booleans())
def test_fake_quant_levels_half_step_and_idempotence(seed, bits, n, scale, symmetric):
    if symmetric and bits < 2: bits = 2
    x = rand(seed, n, scale=scale)
    y = fake_quant(x, bits, symmetric)
    if symmetric:
        qmax = 2 ** (bits - 1) - 1
        step = max(x.abs().max().item(), 1e-8) / qmax
        levels = 2 * qmax + 1
    else:
        step = max((x.max() - x.min()).item(), 1e-12) / (2 ** bits - 1)
        levels = 2 ** bits
    assert len(torch.unique(y)) <= levels
    assert ((y - x).abs() <= step / 2 * (1 + 1e-4) + 1e-6 * scale).all()  # within half a step
    assert torch.allclose(fake_quant(y, bits, symmetric), y, rtol=0, atol=step * 1e-3 + 1e-6 * scale)  # idempotent

@given(seed=seeds, bits=widths, symmetric=st.booleans())
def test_fake_quant_gradient_is_straight_through(seed, bits, symmetric):
    if symmetric and bits < 2: bits = 2
    x = rand(seed, 64).requires_grad_()
    fake_quant(x, bits, symmetric).sum().backward()
    assert torch.equal(x.grad, torch.ones(64))

@given(seed=seeds, bits=st.integers(2, 12))
def test_symmetric_fake_quant_is_the_per_tensor_linear_quantiser(seed, bits):
    x = rand(seed, 3, 5)
    assert torch.equal(fake_quant(x, bits, symmetric=True), LinearQuant(bits, per_channel=False)(x))

@pytest.mark.parametrize("bits, match", [(0, "at least 1 bit"), (-3, "at least 1 bit"), (8.0, "integer number of bits"),
                                         (2.5, "integer number of bits"), ("8", "integer number of bits"),
                                         (True, "integer number of bits"), (None, "integer number of bits")])
def test_fake_quant_bad_bits(bits, match):
    with pytest.raises(ValueError, match=match): fake_quant(torch.ones(3), bits)
    with pytest.raises(ValueError, match=match): FakeQuant(bits)
    with pytest.raises(ValueError, match=match): quantize_model(nn.Linear(2, 2), bits)

@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_fake_quant_non_finite_input(bad):
    for symmetric in (False, True):
        with pytest.raises(ValueError, match="NaN or infinite"): fake_quant(torch.tensor([0.0, bad, 1.0]), 8, symmetric)

def test_fake_quant_other_bad_input():
    with pytest.raises(ValueError, match="empty"): fake_quant(torch.ones(0))
    with pytest.raises(ValueError, match="torch.Tensor"): fake_quant([1.0, 2.0])
    with pytest.raises(ValueError, match="at least 2 bits"): fake_quant(torch.ones(3), 1, symmetric=True)

# --- the model parametrization ------------------------------------------------------------------------------

def small_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 4))

@settings(max_examples=20, deadline=None)
@given(seed=seeds, bits=widths)
def test_quantize_model_quantises_inputs_and_weights(seed, bits):
    ref = small_net()
    q = quantize_model(copy.deepcopy(ref), bits)
    x = rand(seed, 2, 2, 4, 4)
    c, l = ref[0], ref[3]
    h = F.relu(F.conv2d(fake_quant(x, bits), fake_quant(c.weight, bits), c.bias, padding=1)).flatten(1)
    assert torch.equal(q(x), F.linear(fake_quant(h, bits), fake_quant(l.weight, bits), l.bias))
    assert torch.equal(q[0].parametrizations.weight.original, ref[0].weight)  # the latent weight is the trained one

def test_quantize_int8_is_quantize_model_8_and_idempotent():
    x = rand(1, 2, 2, 4, 4)
    a, b = quantize_int8(small_net()), quantize_model(small_net(), bits=8)
    assert torch.equal(a(x), b(x))
    n_hooks = len(a[0]._forward_pre_hooks)
    quantize_int8(a)
    assert len(a[0]._forward_pre_hooks) == n_hooks and torch.equal(a(x), b(x))
    assert parametrize.is_parametrized(a[3], "weight")

# --- linear and power-of-two quantisers ------------------------------------------------------------------------

def test_ste_round_values_and_gradient():
    x = torch.tensor([-1.5, -0.5, 0.49, 0.5, 1.5, 2.5], requires_grad=True)
    y = ste_round(x)
    y.sum().backward()
    assert torch.equal(y.detach(), torch.tensor([-2.0, -0.0, 0.0, 0.0, 2.0, 2.0])) and torch.equal(x.grad, torch.ones(6))

@pytest.mark.parametrize("make, match", [(lambda: LinearQuant(1), "at least 2 bits"), (lambda: LinearQuant(0), "at least 1 bit"),
                                         (lambda: LinearQuant(4.0), "integer number of bits"), (lambda: PoTQuant(1), "at least 2 bits"),
                                         (lambda: PoTQuant("4"), "integer number of bits"), (lambda: LinearQuant(4, "log"), "'arbitrary' or 'pot'"),
                                         (lambda: FixedPointQuant(-1, 2), "need int_bits"), (lambda: FixedPointQuant(2, 1.5), "must be an integer"),
                                         (lambda: make_quantizer("pot"), "fp, linearN or potN"), (lambda: parse_quantizer(4), "fp, linearN or potN")])
def test_quantiser_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match): make()

@given(name=st.sampled_from(["fp", "linear2", "linear8", "pot4", "pot8"]))
def test_make_quantizer_matches_its_name(name):
    kind, bits = parse_quantizer(name)
    q = make_quantizer(name)
    assert (kind == "fp") == isinstance(q, nn.Identity)
    if kind != "fp": assert q.bits == bits and isinstance(q, LinearQuant if kind == "linear" else PoTQuant)

# --- fixed point ---------------------------------------------------------------------------------------------------

@given(seed=seeds, bits=st.integers(2, 16), scale=st.floats(1e-3, 1e3))
def test_fixed_point_round_trip_within_half_an_lsb(seed, bits, scale):
    x = rand(seed, 300, scale=scale)
    f = fixed_frac_bits(x, bits)
    X = to_fixed(x, f, bits)
    lim = 2 ** (bits - 1)
    assert torch.equal(X, X.round()) and X.min() >= -lim and X.max() <= lim - 1
    assert ((X / 2.0 ** f - x.double()).abs() <= 2.0 ** -(f + 1) * (1 + 1e-9)).all()  # nothing saturates at this scale
    assert x.abs().max().item() * 2.0 ** (f + 1) > lim - 1  # and f is the largest such choice

@given(seed=seeds, frac=st.integers(-4, 10), bits=st.integers(1, 16))
def test_to_fixed_saturates_to_the_word(seed, frac, bits):
    X = to_fixed(rand(seed, 200, scale=1e3), frac, bits)
    assert X.min() >= -(2 ** (bits - 1)) and X.max() <= 2 ** (bits - 1) - 1 and X.dtype == torch.float64

@given(acc=st.lists(st.integers(-2**20, 2**20), min_size=1, max_size=50), shift=st.integers(-3, 12), bits=st.integers(2, 16))
def test_shift_saturate_is_round_half_up_shift_then_saturate(acc, shift, bits):
    a = torch.tensor(acc, dtype=torch.float64)
    got = shift_saturate(a, shift, bits)
    lim = 2 ** (bits - 1)
    ref = [min(max((v + (1 << (shift - 1)) >> shift) if shift > 0 else (v << -shift), -lim), lim - 1) for v in acc]
    assert got.tolist() == ref
    assert torch.equal(saturate(a, bits), a.clamp(-lim, lim - 1))

@given(seed=seeds, ib=st.integers(0, 6), fb=st.integers(0, 8), signed=st.booleans())
def test_fixed_point_quant_grid_range_and_gradient(seed, ib, fb, signed):
    if ib + fb < 1: return
    q = FixedPointQuant(ib, fb, signed)
    x = rand(seed, 300, scale=2.0 ** ib).requires_grad_()
    y = q(x)
    assert torch.equal(y / q.step, (y / q.step).round()) and y.min() >= q.lo and y.max() <= q.hi
    y.sum().backward()
    inside = (x.detach() >= q.lo) & (x.detach() <= q.hi)
    assert torch.equal(x.grad, inside.float())

def test_fixed_point_bad_input():
    with pytest.raises(ValueError, match="NaN or infinite"): fixed_frac_bits(torch.tensor([1.0, float("nan")]))
    with pytest.raises(ValueError, match="NaN or infinite"): to_fixed(torch.tensor([float("inf")]), 3)
    with pytest.raises(ValueError, match="empty"): fixed_frac_bits(torch.ones(0))
    with pytest.raises(ValueError, match="frac must be an integer"): to_fixed(torch.ones(2), 3.0)
    with pytest.raises(ValueError, match="shift must be an integer"): shift_saturate(torch.ones(2), 0.5)
    with pytest.raises(ValueError, match="at least 2 bits"): fixed_frac_bits(torch.ones(2), 1)
    with pytest.raises(ValueError, match="at least 1 bit"): saturate(torch.ones(2), 0)

# --- binarisation ----------------------------------------------------------------------------------------------------

@given(seed=seeds, scale=st.floats(1e-3, 1e3), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_binarize_values_and_clipped_ste_mask(seed, scale, dtype):
    x = rand(seed, 500, scale=scale, dtype=dtype)
    x[::50] = 0.0  # exact zeros map to +1
    x.requires_grad_()
    b = binarize(x)
    assert b.dtype == dtype and set(b.detach().unique().tolist()) <= {-1.0, 1.0}
    assert torch.equal(b.detach(), torch.where(x.detach() >= 0, 1.0, -1.0).to(dtype))
    g = rand(seed + 1, 500, dtype=dtype)
    (b * g).sum().backward()
    assert torch.equal(x.grad, g * (x.detach().abs() <= 1).to(dtype))

@given(seed=seeds, clip=st.floats(0.1, 5.0))
def test_binarize_ste_clip_parameter(seed, clip):
    x = rand(seed, 200, scale=3.0).requires_grad_()
    binarize(x, ste_clip=clip).sum().backward()
    assert torch.equal(x.grad, (x.detach().abs() <= clip).float())
    x2 = x.detach().clone().requires_grad_()
    binarize(x2, ste_clip=None).sum().backward()
    assert torch.equal(x2.grad, torch.ones(200))

def test_binarize_bad_input():
    with pytest.raises(ValueError, match="NaN or infinite"): binarize(torch.tensor([0.5, float("nan")]))
    with pytest.raises(ValueError, match="NaN or infinite"): binarize(torch.tensor([float("-inf")]))
    with pytest.raises(ValueError, match="floating-point"): binarize(torch.tensor([1, 0, -1]))
    with pytest.raises(ValueError, match="ste_clip must be"): binarize(torch.ones(2), ste_clip=-1.0)
    assert binarize(torch.ones(0)).shape == (0,)

@settings(max_examples=20, deadline=None)
@given(seed=seeds, cin=st.integers(1, 4), cout=st.integers(1, 4), k=st.sampled_from([1, 3]), binary_input=st.booleans())
def test_binary_layers_use_sign_weights_and_train_latent_ones(seed, cin, cout, k, binary_input):
    torch.manual_seed(seed)
    conv = BinaryConv2d(cin, cout, k, padding=k // 2, bias=False, binary_input=binary_input)
    torch.manual_seed(seed)
    plain = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
    assert torch.equal(conv.weight, plain.weight)  # same initialisation
    x = rand(seed, 2, cin, 5, 5)
    xin = torch.where(x >= 0, 1.0, -1.0) if binary_input else x
    y = conv(x)
    assert torch.allclose(y, F.conv2d(xin, torch.where(plain.weight >= 0, 1.0, -1.0), padding=k // 2), atol=1e-5)
    if binary_input: assert torch.equal(y, y.round())
    y.sum().backward()
    assert conv.weight.grad is not None and conv.weight.grad.shape == conv.weight.shape
    lin = BinaryLinear(cin, cout, bias=False, binary_input=binary_input)
    z = rand(seed, 3, cin)
    zin = torch.where(z >= 0, 1.0, -1.0) if binary_input else z
    assert torch.allclose(lin(z), zin @ torch.where(lin.weight >= 0, 1.0, -1.0).T, atol=1e-5)

def test_clip_latent():
    net = nn.Sequential(BinaryConv2d(1, 2, 3), nn.Flatten(), BinaryLinear(2, 2), nn.Linear(2, 2))
    with torch.no_grad():
        for p in net.parameters(): p.fill_(3.0)
    assert clip_latent(net, 0.5) == 2
    assert net[0].weight.abs().max() == 0.5 and net[2].weight.abs().max() == 0.5
    assert net[3].weight.max() == 3.0 and net[2].bias.max() == 3.0  # only the binary layers' latent weights
    with pytest.raises(ValueError, match="bound must be"): clip_latent(net, float("inf"))
