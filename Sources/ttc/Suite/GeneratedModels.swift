import Foundation
import TTIR

/// The suite's models that no milestone exports, built with ``TTIR/GraphBuilder`` from seeded
/// weights (uniform in ±1/√fan-in, like PyTorch's default initialization), so that every run and
/// every machine benchmarks the same graph and the compile cache recognizes it. Each is built at
/// batch 1; the suite re-specializes the batch like any model file.
enum GeneratedModels {
  /// A 784 → 512 → 512 → 10 MLP with ReLU (the MNIST-sized classic), input `[N, 784]`.
  static func mlp() throws -> Graph {
    var builder = GraphBuilder(name: "mlp-784")
    var random = SeededRandom(seed: 784)
    var value = builder.input("x", .f32, [1, 784])
    let widths = [784, 512, 512, 10]
    for layer in 1..<widths.count {
      let (fanIn, fanOut) = (widths[layer - 1], widths[layer])
      value = linear(
        &builder, value, name: "fc\(layer)", fanIn: fanIn, fanOut: fanOut, bias: true, random: &random)
      if layer < widths.count - 1 { value = builder.add(.relu, [value], name: "relu\(layer)") }
    }
    builder.output(value)
    return try builder.build()
  }

  /// LeNet-5 (LeCun et al., 1998) on `[N, 1, 28, 28]`: conv 6@5×5 (padding 2) → ReLU → max
  /// pool 2 → conv 16@5×5 → ReLU → max pool 2 → 400 → 120 → 84 → 10.
  static func lenet5() throws -> Graph {
    var builder = GraphBuilder(name: "lenet-5")
    var random = SeededRandom(seed: 1998)
    var value = builder.input("x", .f32, [1, 1, 28, 28])
    for (index, (inputs, outputs, padding)) in [(1, 6, 2), (6, 16, 0)].enumerated() {
      let name = "conv\(index + 1)"
      let bound = 1 / (Double(inputs * 25)).squareRoot()
      let weight = builder.weight(
        "\(name).weight",
        TensorData(random.uniform(outputs * inputs * 25, bound: bound), shape: [outputs, inputs, 5, 5]))
      let bias = builder.weight(
        "\(name).bias", TensorData(random.uniform(outputs, bound: bound), shape: [outputs]))
      value = builder.add(
        .conv2d, [value, weight, bias], attributes: ["padding": [padding, padding]], name: name)
      value = builder.add(.relu, [value], name: "relu\(index + 1)")
      value = builder.add(.maxPool2d, [value], attributes: ["kernel": [2, 2]], name: "pool\(index + 1)")
    }
    value = builder.add(.flatten, [value], name: "flatten")
    for (index, (fanIn, fanOut)) in [(400, 120), (120, 84), (84, 10)].enumerated() {
      if index > 0 { value = builder.add(.relu, [value], name: "relu\(index + 2)") }
      value = linear(
        &builder, value, name: "fc\(index + 1)", fanIn: fanIn, fanOut: fanOut, bias: true, random: &random)
    }
    builder.output(value)
    return try builder.build()
  }

  /// A 1024 → 1024 `linear` without bias: at batch 1024 one 1024³ matrix product (2.1 GFLOP) on
  /// the GEMM kernels, which pruning and quantization rewrite like any layer.
  static func gemm() throws -> Graph {
    var builder = GraphBuilder(name: "gemm-1024")
    var random = SeededRandom(seed: 1024)
    let x = builder.input("x", .f32, [1, 1024])
    builder.output(linear(&builder, x, name: "gemm", fanIn: 1024, fanOut: 1024, bias: false, random: &random))
    return try builder.build()
  }

  private static func linear(
    _ builder: inout GraphBuilder, _ input: String, name: String, fanIn: Int, fanOut: Int, bias: Bool,
    random: inout SeededRandom
  ) -> String {
    let bound = 1 / Double(fanIn).squareRoot()
    let weight = builder.weight(
      "\(name).weight", TensorData(random.uniform(fanIn * fanOut, bound: bound), shape: [fanIn, fanOut]))
    var inputs = [input, weight]
    if bias {
      inputs.append(
        builder.weight("\(name).bias", TensorData(random.uniform(fanOut, bound: bound), shape: [fanOut])))
    }
    return builder.add(.linear, inputs, name: name)
  }
}
