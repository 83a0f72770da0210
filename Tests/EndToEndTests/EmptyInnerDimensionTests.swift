import Foundation
import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// Products over an empty inner dimension (k = 0: `linear` with 0 input features, `matmul` of
/// `[m, 0] · [0, n]`, `conv2d` of 0 input channels, …) are all zeros, then the bias and epilogue
/// (docs/IR.md, "Empty tensors"), in eager mode, the interpreter and compiled C, at `-O0` and
/// after `-O2`'s fusion. The interpreter used to count the rows as `elements / k` (0) and return
/// an unwritten buffer (graph-fuzzer findings s1_2097, s1_2239, s1_2460, s1_5211, s1_6284).
final class EmptyInnerDimensionTests: XCTestCase {
  /// 64·64 outputs: the interpreter's buffer pool only recycles buffers of ≥ 4096 floats.
  static let (rows, features) = (64, 64)

  /// A graph whose first node leaves a released 64×64 buffer of nonzero values (`exp` of `dirt`,
  /// consumed by `sum`), so that an unwritten output would show them instead of zeros.
  func builder(_ name: String) -> GraphBuilder {
    var builder = GraphBuilder(name: name)
    let dirt = builder.input("dirt", .f32, [Self.rows, Self.features])
    builder.output(builder.add(.reduceSum, [builder.add(.exp, [dirt], name: "exp")], name: "sum"))
    return builder
  }

  func bias(_ count: Int = features) -> [Float] { (0..<count).map { Float($0 % 7) - 3.5 } }

  /// Runs `graph` (inputs `dirt` then zero-element inputs of the given shapes) in every engine and
  /// compares output `y` with `expected`: eager (when `eager`) and the interpreter within 1e-5,
  /// compiled within the fp32 tolerance, at `-O0` and `-O2`.
  func check(
    _ graph: Graph, empty shapes: [[Int]], expected: [Float], eager: Bool = true, line: UInt = #line
  ) throws {
    let dirt = [Float](repeating: 0.5, count: Self.rows * Self.features)
    var inputs = ["dirt": InterpreterTensor(dirt, shape: [Self.rows, Self.features])]
    var arrays = [dirt]
    for (index, shape) in shapes.enumerated() {
      inputs["x\(index)"] = InterpreterTensor([], shape: shape)
      arrays.append([])
    }
    let cache = try makeTemporaryDirectory("empty-inner")
    defer { removeDirectory(cache) }
    let optimized = try PassManager(pipeline: .level(.O2)).run(graph).graph
    for (level, graph) in [("-O0", graph), ("-O2", optimized)] {
      let interpreter = try Interpreter(graph: graph)
      for run in 0..<2 {
        let interpreted = try interpreter.run(inputs)["y"]!.floats()
        assertClose(interpreted, expected, "\(level) interpreter, run \(run)", tolerance: 1e-5, line: line)
      }
      let outputs = try compileAndLoad(graph, cache: cache).run(arrays)
      let compiled = outputs[graph.outputs.firstIndex { $0.name == "y" }!]
      assertClose(compiled, expected, "\(level) compiled", tolerance: Tolerance.compiled, line: line)
    }
    guard eager else { return }
    var tensors = ["dirt": try Tensor(shape: [Self.rows, Self.features], scalars: dirt)]
    for (index, shape) in shapes.enumerated() { tensors["x\(index)"] = try Tensor(shape: shape, scalars: []) }
    let result = try withNoGrad { try EagerGraph(graph).run(tensors)["y"]! }
    assertClose(result.scalars, expected, "eager", tolerance: 1e-5, line: line)
  }

  func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

  func testLinearWithoutInputFeatures() throws {
    let (rows, features) = (Self.rows, Self.features)
    let repeated = (0..<rows).flatMap { _ in bias() }
    for variant in ["plain", "bias", "bias+relu", "bias+sigmoid", "half weight", "vector"] {
      var b = builder("linear")
      let x = b.input("x0", .f32, variant == "vector" ? [0] : [rows, 0])
      let weight =
        variant == "half weight"
        ? TensorData(halves: [], shape: [0, features]) : TensorData([], shape: [0, features])
      var arguments = [x, b.weight("w", weight)]
      if variant != "plain" { arguments.append(b.weight("b", TensorData(bias(), shape: [features]))) }
      var y = b.add(.linear, arguments, name: variant.hasPrefix("bias+") ? "linear" : "y")
      if variant == "bias+relu" { y = b.add(.relu, [y], name: "y") }
      if variant == "bias+sigmoid" { y = b.add(.sigmoid, [y], name: "y") }
      b.output(y)
      let expected: [Float] =
        switch variant {
        case "plain": [Float](repeating: 0, count: rows * features)
        case "bias+relu": repeated.map { max($0, 0) }
        case "bias+sigmoid": repeated.map(sigmoid)
        case "vector": bias()
        default: repeated
        }
      try check(
        try b.build(), empty: [variant == "vector" ? [0] : [rows, 0]], expected: expected,
        eager: variant != "half weight")
    }
  }

  func testMatmulWithAnEmptyInnerDimension() throws {
    // One shared right operand (the compiled C folds the batch into rows) and batched operands.
    for (a, w) in [([2, 32, 0], [0, 64]), ([2, 32, 0], [2, 0, 64]), ([64, 0], [1, 0, 64])] {
      var b = builder("matmul")
      let x = b.input("x0", .f32, a)
      b.output(b.add(.matmul, [x, b.weight("w", TensorData([], shape: w))], name: "y"))
      try check(try b.build(), empty: [a], expected: [Float](repeating: 0, count: 4096))
    }
  }

  func testConvolutionWithoutInputChannels() throws {
    // 0 input channels: every output is the bias (then the activation), 1·64·8·8 of them.
    for activation in [false, true] {
      var b = builder("conv")
      let x = b.input("x0", .f32, [1, 0, 10, 10])
      let w = b.weight("w", TensorData([], shape: [Self.features, 0, 3, 3]))
      let b0 = b.weight("b", TensorData(bias(), shape: [Self.features]))
      var y = b.add(.conv2d, [x, w, b0], name: activation ? "conv" : "y")
      if activation { y = b.add(.relu, [y], name: "y") }
      b.output(y)
      let expected = bias().flatMap { value in
        [Float](repeating: activation ? max(value, 0) : value, count: 64)
      }
      try check(try b.build(), empty: [[1, 0, 10, 10]], expected: expected)
    }
  }

  func testSparseAndQuantizedLinearWithoutInputFeatures() throws {
    let (rows, features) = (Self.rows, Self.features)
    let expected = (0..<rows).flatMap { _ in bias() }
    var csr = builder("sparse")
    let x = csr.input("x0", .f32, [rows, 0])
    let csrInputs = [
      csr.weight("values", TensorData([], shape: [0])),
      csr.weight("columns", TensorData(int32s: [], shape: [0])),
      csr.weight(
        "row_pointers", TensorData(int32s: [Int32](repeating: 0, count: features + 1), shape: [features + 1])),
      csr.weight("b", TensorData(bias(), shape: [features])),
    ]
    csr.output(csr.add(.sparseLinear, [x] + csrInputs, name: "y"))
    try check(try csr.build(), empty: [[rows, 0]], expected: expected, eager: false)

    var sliced = builder("sliced")
    let xs = sliced.input("x0", .f32, [rows, 0])
    let slicedInputs = [
      sliced.weight("values", TensorData([], shape: [0])),
      sliced.weight("columns", TensorData(int8s: [], shape: [0])),
      sliced.weight("steps", TensorData(int32s: [], shape: [0])),
      sliced.weight("b", TensorData(bias(), shape: [features])),
    ]
    sliced.output(
      sliced.add(
        .sparseLinear, [xs] + slicedInputs, attributes: ["layout": "sliced", "out": .int(features)], name: "y"
      ))
    try check(try sliced.build(), empty: [[rows, 0]], expected: expected, eager: false)

    for relu in [false, true] {
      var q = builder("quantized")
      let xq = q.input("x0", .f32, [rows, 0])
      let inputs = [
        q.weight("w", TensorData(int8s: [], shape: [features, 0])),
        q.weight("s", TensorData([Float](repeating: 0.5, count: features), shape: [features])),
        q.weight("b", TensorData(bias(), shape: [features])),
      ]
      q.output(q.add(.quantizedLinear, [xq] + inputs, attributes: ["relu": .bool(relu)], name: "y"))
      try check(
        try q.build(), empty: [[rows, 0]], expected: relu ? expected.map { max($0, 0) } : expected,
        eager: false)
    }
  }

  /// Attention over heads of width 0: every score is 0, so each query averages the values.
  func testAttentionWithEmptyHeads() throws {
    var b = builder("attention")
    let q = b.input("x0", .f32, [1, 64, 0])
    let k = b.input("x1", .f32, [1, 5, 0])
    let values = (0..<5 * 64).map { Float($0 % 11) }
    let v = b.weight("v", TensorData(values, shape: [1, 5, 64]))
    b.output(b.add(.scaledDotProductAttention, [q, k, v], name: "y"))
    let mean = (0..<64).map { j in (0..<5).reduce(Float(0)) { $0 + values[$1 * 64 + j] } / 5 }
    try check(
      try b.build(), empty: [[1, 64, 0], [1, 5, 0]], expected: (0..<64).flatMap { _ in mean })
  }
}
