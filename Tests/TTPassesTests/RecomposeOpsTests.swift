import TTIR
import TTInterpreter
import XCTest

@testable import TTPasses

/// `recompose-ops` on hand-built graphs of small ops, in the forms ONNX exporters write: the
/// structure after, the hit counts, and the interpreter's outputs against the small ops.
final class RecomposeOpsTests: XCTestCase {
  /// Runs the pass, checking that the interpreter agrees with the original within 1e-5
  /// relative and that a second run changes nothing; returns the rewritten graph's nodes.
  func recomposed(_ graph: Graph, file: StaticString = #filePath, line: UInt = #line) throws -> (
    Graph, PassStatistics
  ) {
    let result = try PassManager(pipeline: Pipeline(name: "custom", passes: [RecomposeOps()])).run(graph)
    try assertSameOutputs(graph, result.graph, file: file, line: line)
    XCTAssertEqual(
      try RecomposeOps().applied(to: result.graph), result.graph, "second run", file: file, line: line)
    return (result.graph, try XCTUnwrap(result.statistics.first, file: file, line: line))
  }

  /// `exp(x − max(x)) / sum(exp(…))` over `axis` of `x[3, 17]` (without the max when `stable` is
  /// false).
  func softmaxGraph(axis: Int, stable: Bool = true, exposeExp: Bool = false) throws -> Graph {
    var b = GraphBuilder(name: "softmax")
    var x = b.input("x", .f32, [3, 17])
    if stable {
      let max = b.add(.reduceMax, [x], attributes: ["axes": [axis], "keepdims": true], name: "max")
      x = b.add(.sub, [x, max], name: "shift")
    }
    let e = b.add(.exp, [x], name: "exp")
    let sum = b.add(.reduceSum, [e], attributes: ["axes": [axis], "keepdims": true], name: "sum")
    b.output(b.add(.div, [e, sum], name: "div", output: "y"))
    if exposeExp { b.output(e) }
    return try b.build()
  }

  func testSoftmaxFormsBecomeSoftmax() throws {
    for (axis, stable) in [(-1, true), (0, true), (1, false)] {
      let (graph, statistics) = try recomposed(try softmaxGraph(axis: axis, stable: stable))
      XCTAssertEqual(graph.nodes.map(\.op), [.softmax], "axis \(axis)")
      XCTAssertEqual(graph.nodes[0].inputs, ["x"])
      XCTAssertEqual(graph.nodes[0].int("axis"), axis < 0 ? axis + 2 : axis)
      XCTAssertEqual(graph.outputs.map(\.name), ["y"])
      XCTAssertEqual(statistics.counters["recompose-softmax"], 1)
      XCTAssertEqual(statistics.nodesFused, stable ? 4 : 2)
    }
    // exp(x) is also a graph output: nothing changes.
    let exposed = try softmaxGraph(axis: -1, exposeExp: true)
    XCTAssertEqual(try RecomposeOps().applied(to: exposed), exposed)
  }

  /// Layer norm of `x[2, 5, 17]` over the last axis, as ONNX writes it before opset 17.
  func layerNormGraph(squareByMul: Bool = false, affine: Int = 2, eps: Float = 1e-5) throws -> Graph {
    var b = GraphBuilder(name: "layer-norm")
    let x = b.input("x", .f32, [2, 5, 17])
    let mean = b.add(.reduceMean, [x], attributes: ["axes": [2], "keepdims": true], name: "mean")
    let d = b.add(.sub, [x, mean], name: "centered")
    let two = b.weight("two", TensorData([2], shape: []))
    let square = squareByMul ? b.add(.mul, [d, d], name: "square") : b.add(.pow, [d, two], name: "square")
    let variance = b.add(
      .reduceMean, [square], attributes: ["axes": [-1], "keepdims": true], name: "variance")
    let epsilon = b.weight("eps", TensorData([eps], shape: [1]))
    let std = b.add(.sqrt, [b.add(.add, [epsilon, variance], name: "plus_eps")], name: "std")
    var y = b.add(.div, [d, std], name: "normalized")
    if affine >= 1 {
      let gamma = b.weight("gamma", TensorData((0..<17).map { 1 + Float($0) / 10 }, shape: [17]))
      y = b.add(.mul, [gamma, y], name: "scaled")
    }
    if affine >= 2 {
      let beta = b.weight("beta", TensorData((0..<17).map { Float($0) / 20 - 0.3 }, shape: [17]))
      y = b.add(.add, [y, beta], name: "shifted")
    }
    b.output(y)
    return try b.build()
  }

  func testLayerNormFormsBecomeLayerNorm() throws {
    for (squareByMul, affine) in [(false, 2), (true, 1), (false, 0)] {
      let (graph, statistics) = try recomposed(try layerNormGraph(squareByMul: squareByMul, affine: affine))
      XCTAssertEqual(graph.nodes.map(\.op), [.layerNorm])
      XCTAssertEqual(graph.nodes[0].inputs, ["x", "gamma", "beta"].prefix(affine + 1).map { $0 })
      XCTAssertEqual(graph.nodes[0].float("eps") ?? 0, 1e-5, accuracy: 1e-12)
      XCTAssertEqual(statistics.counters["recompose-layer-norm"], 1)
    }
  }

  /// `0.5 · x · (1 + erf(x / √2))` and the tanh form, with their factors in several orders.
  func testGeluFormsBecomeGelu() throws {
    for form in 0..<4 {
      var b = GraphBuilder(name: "gelu")
      let x = b.input("x", .f32, [3, 65])
      let constant = { (name: String, value: Float) in b.weight(name, TensorData([value], shape: [])) }
      let half = constant("half", 0.5)
      let one = constant("one", 1)
      let y: String
      switch form {
      case 0:  // (x · 0.5) · (1 + erf(x / √2)), as torch.onnx writes nn.GELU()
        let erf = b.add(.erf, [b.add(.div, [x, constant("root2", 1.4142135)], name: "scaled")], name: "erf")
        y = b.add(
          .mul, [b.add(.mul, [x, half], name: "half_x"), b.add(.add, [erf, one], name: "one_plus")])
      case 1:  // 0.5 · (x · (1 + erf(x · 0.70710677)))
        let erf = b.add(
          .erf, [b.add(.mul, [constant("inv_root2", 0.70710677), x], name: "scaled")], name: "erf")
        y = b.add(
          .mul, [half, b.add(.mul, [x, b.add(.add, [one, erf], name: "one_plus")], name: "x_times")])
      default:  // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), x³ as pow or products
        let cube =
          form == 2
          ? b.add(.pow, [x, constant("three", 3)], name: "cube")
          : b.add(.mul, [b.add(.mul, [x, x], name: "square"), x], name: "cube")
        let inner = b.add(
          .add, [x, b.add(.mul, [cube, constant("k", 0.044715)], name: "k_cube")], name: "inner")
        let tanh = b.add(
          .tanh, [b.add(.mul, [constant("c", 0.7978846), inner], name: "scaled")], name: "tanh")
        y = b.add(
          .mul, [b.add(.mul, [half, x], name: "half_x"), b.add(.add, [tanh, one], name: "one_plus")])
      }
      b.output(y)
      let (graph, statistics) = try recomposed(try b.build())
      XCTAssertEqual(graph.nodes.map(\.op), [.gelu], "form \(form)")
      XCTAssertEqual(graph.nodes[0].inputs, ["x"])
      XCTAssertEqual(graph.nodes[0].string("approximate") ?? "none", form < 2 ? "none" : "tanh")
      XCTAssertEqual(statistics.counters["recompose-gelu"], 1)
    }
  }

  func testNearMissesStayAsTheyAre() throws {
    // A layer norm over the first axis, a GELU with 0.6 for 0.5, a softmax summing another axis.
    var b = GraphBuilder(name: "near-misses")
    let x = b.input("x", .f32, [4, 6])
    let mean = b.add(.reduceMean, [x], attributes: ["axes": [0], "keepdims": true], name: "mean")
    let d = b.add(.sub, [x, mean], name: "centered")
    let variance = b.add(
      .reduceMean, [b.add(.mul, [d, d], name: "square")], attributes: ["axes": [0], "keepdims": true],
      name: "variance")
    let eps = b.weight("eps", TensorData([1e-5], shape: []))
    b.output(b.add(.div, [d, b.add(.sqrt, [b.add(.add, [variance, eps])])], name: "norm", output: "a"))
    let erf = b.add(
      .erf, [b.add(.div, [x, b.weight("root2", TensorData([1.4142135], shape: []))], name: "scaled")])
    let onePlus = b.add(.add, [erf, b.weight("one", TensorData([1], shape: []))])
    let other = b.weight("other", TensorData([0.6], shape: []))
    b.output(b.add(.mul, [b.add(.mul, [x, other]), onePlus], name: "not_gelu", output: "b"))
    let e = b.add(.exp, [x], name: "exp")
    let sum = b.add(.reduceSum, [e], attributes: ["axes": [0], "keepdims": true], name: "sum")
    let e2 = b.add(.exp, [b.add(.neg, [x])], name: "exp2")
    b.output(b.add(.div, [e2, sum], name: "not_softmax", output: "c"))
    let graph = try b.build()
    XCTAssertEqual(try RecomposeOps().applied(to: graph), graph)
  }

  /// `matmul(x, W) + b` (W, b constants; as importers write a linear layer), `linear(x, W) + b`
  /// and a bare `matmul(x, W)` become `linear`s with the bias; a bias of another shape, a product
  /// read twice, and a product of two inputs stay as they are.
  func testProductsOfWeightsBecomeLinearWithTheirBias() throws {
    var b = GraphBuilder(name: "linears")
    let x = b.input("x", .f32, [2, 3, 5])
    let w1 = b.weight("w1", TensorData(randomFloats(20, seed: 1), shape: [5, 4]))
    let b1 = b.weight("b1", TensorData(randomFloats(4, seed: 2), shape: [4]))
    let w2 = b.weight("w2", TensorData(randomFloats(12, seed: 3), shape: [4, 3]))
    let b2 = b.weight("b2", TensorData(randomFloats(3, seed: 4), shape: [3]))
    let row = b.weight("row", TensorData(randomFloats(3, seed: 5), shape: [1, 3]))
    let first = b.add(.add, [b1, b.add(.matmul, [x, w1], name: "mm1")], name: "bias1")
    let second = b.add(.add, [b.add(.linear, [first, w2], name: "fc2"), b2], name: "bias2")
    let w3 = b.weight("w3", TensorData(randomFloats(9, seed: 6), shape: [3, 3]))
    let w4 = b.weight("w4", TensorData(randomFloats(9, seed: 7), shape: [3, 3]))
    let kept = b.add(.add, [b.add(.matmul, [second, w3], name: "mm3"), row], name: "row_bias")
    let twice = b.add(.linear, [kept, w4], name: "fc4")
    let y = b.add(.add, [b.add(.add, [twice, b2], name: "bias4"), twice], name: "both")
    let yT = b.add(.transpose, [y], attributes: ["perm": .ints([0, 2, 1])], name: "t")
    b.output(b.add(.matmul, [y, yT], name: "gram"))
    let (graph, statistics) = try recomposed(try b.build())
    XCTAssertEqual(
      graph.nodes.map(\.op), [.linear, .linear, .linear, .add, .linear, .add, .add, .transpose, .matmul],
      graph.listing)
    XCTAssertEqual(graph.nodes[0].inputs, ["x", "w1", "b1"])
    XCTAssertEqual(graph.nodes[1].inputs, [graph.nodes[0].outputs[0], "w2", "b2"])
    XCTAssertEqual(graph.nodes[2].inputs.count, 2, "a [1, 3] bias is not a linear bias")
    XCTAssertEqual(graph.nodes[4].inputs.count, 2, "fc4 is read twice: its addition stays")
    XCTAssertEqual(statistics.counters["recompose-linear"], 2)
    XCTAssertEqual(statistics.counters["recompose-linear-bias"], 1)
  }
}
