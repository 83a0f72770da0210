import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// A seeded 16→24→24→5 MLP (`fc1 → relu → fc2 → relu → fc3 → softmax`) at batch 8, and sample
/// inputs for it.
private enum TinyMLP {
  static func graph(batch: Int = 8) throws -> Graph {
    var random = SeededValues(seed: 7)
    var b = GraphBuilder(name: "tiny-mlp")
    var h = b.input("x", .f32, [batch, 16])
    for (index, (inFeatures, outFeatures)) in [(16, 24), (24, 24), (24, 5)].enumerated() {
      let layer = "fc\(index + 1)"
      let w = b.weight(
        "\(layer).weight",
        TensorData(random.next(inFeatures * outFeatures, scale: 0.4), shape: [inFeatures, outFeatures]))
      let bias = b.weight(
        "\(layer).bias", TensorData(random.next(outFeatures, scale: 0.1), shape: [outFeatures]))
      h = b.add(.linear, [h, w, bias], name: layer)
      if index < 2 { h = b.add(.relu, [h], name: "relu\(index + 1)") }
    }
    b.output(b.add(.softmax, [h], attributes: ["axis": -1], name: "softmax"))
    return try b.build()
  }

  static func samples(_ count: Int) -> [Float] {
    var random = SeededValues(seed: 11)
    return random.next(count * 16, scale: 1)
  }
}

/// Deterministic values in `[-scale, scale)`.
private struct SeededValues {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next(_ count: Int, scale: Float) -> [Float] {
    (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
  }
}

private func interpret(_ graph: Graph, _ x: [Float]) throws -> [Float] {
  let outputs = try Interpreter(graph: graph).run([
    "x": InterpreterTensor(x, shape: graph.inputs[0].type.shape)
  ])
  return outputs[graph.outputs[0].name]!.floats()
}

private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
  zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

final class QuantizationTests: XCTestCase {
  func testDynamicInt8ReplacesEveryLinearAndFusesReLUs() throws {
    let graph = try TinyMLP.graph()
    let (quantized, layers) = try Int8Quantizer.quantize(graph, ranges: nil)
    XCTAssertEqual(layers, 3)
    XCTAssertEqual(
      quantized.nodes.map(\.op), [.quantizedLinear, .quantizedLinear, .quantizedLinear, .softmax])
    XCTAssertEqual(quantized.nodes.map { $0.bool("relu") ?? false }, [true, true, false, false])
    XCTAssertNil(quantized.weights["fc1.weight"], "the f32 weight is dropped")
    XCTAssertEqual(quantized.weights["fc1.weight.int8"]?.type, TensorType(.i8, [24, 16]))
    XCTAssertEqual(quantized.weights["fc1.weight.scale"]?.type, TensorType(.f32, [24]))
    let x = TinyMLP.samples(8)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(graph, x)), 0.02)
  }

  func testStaticInt8QuantizesOnlyAtTheBordersOfTheInt8Region() throws {
    let graph = try TinyMLP.graph()
    let samples = try NumpyFile(shape: [32, 16], elements: .float32(TinyMLP.samples(32)))
    let ranges = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
    let (quantized, layers) = try Int8Quantizer.quantize(graph, ranges: ranges)
    XCTAssertEqual(layers, 3)
    XCTAssertEqual(
      quantized.nodes.map(\.op),
      [.quantizeLinear, .quantizedLinear, .quantizedLinear, .quantizedLinear, .softmax])
    let types = try quantized.valueTypes()
    // int8 flows from the first quantize to the last layer, which dequantizes in its epilogue.
    XCTAssertEqual(quantized.nodes.map { types[$0.outputs[0]]!.dtype }, [.i8, .i8, .i8, .f32, .f32])
    XCTAssertFalse(quantized.nodes.contains { $0.op == .dequantizeLinear })
    let x = TinyMLP.samples(8)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(graph, x)), 0.03)
  }

  func testStaticInt8NeedsARangeForEveryQuantizedValue() throws {
    let graph = try TinyMLP.graph()
    XCTAssertThrowsError(try Int8Quantizer.quantize(graph, ranges: ["x": -1...1])) { error in
      XCTAssertEqual("\(error)", "no calibration range for value 'relu1' (written by node 'fc1')")
    }
  }

  func testPercentileObserverClipsOutliers() throws {
    let graph = try TinyMLP.graph(batch: 1)
    var values = TinyMLP.samples(100)
    values[5] = 1000
    let samples = try NumpyFile(shape: [100, 16], elements: .float32(values))
    let minMax = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
    let percentile = try Calibration.ranges(of: graph, samples: samples, observer: .percentile(99.9))
    XCTAssertEqual(minMax["x"]?.upperBound, 1000)
    XCTAssertLessThanOrEqual(percentile["x"]!.upperBound, 1)
  }

  func testFP16StoresMatricesAsHalvesReadDirectlyByLinearLayers() throws {
    let graph = try TinyMLP.graph()
    let (half, converted) = try FP16Quantizer.quantize(graph)
    XCTAssertEqual(converted, 3)
    XCTAssertEqual(half.weights["fc1.weight.f16"]?.dtype, .f16)
    XCTAssertEqual(half.weights["fc1.bias"]?.dtype, .f32, "vectors stay f32")
    XCTAssertEqual(half.nodes.filter { $0.op == .cast }.count, 0, "linear layers read f16 weights")
    XCTAssertEqual(half.nodes.first { $0.op == .linear }?.inputs[1], "fc1.weight.f16")
    let bytes = { (g: Graph) in g.weights.values.reduce(0) { $0 + $1.bytes.count } }
    XCTAssertLessThan(Double(bytes(half)), 0.55 * Double(bytes(graph)))
    let x = TinyMLP.samples(8)
    XCTAssertLessThan(maxDifference(try interpret(half, x), try interpret(graph, x)), 1e-3)
  }

  func testFP16CastsAWeightOnceForReadersOtherThanLinear() throws {
    var b = GraphBuilder(name: "shared")
    let x = b.input("x", .f32, [2, 3])
    let w = b.weight("w", TensorData((0..<9).map { Float($0) / 7 }, shape: [3, 3]))
    let sum = b.add(.add, [b.add(.linear, [x, w]), b.add(.matmul, [x, w])])
    b.output(b.add(.add, [sum, b.add(.matmul, [x, w])]))
    let graph = try b.build()
    let (half, converted) = try FP16Quantizer.quantize(graph)
    XCTAssertEqual(converted, 1)
    XCTAssertEqual(half.weights.keys.sorted(), ["w.f16"])
    let casts = half.nodes.filter { $0.op == .cast }
    XCTAssertEqual(casts.map(\.inputs), [["w.f16"]], "one cast, shared by both matmuls")
    XCTAssertEqual(
      half.nodes.filter { $0.op == .matmul }.map { $0.inputs[1] },
      Array(repeating: casts[0].outputs[0], count: 2))
    XCTAssertEqual(half.nodes.first { $0.op == .linear }?.inputs[1], "w.f16")
    let input = (0..<6).map { Float($0) - 2.5 }
    XCTAssertLessThan(maxDifference(try interpret(half, input), try interpret(graph, input)), 1e-2)
  }

  func testAModelWithoutLinearLayersIsLeftUnchanged() throws {
    var b = GraphBuilder(name: "no-linear")
    b.output(b.add(.relu, [b.input("x", .f32, [2, 3])]))
    let graph = try b.build()
    let (int8, layers) = try Int8Quantizer.quantize(graph, ranges: nil)
    XCTAssertEqual(layers, 0)
    XCTAssertEqual(int8, graph)
    let (half, weights) = try FP16Quantizer.quantize(graph)
    XCTAssertEqual(weights, 0)
    XCTAssertEqual(half, graph)
  }

  func testCalibrationRejectsBadSamples() throws {
    let graph = try TinyMLP.graph()
    let cases: [(NumpyFile, String)] = [
      (
        try NumpyFile(shape: [4, 15], elements: .float32(Array(repeating: 0, count: 60))),
        "input 'x': calibration samples have shape [4, 15], but the input f32[8, 16] needs [N, 16]"
      ),
      (
        try NumpyFile(shape: [4, 16], elements: .float64(Array(repeating: 0, count: 64))),
        "input 'x': calibration samples must be float32 (<f4), got <f8"
      ),
      (
        try NumpyFile(shape: [0, 16], elements: .float32([])),
        "input 'x': calibration samples are empty (N = 0)"
      ),
    ]
    for (samples, message) in cases {
      XCTAssertThrowsError(try Calibration.ranges(of: graph, samples: samples, observer: .minMax)) { error in
        XCTAssertEqual("\(error)", message)
      }
    }
  }

  func testCalibrationTakesSeveralInputsAndArrays() throws {
    var b = GraphBuilder(name: "two-inputs")
    let x = b.input("x", .f32, [2, 3])
    let y = b.input("y", .f32, [2, 3])
    b.output(b.add(.mul, [x, y], name: "product"))
    let graph = try b.build()
    func samples(_ values: [Float]) throws -> NumpyFile {
      try NumpyFile(shape: [values.count / 3, 3], elements: .float32(values))
    }
    let first = try samples([1, 2, 3, -4, 5, 6])
    let second = try samples([0, 0, 9, 1, 1, 1, 2, 2, 2])
    let ys = try samples(Array(repeating: 2, count: 15))
    let ranges = try Calibration.ranges(
      of: graph, inputs: ["x": [first, second], "y": [ys]], observer: .minMax)
    XCTAssertEqual(ranges["x"], -4...9, "both arrays of x")
    XCTAssertEqual(ranges["product"], -8...18)
    let cases: [([String: [NumpyFile]], String)] = [
      (["x": [first]], "input 'y': no calibration samples for this input"),
      (["x": [first], "y": [ys]], "input 'y': has 5 calibration samples, but 'x' has 2"),
      (
        ["x": [first, try NumpyFile(shape: [1, 2], elements: .float32([1, 2]))], "y": [ys]],
        "input 'x': calibration samples (array 2 of 2) have shape [1, 2], but the input f32[2, 3] needs [N, 3]"
      ),
      (
        ["x": [first], "y": [first], "z": [first]],
        "two-inputs: calibration samples for 'z', which is not an input (inputs: x, y)"
      ),
    ]
    for (inputs, message) in cases {
      XCTAssertThrowsError(try Calibration.ranges(of: graph, inputs: inputs, observer: .minMax)) { error in
        XCTAssertEqual("\(error)", message)
      }
    }
    XCTAssertThrowsError(try Calibration.ranges(of: graph, samples: first, observer: .minMax)) { error in
      XCTAssertTrue("\(error)".contains("need a model with exactly one input, this one has 2"), "\(error)")
    }
  }

  func testQuantizationParametersFollowTheDynamicRule() {
    let parameters = QuantizationParameters(covering: -1...3)
    XCTAssertEqual(parameters.scale, 4 / 255)
    XCTAssertEqual(parameters.zeroPoint, -64)  // roundEven(−128 + 63.75)
    XCTAssertEqual(QuantizationParameters(covering: 0...0), QuantizationParameters(scale: 1, zeroPoint: -128))
    XCTAssertEqual(QuantizationParameters(covering: 2...5).zeroPoint, -128, "the range always covers 0")
  }
}

final class QuantizationPassTests: XCTestCase {
  func testPassesRunByNameAndASecondRunChangesNothing() throws {
    let graph = try TinyMLP.graph()
    for name in [QuantizeFP16.name, QuantizeInt8Dynamic.name] {
      let first = try PassManager(pipeline: .named([name])).run(graph)
      XCTAssertTrue(first.statistics[0].changed, name)
      XCTAssertLessThan(first.statistics[0].weightBytesAfter, first.statistics[0].weightBytesBefore, name)
      let second = try PassManager(pipeline: .named([name])).run(first.graph)
      XCTAssertFalse(second.statistics[0].changed, "\(name) twice")
      XCTAssertEqual(second.graph, first.graph)
    }
    let samples = try NumpyFile(shape: [16, 16], elements: .float32(TinyMLP.samples(16)))
    let ranges = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
    let static8 = try PassManager(
      pipeline: .named([QuantizeInt8Static.name], options: PassOptions(activationRanges: ranges))
    )
    .run(graph)
    XCTAssertEqual(static8.statistics[0].counters["layers"], 3)
  }

  func testStaticPassWithoutRangesSaysWhatItNeeds() {
    XCTAssertThrowsError(try Pipeline.named([QuantizeInt8Static.name])) { error in
      XCTAssertEqual(
        "\(error)",
        "pass 'quantize-int8-static' needs calibrated activation ranges (ttc: --quantize int8 --calibrate samples.npy)"
      )
    }
  }
}

final class QuantizationAfterFusionTests: XCTestCase {
  /// After `-O2`, a ReLU lives in the layer's epilogue: it becomes the `relu` flag; any other
  /// epilogue keeps the layer in f32.
  func testEpiloguesAfterFusion() throws {
    let fused = try PassManager(pipeline: .level(.O2)).run(try TinyMLP.graph()).graph
    let epilogues = fused.nodes.filter { $0.op == .linear }.map { $0.attributes["epilogue"] }
    XCTAssertEqual(epilogues.compactMap { $0 }.count, 2, "fc1 and fc2 carry their ReLU: \(fused.nodes)")
    let (quantized, layers) = try Int8Quantizer.quantize(fused, ranges: nil)
    XCTAssertEqual(layers, 3)
    XCTAssertEqual(quantized.nodes.map { $0.bool("relu") ?? false }.prefix(3), [true, true, false])
    let x = TinyMLP.samples(8)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(try TinyMLP.graph(), x)), 0.02)

    var other = fused
    let index = other.nodes.firstIndex { $0.op == .linear }!
    other.nodes[index].attributes["epilogue"] = "sigmoid x0"
    XCTAssertEqual(try Int8Quantizer.quantize(other, ranges: nil).layers, 2, "the first layer stays f32")
  }
}

/// A seeded CNN on [batch, 2, 6, 6]: `conv1 (2→4, 3×3, pad 1) → relu → conv2 (4→6, 3×3, stride 2)
/// → relu → flatten → fc (24→3)`; `pooling` adds a `max_pool2d` (3×3, stride 1, pad 1) after the
/// first relu, `poolOutput` makes its result a graph output too.
private enum TinyCNN {
  static func graph(batch: Int = 4, pooling: Bool = false, poolOutput: Bool = false) throws -> Graph {
    var random = SeededValues(seed: 5)
    var b = GraphBuilder(name: "tiny-cnn")
    var h = b.input("x", .f32, [batch, 2, 6, 6])
    for (index, (inChannels, outChannels, stride, padding)) in [(2, 4, 1, 1), (4, 6, 2, 0)].enumerated() {
      let layer = "conv\(index + 1)"
      let w = b.weight(
        "\(layer).weight",
        TensorData(
          random.next(outChannels * inChannels * 9, scale: 0.5), shape: [outChannels, inChannels, 3, 3]))
      let bias = b.weight(
        "\(layer).bias", TensorData(random.next(outChannels, scale: 0.1), shape: [outChannels]))
      h = b.add(
        .conv2d, [h, w, bias],
        attributes: ["stride": .ints([stride, stride]), "padding": .ints([padding, padding])],
        name: layer)
      h = b.add(.relu, [h], name: "relu\(index + 1)")
      if pooling && index == 0 {
        h = b.add(
          .maxPool2d, [h],
          attributes: ["kernel": .ints([3, 3]), "stride": .ints([1, 1]), "padding": .ints([1, 1])],
          name: "pool")
        if poolOutput { b.output(h) }
      }
    }
    h = b.add(.flatten, [h], name: "flatten")
    let w = b.weight("fc.weight", TensorData(random.next(24 * 3, scale: 0.4), shape: [24, 3]))
    b.output(b.add(.linear, [h, w], name: "fc"))
    return try b.build()
  }

  static func samples(_ count: Int) -> [Float] {
    var random = SeededValues(seed: 13)
    return random.next(count * 72, scale: 1)
  }

  /// Min/max ranges of `graph`'s values over 32 samples.
  static func ranges(of graph: Graph) throws -> [String: ClosedRange<Float>] {
    let samples = try NumpyFile(shape: [32, 2, 6, 6], elements: .float32(samples(32)))
    return try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
  }
}

final class ConvolutionQuantizationTests: XCTestCase {
  func testDynamicInt8QuantizesConvolutionsWithTheirGeometry() throws {
    let graph = try TinyCNN.graph()
    let (quantized, layers) = try Int8Quantizer.quantize(graph, ranges: nil)
    XCTAssertEqual(layers, 3)
    XCTAssertEqual(
      quantized.nodes.map(\.op), [.quantizedConv2d, .quantizedConv2d, .flatten, .quantizedLinear])
    XCTAssertEqual(quantized.nodes.map { $0.bool("relu") ?? false }, [true, true, false, false])
    XCTAssertEqual(quantized.nodes[1].ints("stride"), [2, 2])
    XCTAssertEqual(quantized.weights["conv1.weight.int8"]?.type, TensorType(.i8, [4, 2, 3, 3]))
    XCTAssertEqual(quantized.weights["conv1.weight.scale"]?.type, TensorType(.f32, [4]))
    XCTAssertNil(quantized.weights["conv1.weight"])
    let x = TinyCNN.samples(4)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(graph, x)), 0.03)
  }

  /// conv1 feeds conv2 only: it writes int8 (requantized in its epilogue); conv2 feeds the linear
  /// layer through `flatten`, which moves int8 values: conv2 writes int8 too, and the linear layer
  /// reads conv2's scale and zero point.
  func testStaticInt8KeepsInt8BetweenConvolutions() throws {
    let graph = try TinyCNN.graph()
    let (quantized, layers) = try Int8Quantizer.quantize(graph, ranges: try TinyCNN.ranges(of: graph))
    XCTAssertEqual(layers, 3)
    XCTAssertEqual(
      quantized.nodes.map(\.op),
      [.quantizeLinear, .quantizedConv2d, .quantizedConv2d, .flatten, .quantizedLinear])
    let types = try quantized.valueTypes()
    XCTAssertEqual(quantized.nodes.map { types[$0.outputs[0]]!.dtype }, [.i8, .i8, .i8, .i8, .f32])
    XCTAssertEqual(quantized.nodes[4].float("x_scale"), quantized.nodes[2].float("out_scale"))
    XCTAssertEqual(quantized.nodes[4].int("x_zero_point"), quantized.nodes[2].int("out_zero_point"))
    let x = TinyCNN.samples(4)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(graph, x)), 0.05)
  }

  /// `max_pool2d` between the convolutions moves int8 values (exact: quantizing keeps order), so
  /// the whole network is one int8 region; when the pooled value is also a graph output, the
  /// region ends before it (conv1 writes f32, conv2 quantizes the pooled value again).
  func testStaticInt8ContinuesThroughMaxPooling() throws {
    let graph = try TinyCNN.graph(pooling: true)
    let (quantized, _) = try Int8Quantizer.quantize(graph, ranges: try TinyCNN.ranges(of: graph))
    XCTAssertEqual(
      quantized.nodes.map(\.op),
      [.quantizeLinear, .quantizedConv2d, .maxPool2d, .quantizedConv2d, .flatten, .quantizedLinear])
    let types = try quantized.valueTypes()
    XCTAssertEqual(quantized.nodes.map { types[$0.outputs[0]]!.dtype }, [.i8, .i8, .i8, .i8, .i8, .f32])
    XCTAssertEqual(quantized.nodes[3].float("x_scale"), quantized.nodes[1].float("out_scale"))
    let x = TinyCNN.samples(4)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(graph, x)), 0.05)

    let exposed = try TinyCNN.graph(pooling: true, poolOutput: true)
    let (split, _) = try Int8Quantizer.quantize(exposed, ranges: try TinyCNN.ranges(of: exposed))
    XCTAssertEqual(
      split.nodes.map(\.op),
      [
        .quantizeLinear, .quantizedConv2d, .maxPool2d, .quantizeLinear, .quantizedConv2d, .flatten,
        .quantizedLinear,
      ])
    let splitTypes = try split.valueTypes()
    XCTAssertEqual(splitTypes["pool"]?.dtype, .f32, "a graph output stays f32")
  }

  /// After `-O2` a convolution's ReLU is its epilogue; it becomes the `relu` flag.
  func testConvolutionEpilogueAfterFusion() throws {
    let fused = try PassManager(pipeline: .level(.O2)).run(try TinyCNN.graph()).graph
    let (quantized, _) = try Int8Quantizer.quantize(fused, ranges: nil)
    let convolutions = quantized.nodes.filter { $0.op == .quantizedConv2d }
    XCTAssertEqual(convolutions.count, 2, "\(quantized.nodes.map(\.op))")
    XCTAssertEqual(convolutions.map { $0.bool("relu") ?? false }, [true, true])
    let x = TinyCNN.samples(4)
    XCTAssertLessThan(maxDifference(try interpret(quantized, x), try interpret(try TinyCNN.graph(), x)), 0.03)
  }
}

/// Eager `quantizeForEvaluation` on a model with a `Conv2d`: it runs the int8 convolution of the
/// graph path, so int8-dynamic eager evaluation gives the bits of the interpreter running the
/// traced graph after `Int8Quantizer` (dynamic).
final class EagerConvolutionQuantizationTests: XCTestCase {
  private func model() -> Sequential {
    Sequential(
      Conv2d(2, 4, kernelSize: 3, padding: 1, seed: 1), ReLU(), MaxPool2d(2), Flatten(),
      Linear(36, 3, seed: 2))
  }

  func testEagerInt8ConvolutionMatchesTheGraphPath() throws {
    let net = model()
    let x = Tensor.uniform([4, 2, 6, 6], low: -1, high: 1, seed: 3)
    let graph = try trace(net, example: x)
    net.eval()
    let reference = try net(x).scalars
    let report = net.quantizeForEvaluation(.int8Dynamic)
    XCTAssertEqual(report.layers, 2)
    XCTAssertEqual(report.bytesBefore, 4 * (4 * 2 * 9 + 4 + 36 * 3 + 3))
    XCTAssertEqual(report.bytesAfter, (4 * 2 * 9 + 4 * 4) + 4 * 4 + (36 * 3 + 4 * 3) + 4 * 3)
    let eager = try net(x).scalars
    let (quantized, layers) = try Int8Quantizer.quantize(graph, ranges: nil)
    XCTAssertEqual(layers, 2)
    let interpreted = try Interpreter(graph: quantized).run([
      graph.inputs[0].name: InterpreterTensor(x.scalars, shape: x.shape)
    ])[graph.outputs[0].name]!.floats()
    XCTAssertEqual(eager, interpreted, "the same int8 kernels, the same bits")
    XCTAssertNotEqual(eager, reference, "int8 arithmetic rounds")
    XCTAssertLessThan(maxDifference(eager, reference), 0.05)
    net.quantizeForEvaluation(.fp16)
    XCTAssertLessThan(maxDifference(try net(x).scalars, reference), 1e-3)
    let samples = Tensor.uniform([32, 2, 6, 6], low: -1, high: 1, seed: 4)
    XCTAssertEqual(try net.quantizeForEvaluation(calibratingOn: samples).layers, 2)
    XCTAssertLessThan(maxDifference(try net(x).scalars, reference), 0.05)
    net.removeEvaluationQuantization()
    XCTAssertEqual(try net(x).scalars, reference)
    XCTAssertThrowsError(try net(Tensor.zeros([1, 3, 6, 6])), "a wrong channel count is refused")
  }
}
