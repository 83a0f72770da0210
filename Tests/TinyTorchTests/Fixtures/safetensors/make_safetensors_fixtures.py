"""Writes the safetensors fixture of PersistenceTests with Python's `safetensors` package
(run from this folder: `python3 make_safetensors_fixtures.py`).

mlp.safetensors holds the state dict of a 3 → 4 → 2 MLP whose layers are `fc1` and `fc2`
(TinyTorch `Linear` layout: weight [in, out], bias [out]); value i of each tensor (row-major)
is `offset + 0.125 * i` with a per-tensor offset.
"""
import numpy as np
from safetensors.numpy import save_file


def values(shape, offset):
    return (offset + 0.125 * np.arange(np.prod(shape))).astype(np.float32).reshape(shape)


save_file(
    {
        "fc1.weight": values((3, 4), -1.0),
        "fc1.bias": values((4,), 0.5),
        "fc2.weight": values((4, 2), -0.25),
        "fc2.bias": values((2,), 2.0),
    },
    "mlp.safetensors",
)
