import TTIR
import TTInterpreter
import TTPasses
import TestSupport
import TinyTorch
import XCTest

final class MatrixAndSpatialOpTests: XCTestCase {
  func testMatmulBroadcastsBatchDimensions() throws {
    try assertOp(.matmul, [randn([2, 1, 3, 5], seed: 1), randn([4, 5, 6], seed: 2)]) {
      try $0[0].matmul($0[1])
    }
  }

  func testLinearWithAndWithoutBias() throws {
    let x = randn([2, 3, 7], seed: 3)
    let weight = randn([7, 5], seed: 4)
    let bias = randn([5], seed: 5)
    try assertOp(.linear, [x, weight, bias]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }
    try assertOp(.linear, [x, weight]) { try $0[0].linear(weight: $0[1]) }
  }

  func testConv2dWithStridePaddingDilationAndGroups() throws {
    let x = randn([2, 4, 9, 8], seed: 6)
    let weight = randn([6, 2, 3, 3], seed: 7)
    let bias = randn([6], seed: 8)
    try assertOp(
      .conv2d, [x, weight, bias],
      attributes: ["stride": [2, 1], "padding": [1, 2], "dilation": [1, 2], "groups": 2]
    ) {
      try $0[0].conv2d(
        weight: $0[1], bias: $0[2], stride: Size2D(2, 1), padding: Size2D(1, 2),
        dilation: Size2D(1, 2), groups: 2)
    }
    try assertOp(.conv2d, [x, randn([3, 4, 2, 2], seed: 9)]) { try $0[0].conv2d(weight: $0[1]) }
  }

  func testPooling() throws {
    let x = randn([2, 3, 7, 6], seed: 10)
    try assertOp(.maxPool2d, [x], attributes: ["kernel": [2, 2]]) { try $0[0].maxPool2d(kernel: 2) }
    try assertOp(.maxPool2d, [x], attributes: ["kernel": [3, 3], "stride": [2, 1], "padding": [1, 1]]) {
      try $0[0].maxPool2d(kernel: 3, stride: Size2D(2, 1), padding: 1)
    }
    try assertOp(.avgPool2d, [x], attributes: ["kernel": [3, 2], "padding": [1, 1]]) {
      try $0[0].avgPool2d(kernel: Size2D(3, 2), padding: 1)
    }
    try assertOp(
      .avgPool2d, [x], attributes: ["kernel": [3, 3], "padding": [1, 1], "count_include_pad": false]
    ) {
      try $0[0].avgPool2d(kernel: 3, padding: 1, countIncludePad: false)
    }
  }

  func testBatchNormUsesRunningStatistics() throws {
    let x = randn([3, 4, 2, 5], seed: 11)
    let scale = randn([4], seed: 12)
    let bias = randn([4], seed: 13)
    let mean = randn([4], seed: 14)
    let variance = randn([4], seed: 15).abs() + 0.5
    try assertOp(.batchNorm, [x, scale, bias, mean, variance], attributes: ["eps": 1e-3]) {
      try $0[0].batchNorm(scale: $0[1], bias: $0[2], runningMean: $0[3], runningVar: $0[4], eps: 1e-3)
    }
  }
}

final class SparseLinearOpTests: XCTestCase {
  /// `sparse_linear` with the CSR of a mostly-zero weight equals eager `linear` with the dense
  /// weight, over odd shapes (1, 3, 17, 63, 65), leading batch axes and empty rows.
  func testSparseLinearMatchesDenseLinear() throws {
    let shapes: [([Int], Int)] = [([1, 1], 1), ([3, 17], 5), ([4, 63], 33), ([2, 3, 65], 17), ([5], 3)]
    for (index, (xShape, outFeatures)) in shapes.enumerated() {
      let seed = UInt64(index * 10)
      let inFeatures = xShape.last!
      let x = randn(xShape, seed: seed)
      let dense = randn([inFeatures, outFeatures], seed: seed + 1).scalars.map { abs($0) < 1.2 ? 0 : $0 }
      let weight = try Tensor(shape: [inFeatures, outFeatures], scalars: dense)
      let bias = randn([outFeatures], seed: seed + 2)
      let csr = CSRMatrix(transposing: dense, rows: inFeatures, columns: outFeatures)
      for withBias in [true, false] {
        var builder = GraphBuilder(name: "sparse")
        let input = builder.input("x", .f32, xShape)
        var inputs = [
          input, builder.weight("w.values", TensorData(csr.values, shape: [csr.values.count])),
          builder.weight("w.columns", TensorData(int32s: csr.columns, shape: [csr.columns.count])),
          builder.weight("w.row_pointers", TensorData(int32s: csr.rowPointers, shape: [outFeatures + 1])),
        ]
        if withBias { inputs.append(builder.weight("b", TensorData(bias.scalars, shape: [outFeatures]))) }
        builder.output(builder.add(.sparseLinear, inputs, name: "fc"))
        let result = try interpret(try builder.build(), [x])
        let expected = try x.linear(weight: weight, bias: withBias ? bias : nil)
        XCTAssertEqual(result.shape, expected.shape)
        assertClose(result.floats(), expected.scalars, "x \(xShape), out \(outFeatures), bias \(withBias)")
      }
    }
  }
}

final class PackedWeightOpTests: XCTestCase {
  /// `linear`/`matmul` marked `pack_weight` (pass `pack-weights`) run with their weight packed once
  /// (`tt_sgemm_packed_b`): bitwise the unmarked graph's outputs, at few rows and many, with a
  /// bias, a fused activation and residual, batch axes folded into rows (linear), and one weight
  /// read by two nodes.
  func testPackedWeightsGiveBitwiseTheUnpackedOutputs() throws {
    for rows in [1, 5, 64] {
      var b = GraphBuilder(name: "packed")
      let x = b.input("x", .f32, [2, rows, 33])
      let w = b.weight("w", TensorData(randomFloats(33 * 65, seed: 1), shape: [33, 65]))
      let bias = b.weight("b", TensorData(randomFloats(65, seed: 2), shape: [65]))
      let square = b.weight("square", TensorData(randomFloats(65 * 65, seed: 3), shape: [65, 65]))
      let h = b.add(.linear, [x, w, bias], attributes: ["epilogue": "gelu x0"], name: "fc1")
      // The unpacked matmul multiplies per batch matrix, the packed one folds the batch into rows
      // (as compiled code does): a rank-2 left operand keeps both to one product.
      let flat = b.add(.reshape, [h], attributes: ["shape": .ints([2 * rows, 65])], name: "flat")
      let g = b.add(.matmul, [flat, square], name: "mm")
      b.output(
        b.add(
          .linear, [g, square, flat], attributes: ["epilogue": "add x0 x1", "epilogue_inputs": 1], name: "fc2"
        ))
      let plain = try b.build()
      let packed = try PackWeights().applied(to: plain)
      XCTAssertEqual(packed.nodes.filter { $0.bool("pack_weight") == true }.count, 3)
      let input = TensorData(randomFloats(2 * rows * 33, seed: 4), shape: [2, rows, 33])
      let expected = try Interpreter(graph: plain).run(["x": InterpreterTensor(input)])
      let actual = try Interpreter(graph: packed).run(["x": InterpreterTensor(input)])
      XCTAssertEqual(
        actual["fc2"]!.floats().map(\.bitPattern), expected["fc2"]!.floats().map(\.bitPattern), "rows \(rows)"
      )
    }
  }
}

final class PackedConvolutionOpTests: XCTestCase {
  /// A `conv2d` whose weight is a graph weight runs with it packed once for its geometry when the
  /// plan is made (`tt_conv2d_packed`): bitwise the outputs of the same graph taking the weight as
  /// an input (packed per call by `tt_conv2d`) for the direct algorithms (vectors of pixels, vectors
  /// of channels), with a fused ReLU and one weight read by two convolutions of different geometry;
  /// within the interpreter's tolerance for im2col (the packed product runs in the other order).
  func testPackedConvolutionWeightsGiveBitwiseTheUnpackedOutputs() throws {
    func graph(weightsAsInputs: Bool) throws -> Graph {
      var b = GraphBuilder(name: "convs")
      let small = b.input("small", .f32, [2, 1, 28, 28])
      let large = b.input("large", .f32, [1, 6, 14, 14])
      let values: [(String, [Int])] = [("w1", [6, 1, 5, 5]), ("w2", [16, 6, 5, 5]), ("w3", [8, 6, 3, 3])]
      var weights: [String: String] = [:]
      for (index, (name, shape)) in values.enumerated() {
        let data = TensorData(randomFloats(shape.reduce(1, *), seed: UInt64(index + 1)), shape: shape)
        weights[name] = weightsAsInputs ? b.input(name, .f32, shape) : b.weight(name, data)
      }
      let bias = b.weight("b", TensorData(randomFloats(6, seed: 9), shape: [6]))
      let c1 = b.add(
        .conv2d, [small, weights["w1"]!, bias], attributes: ["padding": [2, 2], "epilogue": "relu x0"],
        name: "pixels")
      b.output(c1)
      b.output(b.add(.conv2d, [large, weights["w2"]!], name: "channels"))
      b.output(b.add(.conv2d, [large, weights["w3"]!], attributes: ["stride": [2, 2]], name: "im2col"))
      // w3 again on 14 × 14 images of 6 channels from c1's pooling: another geometry, another packing.
      let pooled = b.add(.maxPool2d, [c1], attributes: ["kernel": [2, 2]], name: "pool")
      b.output(b.add(.conv2d, [pooled, weights["w3"]!], attributes: ["padding": [1, 1]], name: "shared"))
      return try b.build()
    }
    var inputs: [String: InterpreterTensor] = [
      "small": InterpreterTensor(TensorData(randomFloats(2 * 784, seed: 10), shape: [2, 1, 28, 28])),
      "large": InterpreterTensor(TensorData(randomFloats(6 * 196, seed: 11), shape: [1, 6, 14, 14])),
    ]
    let packed = try graph(weightsAsInputs: false)
    let actual = try Interpreter(graph: packed).run(inputs)
    for name in ["w1", "w2", "w3"] { inputs[name] = InterpreterTensor(packed.weights[name]!) }
    let expected = try Interpreter(graph: try graph(weightsAsInputs: true)).run(inputs)
    for output in ["pixels", "channels", "shared"] {
      XCTAssertEqual(
        actual[output]!.floats().map(\.bitPattern), expected[output]!.floats().map(\.bitPattern), output)
    }
    assertClose(actual["im2col"]!.floats(), expected["im2col"]!.floats(), "im2col")
  }
}
