"""Property tests of the sparse bitmap format (reuse_edge.memory.bitmap): bit-exact round trips, byte counts, errors."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from reuse_edge.memory.analysis import (bitmap_bytes, break_even_sparsity, compression_ratio, coo_bytes,
                                        table_4_1_theoretical)
from reuse_edge.memory.bitmap import (ROUNDTRIP_DTYPES, BitmapTensor, compress, decompress, nonzero_bits,
                                      random_special_tensor, same_bits, sparse_randn)

# raw bit patterns of each width: every value a dtype can hold (NaN payloads, -0.0, subnormals, inf) is reachable
INT_FOR = {1: (torch.uint8, 0, 255), 2: (torch.int16, -2**15, 2**15 - 1), 4: (torch.int32, -2**31, 2**31 - 1),
           8: (torch.int64, -2**63, 2**63 - 1)}
FLOATS = [torch.float32, torch.float16, torch.bfloat16, torch.float64, torch.float8_e4m3fn, torch.float8_e5m2,
          torch.complex64]

@st.composite
def raw_bit_tensors(draw):
    "A tensor of a random float dtype and shape whose elements are arbitrary bit patterns, many of them zero."
    dtype = draw(st.sampled_from(FLOATS))
    k = torch.empty(0, dtype=dtype).element_size()
    int_dtype, lo, hi = INT_FOR[k]
    shape = tuple(draw(st.lists(st.integers(0, 7), min_size=0, max_size=4)))
    n = math.prod(shape)
    zero_p = draw(st.floats(0, 1))
    bits = draw(st.lists(st.one_of(st.just(0), st.integers(lo, hi)) if zero_p > 0.5 else st.integers(lo, hi),
                         min_size=n, max_size=n))
    t = torch.tensor(bits, dtype=torch.int64).to(int_dtype) if int_dtype != torch.uint8 else torch.tensor(bits, dtype=torch.uint8)
    return t.view(dtype).reshape(shape)

@given(raw_bit_tensors())
def test_roundtrip_is_bit_exact_for_any_bits(x):
    c = compress(x)
    assert same_bits(decompress(c), x)
    assert c.nbytes == math.ceil(x.numel() / 8) + nonzero_bits(x) * x.element_size()

@given(dtype=st.sampled_from(ROUNDTRIP_DTYPES), shape=st.lists(st.integers(0, 9), max_size=4),
       density=st.floats(0, 1), seed=st.integers(0, 2**32 - 1), threads=st.sampled_from([1, 2]))
def test_roundtrip_random_tensors_every_dtype(dtype, shape, density, seed, threads):
    x = random_special_tensor(tuple(shape), dtype, density, np.random.default_rng(seed))
    c = compress(x, threads=threads)
    y = decompress(c, threads=threads)
    assert same_bits(y, x) and y.shape == x.shape and y.dtype == x.dtype
    assert c.nbytes == bitmap_bytes(x.numel(), c.nnz, x.element_size())

@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=64))
def test_value_test_restores_negative_zero_as_positive_zero(values):
    x = torch.tensor(values, dtype=torch.float32)
    y = decompress(compress(x, signed_zeros=False))
    expected = torch.where(x == 0, torch.zeros(()), x)  # -0.0 -> +0.0, everything else (NaN payloads too) kept
    assert np.array_equal(y.view(torch.int32).numpy(), expected.view(torch.int32).numpy())

@given(n=st.integers(0, 20000), density=st.floats(0, 1), seed=st.integers(0, 1000), threads=st.integers(2, 3))
def test_threaded_path_is_identical_to_single_thread(n, density, seed, threads):
    import reuse_edge.memory.bitmap as bmod
    from reuse_edge.native import use_native
    x = sparse_randn((n,), density, torch.Generator().manual_seed(seed))
    a = compress(x, threads=1)
    old, bmod.PARALLEL_MIN = bmod.PARALLEL_MIN, 1024  # force the reference's chunked, threaded path on small tensors
    try:
        with use_native(False):
            b = compress(x, threads=threads)
            assert a.bitmap.tobytes() == b.bitmap.tobytes() and a.values.tobytes() == b.values.tobytes()
            assert torch.equal(decompress(a, threads=threads), x)
    finally:
        bmod.PARALLEL_MIN = old

@given(n=st.integers(1, 10**6), s=st.floats(0, 1))
def test_byte_formulas(n, s):
    nnz = round((1 - s) * n)
    assert bitmap_bytes(n, nnz) == math.ceil(n / 8) + 4 * nnz
    assert coo_bytes(nnz, 4, 8) == 36 * nnz
    assert compression_ratio(s) == pytest.approx(1 / (1 - s + 1 / 32))
    if s > break_even_sparsity("bitmap") + 1e-3 and n > 10**4: assert bitmap_bytes(n, nnz) < 4 * n

def test_only_if_smaller_matches_the_break_even():
    n = 8000
    for nnz in (0, 7700, 7749, 7750, 7751, 8000):
        x = torch.zeros(n); x[:nnz] = 1.0
        smaller = math.ceil(n / 8) + 4 * nnz < 4 * n
        assert (compress(x, only_if_smaller=True) is not None) == smaller

def test_table_4_1_regenerates():
    t = table_4_1_theoretical()
    assert len(t) == 25 and t.num_elements.tolist()[::5] == [2408448, 1404928, 3211264, 1605632, 802816]
    row = t[(t["size"] == "64x56x56") & (t.density_pct == 50)].iloc[0]
    assert row.dense_theo_mib == 12.25 and row.bitmap_theo_improv_pct == 46.875

@pytest.mark.parametrize("bad, match", [
    (torch.zeros(4, 4).t(), "not contiguous"),
    (torch.zeros(4).to_sparse(), "to_dense"),
    (torch.zeros(4, device="meta"), "device 'meta'"),
    (torch.zeros(2, dtype=torch.complex64).conj(), "conjugate"),
])
def test_bad_input_is_rejected_and_left_intact(bad, match):
    before = bad.clone() if bad.layout == torch.strided and bad.device.type == "cpu" else None
    with pytest.raises(ValueError, match=match): compress(bad)
    if before is not None: assert torch.equal(bad.resolve_conj(), before.resolve_conj())

def test_corrupted_parts_raise_and_nothing_is_lost():
    x = sparse_randn((3, 37), 0.4, torch.Generator().manual_seed(1))
    c = compress(x)
    keep = (c.bitmap.copy(), c.values.copy())
    cases = [
        (BitmapTensor(c.shape, c.dtype, c.bitmap[:-1], c.values), "bitmap has"),
        (BitmapTensor(c.shape, c.dtype, np.concatenate([c.bitmap, [0]]).astype(np.uint8), c.values), "bitmap has"),
        (BitmapTensor(c.shape, c.dtype, c.bitmap, c.values[:-1]), "non-zeros but"),
        (BitmapTensor(c.shape, c.dtype, c.bitmap.astype(np.int16), c.values), "1-D uint8"),
        (BitmapTensor(c.shape, torch.float64, c.bitmap, c.values), "8-byte items"),
    ]
    last = c.bitmap.copy(); last[-1] |= 1  # 111 elements: the last byte has 1 padding bit
    cases.append((BitmapTensor(c.shape, c.dtype, last, c.values), "padding bits"))
    for bad, match in cases:
        with pytest.raises(ValueError, match=match): decompress(bad)
    assert np.array_equal(c.bitmap, keep[0]) and np.array_equal(c.values, keep[1])
    assert torch.equal(decompress(c), x)
    with pytest.raises(ValueError, match="expected"): decompress(c, out=torch.zeros(3, 36))
    with pytest.raises(TypeError): decompress(x)


# ---- the compiled kernels against the numpy reference ----
import reuse_edge.memory.bitmap as bmod
from reuse_edge.memory.bitmap import _compress, bitmap_ops
from reuse_edge.native import use_native

NATIVE = bitmap_ops() is not None
native_only = pytest.mark.skipif(not NATIVE, reason="compiled kernels unavailable (no compiler): the reference path is the only one")
PATH_DTYPES = [torch.float32, torch.float16, torch.bfloat16, torch.float64, torch.complex64, torch.float8_e4m3fn,
               torch.int8, torch.int16, torch.int32, torch.int64, torch.bool]

def _packed(c):
    return None if c is None else (c.bitmap.tobytes(), c.values.tobytes(), c.values.dtype, c.values.shape, c.nnz)

@native_only
@settings(max_examples=60, deadline=None)
@given(dtype=st.sampled_from(PATH_DTYPES), n=st.one_of(st.integers(0, 70), st.integers(70, 5000)), density=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1), signed_zeros=st.booleans(), only_if_smaller=st.booleans(), vec=st.booleans(),
       threads=st.sampled_from([1, 2]), block=st.sampled_from([64, 128, 1 << 15]), sample=st.sampled_from([0, 8]),
       min_saving=st.sampled_from([0.0, 0.2, 0.5]))
def test_compiled_and_reference_paths_agree(dtype, n, density, seed, signed_zeros, only_if_smaller, vec, threads, block, sample, min_saving):
    x = random_special_tensor((n,), dtype, density, np.random.default_rng(seed))
    with use_native(False):
        ref = _compress(x, signed_zeros, only_if_smaller, threads, sample, min_saving)
    old = bmod.BITMAP_VECTOR, bmod.BITMAP_BLOCK, bmod.BITMAP_PARALLEL_MIN
    bmod.BITMAP_VECTOR, bmod.BITMAP_BLOCK, bmod.BITMAP_PARALLEL_MIN = vec, block, (0 if threads == 2 else old[2])
    torch_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        got = _compress(x, signed_zeros, only_if_smaller, threads, sample, min_saving)
        assert (_packed(got[0]), got[1]) == (_packed(ref[0]), ref[1])  # same bytes, same count, same decision
        if got[0] is not None:
            y = decompress(got[0], threads=threads)
            with use_native(False): y_ref = decompress(ref[0], threads=threads)
            assert same_bits(y, y_ref)  # both unpack paths restore the same bits
            if signed_zeros: assert same_bits(y, x)  # lossless
    finally:
        bmod.BITMAP_VECTOR, bmod.BITMAP_BLOCK, bmod.BITMAP_PARALLEL_MIN = old
        torch.set_num_threads(torch_threads)

@native_only
@settings(max_examples=10, deadline=None)
@given(dtype=st.sampled_from([torch.float32, torch.float16, torch.bfloat16]), shape=st.lists(st.integers(1, 9), min_size=1, max_size=4),
       density=st.floats(0, 1), seed=st.integers(0, 1000))
def test_compiled_round_trip_of_shaped_tensors_that_require_grad(dtype, shape, density, seed):
    x = random_special_tensor(tuple(shape), dtype, density, np.random.default_rng(seed)).requires_grad_()
    c = compress(x)
    assert same_bits(decompress(c), x.detach()) and c.shape == tuple(shape)

def test_forced_fallback_gives_the_same_format():
    x = sparse_randn((3, 1000), 0.3, torch.Generator().manual_seed(5))
    with use_native(False):
        assert bitmap_ops() is None
        ref = compress(x)
    got = compress(x)
    assert _packed(ref) == _packed(got)
    with use_native(False): assert torch.equal(decompress(got), x)
