import TTIR
import TTInterpreter
import XCTest

@testable import TTPasses

/// The fusion passes on small hand-built graphs: structure before → after, statistics, and the
/// interpreter's outputs against the unfused graph.
final class FusionPassTests: XCTestCase {
  /// Runs `pass` once, checking statistics and that the interpreter agrees with the original
  /// graph within 1e-5 relative; returns the rewritten graph and its statistics.
  func run(_ pass: any Pass, on graph: Graph, file: StaticString = #filePath, line: UInt = #line) throws
    -> (Graph, PassStatistics)
  {
    let result = try PassManager(pipeline: Pipeline(name: "custom", passes: [pass])).run(graph)
    let statistics = try XCTUnwrap(result.statistics.first, file: file, line: line)
    XCTAssertEqual(statistics.nodesBefore, graph.nodes.count, file: file, line: line)
    XCTAssertEqual(statistics.nodesAfter, result.graph.nodes.count, file: file, line: line)
    try assertSameOutputs(graph, result.graph, file: file, line: line)
    // Idempotence: a second run changes nothing.
    XCTAssertEqual(try pass.applied(to: result.graph), result.graph, "second run", file: file, line: line)
    return (result.graph, statistics)
  }

  func testElementwiseChainsBecomeOneNodeAndSharedValuesStay() throws {
    var b = GraphBuilder(name: "chain")
    let x = b.input("x", .f32, [3, 17])
    let y = b.input("y", .f32, [17])
    let half = b.weight("half", TensorData([0.5], shape: [1]))
    let scaled = b.add(.mul, [x, half], name: "scale")
    let shifted = b.add(.add, [scaled, y], name: "shift")
    let activated = b.add(.relu, [shifted], name: "relu")
    b.output(b.add(.tanh, [activated], name: "tanh", output: "out"))
    b.output(b.add(.exp, [activated], name: "exp", output: "shared"))  // relu has two readers
    let (fused, statistics) = try run(FuseElementwise(), on: try b.build())
    XCTAssertEqual(fused.nodes.map(\.op), [.fusedElementwise, .tanh, .exp])
    XCTAssertEqual(fused.nodes[0].inputs, ["x", "y"])
    XCTAssertEqual(fused.nodes[0].string("program"), "mul x0 0.5; add t0 x1; relu t1")
    XCTAssertEqual(statistics.nodesFused, 2)
    XCTAssertEqual(statistics.counters["fuse-elementwise"], 2)
  }

  func testLongChainsSplitAtTheProgramLimit() throws {
    // relu, neg, then an add of the two, 300 times: each relu is read by its neg and its add, so
    // it joins a group only with both. 902 one-instruction nodes; groups are collected from the
    // end, so three hold 256 instructions; where a limit falls between a neg and its add, the
    // neg stays alone (its add's group is full, and the relu after it is read by that add).
    var b = GraphBuilder(name: "long-chain")
    var value = b.input("x", .f32, [3, 17])
    for index in 0..<300 {
      let activated = b.add(.relu, [value], name: "relu\(index)")
      let negated = b.add(.neg, [activated], name: "neg\(index)")
      value = b.add(.add, [negated, activated], name: "add\(index)")
    }
    b.output(b.add(.exp, [b.add(.add, [value, value], name: "twice")], name: "exp", output: "out"))
    let (fused, statistics) = try run(FuseElementwise(), on: try b.build())
    XCTAssertEqual(
      fused.nodes.map(\.op), [.fusedElementwise, .neg] + Array(repeating: .fusedElementwise, count: 3))
    let programs = try fused.nodes.filter { $0.op == .fusedElementwise }.map { try $0.program() }
    XCTAssertEqual(programs.map(\.instructions.count), [133, 256, 256, 256])
    XCTAssertEqual(programs.last?.description.hasSuffix("add t253 t253; exp t254"), true)
    XCTAssertEqual(statistics.nodesFused, 902 - 5)
    XCTAssertEqual(statistics.counters["fuse-elementwise"], 902 - 5)
  }

  func testBroadcastAndDifferentShapesDoNotFuseIntoLargerOutputs() throws {
    // sigmoid([17]) feeding add([3, 17], ·) would be recomputed 3 times: not fused.
    var b = GraphBuilder(name: "broadcast")
    let x = b.input("x", .f32, [3, 17])
    let bias = b.input("bias", .f32, [17])
    let gate = b.add(.sigmoid, [bias], name: "gate")
    b.output(b.add(.relu, [b.add(.add, [x, gate], name: "add")], name: "relu", output: "out"))
    let (fused, _) = try run(FuseElementwise(), on: try b.build())
    XCTAssertEqual(fused.nodes.map(\.op), [.sigmoid, .fusedElementwise])
    XCTAssertEqual(fused.nodes[1].string("program"), "add x0 x1; relu t0")
  }

  func testActivationAndResidualJoinTheEpilogue() throws {
    var b = GraphBuilder(name: "epilogue")
    let x = b.input("x", .f32, [5, 4])
    let r = b.input("r", .f32, [5, 3])
    let w = b.weight("w", TensorData((0..<12).map { Float($0) / 10 - 0.5 }, shape: [4, 3]))
    let bias = b.weight("b", TensorData([0.1, -0.2, 0.3], shape: [3]))
    let product = b.add(.linear, [x, w, bias], name: "fc")
    let activated = b.add(.gelu, [product], attributes: ["approximate": "tanh"], name: "gelu")
    b.output(b.add(.add, [r, activated], name: "residual", output: "out"))
    let graph = try b.build()
    let (fused, statistics) = try run(FuseEpilogue(), on: graph)
    XCTAssertEqual(fused.nodes.count, 1)
    XCTAssertEqual(fused.nodes[0].op, .linear)
    XCTAssertEqual(fused.nodes[0].inputs, ["x", "w", "b", "r"])
    XCTAssertEqual(fused.nodes[0].string("epilogue"), "gelu x0 approximate=tanh; add x1 t0")
    XCTAssertEqual(fused.nodes[0].int("epilogue_inputs"), 1)
    XCTAssertEqual(fused.outputs.map(\.name), ["out"])
    XCTAssertEqual(statistics.nodesFused, 2)
    // The O2 pipeline gives the same single node (chain fusion first, then the epilogue).
    XCTAssertEqual(try PassManager(pipeline: .level(.O2)).run(graph).graph.nodes.map(\.op), [.linear])
  }

  func testAProductReadTwiceKeepsItsReaders() throws {
    var b = GraphBuilder(name: "shared-product")
    let x = b.input("x", .f32, [2, 3])
    let w = b.weight("w", TensorData([1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [3, 3]))
    let product = b.add(.matmul, [x, w], name: "mm")
    b.output(b.add(.relu, [product], name: "relu", output: "a"))
    b.output(b.add(.sigmoid, [product], name: "sigmoid", output: "b"))
    let result = try FuseEpilogue().applied(to: try b.build())
    XCTAssertEqual(result.nodes.map(\.op), [.matmul, .relu, .sigmoid])
  }

  /// `matmul(softmax(q·c · transpose(k) + mask), v)`, as the tracer records eager attention.
  func tracedAttention(mask: [Float]?, sq: Int = 3, sk: Int = 5, scaleOnScores: Bool = false) throws -> Graph
  {
    var b = GraphBuilder(name: "attention")
    let q = b.input("q", .f32, [2, sq, 4])
    let k = b.input("k", .f32, [2, sk, 4])
    let v = b.input("v", .f32, [2, sk, 3])
    let c = b.weight("c", TensorData([0.5], shape: []))
    let kT = b.add(.transpose, [k], attributes: ["perm": [0, 2, 1]], name: "kT")
    var scores: String
    if scaleOnScores {
      scores = b.add(.mul, [b.add(.matmul, [q, kT], name: "qk"), c], name: "scale")
    } else {
      scores = b.add(.matmul, [b.add(.mul, [q, c], name: "scale"), kT], name: "qk")
    }
    if let mask {
      let m = b.weight("mask", TensorData(mask, shape: [sq, sk]))
      scores = b.add(.add, [scores, m], name: "masked")
    }
    let weights = b.add(.softmax, [scores], attributes: ["axis": -1], name: "softmax")
    b.output(b.add(.matmul, [weights, v], name: "av", output: "out"))
    return try b.build()
  }

  func testTracedAttentionBecomesOneNodeAndACausalMaskBecomesCausal() throws {
    let (sq, sk) = (3, 5)
    let causal = (0..<sq * sk).map { $0 % sk <= $0 / sk + sk - sq ? Float(0) : -.infinity }
    let (fused, statistics) = try run(FuseAttention(), on: try tracedAttention(mask: causal))
    XCTAssertEqual(fused.nodes.map(\.op), [.scaledDotProductAttention])
    XCTAssertEqual(fused.nodes[0].inputs, ["q", "k", "v"])
    XCTAssertEqual(fused.nodes[0].bool("causal"), true)
    XCTAssertEqual(fused.nodes[0].float("scale"), 0.5)
    XCTAssertEqual(statistics.nodesFused, 5)

    // Any other mask stays an additive input; a scale on the scores works too.
    var other = causal
    other[0] = -.infinity
    let (masked, _) = try run(FuseAttention(), on: try tracedAttention(mask: other, scaleOnScores: true))
    XCTAssertEqual(masked.nodes.map(\.op), [.scaledDotProductAttention])
    XCTAssertEqual(masked.nodes[0].inputs, ["q", "k", "v", "mask"])
    XCTAssertNil(masked.nodes[0].attributes["causal"])
    // Without a mask.
    let (plain, _) = try run(FuseAttention(), on: try tracedAttention(mask: nil))
    XCTAssertEqual(plain.nodes.map(\.op), [.scaledDotProductAttention])
  }

  /// A head split merged with kᵀ by `simplify` (`[B, S, H, D]` transposed by `[0, 2, 3, 1]`):
  /// the key becomes a transpose of its own, and the result equals the unfused graph.
  func testAKeyTransposeOverMoreThanTheLastTwoAxesIsFused() throws {
    var b = GraphBuilder(name: "attention")
    let q = b.input("q", .f32, [2, 3, 5, 4])
    let x = b.input("x", .f32, [2, 5, 3, 4])
    let v = b.input("v", .f32, [2, 3, 5, 4])
    let kT = b.add(.transpose, [x], attributes: ["perm": [0, 2, 3, 1]], name: "kT")
    let weights = b.add(.softmax, [b.add(.matmul, [q, kT], name: "qk")], attributes: ["axis": -1])
    b.output(b.add(.matmul, [weights, v], name: "av", output: "out"))
    let graph = try b.build()
    let (fused, _) = try run(FuseAttention(), on: graph)
    XCTAssertEqual(fused.nodes.map(\.op), [.transpose, .scaledDotProductAttention])
    XCTAssertEqual(fused.nodes[0].ints("perm"), [0, 2, 1, 3])
    let feed = [
      "q": InterpreterTensor(randomFloats(120, seed: 1), shape: [2, 3, 5, 4]),
      "x": InterpreterTensor(randomFloats(120, seed: 2), shape: [2, 5, 3, 4]),
      "v": InterpreterTensor(randomFloats(120, seed: 3), shape: [2, 3, 5, 4]),
    ]
    func outputs(_ g: Graph) throws -> [Float] { try Interpreter(graph: g).run(feed)["out"]!.floats() }
    assertClose(try outputs(fused), try outputs(graph), "fused vs unfused", tolerance: Tolerance.interpreter)
  }

  /// `torch.onnx.export` scales both sides by √scale before the product: `q·s` (or `q / d`) and
  /// `kᵀ·s`, where kᵀ is a transpose (TorchScript exporter) or a reshape of a head split's
  /// transpose (dynamo exporter). Every scale folds into the node's, and the key of a kᵀ that is
  /// not a transpose is kᵀ with its last two axes swapped.
  func testAttentionScaledOnBothSidesAsExportersWriteItIsFused() throws {
    let s = Float(0.5).squareRoot()
    func exported(dynamo: Bool) throws -> Graph {
      var b = GraphBuilder(name: "exported")
      let q = b.input("q", .f32, [2, 3, 5, 4])
      let v = b.input("v", .f32, [2, 3, 6, 4])
      let root = b.weight("root", TensorData([s], shape: []))
      let keyT: String
      if dynamo {  // k as [Sk, B·H, D], its transpose [B·H, D, Sk] reshaped to [B, H, D, Sk]
        let x = b.input("x", .f32, [6, 6, 4])
        let moved = b.add(.transpose, [x], attributes: ["perm": [1, 2, 0]], name: "kT")
        keyT = b.add(.reshape, [moved], attributes: ["shape": .ints([2, 3, 4, 6])], name: "view")
      } else {
        let k = b.input("k", .f32, [2, 3, 6, 4])
        keyT = b.add(.transpose, [k], attributes: ["perm": [0, 1, 3, 2]], name: "kT")
      }
      let depth = b.weight("depth", TensorData([1 / s], shape: []))
      let scaledQ =
        dynamo ? b.add(.div, [q, depth], name: "q_scaled") : b.add(.mul, [q, root], name: "q_scaled")
      let scaledK = b.add(.mul, [root, keyT], name: "k_scaled")
      let weights = b.add(
        .softmax, [b.add(.matmul, [scaledQ, scaledK], name: "qk")], attributes: ["axis": -1], name: "softmax")
      b.output(b.add(.matmul, [weights, v], name: "av", output: "out"))
      return try b.build()
    }
    for dynamo in [false, true] {
      let graph = try exported(dynamo: dynamo)
      let (fused, _) = try run(FuseAttention(), on: graph)
      let attention = try XCTUnwrap(fused.nodes.last)
      XCTAssertEqual(attention.op, .scaledDotProductAttention, "dynamo: \(dynamo)")
      XCTAssertEqual(try XCTUnwrap(attention.float("scale")), 0.5, accuracy: 1e-7)
      XCTAssertEqual(attention.inputs[0], "q")
      if dynamo {
        XCTAssertEqual(fused.nodes.map(\.op), [.transpose, .reshape, .transpose, .scaledDotProductAttention])
        XCTAssertEqual(fused.nodes[2].ints("perm"), [0, 1, 3, 2])
      } else {
        XCTAssertEqual(fused.nodes.map(\.op), [.scaledDotProductAttention])
        XCTAssertEqual(attention.inputs, ["q", "k", "v"])
      }
      var feed = [
        "q": InterpreterTensor(randomFloats(120, seed: 1), shape: [2, 3, 5, 4]),
        "v": InterpreterTensor(randomFloats(144, seed: 3), shape: [2, 3, 6, 4]),
      ]
      if dynamo {
        feed["x"] = InterpreterTensor(randomFloats(144, seed: 2), shape: [6, 6, 4])
      } else {
        feed["k"] = InterpreterTensor(randomFloats(144, seed: 2), shape: [2, 3, 6, 4])
      }
      func outputs(_ g: Graph) throws -> [Float] { try Interpreter(graph: g).run(feed)["out"]!.floats() }
      assertClose(
        try outputs(fused), try outputs(graph), "dynamo: \(dynamo)", tolerance: Tolerance.interpreter)
    }
  }

  func testAttentionWeightsThatAreAlsoAnOutputAreNotFused() throws {
    var graph = try tracedAttention(mask: nil)
    graph.outputs.append(ValueInfo("softmax", .f32, [2, 3, 5]))
    XCTAssertEqual(try FuseAttention().applied(to: graph), graph)
  }

  /// Multi-head self-attention as the tracer records it: one packed q/k/v projection
  /// `[B, S, 3·H·D]` split by reshape → transpose → slice → reshape, attention, then the heads
  /// transposed and merged back.
  func packedHeadsAttention(batch: Int = 2, positions: Int = 5, heads: Int = 3, size: Int = 4) throws -> Graph
  {
    let width = heads * size
    var b = GraphBuilder(name: "heads")
    let x = b.input("x", .f32, [batch, positions, 7])
    let w = b.weight(
      "w", TensorData((0..<7 * 3 * width).map { Float($0 % 13) / 13 - 0.4 }, shape: [7, 3 * width]))
    let bias = b.weight("b", TensorData((0..<3 * width).map { Float($0 % 5) / 10 }, shape: [3 * width]))
    let qkv = b.add(.linear, [x, w, bias], name: "qkv")
    let split = b.add(.reshape, [qkv], attributes: ["shape": .ints([batch, positions, 3, heads, size])])
    let moved = b.add(.transpose, [split], attributes: ["perm": [2, 0, 3, 1, 4]])
    let parts = (0..<3).map { i in
      b.add(
        .reshape,
        [
          b.add(
            .slice, [moved],
            attributes: [
              "starts": .ints([i, 0, 0, 0, 0]), "ends": .ints([i + 1, batch, heads, positions, size]),
            ])
        ],
        attributes: ["shape": .ints([batch, heads, positions, size])])
    }
    let attended = b.add(.scaledDotProductAttention, parts, attributes: ["causal": true], name: "attention")
    let merged = b.add(.transpose, [attended], attributes: ["perm": [0, 2, 1, 3]])
    b.output(
      b.add(.reshape, [merged], attributes: ["shape": .ints([batch, positions, width])], output: "out"))
    return try b.build()
  }

  func testPackedHeadsFoldIntoTheAttentionAndTheProjectionSplits() throws {
    let (fused, statistics) = try run(FuseAttention(), on: try packedHeadsAttention())
    XCTAssertEqual(fused.nodes.map(\.op), [.linear, .linear, .linear, .scaledDotProductAttention])
    let attention = fused.nodes[3]
    XCTAssertEqual(attention.int("heads"), 3)
    XCTAssertEqual(attention.bool("causal"), true)
    XCTAssertEqual(attention.inputs, fused.nodes.prefix(3).map { $0.outputs[0] })
    XCTAssertEqual(fused.weights["w.q"]?.type, TensorType(.f32, [7, 12]))
    XCTAssertNil(fused.weights["w"])  // the packed weight is no longer read
    XCTAssertEqual(statistics.counters["fold-attention-heads"], 1)
    XCTAssertEqual(fused.outputs.map(\.name), ["out"])
  }

  func testHeadsStayUnfoldedWhenTheProjectionHasOtherReadersOrTheLayoutDiffers() throws {
    var shared = try packedHeadsAttention()
    shared.outputs.append(ValueInfo("qkv", .f32, [2, 5, 36]))  // the projection is also an output
    let (kept, _) = try run(FuseAttention(), on: shared)
    XCTAssertNil(kept.nodes.first { $0.op == .scaledDotProductAttention }?.attributes["heads"])

    // Heads split as [S, D, H] (a different layout) are not windows of the projection.
    var b = GraphBuilder(name: "other-layout")
    let x = b.input("x", .f32, [1, 4, 6])
    let parts = (0..<3).map { i in
      b.add(
        .transpose,
        [
          b.add(
            .reshape, [b.add(.mul, [x, b.weight("c\(i)", TensorData([Float(i + 1)], shape: []))])],
            attributes: ["shape": .ints([1, 4, 3, 2])])
        ],
        attributes: ["perm": [0, 3, 1, 2]])
    }
    let attended = b.add(.scaledDotProductAttention, parts, name: "attention")
    let merged = b.add(.transpose, [attended], attributes: ["perm": [0, 2, 1, 3]])
    b.output(b.add(.reshape, [merged], attributes: ["shape": .ints([1, 4, 6])], output: "out"))
    let graph = try b.build()
    XCTAssertEqual(try FuseAttention().applied(to: graph), graph)
  }

  func testO2IsIdempotentAndDeterministic() throws {
    let graph = try tracedAttention(mask: nil)
    let once = try PassManager(pipeline: .level(.O2)).run(graph).graph
    XCTAssertEqual(try PassManager(pipeline: .level(.O2)).run(once).graph, once)
    XCTAssertEqual(try PassManager(pipeline: .level(.O2)).run(graph).graph, once)
  }
}

/// Runs both graphs in the interpreter on the same random inputs and checks every output within
/// 1e-5 relative (`|a − b| ≤ 1e-5 · max(1, |b|)`).
func assertSameOutputs(
  _ original: Graph, _ rewritten: Graph, file: StaticString = #filePath, line: UInt = #line
)
  throws
{
  var inputs: [String: InterpreterTensor] = [:]
  for (index, input) in original.inputs.enumerated() {
    var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
    let values = (0..<input.type.elementCount).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 23) - 1
    }
    inputs[input.name] = InterpreterTensor(values, shape: input.type.shape)
  }
  let expected = try Interpreter(graph: original).run(inputs)
  let actual = try Interpreter(graph: rewritten).run(inputs)
  for output in original.outputs {
    let (a, b) = (actual[output.name]!.floats(), expected[output.name]!.floats())
    XCTAssertEqual(a.count, b.count, output.name, file: file, line: line)
    for (index, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= 1e-5 * max(1, abs(y))) {
      XCTFail(
        "output '\(output.name)' element \(index): \(x) after the pass, \(y) before", file: file, line: line)
      break
    }
  }
}
