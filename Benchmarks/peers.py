"""ttc against ONNX Runtime and OpenVINO on the same models with the same weights, 1 thread.

Builds each model of the performance table (issue 10) twice from one seeded set of float32
weights: as a ttc model (model.json + .safetensors, written here) and as ONNX (onnx.helper). ttc's
figures come from `ttc bench --json` (the compiled library called natively, and the interpreter);
the peers are called from Python, so their "native" figure subtracts each runtime's per-call
floor, measured on a one-add model. The engines take turns in rounds (ttc, ORT, OpenVINO, ttc,
...) so that background load affects all alike; each figure is the median of the rounds' medians.
The compiled outputs are checked against ONNX Runtime's (|a − b| ≤ 1e-4 · max(1, |b|)).

With --threads N (N > 1) every round also runs `ttc bench --threads N --thread-speedup`: the
compiled library on N kernel threads and on 1 thread, taking turns in the same process; the table
gains its N-thread median and the median over the rounds of its speedup over 1 thread, with the
cores the N-thread calls kept busy (CPU over wall time: below N where other jobs held the cores).

Usage (Benchmarks/peers.sh sets up the venv): python peers.py --ttc PATH [--rounds N]
       [--seconds S] [--work DIR] [--only NAME] [--threads N] [--set models|convs]
"""
import argparse
import json
import os
import platform
import struct
import subprocess
import time

import numpy as np
import onnx
import onnxruntime as ort
import openvino as ov
from onnx import TensorProto, helper


# ---- Models: one small description, emitted as ttc IR and as ONNX ----


class Model:
    """A chain of layers on one input; weights drawn from one seeded generator."""

    def __init__(self, name, input_shape):
        self.name = name
        self.input_shape = list(input_shape)
        self.rng = np.random.default_rng(10)
        self.weights = {}  # name -> float32 array
        self.layers = []  # (kind, params)

    def weight(self, name, shape, scale):
        self.weights[name] = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        return name

    def matmul(self, k, n):
        self.layers.append(("matmul", {"w": self.weight(f"w{len(self.layers)}", (k, n), 1 / np.sqrt(k))}))
        return self

    def linear(self, k, n, relu):
        i = len(self.layers)
        self.layers.append(
            ("linear", {"w": self.weight(f"fc{i}.weight", (k, n), 1 / np.sqrt(k)),
                        "b": self.weight(f"fc{i}.bias", (n,), 0.1)}))
        if relu:
            self.layers.append(("relu", {}))
        return self

    def conv(self, c, o, k, pad, stride=1, pool=True):
        """A k × k convolution with bias, then ReLU, then (pool) 2 × 2 max pooling."""
        i = len(self.layers)
        self.layers.append(
            ("conv", {"w": self.weight(f"conv{i}.weight", (o, c, k, k), 1 / np.sqrt(c * k * k)),
                      "b": self.weight(f"conv{i}.bias", (o,), 0.1), "pad": pad, "stride": stride}))
        self.layers.append(("relu", {}))
        if pool:
            self.layers.append(("maxpool", {}))
        return self

    def flatten(self):
        self.layers.append(("flatten", {}))
        return self

    # ttc IR (docs/IR.md): linear weights are [in, out], conv weights [O, C, kh, kw].
    def write_ttc(self, directory):
        nodes, value = [], "x"
        for index, (kind, p) in enumerate(self.layers):
            out = f"v{index}"
            if kind == "matmul":
                nodes.append({"name": f"n{index}", "op": "matmul", "inputs": [value, p["w"]], "outputs": [out]})
            elif kind == "linear":
                nodes.append({"name": f"n{index}", "op": "linear", "inputs": [value, p["w"], p["b"]],
                              "outputs": [out]})
            elif kind == "relu":
                nodes.append({"name": f"n{index}", "op": "relu", "inputs": [value], "outputs": [out]})
            elif kind == "conv":
                nodes.append({"name": f"n{index}", "op": "conv2d", "inputs": [value, p["w"], p["b"]],
                              "outputs": [out], "attrs": {"padding": [p["pad"], p["pad"]],
                                                          "stride": [p["stride"], p["stride"]]}})
            elif kind == "maxpool":
                nodes.append({"name": f"n{index}", "op": "max_pool2d", "inputs": [value], "outputs": [out],
                              "attrs": {"kernel": [2, 2]}})
            elif kind == "flatten":
                nodes.append({"name": f"n{index}", "op": "flatten", "inputs": [value], "outputs": [out]})
            value = out
        nodes[-1]["outputs"] = ["y"]
        names = sorted(self.weights)
        header, offset, blob = {}, 0, b""
        for name in names:
            data = self.weights[name].tobytes()
            header[name] = {"dtype": "F32", "shape": list(self.weights[name].shape),
                            "data_offsets": [offset, offset + len(data)]}
            offset += len(data)
            blob += data
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(os.path.join(directory, f"{self.name}.safetensors"), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + blob)
        output_shape = list(self.reference(np.zeros(self.input_shape, np.float32)).shape)
        model = {
            "format": "ttc-model", "version": 1, "name": self.name,
            "inputs": [{"name": "x", "dtype": "f32", "shape": self.input_shape}],
            "outputs": [{"name": "y", "dtype": "f32", "shape": output_shape}],
            "nodes": nodes,
            "weights": {"file": f"{self.name}.safetensors", "tensors": [
                {"name": n, "dtype": "f32", "shape": list(self.weights[n].shape)} for n in names]},
        }
        path = os.path.join(directory, f"{self.name}.json")
        with open(path, "w") as f:
            json.dump(model, f, indent=1)
        return path

    def onnx_model(self):
        nodes, value = [], "x"
        for index, (kind, p) in enumerate(self.layers):
            out = f"v{index}"
            if kind == "matmul":
                nodes.append(helper.make_node("MatMul", [value, p["w"]], [out]))
            elif kind == "linear":
                nodes.append(helper.make_node("Gemm", [value, p["w"], p["b"]], [out]))
            elif kind == "relu":
                nodes.append(helper.make_node("Relu", [value], [out]))
            elif kind == "conv":
                pad = p["pad"]
                nodes.append(helper.make_node("Conv", [value, p["w"], p["b"]], [out], pads=[pad] * 4,
                                              strides=[p["stride"]] * 2))
            elif kind == "maxpool":
                nodes.append(helper.make_node("MaxPool", [value], [out], kernel_shape=[2, 2], strides=[2, 2]))
            elif kind == "flatten":
                nodes.append(helper.make_node("Flatten", [value], [out], axis=1))
            value = out
        nodes[-1].output[0] = "y"
        output_shape = list(self.reference(np.zeros(self.input_shape, np.float32)).shape)
        graph = helper.make_graph(
            nodes, self.name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, self.input_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)],
            [helper.make_tensor(n, TensorProto.FLOAT, w.shape, w.tobytes(), raw=True)
             for n, w in self.weights.items()])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model

    def reference(self, x):
        """NumPy forward pass (for shapes)."""
        for kind, p in self.layers:
            if kind == "matmul":
                x = x @ self.weights[p["w"]]
            elif kind == "linear":
                x = x @ self.weights[p["w"]] + self.weights[p["b"]]
            elif kind == "relu":
                x = np.maximum(x, 0)
            elif kind == "conv":
                o, _, k, _ = self.weights[p["w"]].shape
                n, _, h, w = x.shape
                pad, stride = p["pad"], p["stride"]
                x = np.zeros((n, o, (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1), np.float32)
            elif kind == "maxpool":
                x = x[:, :, : x.shape[2] // 2 * 2 : 2, : x.shape[3] // 2 * 2 : 2]
            elif kind == "flatten":
                x = x.reshape(x.shape[0], -1)
        return x


def lenet(batch):
    return (Model(f"lenet5-b{batch}", (batch, 1, 28, 28)).conv(1, 6, 5, 2).conv(6, 16, 5, 0).flatten()
            .linear(400, 120, True).linear(120, 84, True).linear(84, 10, False))


def convolutions():
    """Single convolutions (bias, ReLU fused) of ResNet-like shapes, batch 1 (`--set convs`)."""
    return [
        ("conv 3→64 7×7 stride 2, 224×224", Model("conv3-64-7s2", (1, 3, 224, 224)).conv(3, 64, 7, 3, 2, False)),
        ("conv 64→64 3×3, 56×56", Model("conv64-3", (1, 64, 56, 56)).conv(64, 64, 3, 1, 1, False)),
        ("conv 64→128 3×3 stride 2, 56×56", Model("conv64-128-3s2", (1, 64, 56, 56)).conv(64, 128, 3, 1, 2, False)),
        ("conv 128→128 3×3, 28×28", Model("conv128-3", (1, 128, 28, 28)).conv(128, 128, 3, 1, 1, False)),
        ("conv 256→256 3×3, 14×14", Model("conv256-3", (1, 256, 14, 14)).conv(256, 256, 3, 1, 1, False)),
        ("conv 512→512 3×3, 7×7", Model("conv512-3", (1, 512, 7, 7)).conv(512, 512, 3, 1, 1, False)),
    ]


def models():
    return [
        ("GEMM 512³", Model("gemm512", (512, 512)).matmul(512, 512)),
        ("GEMM 1024³", Model("gemm1024", (1024, 1024)).matmul(1024, 1024)),
        ("MLP 64→128→10, batch 1", Model("mlp64-b1", (1, 64)).linear(64, 128, True).linear(128, 10, False)),
        ("MLP 64→128→10, batch 256",
         Model("mlp64-b256", (256, 64)).linear(64, 128, True).linear(128, 10, False)),
        ("MLP 784→512→512→10, batch 1",
         Model("mlp784-b1", (1, 784)).linear(784, 512, True).linear(512, 512, True).linear(512, 10, False)),
        ("MLP 784→512→512→10, batch 64",
         Model("mlp784-b64", (64, 784)).linear(784, 512, True).linear(512, 512, True).linear(512, 10, False)),
        ("LeNet-5 (1×28×28), batch 1", lenet(1)),
        ("LeNet-5, batch 64", lenet(64)),
    ]


# ---- Timing ----


def median_latency(call, seconds):
    """Median seconds per call over `seconds` (after a short warm-up)."""
    for _ in range(3):
        call()
    samples, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return float(np.median(samples))


def ort_session(model):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def openvino_request(core, model):
    compiled = core.compile_model(
        core.read_model(model.SerializeToString()), "CPU",
        {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
         "INFERENCE_PRECISION_HINT": "f32"})
    return compiled.create_infer_request()


def one_add_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Add", ["x", "x"], ["y"])], "floor", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def ttc_bench(ttc, path, seconds, threads=1):
    scaling = ["--threads", str(threads), "--thread-speedup"] if threads > 1 else []
    out = subprocess.run([ttc, "bench", path, "--seconds", str(seconds), "--json"] + scaling, check=True,
                         capture_output=True, text=True).stdout
    report = json.loads(out)
    return report


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ttc", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--work", default="/tmp/ttc-peers")
    parser.add_argument("--only", default=None)
    parser.add_argument("--threads", type=int, default=1,
                        help="also time ttc compiled on this many kernel threads against 1 (same run)")
    parser.add_argument("--set", choices=["models", "convs"], default="models",
                        help="the performance table's models, or single convolutions")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    core = ov.Core()
    floor_input = {"x": np.ones((1, 4), np.float32)}
    ort_floor_session = ort_session(one_add_model())
    ov_floor_request = openvino_request(core, one_add_model())
    floors = {"ort": [], "ov": []}

    peak = json.loads(subprocess.run([args.ttc, "peak", "--json"], check=True, capture_output=True,
                                     text=True).stdout)
    rows = []
    for label, model in (models() if args.set == "models" else convolutions()):
        if args.only and args.only not in model.name:
            continue
        path = model.write_ttc(args.work)
        subprocess.run([args.ttc, "compile", path, "-o", os.path.join(args.work, model.name + ".so")],
                       check=True, capture_output=True)
        onnx_model = model.onnx_model()
        session = ort_session(onnx_model)
        request = openvino_request(core, onnx_model)
        x = np.random.default_rng(1).standard_normal(model.input_shape).astype(np.float32)
        feed = {"x": x}
        times = {"compiled": [], "interpreter": [], "ort": [], "ov": [], "threaded": [], "thread_speedup": [],
                 "cores_busy": []}
        flops = None
        for _ in range(args.rounds):
            report = ttc_bench(args.ttc, path, args.seconds)
            times["compiled"].append(report["compiled"]["median"])
            times["interpreter"].append(report["interpreter"]["median"])
            flops = report["flops"]
            if args.threads > 1:
                scaling = ttc_bench(args.ttc, path, args.seconds, args.threads)
                times["threaded"].append(scaling["compiled"]["median"])
                times["thread_speedup"].append(scaling["thread_speedup"])
                times["cores_busy"].append(scaling["threaded_cores_busy"])
            times["ort"].append(median_latency(lambda: session.run(None, feed), args.seconds))
            times["ov"].append(median_latency(lambda: request.infer(feed), args.seconds))
            floors["ort"].append(median_latency(lambda: ort_floor_session.run(None, floor_input), 0.05))
            floors["ov"].append(median_latency(lambda: ov_floor_request.infer(floor_input), 0.05))
        # Agreement of the compiled library with ONNX Runtime on the same input.
        np.save(os.path.join(args.work, "x.npy"), x)
        subprocess.run([args.ttc, "run", path, "--compiled", os.path.join(args.work, model.name + ".so"),
                        "--input", os.path.join(args.work, "x.npy"), "--output",
                        os.path.join(args.work, "y.npy")], check=True, capture_output=True)
        ours = np.load(os.path.join(args.work, "y.npy"))
        theirs = session.run(None, feed)[0]
        agree = bool(np.all(np.abs(ours - theirs) <= 1e-4 * np.maximum(1, np.abs(theirs))))
        rows.append((label, {k: float(np.median(v)) if v else None for k, v in times.items()}, flops, agree))

    ort_floor, ov_floor = float(np.median(floors["ort"])), float(np.median(floors["ov"]))
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"machine: {cpu} ({os.cpu_count()} cores), fp32 peak 1 thread {peak['fp32_gflops']:.1f} GFLOP/s "
          f"({peak['path']}, ttc peak); 1 thread; medians of {args.rounds} interleaved rounds")
    threads = args.threads
    if threads > 1:
        print(f"ttc compiled also on {threads} kernel threads against 1 thread, taking turns in one process "
              f"(ttc bench --threads {threads} --thread-speedup); load average {os.getloadavg()[0]:.1f}")
    print(f"onnxruntime {ort.__version__}, openvino {ov.__version__}; per-call floors (one-add model): "
          f"ORT {fmt(ort_floor)}, OpenVINO {fmt(ov_floor)}")
    print()
    scaling_header = f" | ttc compiled, {threads} threads | {threads} threads / 1 thread" if threads > 1 else ""
    print("| model | ORT | ORT native | OpenVINO | OpenVINO native | **ttc compiled** | ttc interpreter "
          f"| compiled GFLOP/s (% of peak) | compiled / best native peer | agrees with ORT{scaling_header} |")
    print("| --- " * (10 + (2 if threads > 1 else 0)) + "|")
    for label, t, flops, agree in rows:
        ort_native = max(t["ort"] - ort_floor, 1e-9)
        ov_native = max(t["ov"] - ov_floor, 1e-9)
        best = min(ort_native, ov_native)
        gflops = flops / t["compiled"] * 1e-9
        print(f"| {label} | {fmt(t['ort'])} | {fmt(ort_native)} | {fmt(t['ov'])} | {fmt(ov_native)} "
              f"| **{fmt(t['compiled'])}** | {fmt(t['interpreter'])} "
              f"| {gflops:.1f} ({100 * gflops / peak['fp32_gflops']:.0f}%) | {t['compiled'] / best:.2f}× "
              f"| {'yes' if agree else 'NO'}"
              + (f" | {fmt(t['threaded'])} | {t['thread_speedup']:.2f}× ({t['cores_busy']:.2f} cores busy)"
                 if threads > 1 else "") + " |")


if __name__ == "__main__":
    main()
