"""Writes the safetensors fixtures used by SafeTensorsTests.

Run from this folder: python3 make_fixtures.py (needs numpy and safetensors).
"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    "fc.weight": np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 65504.0]], dtype=np.float32),
    "fc.bias": np.array([0.1, -0.2, 0.3], dtype=np.float32),
    "half": np.array([1.0, -2.5, 0.0009765625, 65504.0], dtype=np.float16),
    "codes": np.array([-128, -1, 0, 1, 127], dtype=np.int8),
    "counts": np.array([[1, -2], [2147483647, -2147483648]], dtype=np.int32),
    "ids": np.array([0, -1, 9007199254740993], dtype=np.int64),
    "scalar": np.array(2.5, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "Zed": np.array([7.0], dtype=np.float32),
}
save_file(tensors, "mixed.safetensors", metadata={"format": "np"})

save_file({"x": np.array([0.1, -2.0, 1e300], dtype=np.float64)}, "f64.safetensors")
