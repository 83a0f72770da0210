import TTCodegen
import TTIR
import TTInterpreter
import XCTest

/// Every IR op compiled to C and checked against the interpreter (the oracle), on random inputs
/// with random-ish shapes, broadcasting and non-default attributes. Each test compiles one graph
/// whose outputs are many independent nodes.
final class CompiledVsInterpreterTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  func testElementwiseOpsWithBroadcasting() throws {
    var b = GraphBuilder(name: "elementwise")
    let x = b.input("x", .f32, [2, 3, 5])
    let column = b.input("column", .f32, [3, 1])
    let row = b.input("row", .f32, [5])
    let positive = b.input("positive", .f32, [2, 3, 5])
    let unary: [(Op, [String: AttributeValue])] = [
      (.neg, [:]), (.exp, [:]), (.abs, [:]), (.relu, [:]), (.sigmoid, [:]), (.tanh, [:]), (.erf, [:]),
      (.gelu, [:]),
      (.gelu, ["approximate": .string("tanh")]), (.leakyRelu, ["alpha": .float(0.1)]),
      (.clamp, ["min": .float(-0.5)]), (.clamp, ["min": .float(-0.25), "max": .float(0.75)]),
    ]
    for (op, attributes) in unary { b.output(b.add(op, [x], attributes: attributes)) }
    for op in [Op.log, .sqrt] { b.output(b.add(op, [positive])) }
    for op in [Op.add, .sub, .mul, .div, .maximum, .minimum, .equal, .less, .greater] {
      b.output(b.add(op, [x, column]))
      b.output(b.add(op, [row, x]))
    }
    b.output(b.add(.pow, [positive, column]))
    b.output(b.add(.mod, [x, column]))
    b.output(b.add(.mod, [row, x], attributes: ["fmod": .bool(true)]))
    b.output(b.add(.where, [b.add(.greater, [x, column]), row, column]))
    b.output(b.add(.where, [row, x, positive]))
    let inputs = [
      "x": randomTensor([2, 3, 5], seed: 1, low: -3, high: 3),
      "column": randomTensor([3, 1], seed: 2, low: 0.5, high: 2),
      "row": randomTensor([5], seed: 3), "positive": randomTensor([2, 3, 5], seed: 4, low: 0.1, high: 4),
    ]
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }

  func testIntegerOpsAgreeExactly() throws {
    for dtype in [DType.i32, .i64] {
      var b = GraphBuilder(name: "integers")
      let x = b.input("x", dtype, [2, 3, 4])
      let column = b.input("column", dtype, [3, 1])
      for op in Op.allCases where op.category == .binaryElementwise {
        b.output(b.add(op, [x, column]))
      }
      for (op, attributes) in [
        (Op.neg, [String: AttributeValue]()), (.abs, [:]), (.relu, [:]),
        (.clamp, ["min": .float(-3.5), "max": .float(9)]),
        (.transpose, ["perm": .ints([2, 0, 1])]), (.reduceSum, ["axes": .ints([0, 2])]), (.reduceMax, [:]),
        (.reduceMin, ["axes": .ints([1]), "keepdims": .bool(true)]), (.argmax, ["axis": .int(2)]),
        (.slice, ["starts": .ints([1, 0, -1]), "ends": .ints([2, 3, -5]), "steps": .ints([1, 2, -1])]),
      ] {
        b.output(b.add(op, [x], attributes: attributes))
      }
      b.output(b.add(.mod, [x, column], attributes: ["fmod": .bool(true)]))
      b.output(b.add(.where, [b.add(.greater, [x, column]), x, column]))
      b.output(b.add(.concat, [x, x], attributes: ["axis": .int(1)]))
      let ids = b.weight("ids", TensorData(int64s: [3, 0, 3], shape: [3]))
      b.output(b.add(.gather, [x, ids], attributes: ["axis": .int(2)]))
      let wide: [Int64] =
        (0..<24).map { Int64(($0 * 37) % 23) - 11 } + [Int64(Int32.max), Int64(Int32.min), -1]
      func tensor(_ values: [Int64], _ shape: [Int]) throws -> InterpreterTensor {
        try InterpreterTensor(
          shape: shape,
          storage: dtype == .i32 ? .i32(values.map { Int32(truncatingIfNeeded: $0) }) : .i64(values))
      }
      let inputs = [
        "x": try tensor(Array(wide.prefix(21)) + wide.suffix(3), [2, 3, 4]),
        "column": try tensor([3, -2, 7], [3, 1]),
      ]
      try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
    }
  }

  func testResizeModes() throws {
    var b = GraphBuilder(name: "resize")
    let x = b.input("x", .f32, [2, 3, 5, 4])
    let cases: [[String: AttributeValue]] = [
      ["sizes": [2, 3, 9, 7], "scales": .floats([1.0, 1.0, 1.8, 1.75]), "mode": "linear"],
      [
        "sizes": [2, 3, 3, 2], "scales": .floats([1.0, 1.0, 0.6, 0.5]), "mode": "linear",
        "coordinate_transformation_mode": "align_corners",
      ],
      [
        "sizes": [1, 6, 5, 9], "scales": .floats([0.5, 2.0, 1.0, 2.25]), "mode": "linear",
        "coordinate_transformation_mode": "pytorch_half_pixel",
      ],
      [
        "sizes": [2, 3, 10, 3], "scales": .floats([1.0, 1.0, 2.0, 0.75]), "nearest_mode": "round_prefer_ceil",
      ],
      [
        "sizes": [2, 3, 7, 8], "scales": .floats([1.0, 1.0, 1.4, 2.0]),
        "coordinate_transformation_mode": "asymmetric", "nearest_mode": "ceil",
      ],
    ]
    for attributes in cases { b.output(b.add(.resize, [x], attributes: attributes)) }
    try assertCompiledMatchesInterpreter(
      try b.build(), ["x": randomTensor([2, 3, 5, 4], seed: 9)], cache: cache)
  }

  func testMatrixConvolutionAndPoolingOps() throws {
    var b = GraphBuilder(name: "spatial")
    let a = b.input("a", .f32, [2, 1, 3, 4])
    let m = b.input("m", .f32, [3, 4, 5])
    let image = b.input("image", .f32, [2, 4, 7, 6])
    b.output(b.add(.matmul, [a, m]))
    let w = b.weight("w", TensorData(randomFloats(20, seed: 5), shape: [4, 5]))
    let bias = b.weight("bias", TensorData(randomFloats(5, seed: 6), shape: [5]))
    b.output(b.add(.linear, [a, w, bias]))
    b.output(b.add(.linear, [a, w]))
    let kernel = b.weight("kernel", TensorData(randomFloats(6 * 2 * 3 * 3, seed: 7), shape: [6, 2, 3, 3]))
    let kernelBias = b.weight("kernel.bias", TensorData(randomFloats(6, seed: 8), shape: [6]))
    b.output(
      b.add(
        .conv2d, [image, kernel, kernelBias],
        attributes: [
          "stride": .ints([2, 1]), "padding": .ints([1, 2]), "dilation": .ints([1, 2]), "groups": .int(2),
        ]))
    let dense = b.weight("dense", TensorData(randomFloats(3 * 4 * 2 * 2, seed: 9), shape: [3, 4, 2, 2]))
    b.output(b.add(.conv2d, [image, dense]))
    b.output(
      b.add(
        .maxPool2d, [image],
        attributes: ["kernel": .ints([3, 3]), "stride": .ints([2, 2]), "padding": .ints([1, 1])]))
    b.output(b.add(.maxPool2d, [image], attributes: ["kernel": .ints([2, 2])]))
    for includePad in [true, false] {
      b.output(
        b.add(
          .avgPool2d, [image],
          attributes: [
            "kernel": .ints([3, 2]), "stride": .ints([2, 2]), "padding": .ints([1, 1]),
            "count_include_pad": .bool(includePad),
          ]))
    }
    let channels = (0..<4).map { name in
      b.weight(
        "bn.\(name)", TensorData(randomFloats(4, seed: 10 + UInt64(name)).map { abs($0) + 0.5 }, shape: [4]))
    }
    b.output(b.add(.batchNorm, [image] + channels, attributes: ["eps": .float(1e-3)]))
    let inputs = [
      "a": randomTensor([2, 1, 3, 4], seed: 11), "m": randomTensor([3, 4, 5], seed: 12),
      "image": randomTensor([2, 4, 7, 6], seed: 13),
    ]
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }

  func testNormalizationAttentionAndReductionOps() throws {
    var b = GraphBuilder(name: "normalization")
    let x = b.input("x", .f32, [2, 3, 6])
    b.output(b.add(.softmax, [x], attributes: ["axis": .int(1)]))
    b.output(b.add(.logSoftmax, [x]))
    let gamma = b.weight("gamma", TensorData(randomFloats(6, seed: 20), shape: [6]))
    let beta = b.weight("beta", TensorData(randomFloats(6, seed: 21), shape: [6]))
    b.output(b.add(.layerNorm, [x, gamma, beta], attributes: ["eps": .float(1e-3)]))
    b.output(b.add(.layerNorm, [x]))
    let q = b.input("q", .f32, [2, 2, 4, 8])
    let k = b.input("k", .f32, [2, 2, 5, 8])
    let v = b.input("v", .f32, [2, 2, 5, 3])
    let mask = b.input("mask", .f32, [4, 5])
    b.output(b.add(.scaledDotProductAttention, [q, k, v]))
    b.output(
      b.add(
        .scaledDotProductAttention, [q, k, v], attributes: ["causal": .bool(true), "scale": .float(0.5)]))
    b.output(b.add(.scaledDotProductAttention, [q, k, v, mask], attributes: ["causal": .bool(true)]))
    for op in [Op.reduceSum, .reduceMean, .reduceMax, .reduceMin] {
      b.output(b.add(op, [x]))
      b.output(b.add(op, [x], attributes: ["axes": .ints([1]), "keepdims": .bool(true)]))
      b.output(b.add(op, [x], attributes: ["axes": .ints([0, -1])]))
    }
    b.output(b.add(.argmax, [x], attributes: ["axis": .int(-1)]))
    b.output(b.add(.argmax, [x], attributes: ["axis": .int(1), "keepdims": .bool(true)]))
    let inputs = [
      "x": randomTensor([2, 3, 6], seed: 22, low: -4, high: 4), "q": randomTensor([2, 2, 4, 8], seed: 23),
      "k": randomTensor([2, 2, 5, 8], seed: 24), "v": randomTensor([2, 2, 5, 3], seed: 25),
      "mask": randomTensor([4, 5], seed: 26),
    ]
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }

  func testSoftmaxOfAFullyMaskedRowIsZeroInBothEngines() throws {
    var b = GraphBuilder(name: "masked_softmax")
    let x = b.input("x", .f32, [3, 4])
    b.output(b.add(.softmax, [x]))
    b.output(b.add(.softmax, [x], attributes: ["axis": .int(0)]))
    let inf = -Float.infinity
    let values: [Float] = [inf, inf, inf, inf, 1, inf, 2, 3, inf, 0.5, inf, inf]
    let graph = try b.build()
    let inputs = ["x": InterpreterTensor(values, shape: [3, 4])]
    try assertCompiledMatchesInterpreter(graph, inputs, cache: cache)
    let rows = try Interpreter(graph: graph).run(inputs)[graph.outputs[0].name]!.floats()
    XCTAssertEqual(Array(rows[0..<4]), [0, 0, 0, 0])
  }

  /// The compiled last-axis softmax (vectorized rows) over odd row lengths, rows of very different
  /// magnitudes and blocked (−∞) positions agrees with the interpreter.
  func testLastAxisSoftmaxOverOddLengths() throws {
    var b = GraphBuilder(name: "softmax_lengths")
    var inputs: [String: InterpreterTensor] = [:]
    for length in [1, 3, 17, 63, 65, 257] {
      let x = b.input("x\(length)", .f32, [3, length])
      b.output(b.add(.softmax, [x]))
      var values = randomFloats(3 * length, seed: UInt64(length)).map { $0 * 30 }
      // Row 1: every third position blocked; row 2: large, close values.
      for j in stride(from: 0, to: length, by: 3) { values[length + j] = -.infinity }
      for j in 0..<length { values[2 * length + j] = 1e4 + Float(j % 5) }
      inputs["x\(length)"] = InterpreterTensor(values, shape: [3, length])
    }
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }

  func testDataMovementAndConversionOps() throws {
    var b = GraphBuilder(name: "movement")
    let x = b.input("x", .f32, [2, 3, 4])
    let y = b.input("y", .f32, [2, 2, 4])
    let ids = b.input("ids", .i64, [2, 3])
    let floatIds = b.input("float_ids", .f32, [4])
    b.output(b.add(.reshape, [x], attributes: ["shape": .ints([0, -1])]))
    b.output(b.add(.transpose, [x], attributes: ["perm": .ints([2, 0, 1])]))
    b.output(b.add(.flatten, [x]))
    b.output(b.add(.flatten, [x], attributes: ["start_dim": .int(0), "end_dim": .int(1)]))
    b.output(b.add(.concat, [x, y, x], attributes: ["axis": .int(1)]))
    b.output(
      b.add(
        .slice, [x],
        attributes: ["starts": .ints([-1, 0, 3]), "ends": .ints([-3, 3, 0]), "steps": .ints([-1, 2, -2])]))
    b.output(b.add(.gather, [x, ids], attributes: ["axis": .int(1)]))
    b.output(b.add(.gather, [x, floatIds], attributes: ["axis": .int(2)]))
    b.output(b.add(.cast, [x], attributes: ["to": .string("i32")]))
    b.output(
      b.add(
        .cast, [b.add(.cast, [x], attributes: ["to": .string("i64")])], attributes: ["to": .string("f32")]))
    let quantized = b.add(.quantizeLinear, [x], attributes: ["scale": .float(0.02), "zero_point": .int(3)])
    b.output(quantized)
    b.output(
      b.add(.dequantizeLinear, [quantized], attributes: ["scale": .float(0.02), "zero_point": .int(3)]))
    let inputs: [String: InterpreterTensor] = [
      "x": randomTensor([2, 3, 4], seed: 30, low: -5, high: 5), "y": randomTensor([2, 2, 4], seed: 31),
      "ids": try InterpreterTensor(shape: [2, 3], storage: .i64([2, 0, 1, 1, 2, 0])),
      "float_ids": InterpreterTensor([3, 0, 2.9, 1], shape: [4]),
    ]
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }
}

/// `sparse_linear` compiled vs interpreted over odd shapes: fewer than four rows (one gather-dot
/// per output), whole and partial 16-row tiles, empty rows, with and without bias; CSR and the
/// sliced layout.
final class CompiledSparseLinearTests: XCTestCase {
  func testSparseLinearOverOddShapes() throws {
    let cache = try makeTemporaryDirectory("ttc-test-cache").path
    defer { removeDirectory(URL(fileURLWithPath: cache)) }
    var b = GraphBuilder(name: "sparse")
    var inputs: [String: InterpreterTensor] = [:]
    let shapes = [(1, 1, 1), (3, 17, 5), (4, 63, 33), (16, 65, 17), (17, 40, 3), (65, 33, 64)]
    for (index, (rows, inFeatures, outFeatures)) in shapes.enumerated() {
      let seed = UInt64(index * 10 + 100)
      let x = b.input("x\(index)", .f32, [rows, inFeatures])
      inputs[x] = randomTensor([rows, inFeatures], seed: seed)
      let dense = randomFloats(inFeatures * outFeatures, seed: seed + 1).map { abs($0) < 0.85 ? 0 : $0 }
      let csr = CSRMatrix(transposing: dense, rows: inFeatures, columns: outFeatures)
      let csrInputs = [
        x, b.weight("w\(index).values", TensorData(csr.values, shape: [csr.values.count])),
        b.weight("w\(index).columns", TensorData(int32s: csr.columns, shape: [csr.columns.count])),
        b.weight("w\(index).row_pointers", TensorData(int32s: csr.rowPointers, shape: [outFeatures + 1])),
      ]
      let bias = b.weight(
        "b\(index)", TensorData(randomFloats(outFeatures, seed: seed + 2), shape: [outFeatures]))
      b.output(b.add(.sparseLinear, csrInputs + [bias]))
      b.output(b.add(.sparseLinear, csrInputs))
      // The same weight in the sliced layout (docs/IR.md).
      let sliced = SlicedSparseMatrix(linearWeight: dense, inFeatures: inFeatures, outFeatures: outFeatures)
      let slicedInputs = [
        x, b.weight("s\(index).values", TensorData(sliced.values, shape: [sliced.values.count])),
        b.weight("s\(index).columns", TensorData(int8s: sliced.columns, shape: [sliced.columns.count])),
        b.weight("s\(index).steps", TensorData(int32s: sliced.steps, shape: [sliced.steps.count])),
      ]
      let layout: [String: AttributeValue] = ["layout": "sliced", "out": .int(outFeatures)]
      b.output(b.add(.sparseLinear, slicedInputs + [bias], attributes: layout))
      b.output(b.add(.sparseLinear, slicedInputs, attributes: layout))
    }
    try assertCompiledMatchesInterpreter(try b.build(), inputs, cache: cache)
  }
}
