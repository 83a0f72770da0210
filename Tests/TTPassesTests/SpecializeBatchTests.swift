import TTIR
import TTPasses
import TinyTorch
import XCTest

final class SpecializeBatchTests: XCTestCase {
  func testTracedCNNReSpecializesToAnotherBatchSize() throws {
    let cnn = Sequential(
      Conv2d(1, 4, kernelSize: 3, padding: 1, seed: 1), ReLU(), MaxPool2d(2), Flatten(),
      Linear(4 * 4 * 4, 10, seed: 2))
    let graph = try trace(cnn, example: Tensor.randn([2, 1, 8, 8], seed: 3))
    XCTAssertEqual(graph.batchSize, 2)
    let big = try SpecializeBatch(batchSize: 64).applied(to: graph)
    XCTAssertEqual(big.inputs.first?.type.shape, [64, 1, 8, 8])
    XCTAssertEqual(big.outputs.first?.type.shape, [64, 10])
    XCTAssertThrowsError(try SpecializeBatch(batchSize: 0).applied(to: graph))
  }

  /// Shape attributes that span the batch axis where it has moved or merged are rescaled: a
  /// reshape moving it inwards, one merging it with the next axis, a slice over all of it.
  func testBatchSizesBakedIntoShapeAttributesAreRescaled() throws {
    var b = GraphBuilder(name: "baked")
    let x = b.input("x", .f32, [2, 3, 4])
    let moved = b.add(.transpose, [x], attributes: ["perm": .ints([1, 0, 2])], name: "t")
    let all = b.add(
      .slice, [moved],
      attributes: ["starts": .ints([0, 0, 0]), "ends": .ints([3, 2, 4]), "steps": .ints([1, 1, 1])],
      name: "s")
    let split = b.add(.reshape, [all], attributes: ["shape": .ints([3, 2, 2, 2])], name: "r1")
    let merged = b.add(.reshape, [split], attributes: ["shape": .ints([6, 4])], name: "r2")
    b.output(b.add(.relu, [merged], name: "y"))
    let graph = try b.build()
    let big = try SpecializeBatch(batchSize: 5).applied(to: graph)
    XCTAssertEqual(big.outputs.first?.type.shape, [15, 4])
    let nodes = Dictionary(uniqueKeysWithValues: big.nodes.map { ($0.name, $0) })
    XCTAssertEqual(nodes["s"]?.ints("ends"), [3, 5, 4])
    XCTAssertEqual(nodes["r1"]?.ints("shape"), [3, 5, 2, 2])
    XCTAssertEqual(nodes["r2"]?.ints("shape"), [15, 4])
    let back = try SpecializeBatch(batchSize: 2).applied(to: big)
    XCTAssertEqual(back.nodes, graph.nodes)
  }

  func testAFrozenBatchSizeIsReportedWithTheNode() throws {
    var b = GraphBuilder(name: "frozen")
    let x = b.input("x", .f32, [4, 6])
    b.output(b.add(.reshape, [x], attributes: ["shape": .ints([2, 2, 6])], name: "r"))
    let graph = try b.build()
    XCTAssertThrowsError(try SpecializeBatch(batchSize: 5).applied(to: graph)) { error in
      XCTAssertTrue("\(error)".contains("'r'") && "\(error)".contains("splits"), "\(error)")
    }
    var w = GraphBuilder(name: "broadcast")
    let input = w.input("x", .f32, [2, 3])
    let bias = w.weight("bias", TensorData([Float](repeating: 1, count: 6), shape: [2, 3]))
    w.output(w.add(.add, [input, bias], name: "plus"))
    XCTAssertThrowsError(try SpecializeBatch(batchSize: 5).applied(to: try w.build())) { error in
      XCTAssertTrue("\(error)".contains("'plus'"), "\(error)")
    }
  }
}
