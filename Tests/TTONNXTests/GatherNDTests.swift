import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// `GatherND` with constant indices (the dynamo exporter's attention-mask lookups).
final class GatherNDTests: XCTestCase {
  private let values: [Float] = (0..<12).map(Float.init)  // x[i, j, k] = 6i + 3j + k

  private func gatherND(_ indices: TensorData, dataIsConstant: Bool = false, batchDims: Int = 0)
    -> ONNXModelBuilder
  {
    var model = ONNXModelBuilder(opset: 13)
    if dataIsConstant {
      model.initializer("x", TensorData(values, shape: [2, 2, 3]))
      model.input("unused", [1])
    } else {
      model.input("x", [2, 2, 3])
    }
    model.initializer("indices", indices)
    model.node(
      "GatherND", ["x", "indices"], ["y"], name: "g", attributes: [Attribute.int("batch_dims", batchDims)])
    model.output("y")
    return model
  }

  func testIndexTuplesPickElementsOrSlicesAndFoldForConstantData() throws {
    let cases: [(TensorData, [Int], [Float])] = [
      // Whole elements (K = 3), one index negative.
      (TensorData(int64s: [1, 0, 2, 0, 1, -1], shape: [2, 3]), [2], [8, 5]),
      // Slices along the first axis (K = 1).
      (TensorData(int64s: [1, 0], shape: [2, 1]), [2, 2, 3], Array(values[6...] + values[..<6])),
      // Rows (K = 2), as the dynamo exporter gathers mask[b, j].
      (TensorData(int64s: [0, 1, 1, -2], shape: [2, 1, 2]), [2, 1, 3], [3, 4, 5, 6, 7, 8]),
    ]
    for (indices, shape, expected) in cases {
      let graph = try gatherND(indices).importGraph()
      XCTAssertEqual(graph.nodes.filter { $0.op == .gather }.count, 1)
      let output = try Interpreter(graph: graph).run(["x": InterpreterTensor(values, shape: [2, 2, 3])])[
        graph.outputs[0].name]!
      XCTAssertEqual(output.shape, shape)
      XCTAssertEqual(output.floats(), expected, "\(indices.int64s())")

      let folded = try gatherND(indices, dataIsConstant: true).importGraph()
      XCTAssertFalse(folded.nodes.contains { $0.op == .gather })
      let constant = try Interpreter(graph: folded).run(["unused": InterpreterTensor([0], shape: [1])])[
        folded.outputs[0].name]!
      XCTAssertEqual(constant.floats(), expected)
    }
  }

  func testUnsupportedOrInvalidIndicesAreRefusedNamingTheNode() throws {
    var computed = ONNXModelBuilder(opset: 13)
    computed.input("x", [2, 2, 3])
    computed.input("indices", [2, 3], type: ONNXDataType.int64)
    computed.node("GatherND", ["x", "indices"], ["y"], name: "g")
    computed.output("y")
    assertFails("node 'g' (GatherND, opset 13): indices computed by the graph are not supported") {
      _ = try computed.importGraph()
    }
    let batched = gatherND(TensorData(int64s: [0, 1], shape: [2, 1]), batchDims: 1)
    assertFails("batch_dims other than 0 is not supported") { _ = try batched.importGraph() }
    let outOfRange = gatherND(TensorData(int64s: [0, 2], shape: [1, 2]))
    assertFails("index 2 is out of range for dimension 2 (axis 1)") { _ = try outOfRange.importGraph() }
    let tooDeep = gatherND(TensorData(int64s: [0, 0, 0, 0], shape: [1, 4]))
    assertFails("indices of shape [1, 4] do not fit data of shape [2, 2, 3]") {
      _ = try tooDeep.importGraph()
    }
  }
}
