"""Properties of the latent-weight binary networks (reuse_edge.lowprec.bnn, bnn_prune, bnn_packed)."""
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from reuse_edge.lowprec.bnn import (LatentBinaryConv2d, LatentBinaryLinear, bops, latent_layers, model_size, prune_layer,
                                    sign_magnitude, three_conv_net)
from reuse_edge.lowprec.bnn_prune import Split, sensitivity
from reuse_edge.lowprec.bnn_packed import PackedBinaryConv2d, xnor_popcount

conv_shapes = st.tuples(st.integers(1, 9), st.integers(1, 9), st.sampled_from([1, 3, 5]), st.integers(5, 12), st.integers(0, 2), st.integers(1, 2))

def _net(cin, cout, k, size, pad, stride):
    conv = LatentBinaryConv2d(cin, cout, k, stride=stride, padding=pad, bias=False, binary_input=True)
    oh = (size + 2 * pad - k) // stride + 1
    return nn.Sequential(conv, nn.Flatten(), LatentBinaryLinear(cout * oh * oh, 3, bias=False)), oh

@settings(max_examples=25)
@given(conv_shapes)
def test_bops_equal_eq_4_4_for_random_architectures(shape):
    cin, cout, k, size, pad, stride = shape
    net, oh = _net(cin, cout, k, size, pad, stride)
    rep = bops(net, (cin, size, size))
    assert [r.bops for r in rep.layers] == [k * k * cin * cout * oh * oh, cout * oh * oh * 3]

@settings(max_examples=25)
@given(conv_shapes, st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_bops_are_monotone_in_the_mask(shape, ps):
    cin, cout, k, size, pad, stride = shape
    net, oh = _net(cin, cout, k, size, pad, stride)
    torch.manual_seed(0)
    prev = bops(net, (cin, size, size)).total
    for p in sorted(ps):
        prune_layer(net[0], p)
        now = bops(net, (cin, size, size))
        assert now.total <= prev
        assert now.layers[0].bops == int(net[0].mask.sum()) * oh * oh
        prev = now.total

@settings(max_examples=40)
@given(st.integers(1, 300), st.floats(0, 1))
def test_prune_layer_removes_exactly_floor_p_n(n, p):
    lin = LatentBinaryLinear(n, 1, bias=False)
    step = prune_layer(lin, p)
    assert step.n_pruned == int((lin.mask == 0).sum()) == math.floor(p * n + 1e-9)
    kept, gone = lin.weight.detach().abs()[lin.mask == 1], lin.weight.detach().abs()[lin.mask == 0]
    if len(kept) and len(gone): assert gone.max() <= kept.min()

@pytest.mark.parametrize("p", [-0.01, 1.01, float("nan"), True])
def test_prune_layer_rejects_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match="must lie in"): prune_layer(LatentBinaryLinear(4, 2), p)

def test_prune_layer_rejects_a_non_binary_layer():
    for layer in (nn.Conv2d(2, 2, 3), nn.Linear(3, 3)):
        with pytest.raises(ValueError, match="latent-weight binary layer"): prune_layer(layer, 0.5)

@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=50))
def test_sign_magnitude_decomposition(values):
    w = torch.tensor(values)
    s, m = sign_magnitude(w)
    assert torch.equal(s * m, w) and set(s.unique().tolist()) <= {-1.0, 1.0} and (m >= 0).all()

def test_sensitivity_of_an_untouched_layer_is_zero():
    torch.manual_seed(0)
    net = three_conv_net((4, 4, 8), size=8, pool=False).eval()
    with torch.no_grad(): net[4].weight.zero_(); net[4].bias.zero_()  # layer 3's output never reaches the logits
    val = Split(torch.randn(40, 1, 8, 8), torch.randint(0, 10, (40,)))
    s = sensitivity(net, "3", val, (1, 8, 8))
    assert s.delta_bops > 0 and s.s == 0.0

def test_model_size_counts_surviving_binary_bits():
    net = three_conv_net((4, 4, 8), size=8, pool=False)
    before = model_size(net)
    prune_layer(net[3], 0.5)
    after = model_size(net)
    assert before.binary_bits - after.binary_bits == math.floor(0.5 * net[3].weight.numel())
    assert after.float_bits == before.float_bits

@settings(max_examples=20)
@given(conv_shapes, st.floats(0, 1))
def test_packed_forward_equals_float_forward(shape, p):
    cin, cout, k, size, pad, stride = shape
    conv = LatentBinaryConv2d(cin, cout, k, stride=stride, padding=pad, bias=True, binary_input=True)
    prune_layer(conv, p)
    x = torch.randn(2, cin, size, size)
    with torch.no_grad(): assert torch.allclose(PackedBinaryConv2d.from_latent(conv)(x), conv(x), atol=1e-5)

@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 200), st.randoms())
def test_xnor_popcount_is_a_dot_product(m, o, k, rnd):
    import numpy as np
    rng = np.random.default_rng(rnd.randint(0, 2**31))
    x, w = rng.choice([-1, 1], (m, k)), rng.choice([-1, 0, 1], (o, k))
    assert (xnor_popcount(x, w) == x @ w.T).all()
