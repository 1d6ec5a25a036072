"""Property tests of the shared model foundations (reuse_edge.nn): block shapes, the model registry, the
transformer layers and their reuse versions, and the inspection hooks (including their errors on bad input)."""
import pytest
import torch
import torch.nn as nn
from hypothesis import given, settings, strategies as st

from reuse_edge.nn.blocks import BasicBlock, ConvBNAct, Fire, InvertedResidual, SkipAdd, make_act
from reuse_edge.nn.inspect import LayerShape, activation_values, by_layer_type, capture_inputs, count_macs, input_records, layer_shapes
from reuse_edge.nn.models import MODELS, build_model
from reuse_edge.nn.vit import MLP, Attention, ViTBlock, WindowBlock
from reuse_edge.reuse.layers import ReuseAttention, ReuseMLP, ReuseViTBlock

def _out(n, k, s, p): return (n + 2 * p - k) // s + 1

@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 5), stride=st.integers(1, 3), padding=st.one_of(st.none(), st.integers(0, 3)),
       groups=st.sampled_from([1, 2, 4]), size=st.integers(5, 14), act=st.sampled_from([None, nn.ReLU, nn.ReLU6, nn.GELU]))
def test_conv_bn_act_shapes(k, stride, padding, groups, size, act):
    m = ConvBNAct(4, 8, k, stride, padding, groups, act=act).eval()
    p = k // 2 if padding is None else padding
    assert m(torch.randn(2, 4, size, size)).shape == (2, 8, _out(size, k, stride, p), _out(size, k, stride, p))
    assert [n for n, _ in m.named_children()] == (["conv", "bn"] if act is None else ["conv", "bn", "act"])
    assert m.conv.bias is None

@settings(max_examples=30, deadline=None)
@given(cin=st.integers(1, 12), cout=st.integers(1, 12), stride=st.integers(1, 2), inplace=st.booleans(), size=st.integers(4, 10))
def test_residual_blocks(cin, cout, stride, inplace, size):
    x = torch.randn(2, cin, size, size)
    bb = BasicBlock(cin, cout, stride, inplace=inplace).eval()
    assert bb(x.clone()).shape == (2, cout, _out(size, 3, stride, 1), _out(size, 3, stride, 1))
    assert (bb.act1.inplace, bb.act2.inplace) == (inplace, inplace)
    ir = InvertedResidual(cin, cout, stride, 2, inplace=inplace).eval()
    assert ir(x.clone()).shape == (2, cout, _out(size, 3, stride, 1), _out(size, 3, stride, 1))
    assert ir.residual == (stride == 1 and cin == cout)
    assert Fire(cin, cout + 1, 3).eval()(x).shape == (2, cout + 1, size, size)

def test_block_errors():
    with pytest.raises(TypeError, match="no inplace argument"): ConvBNAct(4, 4, 1, act=nn.GELU, inplace=True)
    with pytest.raises(TypeError, match="nn.Module class or None"): make_act("relu")
    with pytest.raises(ValueError, match="needs an activation"): BasicBlock(4, 4, act=None)
    assert make_act(None) is None and torch.equal(SkipAdd()(torch.ones(2), torch.ones(2)), torch.full((2,), 2.0))

@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_registered_model_gives_finite_outputs(name):
    spec = MODELS[name]
    size = (64, 64) if spec.input_size == (224, 224) else spec.input_size  # the ImageNet nets are fully convolutional
    torch.manual_seed(0)
    m = build_model(name).eval()
    with torch.no_grad(): y = m(torch.rand(2, 3, *size))
    assert y.shape[0] == 2 and torch.isfinite(y).all()

def test_build_model_errors_list_the_names():
    with pytest.raises(ValueError, match="unknown model 'resnet'; known models: cifarnet, lane_resnet"): build_model("resnet")
    with pytest.raises(ValueError, match="bypass must be one of"): build_model("squeezenet", bypass="skip")

@settings(max_examples=25, deadline=None)
@given(heads=st.sampled_from([1, 2, 4]), n=st.integers(1, 12), b=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_reuse_layers_with_reuse_off_are_the_plain_layers(heads, n, b, seed):
    torch.manual_seed(seed)
    blk, x = ViTBlock(8, heads), torch.randn(b, n, 8)
    rb = ReuseViTBlock.from_float(blk, q_bits=6, kv_bits=6, z_bits=6, seed=seed)
    assert rb.attn.qkv.weight is blk.attn.qkv.weight and rb.mlp.fc2.bias is blk.mlp.fc2.bias
    for m in (rb.attn, rb.mlp): m.reuse = False
    assert torch.equal(rb(x), blk(x))
    for m in (rb.attn, rb.mlp): m.reuse = True
    assert torch.isfinite(rb(x)).all()

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_reuse_versions_draw_the_plain_initial_weights(seed):
    torch.manual_seed(seed); a = [ViTBlock(8, 2), Attention(8, 2), MLP(8, 16)]
    torch.manual_seed(seed); b = [ReuseViTBlock(8, 2, q_bits=4, z_bits=4), ReuseAttention(8, 2, q_bits=4, kv_bits=4), ReuseMLP(8, 16, n_bits=4)]
    for p, q in zip(a, b):
        assert list(p.state_dict()) == list(q.state_dict())
        assert all(torch.equal(u, v) for u, v in zip(p.state_dict().values(), q.state_dict().values()))

def test_window_block_errors_and_attention_errors():
    with pytest.raises(ValueError, match="not divisible into"): WindowBlock(8, 2, (6, 8), 4)
    with pytest.raises(ValueError, match="not divisible by heads"): Attention(10, 4)
    with pytest.raises(ValueError, match=r"expected \(B, N, 8\) tokens"): Attention(8, 2)(torch.randn(2, 8))
    with pytest.raises(TypeError, match="expected reuse_edge.nn.vit.Attention"): ReuseAttention.from_float(nn.Linear(2, 2))

@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 9), batch_size=st.integers(1, 10))
def test_capture_inputs_batches_and_restores(n, batch_size):
    torch.manual_seed(0)
    m = build_model("cifarnet", width=0.1)
    x = torch.rand(n, 3, 32, 32)
    cap = capture_inputs(m, ["conv2.conv", "classifier.1"], x, batch_size=batch_size)
    assert cap["conv2.conv"].shape[0] == n and cap["classifier.1"].shape == (n, m.classifier[1].in_features)
    assert m.training and not any(mod._forward_pre_hooks for mod in m.modules())

def test_capture_inputs_errors_on_unknown_names():
    m = build_model("cifarnet", width=0.1)
    with pytest.raises(ValueError, match=r"no layer\(s\) named \['conv9', 'fc'\]"): capture_inputs(m, ["conv1.conv", "conv9", "fc"], torch.rand(1, 3, 32, 32))
    with pytest.raises(ValueError, match="batch_size must be positive"): capture_inputs(m, ["conv1.conv"], torch.rand(1, 3, 32, 32), batch_size=0)
    with pytest.raises(ValueError, match=r"no convolution\(s\) named \['conv1'\]"): layer_shapes(m, ["conv1"])
    assert not any(mod._forward_pre_hooks or mod._forward_hooks for mod in m.modules())

@settings(max_examples=20, deadline=None)
@given(k=st.integers(1, 5), stride=st.integers(1, 2), pad=st.integers(0, 2), out=st.integers(1, 6), size=st.integers(8, 16))
def test_layer_shapes_are_the_im2col_gemm(k, stride, pad, out, size):
    m = nn.Sequential(nn.Conv2d(3, out, k, stride, pad), nn.ReLU(), nn.Conv2d(out, 2, 1))
    s = layer_shapes(m, ["0", "2"], size)
    y = m[0](torch.zeros(1, 3, size, size))
    assert s["0"] == LayerShape(N=y.shape[2] * y.shape[3], D_in=3 * k * k, D_out=out, kernel=(k, k), C=3, OH=y.shape[2], OW=y.shape[3],
                                H_in=size, W_in=size)
    assert (s["2"].N, s["2"].D_in, s["2"].H_in, s["2"].kernel) == (s["0"].N, out, s["0"].OH, (1, 1))  # the next layer sees the output

def test_records_and_macs():
    torch.manual_seed(0)
    net, x = build_model("resnet_style", width=4), torch.randn(2, 3, 32, 32)
    rec = input_records(net, x)
    assert sum(r.numel for r in rec) == len(activation_values(net, x))
    assert int(by_layer_type(rec).layers.sum()) == len(rec) and rec[0].zeros == 0
    assert count_macs(build_model("cifarnet")) == 784 * 75 * 64 + 100 * 1600 * 64 + 1600 * 384 + 384 * 192 + 192 * 10
