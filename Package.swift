// swift-tools-version: 6.1
// TinyTorch for Swift: an eager ML framework plus a graph compiler (trace → IR → passes →
// interpreter or C → clang → shared library → dlopen). See README.md and docs/DESIGN.md.
import PackageDescription

/// Numeric kernels are always compiled with optimization, even in debug builds, so that the
/// test suite (which trains small models) runs in seconds rather than minutes.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "native"])]

let package = Package(
  name: "TinyTorch",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "TinyTorch", targets: ["TinyTorch"]),
    .library(name: "TTIR", targets: ["TTIR"]),
    .library(name: "TTInterpreter", targets: ["TTInterpreter"]),
    .library(name: "TTCodegen", targets: ["TTCodegen"]),
    .library(name: "TTLoader", targets: ["TTLoader"]),
    .executable(name: "ttc", targets: ["ttc"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // The C kernels shared by the interpreter, eager mode and every compiled model (Runtime/).
    .target(
      name: "TTRuntime", path: "Runtime", sources: ["tt_qgemm.c"],
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
      name: "TTCodegen", dependencies: ["TTIR", "CClang"],
      // The C runtime in Runtime/ (reached through the Runtime/C link) is compiled into every model
      // library; embedding it in the binary means ttc needs no files at run time.
      resources: ["tt_gemm.c", "tt_model.h", "tt_nn.c", "tt_qgemm.c", "include/tt_qgemm.h", "tt_runtime.h"].map {
        .embedInCode("Runtime/C/\($0)")
      }),
    // dlopen of compiled models.
    .target(name: "TTLoader", dependencies: ["TTIR"]),
    .executableTarget(
      name: "ttc",
      dependencies: [
        "TTIR", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader", "TTKernels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
      name: "attention-2017", dependencies: ["TinyTorch", "MilestoneSupport"],
      path: "Examples/Attention2017"),
    .executableTarget(
      name: "tinytalks-2017", dependencies: ["TinyTorch", "MilestoneSupport"],
      path: "Examples/TinyTalks2017"),

    // Benchmarks.
    .executableTarget(
      name: "quantization-bench",
      dependencies: [
        "TinyTorch", "TTIR", "TTPasses", "TTInterpreter", "TTCodegen", "TTLoader", "TTKernels", "MilestoneSupport",
      ], path: "Benchmarks/QuantizationBench"),

    // Tests.
    .testTarget(name: "TTKernelsTests", dependencies: ["TTKernels"]),
    .testTarget(name: "TTIRTests", dependencies: ["TTIR"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TinyTorchTests", dependencies: ["TinyTorch"], resources: [.copy("Fixtures")]),
    .testTarget(name: "TTPassesTests", dependencies: ["TTPasses", "TTInterpreter"]),
    .testTarget(name: "TTInterpreterTests", dependencies: ["TTInterpreter", "TinyTorch"]),
    .testTarget(
      name: "TTCodegenTests", dependencies: ["TTCodegen", "TTLoader", "TTInterpreter", "TinyTorch"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "TinyTorch", "TTIR", "TTInterpreter", "TTCodegen", "TTLoader", "TTPasses", "MilestoneSupport",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
