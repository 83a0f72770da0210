"""Writes a ~100 MB ONNX model (a 5000×5000 Gemm MLP) for timing `ttc import`.

python Benchmarks/make_large_onnx.py OUT.onnx   (needs numpy and onnx)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
n = 5000
inits = [
    numpy_helper.from_array(rng.standard_normal((n, n), dtype=np.float32) * 0.01, "w"),
    numpy_helper.from_array(rng.standard_normal(n, dtype=np.float32), "b"),
]
nodes = [
    helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1),
    helper.make_node("Relu", ["h"], ["y"]),
]
graph = helper.make_graph(
    nodes, "large", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", n])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, sys.argv[1])
