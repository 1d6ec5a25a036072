"""An executable reference for efficient deep learning at the edge: computation reuse, cost models, low precision, memory-efficient training, adaptive inference."""

__version__ = "0.1.0"
