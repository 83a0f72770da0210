"""Builds models with onnx.helper, as users' exporters write them, and runs them in onnxruntime.

python make_helper_models.py OUT_DIR writes OUT_DIR/<name>/model.onnx, input_N.pb and
ort_output_N.pb for: an MLP with Gemm transB=1, a LeNet, a pre-LayerNorm transformer block
written out of MatMul/Softmax/Erf (GELU as 0.5·x·(1 + erf(x/√2))), a residual CNN with
BatchNormalization, and an encoder layer whose causal mask and attention scale come from
torch.onnx.export-style shape arithmetic (Shape/Gather/Unsqueeze/Concat/ConstantOfShape/Range/
Where/Expand/Cast), all of which folds away at import, and UINT8 QuantizeLinear/DequantizeLinear
per tensor and per axis.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def weight(name, *shape, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def scalar(name, value):
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name)


def mlp():
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["a"], name="act"),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["logits"], name="fc2", transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Softmax", ["logits"], ["y"], name="softmax", axis=1),
    ]
    inits = [weight("w1", 16, 8), weight("b1", 16), weight("w2", 4, 16), weight("b2", 4)]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])], inits)
    return graph, [rng.standard_normal((3, 8)).astype(np.float32)], 13


def lenet():
    nodes = [
        helper.make_node("Conv", ["x", "c1w", "c1b"], ["c1"], name="conv1", kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2w", "c2b"], ["c2"], name="conv2", kernel_shape=[5, 5]),
        helper.make_node("BatchNormalization", ["c2", "bns", "bnb", "bnm", "bnv"], ["bn"], epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["r2"]),
        helper.make_node("AveragePool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "f1w", "f1b"], ["h1"], transB=1),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("Dropout", ["a1"], ["d1"]),
        helper.make_node("Gemm", ["d1", "f2w", "f2b"], ["logits"], transB=1),
        helper.make_node("LogSoftmax", ["logits"], ["y"], axis=1),
    ]
    bn_var = numpy_helper.from_array((rng.random(16) + 0.5).astype(np.float32), "bnv")
    inits = [
        weight("c1w", 6, 1, 5, 5), weight("c1b", 6), weight("c2w", 16, 6, 5, 5, scale=0.1), weight("c2b", 16),
        weight("bns", 16), weight("bnb", 16), weight("bnm", 16), bn_var,
        weight("f1w", 32, 16 * 5 * 5, scale=0.05), weight("f1b", 32), weight("f2w", 10, 32), weight("f2b", 10),
    ]
    graph = helper.make_graph(
        nodes, "lenet", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
    return graph, [rng.standard_normal((2, 1, 28, 28)).astype(np.float32)], 13


def transformer_block():
    d, heads, seq, hidden = 16, 2, 6, 32
    hd = d // heads
    nodes = [
        helper.make_node("LayerNormalization", ["x", "ln1g", "ln1b"], ["n1"], axis=-1, epsilon=1e-5),
        helper.make_node("MatMul", ["n1", "wq"], ["q0"]),
        helper.make_node("MatMul", ["n1", "wk"], ["k0"]),
        helper.make_node("MatMul", ["n1", "wv"], ["v0"]),
    ]
    for name in ("q", "k", "v"):
        nodes += [
            helper.make_node("Reshape", [f"{name}0", "heads_shape"], [f"{name}1"]),
            helper.make_node("Transpose", [f"{name}1"], [f"{name}h"], perm=[0, 2, 1, 3]),
        ]
    nodes += [
        helper.make_node("Transpose", ["kh"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["qh", "kt"], ["s0"]),
        helper.make_node("Div", ["s0", "sqrt_hd"], ["s1"]),
        helper.make_node("Add", ["s1", "causal"], ["s2"]),
        helper.make_node("Softmax", ["s2"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "vh"], ["o0"]),
        helper.make_node("Transpose", ["o0"], ["o1"], perm=[0, 2, 1, 3]),
        # Shape arithmetic as torch.onnx.export writes it; it folds away at import.
        helper.make_node("Shape", ["x"], ["xs"]),
        helper.make_node("Gather", ["xs", "zero"], ["batch"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "axis0"], ["batch1"]),
        helper.make_node("Concat", ["batch1", "rest_shape"], ["merged_shape"], axis=0),
        helper.make_node("Reshape", ["o1", "merged_shape"], ["o2"]),
        helper.make_node("MatMul", ["o2", "wo"], ["o3"]),
        helper.make_node("Add", ["x", "o3"], ["r1"]),
        helper.make_node("LayerNormalization", ["r1", "ln2g", "ln2b"], ["n2"], axis=-1, epsilon=1e-5),
        helper.make_node("MatMul", ["n2", "w1"], ["f0"]),
        helper.make_node("Add", ["f0", "b1"], ["f1"]),
        helper.make_node("Div", ["f1", "sqrt2"], ["g0"]),
        helper.make_node("Erf", ["g0"], ["g1"]),
        helper.make_node("Add", ["g1", "one"], ["g2"]),
        helper.make_node("Mul", ["f1", "g2"], ["g3"]),
        helper.make_node("Mul", ["g3", "half"], ["g4"]),
        helper.make_node("MatMul", ["g4", "w2"], ["f2"]),
        helper.make_node("Add", ["f2", "b2"], ["f3"]),
        helper.make_node("Add", ["r1", "f3"], ["y"]),
    ]
    causal = np.triu(np.full((seq, seq), -1e9, dtype=np.float32), k=1)
    inits = [
        weight("ln1g", d), weight("ln1b", d), weight("wq", d, d), weight("wk", d, d), weight("wv", d, d),
        weight("wo", d, d), weight("ln2g", d), weight("ln2b", d), weight("w1", d, hidden), weight("b1", hidden),
        weight("w2", hidden, d), weight("b2", d), ints("heads_shape", [0, 0, heads, hd]),
        scalar("sqrt_hd", np.sqrt(hd)), numpy_helper.from_array(causal, "causal"), ints("zero", 0),
        ints("axis0", [0]), ints("rest_shape", [seq, d]), scalar("sqrt2", np.sqrt(2.0)), scalar("one", 1.0),
        scalar("half", 0.5),
    ]
    graph = helper.make_graph(
        nodes, "transformer_block", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", seq, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", seq, d])], inits)
    return graph, [rng.standard_normal((2, seq, d)).astype(np.float32)], 17


def cnn_bn():
    nodes = [
        helper.make_node("Conv", ["x", "c1w"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "s1", "b1", "m1", "v1"], ["n1"], epsilon=1e-5),
        helper.make_node("Relu", ["n1"], ["r1"]),
        helper.make_node("Conv", ["r1", "c2w"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=4),
        helper.make_node("BatchNormalization", ["c2", "s2", "b2", "m2", "v2"], ["n2"], epsilon=1e-3),
        helper.make_node("Add", ["n2", "r1"], ["res"]),
        helper.make_node("Relu", ["res"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1),
    ]
    def variance(name, n):
        return numpy_helper.from_array((rng.random(n) + 0.5).astype(np.float32), name)
    inits = [
        weight("c1w", 8, 3, 3, 3), weight("s1", 8), weight("b1", 8), weight("m1", 8), variance("v1", 8),
        weight("c2w", 8, 2, 3, 3), weight("s2", 8), weight("b2", 8), weight("m2", 8), variance("v2", 8),
        weight("fw", 5, 8), weight("fb", 5),
    ]
    graph = helper.make_graph(
        nodes, "cnn_bn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 10, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], inits)
    return graph, [rng.standard_normal((2, 3, 10, 10)).astype(np.float32)], 15


def torch_encoder():
    d, heads, hidden = 16, 2, 32
    hd = d // heads
    nodes = [
        helper.make_node("MatMul", ["x", "wq"], ["q0"]),
        helper.make_node("MatMul", ["x", "wk"], ["k0"]),
        helper.make_node("MatMul", ["x", "wv"], ["v0"]),
        # The head shape [batch, seq, heads, hd] from Shape, as torch.onnx.export writes it.
        helper.make_node("Shape", ["x"], ["xs"]),
        helper.make_node("Gather", ["xs", "i0"], ["batch"], axis=0),
        helper.make_node("Gather", ["xs", "i1"], ["seq"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "axis0"], ["batch1"]),
        helper.make_node("Unsqueeze", ["seq", "axis0"], ["seq1"]),
        helper.make_node("Concat", ["batch1", "seq1", "heads_hd"], ["head_shape"], axis=0),
    ]
    for name in ("q", "k", "v"):
        nodes += [
            helper.make_node("Reshape", [f"{name}0", "head_shape"], [f"{name}1"]),
            helper.make_node("Transpose", [f"{name}1"], [f"{name}h"], perm=[0, 2, 1, 3]),
        ]
    nodes += [
        # scale = 1 / sqrt(float(hd)), hd read from the shape of q.
        helper.make_node("Shape", ["qh"], ["qs"]),
        helper.make_node("Gather", ["qs", "i3"], ["hd"], axis=0),
        helper.make_node("Cast", ["hd"], ["hdf"], to=TensorProto.FLOAT),
        helper.make_node("Sqrt", ["hdf"], ["root"]),
        # Causal mask: ConstantOfShape → Range → Greater → Where, expanded to [batch, heads, seq, seq].
        helper.make_node("Concat", ["seq1", "seq1"], ["square"], axis=0),
        helper.make_node("ConstantOfShape", ["square"], ["zeros"],
                         value=numpy_helper.from_array(np.zeros(1, dtype=np.float32))),
        helper.make_node("Range", ["zero_i", "seq", "one_i"], ["positions"]),
        helper.make_node("Unsqueeze", ["positions", "axis1"], ["rows"]),
        helper.make_node("Unsqueeze", ["positions", "axis0"], ["cols"]),
        helper.make_node("Greater", ["cols", "rows"], ["future"]),
        helper.make_node("Where", ["future", "neg_big", "zeros"], ["mask2"]),
        helper.make_node("Concat", ["batch1", "heads1", "seq1", "seq1"], ["mask_shape"], axis=0),
        helper.make_node("Expand", ["mask2", "mask_shape"], ["mask4"]),
        helper.make_node("Cast", ["mask4"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Transpose", ["kh"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["qh", "kt"], ["s0"]),
        helper.make_node("Div", ["s0", "root"], ["s1"]),
        helper.make_node("Add", ["s1", "mask"], ["s2"]),
        helper.make_node("Softmax", ["s2"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "vh"], ["o0"]),
        helper.make_node("Transpose", ["o0"], ["o1"], perm=[0, 2, 1, 3]),
        helper.make_node("Concat", ["batch1", "seq1", "d1"], ["merged"], axis=0),
        helper.make_node("Reshape", ["o1", "merged"], ["o2"]),
        helper.make_node("MatMul", ["o2", "wo"], ["o3"]),
        helper.make_node("Add", ["x", "o3"], ["r1"]),
        helper.make_node("LayerNormalization", ["r1", "lng", "lnb"], ["n1"], axis=-1, epsilon=1e-5),
        helper.make_node("MatMul", ["n1", "w1"], ["f0"]),
        helper.make_node("Add", ["f0", "b1"], ["f1"]),
        helper.make_node("Relu", ["f1"], ["f2"]),
        helper.make_node("MatMul", ["f2", "w2"], ["f3"]),
        helper.make_node("Add", ["n1", "f3"], ["y"]),
    ]
    inits = [
        weight("wq", d, d), weight("wk", d, d), weight("wv", d, d), weight("wo", d, d),
        weight("lng", d), weight("lnb", d), weight("w1", d, hidden), weight("b1", hidden), weight("w2", hidden, d),
        ints("i0", 0), ints("i1", 1), ints("i3", 3), ints("axis0", [0]), ints("axis1", [1]),
        ints("heads_hd", [heads, hd]), ints("heads1", [heads]), ints("d1", [d]), ints("zero_i", 0), ints("one_i", 1),
        scalar("neg_big", -1e9),
    ]
    graph = helper.make_graph(
        nodes, "torch_encoder", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 5, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 5, d])], inits)
    return graph, [rng.standard_normal((2, 5, d)).astype(np.float32)], 17


def uint8_quantized():
    # UINT8 QuantizeLinear/DequantizeLinear: per tensor, per axis, with the default zero point,
    # and UINT8 weights dequantized per output column (which fold to a constant at import).
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q1"]),
        helper.make_node("DequantizeLinear", ["q1", "s", "z"], ["x1"]),
        helper.make_node("QuantizeLinear", ["x1", "sa", "za"], ["q2"], axis=1),
        helper.make_node("DequantizeLinear", ["q2", "sa", "za"], ["x2"], axis=1),
        helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], axis=1),
        helper.make_node("MatMul", ["x2", "w"], ["m"]),
        helper.make_node("QuantizeLinear", ["m", "sm"], ["q3"]),
        helper.make_node("DequantizeLinear", ["q3", "sm"], ["y"]),
    ]
    def uint8(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.uint8), name)
    inits = [
        scalar("s", 0.03), uint8("z", 128),
        numpy_helper.from_array(np.array([0.01, 0.02, 0.05, 0.1], dtype=np.float32), "sa"),
        uint8("za", [0, 255, 100, 128]),
        uint8("wq", rng.integers(0, 256, (6, 5))),
        numpy_helper.from_array((rng.random(5) * 0.02 + 0.01).astype(np.float32), "ws"),
        uint8("wz", [0, 128, 255, 7, 90]),
        scalar("sm", 0.25),
    ]
    graph = helper.make_graph(
        nodes, "uint8_quantized", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4, 5])], inits)
    return graph, [(rng.standard_normal((3, 4, 6)) * 3).astype(np.float32)], 13


def main():
    out = sys.argv[1]
    for make in (mlp, lenet, transformer_block, cnn_bn, torch_encoder, uint8_quantized):
        graph, inputs, opset = make()
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        folder = os.path.join(out, graph.name)
        os.makedirs(folder, exist_ok=True)
        onnx.save(model, os.path.join(folder, "model.onnx"))
        session = onnxruntime.InferenceSession(os.path.join(folder, "model.onnx"), providers=["CPUExecutionProvider"])
        feeds = {info.name: value for info, value in zip(session.get_inputs(), inputs)}
        for index, value in enumerate(inputs):
            with open(os.path.join(folder, f"input_{index}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(value, f"input_{index}").SerializeToString())
        for index, value in enumerate(session.run(None, feeds)):
            with open(os.path.join(folder, f"ort_output_{index}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(np.asarray(value), f"output_{index}").SerializeToString())


if __name__ == "__main__":
    main()
