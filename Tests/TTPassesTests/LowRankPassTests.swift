import TTIR
import TTInterpreter
import TinyTorch
import XCTest

@testable import TTPasses

/// `low-rank`: structure before → after, exactness on weights of low rank, the error bound, the
/// eager API giving the same factors, and bad options.
final class LowRankPassTests: XCTestCase {
  /// x[3, 16] → linear(16 → 12, weight of rank 2) → relu → linear(12 → 4).
  func makeGraph(hiddenWeight: [Float]) throws -> Graph {
    var b = GraphBuilder(name: "low-rank")
    let x = b.input("x", .f32, [3, 16])
    let w1 = b.weight("fc1.weight", TensorData(hiddenWeight, shape: [16, 12]))
    let b1 = b.weight("fc1.bias", TensorData(randomFloats(12, seed: 2), shape: [12]))
    let h = b.add(.relu, [b.add(.linear, [x, w1, b1], name: "fc1")], name: "act")
    let w2 = b.weight("fc2.weight", TensorData(randomFloats(48, seed: 3), shape: [12, 4]))
    b.output(b.add(.linear, [h, w2], name: "fc2", output: "y"))
    return try b.build()
  }

  /// A 16 × 12 matrix of rank 2: the sum of two outer products.
  func rankTwoWeight() -> [Float] {
    let (u1, u2, v1, v2) = (
      randomFloats(16, seed: 4), randomFloats(16, seed: 5), randomFloats(12, seed: 6),
      randomFloats(12, seed: 7)
    )
    return (0..<16 * 12).map { 2 * u1[$0 / 12] * v1[$0 % 12] + u2[$0 / 12] * v2[$0 % 12] }
  }

  func run(_ graph: Graph, _ x: [Float]) throws -> [Float] {
    try Interpreter(graph: graph).run(["x": InterpreterTensor(x, shape: [3, 16])])["y"]!.floats()
  }

  func testAWeightOfLowRankBecomesTwoThinLinearsWithTheSameOutputs() throws {
    let graph = try makeGraph(hiddenWeight: rankTwoWeight())
    var factored = graph
    var context = PassContext()
    XCTAssertTrue(try LowRankFactorize(energy: 0.999_999).run(&factored, context: &context))
    try factored.verify()
    XCTAssertEqual(factored.nodes.map(\.op), [.linear, .linear, .relu, .linear])
    XCTAssertEqual(factored.nodes.map(\.name), ["fc1.low_rank", "fc1", "act", "fc2"])
    XCTAssertEqual(factored.nodes[0].inputs, ["x", "fc1.weight.low_rank_a"])  // no bias on the first
    XCTAssertEqual(factored.nodes[1].inputs, ["fc1.low_rank", "fc1.weight.low_rank_b", "fc1.bias"])
    XCTAssertEqual(factored.weights["fc1.weight.low_rank_a"]?.shape, [16, 2])
    XCTAssertEqual(factored.weights["fc1.weight.low_rank_b"]?.shape, [2, 12])
    XCTAssertNil(factored.weights["fc1.weight"])
    XCTAssertNotNil(factored.weights["fc2.weight"], "12 × 4 at full rank 4 saves nothing")
    XCTAssertEqual(
      context.counters,
      ["linear → two linears": 1, "rank kept (sum)": 2, "full rank (sum)": 12, "weights kept (no saving)": 1])
    let x = randomFloats(48, seed: 8)
    let (expected, actual) = (try run(graph, x), try run(factored, x))
    for (a, b) in zip(actual, expected) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
    // The factors cannot be factored again with a saving: a second run changes nothing.
    var again = factored
    XCTAssertFalse(try LowRankFactorize(energy: 0.999_999).run(&again, context: &context))
  }

  func testOutputErrorShrinksWithEnergyAndWeightErrorStaysWithinTheBound() throws {
    let weight = randomFloats(16 * 12, seed: 11)
    let graph = try makeGraph(hiddenWeight: weight)
    let x = randomFloats(48, seed: 8)
    let expected = try run(graph, x)
    var errors: [Float] = []
    for energy in [0.5, 0.7, 0.8] {
      let factored = try LowRankFactorize(energy: energy).applied(to: graph)
      let a = factored.weights["fc1.weight.low_rank_a"]!
      let b = factored.weights["fc1.weight.low_rank_b"]!
      let rank = a.shape[1]
      let (af, bf) = (a.floats(), b.floats())
      var dropped: Double = 0
      for i in 0..<16 {
        for j in 0..<12 {
          let approx = (0..<rank).reduce(0.0) { $0 + Double(af[i * rank + $1] * bf[$1 * 12 + j]) }
          dropped += (approx - Double(weight[i * 12 + j])) * (approx - Double(weight[i * 12 + j]))
        }
      }
      let total = weight.reduce(0.0) { $0 + Double($1 * $1) }
      XCTAssertLessThanOrEqual(dropped / total, 1 - energy + 1e-6, "energy \(energy)")
      let output = try run(factored, x)
      errors.append(zip(output, expected).map { abs($0 - $1) }.max()!)
    }
    XCTAssertGreaterThan(errors[0], errors[2], "keeping more energy gives closer outputs: \(errors)")
  }

  func testEagerFactorizationMatchesThePass() throws {
    let layer = Linear(16, 12, seed: 3)
    let x = Tensor.uniform([3, 16], low: -1, high: 1, seed: 4)
    let factored = try XCTUnwrap(try layer.lowRankFactorized(energy: 0.6))
    let graph = try LowRankFactorize(energy: 0.6).applied(to: try trace(layer, example: x))
    let rank = try XCTUnwrap(graph.weights["weight.low_rank_a"]).shape[1]
    XCTAssertEqual((factored.layers[0] as! Linear).outFeatures, rank)
    XCTAssertEqual(
      graph.weights["weight.low_rank_a"]!.floats(), (factored.layers[0] as! Linear).weight.scalars)
    XCTAssertEqual(
      graph.weights["weight.low_rank_b"]!.floats(), (factored.layers[1] as! Linear).weight.scalars)
    let eager = try withNoGrad { try factored(x) }.scalars
    let interpreted = try Interpreter(graph: graph).run(["x": InterpreterTensor(x.scalars, shape: x.shape)])[
      graph.outputs[0].name]!.floats()
    for (a, b) in zip(interpreted, eager) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
    XCTAssertNil(try layer.lowRankFactorized(energy: 1), "full rank saves nothing")
    XCTAssertNotNil(try layer.lowRankFactorized(energy: 1, rank: 12), "unless a rank is asked for")
    XCTAssertThrowsError(try layer.lowRankFactorized(energy: 0))
  }

  func testPipelinesAddLowRankAndRefuseBadEnergies() throws {
    let pipeline = try Pipeline.level(.O1, options: PassOptions(pruneStructured: 0.25, lowRankEnergy: 0.9))
    XCTAssertTrue(
      pipeline.description.hasPrefix(
        "O1: prune-structured(fraction=0.25,norm=l1),low-rank(energy=0.9),fold-constants"),
      pipeline.description)
    for bad in [0, -1, 1.5, .nan] {
      assertThrows("pass 'low-rank': energy \(bad) is outside (0, 1]") {
        _ = try Pipeline.level(.O2, options: PassOptions(lowRankEnergy: bad))
      }
    }
    assertThrows("pass 'low-rank' needs an energy (--low-rank E)") { _ = try Pipeline.named(["low-rank"]) }
  }
}
