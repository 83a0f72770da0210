// swift-tools-version: 6.1
// TinyTorch for Swift: an eager ML framework plus a graph compiler (trace → IR → passes →
// interpreter or C → clang → shared library → dlopen). See README.md and docs/DESIGN.md.
import Foundation
import PackageDescription

/// Numeric kernels are always compiled with optimization, even in debug builds, so that the
/// test suite (which trains small models) runs in seconds rather than minutes.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "native"])]

/// The files of Runtime/ that ttc embeds and compiles into every model library (RuntimeSources.swift
/// lists the same files; see Runtime/README.md).
let runtimeFiles = [
  "include/tt_model.h", "include/tt_runtime.h", "tt_internal.h", "tt_conv.c", "tt_conv_channels.inc",
  "tt_conv_kernel.inc", "tt_cpu.c", "tt_gemm.c", "tt_gemm_kernel.inc", "tt_hgemm.c", "tt_nn.c", "tt_peak.c",
  "tt_sparse.c", "tt_qconv.c", "tt_qgemm.c", "tt_threads.c", "include/tt_qgemm.h",
]

let package = Package(
  name: "TinyTorch",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "TinyTorch", targets: ["TinyTorch"]),
    .library(name: "TTIR", targets: ["TTIR"]),
    .library(name: "TTPasses", targets: ["TTPasses"]),
    .library(name: "TTInterpreter", targets: ["TTInterpreter"]),
    .library(name: "TTCodegen", targets: ["TTCodegen"]),
    .library(name: "TTLoader", targets: ["TTLoader"]),
    .library(name: "TTCharts", targets: ["TTCharts"]),
    .library(name: "TTProfiler", targets: ["TTProfiler"]),
    .executable(name: "ttc", targets: ["ttc"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // ONNX files are protobuf; only the runtime library is built (the generated Swift is committed).
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // The C kernel library (Runtime/, see Runtime/README.md): GEMM, convolution, pooling, softmax,
    // attention. Eager mode and the interpreter call it through TTKernels; ttc compiles the same
    // sources into every model library. Every instruction-set path is compiled in and chosen at run
    // time, so no -march flag here; -O3 even in debug builds, like the Swift kernels.
    .target(
      name: "TTRuntime", path: "Runtime",
      exclude: ["README.md", "tt_gemm_kernel.inc", "tt_conv_kernel.inc", "tt_conv_channels.inc"],
      cSettings: [.define("TT_RUNTIME_LIBRARY"), .unsafeFlags(["-O3"])]),
    // Raw-buffer numeric kernels shared by the eager library and the interpreter.
    .target(name: "TTKernels", dependencies: ["TTRuntime"], swiftSettings: kernelFlags),
    // Graph IR, model.json codec, safetensors, verifier and shape inference.
    .target(name: "TTIR"),
    // The eager framework: Tensor, autograd, modules, losses, optimizers, data, tracer.
    .target(name: "TinyTorch", dependencies: ["TTKernels", "TTIR"]),
    // Graph-to-graph optimization passes.
    .target(name: "TTPasses", dependencies: ["TTIR"]),
    // Runs a Graph node by node with TTKernels.
    .target(name: "TTInterpreter", dependencies: ["TTIR", "TTKernels"]),
    // libclang (Debian libclang-dev) for in-process checks of generated C.
    .target(name: "CClang"),
    // Graph → C, memory planning, clang driver, libclang checks, compile cache.
    .target(
      name: "TTCodegen", dependencies: ["TTIR", "TTRuntime", "CClang"], exclude: ["Runtime/C/README.md"],
      // The C runtime in Runtime/ (reached through the Runtime/C link) is compiled into every model
      // library; embedding it in the binary means ttc needs no files at run time. TTRuntime itself
      // answers scratch sizes (tt_sgemm_scratch), so no formula is copied into Swift.
      resources: runtimeFiles.map { .embedInCode("Runtime/C/\($0)") }),
    // dlopen of compiled models.
    .target(name: "TTLoader", dependencies: ["TTIR"]),
    // SVG charts (grouped bars, scatter plots with a Pareto front) for benchmark reports; no
    // dependencies, so examples and ttc alike can draw.
    .target(name: "TTCharts"),
    // The profiler of all three engines (eager, interpreter, compiled): costs, per-node times,
    // peak memory, the roofline of this machine's measured peak, Chrome traces.
    .target(
      name: "TTProfiler",
      dependencies: ["TinyTorch", "TTIR", "TTInterpreter", "TTCodegen", "TTLoader", "TTRuntime"]),
    // ONNX import (ModelProto → Graph) and export (Graph → ModelProto).
    .target(
      name: "TTONNX",
      dependencies: ["TTIR", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
    .executableTarget(
      name: "ttc",
      dependencies: [
        "TTIR", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader", "TTRuntime", "TTKernels", "TTONNX",
        "TTCharts", "TTProfiler", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Milestones.
    .target(
      name: "MilestoneSupport", dependencies: ["TinyTorch", "TTIR"], path: "Examples/MilestoneSupport"),
    .executableTarget(
      name: "perceptron-1957", dependencies: ["TinyTorch", "MilestoneSupport"],
      path: "Examples/Perceptron1957"),
    .executableTarget(
      name: "xor-1969", dependencies: ["TinyTorch", "MilestoneSupport"], path: "Examples/XOR1969"),
    .executableTarget(
      name: "mlp-1986", dependencies: ["TinyTorch", "MilestoneSupport"], path: "Examples/MLP1986"),
    .executableTarget(
      name: "cnn-1998", dependencies: ["TinyTorch", "MilestoneSupport"], path: "Examples/CNN1998"),
    .executableTarget(
      name: "prune-bench",
      dependencies: ["TinyTorch", "TTIR", "TTPasses", "TTCodegen", "TTLoader", "MilestoneSupport"],
      path: "Examples/PruneBench"),
    // Knowledge distillation of the 1986 MLP into a smaller one.
    .executableTarget(
      name: "distill-1986", dependencies: ["TinyTorch", "MilestoneSupport"], path: "Examples/Distillation1986"),
    .executableTarget(
      name: "attention-2017", dependencies: ["TinyTorch", "MilestoneSupport"],
      path: "Examples/Attention2017"),
    .executableTarget(
      name: "tinytalks-2017", dependencies: ["TinyTorch", "MilestoneSupport"],
      path: "Examples/TinyTalks2017"),
    // The 2018 MLPerf-style milestone: compression olympics and generation, interpreted and compiled.
    .executableTarget(
      name: "mlperf-2018",
      dependencies: [
        "TinyTorch", "TTIR", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader", "TTProfiler", "TTCharts",
        "MilestoneSupport",
      ], path: "Examples/MLPerf2018"),
    // A pretrained BERT (all-MiniLM-L6-v2) from its Hugging Face files: sentence embeddings.
    .executableTarget(
      name: "sentence-embeddings",
      dependencies: [
        "TinyTorch", "TTIR", "TTKernels", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader",
        "MilestoneSupport",
      ],
      path: "Examples/SentenceEmbeddings"),

    // Runs ONNX's backend node tests (written out by scripts/onnx-conformance.sh) through the
    // importer, the interpreter and the compiled library; the library part is shared with tests.
    .target(
      name: "ONNXConformance", dependencies: ["TTONNX", "TTIR", "TTInterpreter", "TTCodegen", "TTLoader"],
      path: "Tools/ONNXConformance/Library"),
    .executableTarget(
      name: "onnx-conformance", dependencies: ["ONNXConformance"], path: "Tools/ONNXConformance/Main"),

    // Fuzz targets for the readers of untrusted files, the compile-and-run graph fuzzer, and their
    // driver (scripts/fuzz.sh).
    .target(
      name: "TTFuzzing", dependencies: ["TTIR", "TTONNX", "TTInterpreter", "TTPasses", "TTCodegen", "TTLoader"],
      path: "Tools/Fuzz/Library"),
    .executableTarget(name: "ttfuzz", dependencies: ["TTFuzzing", "TTIR"], path: "Tools/Fuzz/Main"),

    // Benchmarks.
    .executableTarget(
      name: "quantization-bench",
      dependencies: [
        "TinyTorch", "TTIR", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader", "TTKernels",
        "MilestoneSupport",
      ], path: "Benchmarks/QuantizationBench"),

    // Tests. TestSupport holds the helpers every test target shares (assertions, seeded values,
    // temporary directories, child processes); TTKernelsTests keeps its own absolute/relative
    // comparison because kernel tolerances are set per kernel.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    // glibc's count of heap bytes in use (mallinfo2) and the thread's page faults, for memory tests.
    .target(name: "MallocStatistics", path: "Tests/MallocStatistics"),
    .testTarget(name: "TTKernelsTests", dependencies: ["TTKernels", "TTRuntime"]),
    .testTarget(name: "TTChartsTests", dependencies: ["TTCharts"]),
    .testTarget(name: "TTIRTests", dependencies: ["TestSupport", "TTIR"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TinyTorchTests", dependencies: ["TestSupport", "TinyTorch"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TTPassesTests",
      dependencies: ["TestSupport", "TTPasses", "TTInterpreter", "TinyTorch", "MilestoneSupport"]),
    .testTarget(
      name: "TTInterpreterTests",
      dependencies: ["TestSupport", "MallocStatistics", "TTInterpreter", "TinyTorch", "TTPasses"]),
    .testTarget(
      name: "TTCodegenTests",
      dependencies: ["TestSupport", "TTCodegen", "TTLoader", "TTInterpreter", "TinyTorch"]),
    .testTarget(
      name: "TTProfilerTests",
      dependencies: [
        "TestSupport", "MallocStatistics", "TTProfiler", "TinyTorch", "TTIR", "TTInterpreter", "TTCodegen",
        "TTLoader",
      ]),
    .testTarget(
      name: "TTONNXTests",
      dependencies: [
        "TestSupport", "TTONNX", "TTInterpreter", "TTPasses", "TTCodegen", "TTLoader", "ONNXConformance",
      ],
      exclude: ["Python"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TTFuzzingTests", dependencies: ["TestSupport", "TTFuzzing", "TTIR", "TTInterpreter"],
      exclude: ["Findings"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "TestSupport",
        "TinyTorch", "TTIR", "TTInterpreter", "TTCodegen", "TTLoader", "TTPasses", "MilestoneSupport",
      ]),
  ],
  swiftLanguageModes: [.v6]
)

// The DocC reference (Sources/TinyTorch/TinyTorch.docc) builds with
// `TINYTORCH_DOCS=1 swift package generate-documentation --target TinyTorch`. The plugin is a
// dependency only then, so `swift build` and CI never resolve or compile it.
if ProcessInfo.processInfo.environment["TINYTORCH_DOCS"] != nil {
  package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
