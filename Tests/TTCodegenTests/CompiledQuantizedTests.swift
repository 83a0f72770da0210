import TTCodegen
import TTIR
import TTInterpreter
import XCTest

/// `quantized_linear`, `quantize_linear` and `dequantize_linear` compiled to C against the
/// interpreter (both call Runtime/tt_qgemm.c, so float outputs agree within 1e-4 and int8
/// outputs exactly).
final class CompiledQuantizedTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// int8 weights `[out, in]` in −127...127 and positive scales.
  private func layer(
    _ b: inout GraphBuilder, _ name: String, _ inFeatures: Int, _ outFeatures: Int, seed: UInt64
  )
    -> [String]
  {
    let weights = randomFloats(inFeatures * outFeatures, seed: seed).map { Int8(($0 * 127).rounded()) }
    let scales = randomFloats(outFeatures, seed: seed + 1).map { 0.01 + abs($0) * 0.02 }
    return [
      b.weight("\(name).w", TensorData(int8s: weights, shape: [outFeatures, inFeatures])),
      b.weight("\(name).s", TensorData(scales, shape: [outFeatures])),
      b.weight("\(name).b", TensorData(randomFloats(outFeatures, seed: seed + 2), shape: [outFeatures])),
    ]
  }

  func testDynamicQuantizedLinearOnOddShapes() throws {
    for (rows, inFeatures, outFeatures) in [(1, 3, 17), (3, 65, 63), (17, 257, 5)] {
      var b = GraphBuilder(name: "dynamic")
      let x = b.input("x", .f32, [rows, inFeatures])
      let params = layer(&b, "fc", inFeatures, outFeatures, seed: UInt64(inFeatures))
      b.output(b.add(.quantizedLinear, [x] + params, name: "fc"))
      let graph = try b.build()
      try assertCompiledMatchesInterpreter(
        graph, ["x": randomTensor([rows, inFeatures], seed: 5, low: -3, high: 2)], cache: cache)
    }
  }

  /// `linear` reading an f16 weight (`tt_hgemm`): the few-row kernel (1 and 3 rows, full 64-column
  /// panels plus a remainder) and widened blocks (17 rows), plain, with bias, and with a fused
  /// residual + activation epilogue.
  func testLinearWithHalfWeightsOnOddShapes() throws {
    for (rows, inFeatures, outFeatures) in [(1, 3, 17), (3, 65, 130), (17, 257, 5)] {
      var b = GraphBuilder(name: "half")
      let x = b.input("x", .f32, [rows, inFeatures])
      let r = b.input("r", .f32, [rows, outFeatures])
      let weight = randomFloats(inFeatures * outFeatures, seed: UInt64(outFeatures))
      let w = b.weight("w", TensorData(halves: weight, shape: [inFeatures, outFeatures]))
      let bias = b.weight("b", TensorData(randomFloats(outFeatures, seed: 7), shape: [outFeatures]))
      b.output(b.add(.linear, [x, w], name: "plain"))
      b.output(b.add(.linear, [x, w, bias], name: "biased"))
      b.output(
        b.add(
          .linear, [x, w, bias, r], attributes: ["epilogue": "add x1 x0; tanh t0", "epilogue_inputs": 1],
          name: "fused"))
      let graph = try b.build()
      try assertCompiledMatchesInterpreter(
        graph,
        [
          "x": randomTensor([rows, inFeatures], seed: 5, low: -3, high: 2),
          "r": randomTensor([rows, outFeatures], seed: 6),
        ], cache: cache)
    }
  }

  /// The digits MLP shape (64 → 128 → ReLU → 10) with f16 weights reads them in the kernel: the C
  /// calls `tt_hgemm` for both layers and widens nothing per call (no `tt_half_to_float_array`),
  /// and at batch 1 its arena is no larger than fp32's (the few-row kernel needs no scratch copy of
  /// a widened weight; it once needed k × n floats, and weights were once cast per call).
  func testHalfWeightsAreReadInPlaceWithoutAWidenedCopy() throws {
    func mlp(rows: Int, half: Bool) throws -> Graph {
      var b = GraphBuilder(name: "digits")
      var h = b.input("x", .f32, [rows, 64])
      for (index, (inFeatures, outFeatures)) in [(64, 128), (128, 10)].enumerated() {
        let values = randomFloats(inFeatures * outFeatures, seed: UInt64(index))
        let weight =
          half
          ? TensorData(halves: values, shape: [inFeatures, outFeatures])
          : TensorData(values, shape: [inFeatures, outFeatures])
        let w = b.weight("fc\(index).w", weight)
        let bias = b.weight(
          "fc\(index).b", TensorData(randomFloats(outFeatures, seed: 9), shape: [outFeatures]))
        h = b.add(.linear, [h, w, bias], name: "fc\(index)")
        if index == 0 { h = b.add(.relu, [h], name: "relu") }
      }
      b.output(h)
      return try b.build()
    }
    for rows in [1, 3, 64] {
      let (single, half) = (try mlp(rows: rows, half: false), try mlp(rows: rows, half: true))
      let (fp32, fp16) = (
        try CEmitter.emit(single, graphHash: single.contentHash),
        try CEmitter.emit(half, graphHash: half.contentHash)
      )
      let text = fp16.source.text
      XCTAssertEqual(text.components(separatedBy: "tt_hgemm(").count - 1, 2, "rows \(rows)")
      XCTAssertFalse(text.contains("tt_half_to_float"), "rows \(rows): a weight is widened per call")
      if rows < 8 {
        XCTAssertLessThanOrEqual(fp16.plan.arenaBytes, fp32.plan.arenaBytes, "rows \(rows)")
      }
      try assertCompiledMatchesInterpreter(
        half, ["x": randomTensor([rows, 64], seed: 3, low: -2, high: 2)], cache: cache)
    }
  }

  /// With embedded weights the compiled layers read them packed (`tt_qlinear_packed`: 4-row
  /// blocks on AVX2, so 1, 3 and 5 rows cover full and partial blocks), with external weights
  /// unpacked (`tt_qgemm`); both agree with the interpreter.
  func testStaticInt8RegionWithReLUAndInt8Output() throws {
    for rows in [1, 3, 5] {
      var b = GraphBuilder(name: "static")
      let x = b.input("x", .f32, [rows, 33])
      let q = b.add(
        .quantizeLinear, [x], attributes: ["scale": .float(0.02), "zero_point": .int(-5)], name: "quantize")
      let h = b.add(
        .quantizedLinear, [q] + layer(&b, "fc1", 33, 65, seed: 9),
        attributes: [
          "x_scale": .float(0.02), "x_zero_point": .int(-5), "out_scale": .float(0.05),
          "out_zero_point": .int(-128),
          "relu": .bool(true),
        ], name: "fc1")
      let y = b.add(
        .quantizedLinear, [h] + layer(&b, "fc2", 65, 7, seed: 19),
        attributes: ["x_scale": .float(0.05), "x_zero_point": .int(-128)], name: "fc2")
      b.output(y)
      b.output(
        b.add(
          .dequantizeLinear, [h], attributes: ["scale": .float(0.05), "zero_point": .int(-128)], name: "h"))
      b.output(h)
      let graph = try b.build()
      for weights in [CEmitter.WeightsMode.embedded, .external] {
        try assertCompiledMatchesInterpreter(
          graph, ["x": randomTensor([rows, 33], seed: 3)], cache: cache, weights: weights)
      }
    }
  }

  /// An embedded int8 weight read only by `tt_qlinear_packed` is stored packed only (not listed,
  /// not kept as it is); one also returned as an output stays listed, and both run as the
  /// interpreter does.
  func testInt8WeightsReadOnlyPackedAreStoredOnce() throws {
    var b = GraphBuilder(name: "once")
    let x = b.input("x", .f32, [9, 33])
    let fc1 = layer(&b, "fc1", 33, 65, seed: 9), fc2 = layer(&b, "fc2", 65, 7, seed: 19)
    let h = b.add(.quantizedLinear, [x] + fc1, attributes: ["relu": .bool(true)], name: "fc1")
    b.output(b.add(.quantizedLinear, [h] + fc2, name: "fc2"))
    b.output(fc2[0])
    let graph = try b.build()
    let output = try CEmitter.emit(graph, graphHash: graph.contentHash)
    XCTAssertEqual(Set(output.weights.packedInt8.keys.map(\.weight)), ["fc1.w", "fc2.w"])
    XCTAssertEqual(output.weights.entries.map(\.name), ["fc1.b", "fc1.s", "fc2.b", "fc2.s", "fc2.w"])
    try assertCompiledMatchesInterpreter(graph, ["x": randomTensor([9, 33], seed: 3)], cache: cache)
  }

  /// `quantized_conv2d` compiled: an int8 region (quantize → conv with padding, ReLU and an int8
  /// output → grouped, strided conv with an f32 output; the int8 output max-pooled with padding)
  /// and a dynamic conv (f32 x, dilation, no bias), at batch 1 and 3.
  func testQuantizedConvolutionsStaticAndDynamic() throws {
    func convolution(_ b: inout GraphBuilder, _ name: String, _ shape: [Int], bias: Bool, seed: UInt64)
      -> [String]
    {
      let count = shape.reduce(1, *)
      let weights = randomFloats(count, seed: seed).map { Int8(($0 * 127).rounded()) }
      let scales = randomFloats(shape[0], seed: seed + 1).map { 0.01 + abs($0) * 0.02 }
      let params = [
        b.weight("\(name).w", TensorData(int8s: weights, shape: shape)),
        b.weight("\(name).s", TensorData(scales, shape: [shape[0]])),
      ]
      return bias
        ? params + [
          b.weight("\(name).b", TensorData(randomFloats(shape[0], seed: seed + 2), shape: [shape[0]]))
        ] : params
    }
    for batch in [1, 3] {
      var b = GraphBuilder(name: "qconv")
      let x = b.input("x", .f32, [batch, 3, 9, 7])
      let q = b.add(
        .quantizeLinear, [x], attributes: ["scale": .float(0.02), "zero_point": .int(-5)], name: "quantize")
      let h = b.add(
        .quantizedConv2d, [q] + convolution(&b, "c1", [6, 3, 3, 3], bias: true, seed: 3),
        attributes: [
          "padding": .ints([1, 1]), "x_scale": .float(0.02), "x_zero_point": .int(-5),
          "out_scale": .float(0.05),
          "out_zero_point": .int(-128), "relu": .bool(true),
        ], name: "c1")
      b.output(
        b.add(
          .quantizedConv2d, [h] + convolution(&b, "c2", [4, 3, 2, 2], bias: true, seed: 7),
          attributes: [
            "stride": .ints([2, 1]), "groups": .int(2), "x_scale": .float(0.05), "x_zero_point": .int(-128),
          ], name: "c2"))
      b.output(h)
      b.output(
        b.add(
          .maxPool2d, [h],
          attributes: ["kernel": .ints([3, 2]), "stride": .ints([2, 1]), "padding": .ints([1, 1])],
          name: "pool"))
      b.output(
        b.add(
          .quantizedConv2d, [x] + convolution(&b, "c3", [5, 3, 3, 3], bias: false, seed: 11),
          attributes: ["dilation": .ints([2, 2]), "padding": .ints([1, 2])], name: "c3"))
      let graph = try b.build()
      try assertCompiledMatchesInterpreter(
        graph, ["x": randomTensor([batch, 3, 9, 7], seed: 4, low: -2, high: 3)], cache: cache)
    }
  }

  /// An embedded convolution weight is stored packed only, once per grouping that reads it (here
  /// one `[4, 2, 3, 3]` weight read by a convolution of 2 channels and by one of 4 in 2 groups, at
  /// odd sizes), and both compiled convolutions agree with the interpreter's, which packs the same
  /// forms when it plans the graph.
  func testConvolutionWeightsArePackedOncePerGrouping() throws {
    var b = GraphBuilder(name: "shared")
    let x = b.input("x", .f32, [3, 2, 7, 5]), wide = b.input("wide", .f32, [1, 4, 5, 9])
    let weights = randomFloats(72, seed: 5).map { Int8(($0 * 127).rounded()) }
    let w = b.weight("c.w", TensorData(int8s: weights, shape: [4, 2, 3, 3]))
    let s = b.weight("c.s", TensorData(randomFloats(4, seed: 6).map { 0.01 + abs($0) * 0.02 }, shape: [4]))
    b.output(b.add(.quantizedConv2d, [x, w, s], attributes: ["padding": .ints([1, 1])], name: "one"))
    b.output(
      b.add(
        .quantizedConv2d, [wide, w, s], attributes: ["groups": .int(2), "stride": .ints([2, 1])], name: "two")
    )
    let graph = try b.build()
    let output = try CEmitter.emit(graph, graphHash: graph.contentHash)
    XCTAssertEqual(
      Set(output.weights.packedInt8.keys),
      [Int8WeightPacking(weight: "c.w", groups: 1), Int8WeightPacking(weight: "c.w", groups: 2)])
    XCTAssertEqual(output.weights.entries.map(\.name), ["c.s"])
    try assertCompiledMatchesInterpreter(
      graph,
      [
        "x": randomTensor([3, 2, 7, 5], seed: 3, low: -2, high: 3),
        "wide": randomTensor([1, 4, 5, 9], seed: 4),
      ],
      cache: cache)
  }
}
