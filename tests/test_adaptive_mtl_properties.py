"""Property tests of AdaMTL: the FLOPs count (monotone in the masks, equal to torch.utils.flop_counter on the
sparse inference path for any mask, including all-ones), the sparse path equal to the masked dense path, the
policies (hard masks are 0/1, straight-through gradients finite, the clamped sum in [0, 1]), Delta-m, and the errors
on bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.adaptive.mtl import (COMPUTE_TARGETS, AdaptiveBlock, ComputeTarget, MTLConfig, MTLOutput, MTLViT,
                                     PolicyMasks, add_policy, combine_task_masks, delta_m, efficiency_loss,
                                     flop_counter_flops, gumbel_sigmoid, mtl_flops, random_masks)
from reuse_edge.nn.vit import ViTBlock

torch.manual_seed(0)
STATIC = MTLViT(MTLConfig(depths=(2, 2))).eval()
TOKATT = MTLViT(MTLConfig(depths=(1, 2), token_attention=True)).eval()
X = torch.rand(2, 3, 32, 32)

def _masks(model, bits, tok):
    c = model.config
    g = torch.Generator().manual_seed(bits)
    b = torch.tensor([[(bits >> (k + 8 * i)) & 1 for k in range(c.n_blocks)] for i in range(2)], dtype=torch.float)
    return PolicyMasks(b, [(torch.rand(2, c.n_tokens[s], generator=g) < tok).float() for s in c.block_stage()])

@settings(max_examples=12, deadline=None)
@given(bits=st.integers(0, 2 ** 16 - 1), tok=st.floats(0.0, 1.0), which=st.sampled_from(["mlp", "attention"]))
def test_flops_equal_flop_counter_for_any_mask(bits, tok, which):
    model = STATIC if which == "mlp" else TOKATT
    masks = _masks(model, bits, tok)
    total, out = flop_counter_flops(model, X, masks)
    assert int(mtl_flops(model, out).matmul.sum()) == total

def test_all_ones_equals_flop_counter_and_dense():
    total, out = flop_counter_flops(STATIC, X)
    assert int(mtl_flops(STATIC, out).matmul.sum()) == total == int(mtl_flops(STATIC, batch=2).matmul.sum())
    ada = add_policy(STATIC, seed=0).eval()
    for mod in list(ada.policy.blocks) + list(ada.policy.tokens): mod.b2.data.fill_(10.0)  # the policy keeps everything
    total_p, out_p = flop_counter_flops(ada, X)
    assert out_p.block_masks.min() == 1 and int(mtl_flops(ada, out_p).matmul.sum()) == total_p

@settings(max_examples=20, deadline=None)
@given(bits=st.integers(0, 2 ** 16 - 1), tok=st.floats(0.0, 1.0), drop_block=st.integers(0, 3), drop_frac=st.floats(0.0, 1.0))
def test_flops_monotone_in_the_masks(bits, tok, drop_block, drop_frac):
    m = _masks(STATIC, bits, tok)
    out = MTLOutput({}, m.blocks, m.tokens, False)
    fewer_t = [t.clone() for t in m.tokens]
    fewer_t[drop_block] = fewer_t[drop_block] * (torch.rand_like(fewer_t[drop_block]) > drop_frac)
    fewer_b = m.blocks.clone(); fewer_b[:, drop_block] = 0
    base = mtl_flops(STATIC, out).total
    assert (mtl_flops(STATIC, MTLOutput({}, m.blocks, fewer_t, False)).total <= base).all()
    assert (mtl_flops(STATIC, MTLOutput({}, fewer_b, m.tokens, False)).total <= base).all()
    ones = mtl_flops(STATIC, batch=2).total
    assert (base <= ones).all()

def test_skipping_a_block_saves_exactly_its_flops():
    c = STATIC.config
    ones = PolicyMasks(torch.ones(1, c.n_blocks), [torch.ones(1, c.n_tokens[s]) for s in c.block_stage()])
    skip = PolicyMasks(ones.blocks.clone(), ones.tokens); skip.blocks[0, 0] = 0
    skip_tokens = PolicyMasks(ones.blocks, [t.clone() for t in ones.tokens]); skip_tokens.tokens[0].zero_()
    f = lambda m: mtl_flops(STATIC, MTLOutput({}, m.blocks, m.tokens, False)).matmul[0]
    n, d = c.n_tokens[0], c.dims[0]
    assert f(ones) - f(skip) == 2 * n * d * 3 * d + 4 * n * n * d + 2 * n * d * d + 4 * n * d * c.mlp_ratio * d
    assert f(ones) - f(skip_tokens) == 4 * n * d * c.mlp_ratio * d

@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), p=st.floats(0.1, 0.9), tok_attn=st.booleans())
def test_sparse_path_equals_masked_dense_path(seed, p, tok_attn):
    torch.manual_seed(seed)
    blk = AdaptiveBlock(ViTBlock(16, 2), tok_attn).eval()
    x = torch.randn(4, 16, 16)
    bm, tm = (torch.rand(4) < p).float(), (torch.rand(4, 16) < p).float()
    fn = lambda xs, rows: tm if rows is None else tm[rows]
    with torch.no_grad():
        assert torch.allclose(blk.sparse(x, bm, fn)[0], blk.dense(x, bm, fn)[0], atol=1e-5)

@settings(max_examples=30, deadline=None)
@given(logits=st.lists(st.floats(-20, 20), min_size=1, max_size=50), tau=st.floats(0.1, 10), noise=st.booleans())
def test_hard_masks_are_binary_with_finite_gradients(logits, tau, noise):
    lg = torch.tensor(logits, requires_grad=True)
    m = gumbel_sigmoid(lg, tau, hard=True, noise=noise)
    assert set(m.detach().unique().tolist()) <= {0.0, 1.0}
    (m * torch.arange(len(logits), dtype=torch.float)).sum().backward()
    assert torch.isfinite(lg.grad).all()
    soft = gumbel_sigmoid(lg.detach(), tau, hard=False, noise=noise)
    assert ((soft >= 0) & (soft <= 1)).all()

@settings(max_examples=30, deadline=None)
@given(t=st.integers(1, 5), n=st.integers(1, 20), seed=st.integers(0, 1000))
def test_clamped_sum_is_in_unit_interval_and_an_or_on_binary_masks(t, n, seed):
    g = torch.Generator().manual_seed(seed)
    soft = torch.rand(n, t, generator=g)
    c = combine_task_masks(soft)
    assert ((c >= 0) & (c <= 1)).all()
    hard = (soft > 0.5).float()
    assert torch.equal(combine_task_masks(hard), hard.amax(-1))
    enabled = (torch.rand(t, generator=g) > 0.5).float(); enabled[0] = 1
    assert torch.equal(combine_task_masks(hard, enabled), (hard * enabled).amax(-1))

metrics = st.dictionaries(st.sampled_from(["semseg", "parts", "sal", "normals"]), st.floats(1, 100), min_size=1)

@settings(max_examples=40, deadline=None)
@given(m=metrics, change=st.floats(0.01, 0.5))
def test_delta_m_zero_for_identical_and_signed_by_direction(m, change):
    assert delta_m(m, dict(m)) == 0
    for t in m:
        up = dict(m); up[t] = m[t] * (1 + change)
        d = delta_m(up, m)
        assert (d < 0) if t == "normals" else (d > 0)
        assert abs(abs(d) - 100 * change / len(m)) < 1e-6

def test_bad_input():
    with pytest.raises(ValueError, match=r"in \(0, 1\]"): ComputeTarget(0.0, 0.5)
    with pytest.raises(ValueError, match=r"in \(0, 1\]"): ComputeTarget(0.5, 1.01)
    with pytest.raises(ValueError, match="tokens target"): random_masks(STATIC, 1, -0.1, 0.5)
    with pytest.raises(ValueError, match="unknown task"): MTLViT(MTLConfig(tasks=("semseg", "depth")))
    with pytest.raises(ValueError, match="unknown task"): delta_m(dict(depth=1.0), dict(depth=1.0))
    with pytest.raises(ValueError, match="not divisible by the patch size"): MTLConfig(image=30, patch=4)
    with pytest.raises(ValueError, match="takes"): STATIC(torch.rand(1, 3, 28, 28))
    ada = add_policy(STATIC, seed=0)
    with pytest.raises(ValueError, match="unknown task"): ada.configure_policy(tasks=["edge"])
    with pytest.raises(ValueError, match="tau must be"): gumbel_sigmoid(torch.zeros(2), tau=0)
    with pytest.raises(TypeError, match="ComputeTarget"): efficiency_loss(ada, ada.train()(X), (0.5, 0.5))
    assert COMPUTE_TARGETS["H"].blocks > COMPUTE_TARGETS["L"].blocks
