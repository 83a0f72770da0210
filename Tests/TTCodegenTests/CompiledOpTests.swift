import Glibc
import TTCodegen
import TTIR
import TTLoader
import XCTest

/// Every op compiled to C and compared with straightforward Swift reference loops
/// (tolerance: see `assertClose`).
final class CompiledOpTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  func testUnaryOps() throws {
    let x = randomFloats(37, seed: 1).map { $0 * 3 }
    let cases: [(Op, [String: AttributeValue], (Float) -> Float)] = [
      (.neg, [:], { -$0 }), (.exp, [:], { Glibc.exp($0) }), (.abs, [:], { Swift.abs($0) }),
      (.relu, [:], { max($0, 0) }), (.sigmoid, [:], { 1 / (1 + Glibc.exp(-$0)) }),
      (.tanh, [:], { Glibc.tanh($0) }), (.erf, [:], { erff($0) }),
      (.gelu, [:], { 0.5 * $0 * (1 + erff($0 / Float(2).squareRoot())) }),
      (
        .gelu, ["approximate": .string("tanh")],
        { 0.5 * $0 * (1 + Glibc.tanh(0.7978845608 * ($0 + 0.044715 * $0 * $0 * $0))) }
      ),
      (.leakyRelu, ["alpha": .float(0.2)], { $0 >= 0 ? $0 : 0.2 * $0 }),
      (.clamp, ["min": .float(-1), "max": .float(0.5)], { min(max($0, -1), 0.5) }),
    ]
    for (op, attributes, reference) in cases {
      var builder = GraphBuilder(name: "unary")
      let input = builder.input("x", .f32, [37])
      builder.output(builder.add(op, [input], attributes: attributes, name: "op"))
      let result = try compileAndRun(try builder.build(), [x], cache: cache)[0]
      assertClose(result, x.map(reference), "\(op) \(attributes)", tolerance: Tolerance.compiled)
    }
    let positive = x.map { Swift.abs($0) + 0.1 }
    for (op, reference) in [(Op.log, { (v: Float) in Glibc.log(v) }), (.sqrt, { $0.squareRoot() })] {
      var builder = GraphBuilder(name: "unary")
      let input = builder.input("x", .f32, [37])
      builder.output(builder.add(op, [input], name: "op"))
      assertClose(
        try compileAndRun(try builder.build(), [positive], cache: cache)[0], positive.map(reference), "\(op)",
        tolerance: Tolerance.compiled)
    }
  }

  func testBinaryOpsWithBroadcasting() throws {
    let shapes: [([Int], [Int])] = [
      ([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([5], [1]),
    ]
    let cases: [(Op, (Float, Float) -> Float)] = [
      (.add, +), (.sub, -), (.mul, *), (.div, /), (.maximum, { max($0, $1) }), (.minimum, { min($0, $1) }),
      (.pow, { Glibc.pow(Swift.abs($0) + 0.5, $1) }), (.less, { $0 < $1 ? 1 : 0 }),
      (.greater, { $0 > $1 ? 1 : 0 }),
      (.equal, { $0 == $1 ? 1 : 0 }),
    ]
    for (shapeA, shapeB) in shapes {
      let out = ShapeInference.broadcast(shapeA, shapeB)!
      var a = randomFloats(shapeA.reduce(1, *), seed: 2)
      let b = randomFloats(shapeB.reduce(1, *), seed: 3).map { $0 + 1.5 }
      for (op, reference) in cases {
        if op == .pow { a = a.map { Swift.abs($0) + 0.5 } }
        var builder = GraphBuilder(name: "binary")
        builder.output(
          builder.add(op, [builder.input("a", .f32, shapeA), builder.input("b", .f32, shapeB)], name: "op"))
        let result = try compileAndRun(try builder.build(), [a, b], cache: cache)[0]
        let expected = broadcastReference(
          shapeA, a, shapeB, b, out, op == .pow ? { Glibc.pow($0, $1) } : reference)
        assertClose(result, expected, "\(op) \(shapeA) \(shapeB)", tolerance: Tolerance.compiled)
      }
    }
  }

  func testMatmulLinearAndSoftmaxMLP() throws {
    let (n, inputs, hidden, classes) = (5, 13, 33, 10)
    let w1 = randomFloats(inputs * hidden, seed: 4), b1 = randomFloats(hidden, seed: 5)
    let w2 = randomFloats(hidden * classes, seed: 6)
    var builder = GraphBuilder(name: "mlp")
    let x = builder.input("x", .f32, [n, inputs])
    let h = builder.add(
      .linear,
      [
        x, builder.weight("fc1.weight", TensorData(w1, shape: [inputs, hidden])),
        builder.weight("fc1.bias", TensorData(b1, shape: [hidden])),
      ], name: "fc1")
    let a = builder.add(.relu, [h], name: "act")
    let logits = builder.add(
      .matmul, [a, builder.weight("fc2.weight", TensorData(w2, shape: [hidden, classes]))], name: "fc2")
    builder.output(builder.add(.softmax, [logits], attributes: ["axis": .int(-1)], name: "probs"))
    let input = randomFloats(n * inputs, seed: 7)
    let result = try compileAndRun(try builder.build(), [input], cache: cache)[0]

    var expected: [Float] = []
    for row in 0..<n {
      var act = (0..<hidden).map { j in
        max(0, b1[j] + (0..<inputs).reduce(0) { $0 + input[row * inputs + $1] * w1[$1 * hidden + j] })
      }
      act = (0..<classes).map { j in (0..<hidden).reduce(0) { $0 + act[$1] * w2[$1 * classes + j] } }
      let top = act.max()!
      let exps = act.map { Glibc.exp($0 - top) }
      expected += exps.map { $0 / exps.reduce(0, +) }
    }
    assertClose(result, expected, "mlp", tolerance: Tolerance.compiled)
  }

  func testBatchedMatmulBroadcastsBatch() throws {
    var builder = GraphBuilder(name: "bmm")
    builder.output(
      builder.add(
        .matmul, [builder.input("a", .f32, [2, 1, 3, 4]), builder.input("b", .f32, [3, 4, 5])], name: "mm"))
    let a = randomFloats(24, seed: 8), b = randomFloats(60, seed: 9)
    let result = try compileAndRun(try builder.build(), [a, b], cache: cache)[0]
    var expected: [Float] = []
    for i in 0..<2 {
      for j in 0..<3 {
        for r in 0..<3 {
          for c in 0..<5 {
            expected.append((0..<4).reduce(0) { $0 + a[i * 12 + r * 4 + $1] * b[j * 20 + $1 * 5 + c] })
          }
        }
      }
    }
    assertClose(result, expected, "batched matmul", tolerance: Tolerance.compiled)
  }

  func testDataMovementAndReductions() throws {
    var builder = GraphBuilder(name: "moves")
    let x = builder.input("x", .f32, [2, 3, 4])
    let t = builder.add(.transpose, [x], attributes: ["perm": .ints([2, 0, 1])], name: "t")
    let s = builder.add(
      .slice, [t],
      attributes: ["starts": .ints([1, 0, 0]), "ends": .ints([4, 2, 3]), "steps": .ints([2, 1, 2])], name: "s"
    )
    let r = builder.add(.reshape, [s], attributes: ["shape": .ints([-1])], name: "r")
    let c = builder.add(.concat, [r, r], attributes: ["axis": .int(0)], name: "c")
    let sum = builder.add(.reduceSum, [x], attributes: ["axes": .ints([1])], name: "sum")
    let mx = builder.add(
      .reduceMax, [x], attributes: ["axes": .ints([0, 2]), "keepdims": .bool(true)], name: "max")
    builder.output(c)
    builder.output(sum)
    builder.output(mx)
    let input = randomFloats(24, seed: 10)
    let result = try compileAndRun(try builder.build(), [input], cache: cache)
    func at(_ i: Int, _ j: Int, _ k: Int) -> Float { input[i * 12 + j * 4 + k] }
    var sliced: [Float] = []
    for k in stride(from: 1, to: 4, by: 2) {
      for i in 0..<2 { for j in stride(from: 0, to: 3, by: 2) { sliced.append(at(i, j, k)) } }
    }
    assertClose(result[0], sliced + sliced, "transpose/slice/reshape/concat", tolerance: Tolerance.compiled)
    assertClose(
      result[1], (0..<2).flatMap { i in (0..<4).map { k in (0..<3).reduce(0) { $0 + at(i, $1, k) } } }, "sum",
      tolerance: Tolerance.compiled)
    assertClose(
      result[2], (0..<3).map { j in (0..<2).flatMap { i in (0..<4).map { at(i, j, $0) } }.max()! }, "max",
      tolerance: Tolerance.compiled)
  }

  func testGatherAndOutOfRangeIndex() throws {
    var builder = GraphBuilder(name: "embed")
    let table = randomFloats(12, seed: 11)
    let ids = builder.input("ids", .f32, [3])
    builder.output(
      builder.add(.gather, [builder.weight("table", TensorData(table, shape: [4, 3])), ids], name: "lookup"))
    let artifact = try ModelCompiler.compile(
      try builder.build(), options: CompileOptions(cacheDirectory: cache))
    let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
    assertClose(
      try model.run([[2, 0, 3]])[0], Array(table[6..<9] + table[0..<3] + table[9..<12]), "gather",
      tolerance: Tolerance.compiled)
    XCTAssertThrowsError(try model.run([[1, 4, 0]])) { error in
      XCTAssertEqual(error as? LoaderError, .runFailed(status: 2, meaning: "a gather index is out of range"))
    }
  }

  func testConvPoolAndLayerNorm() throws {
    var builder = GraphBuilder(name: "cnn")
    let x = builder.input("x", .f32, [1, 2, 5, 5])
    let w = randomFloats(3 * 2 * 3 * 3, seed: 12)
    let conv = builder.add(
      .conv2d, [x, builder.weight("w", TensorData(w, shape: [3, 2, 3, 3]))],
      attributes: ["padding": .ints([1, 1])], name: "conv")
    let pool = builder.add(.maxPool2d, [conv], attributes: ["kernel": .ints([2, 2])], name: "pool")
    builder.output(builder.add(.layerNorm, [pool], name: "norm"))
    let input = randomFloats(50, seed: 13)
    let result = try compileAndRun(try builder.build(), [input], cache: cache)[0]
    var convOut = [Float](repeating: 0, count: 75)
    for o in 0..<3 {
      for y in 0..<5 {
        for xx in 0..<5 {
          var sum: Float = 0
          for c in 0..<2 {
            for ky in 0..<3 {
              for kx in 0..<3 {
                let (iy, ix) = (y + ky - 1, xx + kx - 1)
                if iy >= 0 && iy < 5 && ix >= 0 && ix < 5 {
                  sum += input[c * 25 + iy * 5 + ix] * w[((o * 2 + c) * 3 + ky) * 3 + kx]
                }
              }
            }
          }
          convOut[o * 25 + y * 5 + xx] = sum
        }
      }
    }
    var expected: [Float] = []
    for o in 0..<3 {
      for y in 0..<2 {
        let row = (0..<2).map { px in
          [0, 1].flatMap { dy in [0, 1].map { dx in convOut[o * 25 + (2 * y + dy) * 5 + 2 * px + dx] } }
            .max()!
        }
        let mean = row.reduce(0, +) / 2
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2
        expected += row.map { ($0 - mean) / (variance + 1e-5).squareRoot() }
      }
    }
    assertClose(result, expected, "conv/pool/layer_norm", tolerance: Tolerance.compiled)
  }
}

func broadcastReference(
  _ shapeA: [Int], _ a: [Float], _ shapeB: [Int], _ b: [Float], _ out: [Int], _ f: (Float, Float) -> Float
) -> [Float] {
  func index(_ flat: Int, _ shape: [Int]) -> Int {
    var rest = flat, result = 0, stride = 1
    let offset = out.count - shape.count
    var strides = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() { strides[axis] = stride; stride *= shape[axis] }
    for axis in out.indices.reversed() {
      let coordinate = rest % out[axis]
      rest /= out[axis]
      if axis >= offset && shape[axis - offset] != 1 { result += coordinate * strides[axis - offset] }
    }
    return result
  }
  return (0..<out.reduce(1, *)).map { f(a[index($0, shapeA)], b[index($0, shapeB)]) }
}
