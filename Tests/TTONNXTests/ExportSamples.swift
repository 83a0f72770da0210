import TTIR

/// IR graphs that together use every op, for the export tests.
enum ExportSamples {
  static func weight(_ shape: [Int], seed: UInt64, scale: Float = 0.5) -> TensorData {
    TensorData(values(shape.reduce(1, *), seed: seed).map { $0 * scale }, shape: shape)
  }

  /// Deterministic values in [-1, 1).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 23) - 1
    }
  }

  /// Inputs for every graph input (f32 values in [-2, 2), integer inputs in range).
  static func inputs(for graph: Graph) -> [String: TensorData] {
    var result: [String: TensorData] = [:]
    for (index, info) in graph.inputs.enumerated() {
      let count = info.type.elementCount
      let floats = values(count, seed: UInt64(index + 11)).map { $0 * 2 }
      result[info.name] =
        info.type.dtype == .i64
        ? TensorData(int64s: floats.map { Int64(abs($0) * 2) }, shape: info.type.shape)
        : TensorData(floats, shape: info.type.shape)
    }
    return result
  }

  static var all: [(String, Graph)] {
    [("elementwise", elementwise), ("vision", vision), ("sequence", sequence)]
  }

  /// Every unary and binary op, comparisons and `where`, clamp, cast.
  static var elementwise: Graph {
    var b = GraphBuilder(name: "elementwise")
    let x = b.input("x", .f32, [3, 4])
    let y = b.input("y", .f32, [4])
    let positive = b.add(.add, [b.add(.abs, [x]), b.weight("one", TensorData([1], shape: []))])
    var terms = [
      b.add(.neg, [x]), b.add(.exp, [x]), b.add(.log, [positive]), b.add(.sqrt, [positive]),
      b.add(.relu, [x]),
      b.add(.sigmoid, [x]), b.add(.tanh, [x]), b.add(.erf, [x]), b.add(.gelu, [x]),
      b.add(.gelu, [x], attributes: ["approximate": "tanh"]),
      b.add(.leakyRelu, [x], attributes: ["alpha": 0.2]),
      b.add(.clamp, [x], attributes: ["min": -0.5, "max": 0.7]), b.add(.clamp, [x], attributes: ["max": 0.3]),
    ]
    for op in [Op.add, .sub, .mul, .div, .maximum, .minimum, .equal, .less, .greater] {
      terms.append(b.add(op, [x, y]))
    }
    terms.append(b.add(.pow, [positive, y]))
    terms.append(b.add(.mod, [x, y]))
    terms.append(b.add(.mod, [x, y], attributes: ["fmod": .bool(true)]))
    terms.append(b.add(.where, [b.add(.greater, [x, y]), x, y]))
    terms.append(
      b.add(
        .cast,
        [
          b.add(
            .cast, [b.add(.mul, [x, b.weight("ten", TensorData([10], shape: []))])], attributes: ["to": "i32"]
          )
        ], attributes: ["to": "f32"]))
    let quantized = b.add(.quantizeLinear, [x], attributes: ["scale": 0.05, "zero_point": 3])
    terms.append(b.add(.dequantizeLinear, [quantized], attributes: ["scale": 0.05, "zero_point": 3]))
    b.output(b.add(.concat, terms, attributes: ["axis": 0]))
    return try! b.build()
  }

  /// Convolution, pooling, batch norm, flatten, linear, softmax family.
  static var vision: Graph {
    var b = GraphBuilder(name: "vision")
    let x = b.input("image", .f32, [2, 3, 8, 8])
    var h = b.add(
      .conv2d, [x, b.weight("c1.w", weight([4, 3, 3, 3], seed: 1)), b.weight("c1.b", weight([4], seed: 2))],
      attributes: ["padding": [1, 1]])
    h = b.add(
      .batchNorm,
      [
        h, b.weight("bn.s", weight([4], seed: 3)), b.weight("bn.b", weight([4], seed: 4)),
        b.weight("bn.m", weight([4], seed: 5)),
        b.weight("bn.v", TensorData([0.5, 1, 1.5, 2], shape: [4])),
      ])
    h = b.add(.maxPool2d, [b.add(.relu, [h])], attributes: ["kernel": [2, 2]])
    h = b.add(
      .conv2d, [h, b.weight("c2.w", weight([4, 2, 3, 3], seed: 6))],
      attributes: ["groups": 2, "stride": [2, 2], "padding": [1, 1], "dilation": [1, 1]])
    h = b.add(
      .avgPool2d, [h],
      attributes: ["kernel": [2, 2], "stride": [1, 1], "padding": [1, 1], "count_include_pad": false])
    h = b.add(
      .resize, [h],
      attributes: ["sizes": [2, 4, 5, 4], "scales": .floats([1.0, 1.0, 1.7, 1.5]), "mode": "linear"])
    h = b.add(
      .resize, [h],
      attributes: [
        "sizes": [2, 4, 3, 3], "scales": .floats([1.0, 1.0, 0.6, 0.75]),
        "coordinate_transformation_mode": "asymmetric",
        "nearest_mode": "floor",
      ])
    let flat = b.add(.flatten, [h])
    let dense = b.add(
      .linear, [flat, b.weight("fc.w", weight([36, 5], seed: 7)), b.weight("fc.b", weight([5], seed: 8))])
    // A pruned 36 → 5 layer in CSR form: output n reads inputs n, n + 7 and n + 30.
    var columns: [Int32] = []
    for row in 0..<5 { columns += [Int32(row), Int32(row + 7), Int32(row + 30)] }
    let rows: [Int32] = [0, 3, 6, 9, 12, 15]
    let values = b.weight("sp.values", weight([15], seed: 15))
    let columnsWeight = b.weight("sp.columns", TensorData(int32s: columns, shape: [15]))
    let rowsWeight = b.weight("sp.rows", TensorData(int32s: rows, shape: [6]))
    let sparse = b.add(.sparseLinear, [flat, values, columnsWeight, rowsWeight])
    // The same weight in the sliced layout (exported dense like CSR).
    var denseWeight = [Float](repeating: 0, count: 36 * 5)
    for (entry, value) in weight([15], seed: 15).floats().enumerated() {
      denseWeight[Int(columns[entry]) * 5 + entry / 3] = value
    }
    let sliced = SlicedSparseMatrix(linearWeight: denseWeight, inFeatures: 36, outFeatures: 5)
    let slicedOutput = b.add(
      .sparseLinear,
      [
        flat, b.weight("sl.values", TensorData(sliced.values, shape: [sliced.values.count])),
        b.weight("sl.columns", TensorData(int8s: sliced.columns, shape: [sliced.columns.count])),
        b.weight("sl.steps", TensorData(int32s: sliced.steps, shape: [sliced.steps.count])),
      ], attributes: ["layout": "sliced", "out": 5])
    let logits = b.add(.add, [b.add(.add, [dense, sparse]), slicedOutput])
    b.output(b.add(.softmax, [logits], attributes: ["axis": 1]))
    b.output(b.add(.logSoftmax, [logits], attributes: ["axis": -1]))
    b.output(b.add(.argmax, [logits], attributes: ["axis": 1, "keepdims": true]))
    return try! b.build()
  }

  /// Embedding gather, layer norm, attention (plain, causal, masked), matmul, data movement, reductions.
  static var sequence: Graph {
    var b = GraphBuilder(name: "sequence")
    let tokens = b.input("tokens", .i64, [2, 5])
    let embedded = b.add(.gather, [b.weight("embed", weight([6, 8], seed: 9)), tokens])
    let normed = b.add(
      .layerNorm,
      [embedded, b.weight("ln.g", weight([8], seed: 10)), b.weight("ln.b", weight([8], seed: 11))])
    let plainNorm = b.add(.layerNorm, [embedded], attributes: ["eps": 1e-3])
    let q = b.add(.linear, [normed, b.weight("q.w", weight([8, 8], seed: 12))])
    let k = b.add(
      .linear,
      [plainNorm, b.weight("k.w", weight([8, 8], seed: 13)), b.weight("k.b", weight([8], seed: 14))])
    let heads = { (value: String, b: inout GraphBuilder) -> String in
      b.add(
        .transpose, [b.add(.reshape, [value], attributes: ["shape": [2, 5, 2, 4]])],
        attributes: ["perm": [0, 2, 1, 3]])
    }
    let (qh, kh) = (heads(q, &b), heads(k, &b))
    let causal = b.add(.scaledDotProductAttention, [qh, kh, kh], attributes: ["causal": true])
    let mask = b.weight("mask", TensorData([1, 1, 0, 1, 1], shape: [5]))
    let masked = b.add(.scaledDotProductAttention, [qh, kh, qh, mask], attributes: ["scale": 0.3])
    let keepMask = b.weight("keep", TensorData(int64s: [1, 0, 1, 1, 1], shape: [5]))
    let kept = b.add(.scaledDotProductAttention, [qh, kh, qh, keepMask])
    let sum = b.add(.add, [b.add(.add, [causal, masked]), kept])
    let product = b.add(.matmul, [sum, b.add(.transpose, [kh], attributes: ["perm": [0, 1, 3, 2]])])
    let sliced = b.add(
      .slice, [product], attributes: ["starts": [0, 0, 1, 0], "ends": [2, 2, 5, 5], "steps": [1, 1, 2, 1]])
    b.output(b.add(.reduceMean, [sliced], attributes: ["axes": [-1], "keepdims": true]))
    b.output(b.add(.reduceSum, [sliced], attributes: ["axes": [1, 2]]))
    b.output(b.add(.reduceMax, [sliced]))
    b.output(b.add(.reduceMin, [sliced], attributes: ["axes": [0], "keepdims": true]))
    return try! b.build()
  }
}
