import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// `GatherElements` (Hugging Face BERT's token-type and position lookups) with constant indices.
final class GatherElementsTests: XCTestCase {
  private let values: [Float] = (0..<12).map(Float.init)  // x[i, j, k] = 6i + 3j + k

  private func gatherElements(axis: Int, indices: TensorData, dataIsConstant: Bool = false)
    -> ONNXModelBuilder
  {
    var model = ONNXModelBuilder(opset: 13)
    if dataIsConstant {
      model.initializer("x", TensorData(values, shape: [2, 2, 3]))
    } else {
      model.input("x", [2, 2, 3])
    }
    model.initializer("indices", indices)
    model.node("GatherElements", ["x", "indices"], ["y"], attributes: [Attribute.int("axis", axis)])
    model.output("y")
    return model
  }

  func testConstantIndicesGatherAlongTheAxisInBothEngines() throws {
    // Along the last axis, with a negative index and fewer columns than the data.
    let lastAxis = TensorData(int64s: [2, 0, -1, 1, 0, 0, 1, 1], shape: [2, 2, 2])
    let graph = try gatherElements(axis: 2, indices: lastAxis).importGraph()
    XCTAssertTrue(graph.nodes.contains { $0.op == .gather })
    let output = try Interpreter(graph: graph).run(["x": InterpreterTensor(values, shape: [2, 2, 3])])[
      graph.outputs[0].name]!
    XCTAssertEqual(output.shape, [2, 2, 2])
    XCTAssertEqual(output.floats(), [2, 0, 5, 4, 6, 6, 10, 10])

    // Along the first axis.
    let firstAxis = TensorData(int64s: [1, 0, 1, 0, 0, 0], shape: [1, 2, 3])
    let first = try gatherElements(axis: 0, indices: firstAxis).importGraph()
    let gathered = try Interpreter(graph: first).run(["x": InterpreterTensor(values, shape: [2, 2, 3])])[
      first.outputs[0].name]!
    XCTAssertEqual(gathered.floats(), [6, 1, 8, 3, 4, 5])
  }

  func testConstantDataFoldsAtImport() throws {
    let indices = TensorData(int64s: [1, 0, 1, 0, 0, 0], shape: [1, 2, 3])
    var model = gatherElements(axis: 0, indices: indices, dataIsConstant: true)
    model.input("unused", [1])
    let graph = try model.importGraph()
    XCTAssertFalse(graph.nodes.contains { $0.op == .gather })
    let output = try Interpreter(graph: graph).run(["unused": InterpreterTensor([0], shape: [1])])[
      graph.outputs[0].name]!
    XCTAssertEqual(output.floats(), [6, 1, 8, 3, 4, 5])
  }

  func testComputedOrOutOfRangeIndicesAreRefusedNamingTheNode() throws {
    var computed = ONNXModelBuilder(opset: 13)
    computed.input("x", [2, 2, 3])
    computed.input("indices", [2, 2, 3], type: ONNXDataType.int64)
    computed.node("GatherElements", ["x", "indices"], ["y"])
    computed.output("y")
    assertFails("(GatherElements, opset 13)") { _ = try computed.importGraph() }
    assertFails("only constant indices") { _ = try computed.importGraph() }

    let outOfRange = gatherElements(axis: 1, indices: TensorData(int64s: [0, 2, 0], shape: [1, 1, 3]))
    assertFails("index 2 is out of range for dimension 2") { _ = try outOfRange.importGraph() }
    let badShape = gatherElements(axis: 1, indices: TensorData(int64s: [0, 0, 0, 0], shape: [1, 1, 4]))
    assertFails("does not fit data shape") { _ = try badShape.importGraph() }
  }
}
