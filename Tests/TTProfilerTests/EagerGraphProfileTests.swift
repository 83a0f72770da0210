import TTIR
import TTInterpreter
import TTProfiler
import TestSupport
import TinyTorch
import XCTest

/// A model file in eager mode (``TinyTorch/EagerGraph``): it computes what the interpreter
/// computes, and the profiler times it node by node with the graph's costs.
final class EagerGraphProfileTests: XCTestCase {
  private func values(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { Float(($0 * 7919 + seed * 104_729) % 2000) / 1000 - 1 }
  }

  /// A small CNN and attention block: conv → relu → max pool → flatten → linear → softmax, and
  /// q·kᵀ attention on reshaped features.
  private func model() throws -> Graph {
    var builder = GraphBuilder(name: "eager-graph")
    let x = builder.input("x", .f32, [2, 1, 6, 6])
    builder.weight("conv.weight", TensorData(values(4 * 9, seed: 1), shape: [4, 1, 3, 3]))
    builder.weight("conv.bias", TensorData(values(4, seed: 2), shape: [4]))
    builder.weight("fc.weight", TensorData(values(16 * 5, seed: 3), shape: [16, 5]))
    let conv = builder.add(.conv2d, [x, "conv.weight", "conv.bias"], name: "conv")  // [2, 4, 4, 4]
    let relu = builder.add(.relu, [conv], name: "relu")
    let pool = builder.add(.maxPool2d, [relu], attributes: ["kernel": [2, 2]], name: "pool")  // [2, 4, 2, 2]
    let flat = builder.add(.flatten, [pool], name: "flatten")  // [2, 16]
    let logits = builder.add(.linear, [flat, "fc.weight"], name: "fc")
    builder.output(builder.add(.softmax, [logits], attributes: ["axis": -1], name: "probs"))
    let heads = builder.add(.reshape, [pool], attributes: ["shape": [2, 4, 4]], name: "heads")
    builder.output(builder.add(.scaledDotProductAttention, [heads, heads, heads], name: "attention"))
    return try builder.build()
  }

  func testEagerGraphComputesWhatTheInterpreterComputes() throws {
    let graph = try model()
    let input = values(72, seed: 4)
    let interpreted = try Interpreter(graph: graph).run(["x": InterpreterTensor(input, shape: [2, 1, 6, 6])])
    let eager = try withNoGrad {
      try EagerGraph(graph).run(["x": Tensor(shape: [2, 1, 6, 6], scalars: input)])
    }
    for info in graph.outputs {
      assertClose(try XCTUnwrap(eager[info.name]).scalars, interpreted[info.name]!.floats(), info.name)
    }
  }

  func testEveryNodeIsTimedWithTheGraphsCosts() throws {
    let graph = try model()
    let inputs = ["x": TensorData(values(72, seed: 4), shape: [2, 1, 6, 6])]
    let profile = try Profiler(warmup: 1, runs: 3).profileEager(graph, inputs: inputs)
    XCTAssertEqual(profile.engine, .eager)
    XCTAssertEqual(profile.nodes.map(\.name), graph.nodes.map(\.name))
    XCTAssertEqual(profile.nodes.map(\.kind), graph.nodes.map(\.op.rawValue))
    XCTAssertTrue(profile.nodes.allSatisfy { $0.durations.count == 3 && $0.durations.allSatisfy { $0 > 0 } })
    let interpreted = try Profiler(warmup: 0, runs: 1).profile(
      Interpreter(graph: graph), inputs: ["x": InterpreterTensor(inputs["x"]!)])
    XCTAssertEqual(profile.nodes.map(\.flops), interpreted.nodes.map(\.flops))
    XCTAssertEqual(profile.totalFLOPs, interpreted.totalFLOPs)
    XCTAssertGreaterThan(profile.memory.bytes, 0)
    XCTAssertEqual(profile.memory.source, .measuredAllocations)
  }

  func testAFailingNodeAndAMissingOpAreNamed() throws {
    var builder = GraphBuilder(name: "embed")
    let ids = builder.input("ids", .f32, [3])
    let table = builder.weight("table", TensorData(values(12, seed: 5), shape: [4, 3]))
    builder.output(builder.add(.gather, [table, ids], name: "lookup"))
    let graph = try builder.build()
    assertThrows("eager: node 'lookup' (gather) threw: ") {
      try Profiler().profileEager(graph, inputs: ["ids": TensorData([1, 9, 0], shape: [3])])
    }
    var powers = GraphBuilder(name: "pow")
    let x = powers.input("x", .f32, [3])
    powers.output(powers.add(.pow, [x, x], name: "square"))
    let pow = try powers.build()
    assertThrows("node 'square' (pow): eager mode has no such op") {
      try Profiler().profileEager(pow, inputs: [:])
    }
  }
}
