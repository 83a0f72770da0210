import TTIR
import TTInterpreter
import XCTest

@testable import TTPasses

/// Each exact pass on small hand-built graphs: structure before → after, statistics, and the
/// interpreter's outputs before and after within 1e-6 · max(1, |b|).
final class ExactPassTests: XCTestCase {
  let options = PassOptions(evaluator: Interpreter.evaluate)

  /// Runs `pass` alone and returns the graph and its statistics.
  func run(_ pass: any Pass, on graph: Graph) throws -> (Graph, PassStatistics) {
    let result = try PassManager(pipeline: Pipeline(name: "test", passes: [pass], options: options)).run(
      graph)
    return (result.graph, result.statistics[0])
  }

  func testFoldConstantsTurnsATransposedWeightIntoAWeight() throws {
    var b = GraphBuilder(name: "fold")
    let x = b.input("x", .f32, [2, 3])
    let w = b.weight("w", TensorData((0..<12).map(Float.init), shape: [4, 3]))
    let wt = b.add(.transpose, [w], attributes: ["perm": .ints([1, 0])], name: "wt")
    b.output(b.add(.matmul, [x, wt], name: "mm", output: "y"))
    let graph = try b.build()
    let (folded, statistics) = try run(FoldConstants(), on: graph)
    XCTAssertEqual(folded.nodes.map(\.description), ["y = matmul(x, wt)  # mm"])
    XCTAssertEqual(folded.weights["wt"]?.shape, [3, 4])
    XCTAssertEqual(folded.weights["wt"]?.floats(), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
    XCTAssertEqual(statistics.counters, ["folded": 1])
    XCTAssertEqual(statistics.weightBytesAfter, statistics.weightBytesBefore + 48)
    try assertSameOutputs(graph, folded)
    XCTAssertEqual(try DropUnusedWeights().applied(to: folded).weights.keys.sorted(), ["wt"])
  }

  func testFoldConstantsLeavesGrowingBroadcastsAndNeedsAnEvaluator() throws {
    var b = GraphBuilder(name: "grow")
    let x = b.input("x", .f32, [100, 100])
    let column = b.weight("column", TensorData([Float](repeating: 1, count: 100), shape: [100, 1]))
    let row = b.weight("row", TensorData([Float](repeating: 2, count: 100), shape: [1, 100]))
    b.output(b.add(.add, [x, b.add(.add, [column, row], name: "outer")], name: "sum", output: "y"))
    let graph = try b.build()
    XCTAssertFalse(try run(FoldConstants(), on: graph).1.changed, "a [100, 100] result from 200 values stays")
    var small = GraphBuilder(name: "small")
    let input = small.input("x", .f32, [3])
    let constant = small.weight("c", TensorData([1, -2, 3], shape: [3]))
    small.output(small.add(.add, [input, small.add(.abs, [constant], name: "abs")], name: "sum"))
    let withoutEvaluator = try PassManager(
      pipeline: Pipeline(name: "test", passes: [FoldConstants()])
    ).run(try small.build())
    XCTAssertFalse(withoutEvaluator.statistics[0].changed)
  }

  func testFoldConstantsKeepsAGraphOutputsName() throws {
    var b = GraphBuilder(name: "constant-output")
    let x = b.input("x", .f32, [3])
    let c = b.weight("c", TensorData([1, -2, 3], shape: [3]))
    b.output(b.add(.relu, [x], name: "act", output: "y"))
    b.output(b.add(.abs, [c], name: "abs", output: "magnitude"))
    let graph = try b.build()
    let folded = try run(FoldConstants(), on: graph).0
    XCTAssertEqual(folded.nodes.map(\.name), ["act"])
    XCTAssertEqual(folded.weights["magnitude"]?.floats(), [1, 2, 3])
    try assertSameOutputs(graph, folded)
  }

  func testSimplifyRemovesIdentitiesAndCountsEachRule() throws {
    var b = GraphBuilder(name: "identities")
    let x = b.input("x", .f32, [2, 3, 4])
    let one = b.weight("one", TensorData([1], shape: [1]))
    let zero = b.weight("zero", TensorData([0], shape: []))
    var v = b.add(.mul, [x, one], name: "times_one")
    v = b.add(.add, [zero, v], name: "plus_zero")
    v = b.add(.transpose, [v], attributes: ["perm": .ints([1, 0, 2])], name: "t1")
    v = b.add(.transpose, [v], attributes: ["perm": .ints([1, 0, 2])], name: "t2")
    v = b.add(.reshape, [v], attributes: ["shape": .ints([0, 12])], name: "r1")
    v = b.add(.reshape, [v], attributes: ["shape": .ints([0, 4, 3])], name: "r2")
    v = b.add(.cast, [v], attributes: ["to": "f32"], name: "same_type")
    v = b.add(.slice, [v], attributes: ["starts": .ints([0, 0, 0]), "ends": .ints([2, 4, 3])], name: "all")
    v = b.add(.neg, [b.add(.neg, [v], name: "n1")], name: "n2")
    b.output(b.add(.relu, [v], name: "act", output: "y"))
    let graph = try b.build()
    let (simplified, statistics) = try run(Simplify(), on: graph)
    XCTAssertEqual(
      simplified.nodes.map(\.description),
      ["r2 = reshape(x) {shape=[0, 4, 3]}  # r2", "y = relu(r2)  # act"])
    XCTAssertEqual(
      statistics.counters,
      [
        "mul-by-one": 1, "add-zero": 1, "transpose-of-transpose": 1, "identity-transpose": 1,
        "reshape-of-reshape": 1, "identity-cast": 1, "identity-slice": 1, "double-negation": 1,
      ])
    try assertSameOutputs(graph, simplified)
  }

  func testSimplifyKeepsABroadcastingMultiplyAndGraphOutputNames() throws {
    var b = GraphBuilder(name: "broadcast")
    let x = b.input("x", .f32, [3])
    let ones = b.weight("ones", TensorData([1, 1, 1, 1, 1, 1], shape: [2, 3]))
    let one = b.weight("one", TensorData([1], shape: []))
    b.output(b.add(.mul, [x, ones], name: "widen", output: "wide"))
    b.output(b.add(.mul, [b.add(.exp, [x], name: "e"), one], name: "times_one", output: "y"))
    let graph = try b.build()
    let simplified = try run(Simplify(), on: graph).0
    XCTAssertEqual(simplified.nodes.map(\.description), ["wide = mul(x, ones)  # widen", "y = exp(x)  # e"])
    XCTAssertEqual(simplified.outputs.map(\.name), ["wide", "y"])
    // x · 1 returned directly would rename the graph input: kept.
    var direct = GraphBuilder(name: "direct")
    let input = direct.input("x", .f32, [3])
    direct.output(
      direct.add(.mul, [input, direct.weight("one", TensorData([1], shape: []))], name: "m", output: "y"))
    XCTAssertFalse(try run(Simplify(), on: try direct.build()).1.changed)
  }

  func testCSEMergesDuplicateNodesAndWeights() throws {
    var b = GraphBuilder(name: "duplicates")
    let x = b.input("x", .f32, [2, 3])
    let c1 = b.weight("c1", TensorData([2, 2, 2], shape: [3]))
    let c2 = b.weight("c2", TensorData([2, 2, 2], shape: [3]))
    let a = b.add(.relu, [b.add(.mul, [x, c1], name: "m1")], name: "a1")
    let c = b.add(.relu, [b.add(.mul, [x, c2], name: "m2")], name: "a2")
    b.output(b.add(.add, [a, c], name: "sum", output: "y"))
    b.output(b.add(.exp, [a], name: "e1", output: "z"))
    b.output(b.add(.exp, [c], name: "e2", output: "w"))
    let graph = try b.build()
    let (merged, statistics) = try run(EliminateCommonSubexpressions(), on: graph)
    XCTAssertEqual(
      merged.nodes.map(\.description),
      [
        "m1 = mul(x, c1)  # m1", "a1 = relu(m1)  # a1", "y = add(a1, a1)  # sum", "z = exp(a1)  # e1",
        "w = exp(a1)  # e2",
      ], "two graph outputs keep their own nodes even when they compute the same value")
    XCTAssertEqual(merged.weights.keys.sorted(), ["c1"])
    XCTAssertEqual(merged.outputs.map(\.name), ["y", "z", "w"])
    XCTAssertEqual(statistics.counters, ["merged": 3])
    try assertSameOutputs(graph, merged)
  }

  func testBatchNormFoldsIntoConvAndLinear() throws {
    for op in [Op.conv2d, .linear] {
      var b = GraphBuilder(name: "bn-\(op)")
      let channels = 3
      let x = op == .conv2d ? b.input("x", .f32, [2, 2, 5, 5]) : b.input("x", .f32, [4, 6])
      let weightShape = op == .conv2d ? [channels, 2, 3, 3] : [6, channels]
      let w = b.weight("w", TensorData(randomFloats(weightShape.reduce(1, *), seed: 1), shape: weightShape))
      let bias = b.weight("b", TensorData(randomFloats(channels, seed: 2), shape: [channels]))
      let hidden = b.add(op, [x, w, bias], name: "layer")
      let statistics = (0..<4).map { index in
        b.weight(
          "bn.\(index)",
          TensorData(
            randomFloats(channels, seed: 3 + UInt64(index)).map { index == 3 ? abs($0) + 0.5 : $0 },
            shape: [channels]))
      }
      b.output(b.add(.batchNorm, [hidden] + statistics, attributes: ["eps": 1e-3], name: "bn", output: "y"))
      let graph = try b.build()
      let (folded, record) = try run(FoldBatchNorm(), on: graph)
      XCTAssertEqual(
        folded.nodes.map(\.description), ["y = \(op)(x, bn.folded_weight, bn.folded_bias)  # layer"])
      XCTAssertEqual(record.counters, ["folded": 1])
      try assertSameOutputs(graph, folded)
    }
  }

  func testBatchNormStaysWhenItsInputHasAnotherReader() throws {
    var b = GraphBuilder(name: "shared")
    let x = b.input("x", .f32, [4, 3])
    let w = b.weight("w", TensorData(randomFloats(9, seed: 1), shape: [3, 3]))
    let hidden = b.add(.linear, [x, w], name: "layer")
    let statistics = (0..<4).map { b.weight("bn.\($0)", TensorData([1, 1, 1], shape: [3])) }
    b.output(b.add(.batchNorm, [hidden] + statistics, name: "bn", output: "y"))
    b.output(b.add(.relu, [hidden], name: "act", output: "z"))
    XCTAssertFalse(try run(FoldBatchNorm(), on: try b.build()).1.changed)
  }

  /// Interprets both graphs on the same seeded inputs and compares every output.
  func assertSameOutputs(
    _ original: Graph, _ rewritten: Graph, file: StaticString = #filePath, line: UInt = #line
  )
    throws
  {
    let inputs = Dictionary(
      uniqueKeysWithValues: original.inputs.enumerated().map { index, input in
        (
          input.name,
          InterpreterTensor(
            randomFloats(input.type.elementCount, seed: 100 + UInt64(index)), shape: input.type.shape)
        )
      })
    let expected = try Interpreter(graph: original).run(inputs)
    let actual = try Interpreter(graph: rewritten).run(inputs)
    for output in original.outputs {
      assertClose(
        actual[output.name]!.floats(), expected[output.name]!.floats(), output.name,
        tolerance: Tolerance.exact, file: file, line: line)
    }
  }
}
