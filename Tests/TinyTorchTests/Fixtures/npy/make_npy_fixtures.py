"""Writes the .npy fixtures of NumpyFileTests with NumPy (run from this folder)."""
import numpy as np

np.save("f32_2x3.npy", np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype="<f4"))
np.save("f64_3.npy", np.array([0.1, -0.2, 1e10], dtype="<f8"))
np.save("i32_2x2.npy", np.array([[1, -2], [3, 2**31 - 1]], dtype="<i4"))
np.save("i64_4.npy", np.array([0, 9, -1, 2**40], dtype="<i8"))
np.save("f32_scalar.npy", np.array(2.5, dtype="<f4"))
np.save("fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save("bigendian_3.npy", np.array([1, 2, 3], dtype=">f4"))
np.save("u8_3.npy", np.array([1, 2, 3], dtype="u1"))
