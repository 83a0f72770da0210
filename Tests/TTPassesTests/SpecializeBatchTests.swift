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

  func testAFrozenBatchSizeIsReportedWithTheNode() throws {
    var b = GraphBuilder(name: "frozen")
    let x = b.input("x", .f32, [2, 6])
    b.output(b.add(.reshape, [x], attributes: ["shape": .ints([2, 3, 2])], name: "r"))
    let graph = try b.build()
    XCTAssertThrowsError(try SpecializeBatch(batchSize: 5).applied(to: graph)) { error in
      XCTAssertTrue("\(error)".contains("'r'"), "\(error)")
    }
  }
}
