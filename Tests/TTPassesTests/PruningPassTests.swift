import MilestoneSupport
import TTIR
import TTInterpreter
import TinyTorch
import XCTest

@testable import TTPasses

/// `prune-magnitude`, `prune-structured` and `sparsify`: structure before → after on small
/// graphs, agreement with eager pruning, and bad options.
final class PruningPassTests: XCTestCase {
  /// x[2, 6] → linear(6 → 8) → relu → linear(8 → 4) → softmax, traced from an eager model.
  func makeMLP(seed: UInt64 = 1) -> (Sequential, Tensor) {
    (
      Sequential(Linear(6, 8, seed: seed), ReLU(), Linear(8, 4, seed: seed + 1), Softmax()),
      Tensor.randn([2, 6], seed: 9)
    )
  }

  func run(_ graph: Graph, _ x: Tensor) throws -> [Float] {
    try Interpreter(graph: graph).run([graph.inputs[0].name: InterpreterTensor(x.scalars, shape: x.shape)])[
      graph.outputs[0].name]!.floats()
  }

  func zeros(_ data: TensorData?) -> Int { data!.floats().filter { $0 == 0 }.count }

  func testMagnitudePruningZeroesTheSmallestValuesOfEachWeight() throws {
    let (model, x) = makeMLP()
    let graph = try trace(model, example: x)
    let pruned = try PruneMagnitude(sparsity: 0.6).applied(to: graph)
    XCTAssertEqual(pruned.nodes.map(\.op), graph.nodes.map(\.op))
    XCTAssertEqual(zeros(pruned.weights["layers.0.weight"]), 29)  // round(0.6 · 48)
    XCTAssertEqual(zeros(pruned.weights["layers.2.weight"]), 19)  // round(0.6 · 32)
    let original = graph.weights["layers.0.weight"]!.floats().map(abs).sorted()
    let kept = pruned.weights["layers.0.weight"]!.floats().filter { $0 != 0 }.map(abs)
    XCTAssertEqual(kept.min(), original[29])
    XCTAssertEqual(pruned.weights["layers.0.bias"], graph.weights["layers.0.bias"])
    // The same as eager pruning.
    try Pruning.magnitude(model.layers[0].prunableWeights()[0].tensor, sparsity: 0.6)
    XCTAssertEqual(
      pruned.weights["layers.0.weight"]!.floats(), model.layers[0].prunableWeights()[0].tensor.scalars)
    // Pruning again changes nothing.
    var again = pruned
    var context = PassContext()
    XCTAssertFalse(try PruneMagnitude(sparsity: 0.6).run(&again, context: &context))
  }

  func testGlobalMagnitudePruningRanksAllWeightsTogetherLikeEagerPruning() throws {
    let (model, x) = makeMLP()
    // Make the second layer's weights small: a global ranking takes most of its values.
    let second = model.layers[2].prunableWeights()[0].tensor
    try second.assign(Tensor(shape: second.shape, scalars: second.scalars.map { $0 * 0.1 }))
    let graph = try trace(model, example: x)
    let pruned = try PruneMagnitude(sparsity: 0.5, scope: .global).applied(to: graph)
    let (first, last) = (zeros(pruned.weights["layers.0.weight"]), zeros(pruned.weights["layers.2.weight"]))
    XCTAssertEqual(first + last, 40)  // round(0.5 · (48 + 32))
    XCTAssertGreaterThan(last, 16, "the small layer loses more than half")
    let perLayer = try PruneMagnitude(sparsity: 0.5).applied(to: graph)
    XCTAssertEqual(zeros(perLayer.weights["layers.2.weight"]), 16)
    // The same as eager global pruning.
    try Pruning.globalMagnitude(model.prunableWeights().map(\.tensor), sparsity: 0.5)
    XCTAssertEqual(
      pruned.weights["layers.0.weight"]!.floats(), model.layers[0].prunableWeights()[0].tensor.scalars)
    XCTAssertEqual(pruned.weights["layers.2.weight"]!.floats(), second.scalars)
    // Through the options.
    let pipeline = try Pipeline.named([], options: PassOptions(pruneSparsity: 0.5, pruneScope: .global))
    XCTAssertEqual(pipeline.passes.compactMap { $0 as? PruneMagnitude }.map(\.scope), [.global])
  }

  func testSparsifyStoresSparseWeightsAndKeepsTheOutputs() throws {
    let (model, x) = makeMLP()
    let graph = try PruneMagnitude(sparsity: 0.9).applied(to: try trace(model, example: x))
    let sparse = try Sparsify(slicedBelowRows: 0).applied(to: graph)
    XCTAssertEqual(sparse.nodes.map(\.op), [.sparseLinear, .relu, .sparseLinear, .softmax])
    XCTAssertEqual(sparse.nodes.map(\.name), graph.nodes.map(\.name))
    XCTAssertNil(sparse.weights["layers.0.weight"])
    XCTAssertEqual(sparse.weights["layers.0.weight.values"]?.shape, [5])  // 48 − round(0.9 · 48)
    XCTAssertEqual(sparse.weights["layers.0.weight.row_pointers"]?.shape, [9])
    let (a, b) = (try run(graph, x), try run(sparse, x))
    for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-6) }
    // Fewer rows (2) than slicedBelowRows: the sliced layout, one (block, chunk) pair per layer.
    let sliced = try Sparsify(slicedBelowRows: 3).applied(to: graph)
    XCTAssertEqual(sliced.nodes.map(\.op), [.sparseLinear, .relu, .sparseLinear, .softmax])
    XCTAssertEqual(sliced.nodes[0].string("layout"), "sliced")
    XCTAssertEqual(sliced.nodes[0].int("out"), 8)
    XCTAssertEqual(sliced.weights["layers.0.weight.steps"]?.shape, [1])
    XCTAssertEqual(sliced.weights["layers.0.weight.columns"]?.dtype, .i8)
    for (u, v) in zip(b, try run(sliced, x)) { XCTAssertEqual(u, v, accuracy: 1e-6) }
    XCTAssertNil(try Sparsify(slicedBelowRows: 2).applied(to: graph).nodes[0].attributes["layout"])
    // Below the threshold nothing changes.
    let half = try PruneMagnitude(sparsity: 0.5).applied(to: try trace(model, example: x))
    var context = PassContext()
    var unchanged = half
    XCTAssertFalse(try Sparsify().run(&unchanged, context: &context))
  }

  func testStructuredPruningShrinksTheMLPAndMatchesEagerPruning() throws {
    let (model, x) = makeMLP()
    try Pruning.structured(model.layers[0], fraction: 0.5)
    let expected = try withNoGrad { try model(x) }
    let graph = try trace(model, example: x)
    var context = PassContext()
    var pruned = graph
    XCTAssertTrue(try PruneStructured(fraction: 0.5).run(&pruned, context: &context))
    try pruned.verify()
    XCTAssertEqual(pruned.weights["layers.0.weight"]?.shape, [6, 4])
    XCTAssertEqual(pruned.weights["layers.0.bias"]?.shape, [4])
    // The inputs shrink; the classifier keeps its 4 outputs.
    XCTAssertEqual(pruned.weights["layers.2.weight"]?.shape, [4, 4])
    XCTAssertEqual(context.counters, ["layers pruned": 1, "units removed": 4])
    let actual = try run(pruned, x)
    for (u, v) in zip(actual, expected.scalars) { XCTAssertEqual(u, v, accuracy: 1e-6) }
  }

  func testStructuredPruningShrinksLeNetChannelsThroughPoolingAndFlatten() throws {
    let model = LeNet(seed: 3)
    let x = Tensor.randn([2, 1, 8, 8], seed: 4)
    for layer in [model.conv1, model.conv2, model.fc1] as [Module] {
      try Pruning.structured(layer, fraction: 0.5, norm: .l2)
    }
    let expected = try withNoGrad { try model(x) }
    let graph = try trace(model, example: x)
    let pruned = try PruneStructured(fraction: 0.5, norm: .l2).applied(to: graph)
    XCTAssertEqual(pruned.weights["conv1.weight"]?.shape, [4, 1, 3, 3])
    XCTAssertEqual(pruned.weights["conv2.weight"]?.shape, [8, 4, 3, 3])
    XCTAssertEqual(pruned.weights["fc1.weight"]?.shape, [32, 16])  // 8 channels × 2 × 2 rows
    XCTAssertEqual(pruned.weights["fc2.weight"]?.shape, [16, 10])
    let actual = try run(pruned, x)
    for (u, v) in zip(actual, expected.scalars) { XCTAssertEqual(u, v, accuracy: 1e-5) }
    XCTAssertLessThan(try GraphAnalysis(pruned).totalFLOPs, try GraphAnalysis(graph).totalFLOPs / 2)
  }

  func testLayersWhoseOutputsGoElsewhereKeepTheirUnits() throws {
    var b = GraphBuilder(name: "branch")
    let x = b.input("x", .f32, [1, 3])
    let h = b.add(.linear, [x, b.weight("w1", TensorData([Float](repeating: 1, count: 12), shape: [3, 4]))])
    b.output(h)  // the hidden layer is also an output
    b.output(
      b.add(.linear, [h, b.weight("w2", TensorData([Float](repeating: 1, count: 8), shape: [4, 2]))]))
    var graph = try b.build()
    var context = PassContext()
    XCTAssertFalse(try PruneStructured(fraction: 0.5).run(&graph, context: &context))
  }

  func testPipelinesAddThePruningPassesTheOptionsAskFor() throws {
    let options = PassOptions(pruneSparsity: 0.9, pruneStructured: 0.25, pruneNorm: .l2)
    let pipeline = try Pipeline.level(.O1, options: options)
    XCTAssertTrue(
      pipeline.description.hasPrefix(
        "O1: prune-structured(fraction=0.25,norm=l2),prune-magnitude(sparsity=0.9,scope=layer),"
          + "sparsify(threshold=0.8,sliced_below_rows=\(Sparsify.defaultSlicedBelowRows)),"),
      pipeline.description)
    let (model, x) = makeMLP()
    let result = try PassManager(pipeline: pipeline).run(try trace(model, example: x))
    XCTAssertEqual(result.graph.nodes.map(\.op), [.sparseLinear, .relu, .sparseLinear, .softmax])
    let first = result.graph.nodes[0].outputs[0]
    XCTAssertEqual(try result.graph.valueTypes()[first]?.shape, [2, 6])  // 8 − 2 neurons
  }

  func testSparsityOutsideTheUnitIntervalIsAClearError() {
    for bad in [-0.5, 1, 1.5, .nan] {
      assertThrows("pass 'prune-magnitude': sparsity \(bad) is outside [0, 1)") {
        _ = try Pipeline.level(.O1, options: PassOptions(pruneSparsity: bad))
      }
      assertThrows("pass 'prune-structured': fraction \(bad) is outside [0, 1)") {
        _ = try Pipeline.named([], options: PassOptions(pruneStructured: bad))
      }
      assertThrows("prune-magnitude: sparsity \(bad) is outside [0, 1)") {
        _ = try PruneMagnitude(sparsity: bad).applied(to: try makeGraphWithDeadCode())
      }
    }
    assertThrows("pass 'prune-magnitude' needs a sparsity (--prune S)") {
      _ = try Pipeline.named(["prune-magnitude"])
    }
  }
}
