"""Property tests of the synthetic image generator and the CIFAR-10 loader."""
import pickle

import pytest
import torch
from hypothesis import given, strategies as st

from reuse_edge.data.images import (OOD_CLASSES, SHAPE_CLASSES, load_cifar10, patch_redundancy, synthetic_images,
                                    train_test_images, write_cifar10_like)

@given(n=st.integers(1, 40), size=st.integers(8, 40), family=st.sampled_from(["shapes", "ood"]),
       noise=st.floats(0, 0.2), seed=st.integers(0, 10**6))
def test_shapes_ranges_balance(n, size, family, noise, seed):
    s = synthetic_images(n, size=size, family=family, noise=noise, seed=seed)
    assert s.images.shape == (n, 3, size, size) and s.images.dtype == torch.float32
    assert float(s.images.min()) >= 0 and float(s.images.max()) <= 1
    counts = torch.bincount(s.labels, minlength=10)
    assert counts.max() - counts.min() <= 1, "classes are balanced"
    assert s.classes == (SHAPE_CLASSES if family == "shapes" else OOD_CLASSES)

@given(seed=st.integers(0, 10**6))
def test_determinism_and_independent_splits(seed):
    a, b = synthetic_images(12, seed=seed), synthetic_images(12, seed=seed)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    tr, te = train_test_images(10, 10, seed=seed)
    assert not torch.equal(tr.images, te.images)

def test_images_are_redundant_unlike_noise():
    s = synthetic_images(40, seed=0)
    assert patch_redundancy(s.images) > 0.5 > patch_redundancy(torch.rand(40, 3, 32, 32))

@pytest.mark.parametrize("bad", [dict(n=0), dict(n=3, size=4), dict(n=3, family="svhn"), dict(n=3, noise=-0.1)])
def test_bad_arguments(bad):
    with pytest.raises(ValueError): synthetic_images(**bad)

def test_cifar10_loader_reads_the_format_and_rejects_corruption(tmp_path):
    write_cifar10_like(tmp_path, per_batch=3, seed=1)
    s = load_cifar10(tmp_path)
    assert s.images.shape == (15, 3, 32, 32) and s.classes[-1] == "truck"
    with open(tmp_path/"data_batch_2", "wb") as fh: pickle.dump({b"data": b"oops"}, fh)
    with pytest.raises(ValueError, match="data_batch_2"): load_cifar10(tmp_path)
