import TTIR
import TTPasses
import XCTest

final class PackWeightsTests: XCTestCase {
  /// Only a `linear`/`matmul` whose right operand is an f32 weight matrix is marked; the pass is
  /// idempotent and changes nothing else (the graph computes the same).
  func testMarksGemmsWithAConstantF32WeightMatrixOnly() throws {
    var b = GraphBuilder(name: "pack")
    let x = b.input("x", .f32, [2, 3])
    let w = b.weight("w", TensorData([Float](repeating: 0.5, count: 12), shape: [3, 4]))
    let bias = b.weight("bias", TensorData([Float](repeating: 1, count: 4), shape: [4]))
    let half = b.weight("half", TensorData(halves: [Float](repeating: 0.5, count: 16), shape: [4, 4]))
    let h = b.add(.linear, [x, w, bias], name: "fc")
    let w2 = b.weight("w2", TensorData([Float](repeating: 2, count: 20), shape: [4, 5]))
    let g = b.add(.matmul, [h, w2], name: "mm")
    let square = b.add(
      .matmul, [g, b.add(.transpose, [g], attributes: ["perm": .ints([1, 0])], name: "t")], name: "gram")
    let narrow = b.add(.linear, [h, half], name: "f16")
    b.output(square)
    b.output(narrow)
    let graph = try b.build()
    var context = PassContext()
    var packed = graph
    XCTAssertTrue(try PackWeights().run(&packed, context: &context))
    XCTAssertEqual(context.counters["packed weights"], 2)
    let marked = packed.nodes.filter { $0.bool("pack_weight") == true }.map(\.name)
    XCTAssertEqual(marked, ["fc", "mm"])
    XCTAssertEqual(packed.nodes.map(\.inputs), graph.nodes.map(\.inputs))
    XCTAssertEqual(packed.weights, graph.weights)
    var again = packed
    XCTAssertFalse(try PackWeights().run(&again, context: &context))
    XCTAssertEqual(again, packed)
  }

  func testTheOptimizationLevelsEndWithIt() throws {
    for level in [OptimizationLevel.O1, .O2] {
      XCTAssertEqual(try Pipeline.level(level).passes.last?.name, PackWeights.name)
    }
    XCTAssertFalse(OptimizationLevel.O0.passNames.contains(PackWeights.name))
  }
}
