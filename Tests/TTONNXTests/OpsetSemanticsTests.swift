import Foundation
import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// Ops whose meaning or inputs changed between opsets import per the model's opset.
final class OpsetSemanticsTests: XCTestCase {
  private let values: [Float] = (0..<12).map { Float($0) * 0.25 - 1 }

  private func run(_ model: ONNXModelBuilder) throws -> TensorData {
    let graph = try model.importGraph()
    let outputs = try Interpreter(graph: graph).run(["x": InterpreterTensor(values, shape: [2, 2, 3])])
    return outputs[graph.outputs[0].name]!.tensorData
  }

  private func single(
    _ opType: String, opset: Int64, inputs: [String] = ["x"], attributes: [Onnx_AttributeProto] = [],
    initializers: [String: TensorData] = [:]
  ) -> ONNXModelBuilder {
    var model = ONNXModelBuilder(opset: opset)
    model.input("x", [2, 2, 3])
    for (name, data) in initializers { model.initializer(name, data) }
    model.node(opType, inputs, ["y"], attributes: attributes)
    model.output("y")
    return model
  }

  func testSoftmaxBefore13NormalizesTheFlattenedTail() throws {
    let old = try run(single("Softmax", opset: 11, attributes: [Attribute.int("axis", 1)])).floats()
    // Opset 11: each batch row of 6 values sums to 1.
    XCTAssertEqual(old[0..<6].reduce(0, +), 1, accuracy: 1e-5)
    XCTAssertNotEqual(old[0..<3].reduce(0, +), 1, accuracy: 1e-3)
    let new = try run(single("Softmax", opset: 13, attributes: [Attribute.int("axis", 1)])).floats()
    // Opset 13: along axis 1 only, so x[0, 0, 0] and x[0, 1, 0] sum to 1.
    XCTAssertEqual(new[0] + new[3], 1, accuracy: 1e-5)
    let defaultAxis = try run(single("LogSoftmax", opset: 13)).floats()
    XCTAssertEqual(defaultAxis[0..<3].map(exp).reduce(0, +), 1, accuracy: 1e-5)
  }

  func testReduceAxesAttributeThenInput() throws {
    let expected: [Float] = [values[0] + values[3], values[1] + values[4], values[2] + values[5]]
    let old = try run(
      single("ReduceSum", opset: 11, attributes: [Attribute.ints("axes", [1]), Attribute.int("keepdims", 0)]))
    XCTAssertEqual(old.shape, [2, 3])
    XCTAssertEqual(Array(old.floats()[0..<3]), expected)
    let new = try run(
      single(
        "ReduceSum", opset: 13, inputs: ["x", "axes"], attributes: [Attribute.int("keepdims", 0)],
        initializers: ["axes": TensorData(int64s: [1], shape: [1])]))
    XCTAssertEqual(new, old)
    let meanOld = try run(single("ReduceMean", opset: 17, attributes: [Attribute.ints("axes", [-1])]))
    let meanNew = try run(
      single(
        "ReduceMean", opset: 18, inputs: ["x", "axes"],
        initializers: ["axes": TensorData(int64s: [-1], shape: [1])]))
    XCTAssertEqual(meanOld.shape, [2, 2, 1])
    XCTAssertEqual(meanOld, meanNew)
  }

  /// ONNX defines `ReduceMax`/`ReduceMin` over an empty axis as the element type's lowest/highest
  /// value; the IR refuses them, so they fold to that constant at import.
  func testReduceMaxAndMinOverAnEmptyAxisAreTheTypesBounds() throws {
    let cases: [(Int32, String, Double)] = [
      (ONNXDataType.float, "ReduceMax", -.infinity), (ONNXDataType.float, "ReduceMin", .infinity),
      (ONNXDataType.bool, "ReduceMax", 0), (ONNXDataType.bool, "ReduceMin", 1),
      (ONNXDataType.uint8, "ReduceMax", 0), (ONNXDataType.uint8, "ReduceMin", 255),
      (ONNXDataType.int32, "ReduceMax", Double(Int32.min)), (ONNXDataType.int64, "ReduceMin", 0x1p63),
    ]
    for (type, op, bound) in cases {
      var model = ONNXModelBuilder(opset: 17)
      model.input("x", [2, 0, 3], type: type)
      model.node(op, ["x"], ["y"], attributes: [Attribute.ints("axes", [1])])
      model.output("y")
      let graph = try model.importGraph()
      XCTAssertEqual(graph.outputs[0].type.shape, [2, 1, 3])
      let empty = try TensorData(type: graph.inputs[0].type, bytes: [])
      let y = try Interpreter(graph: graph).run(["x": InterpreterTensor(empty)])[graph.outputs[0].name]!
        .tensorData
      // Int64.max is 2^63 as a Double.
      let values = y.dtype.isInteger ? y.int64s().map(Double.init) : y.floats().map(Double.init)
      XCTAssertEqual(values, Array(repeating: bound, count: 6), "\(op) of \(ONNXDataType.name(type))")
    }
    var all = ONNXModelBuilder(opset: 20)
    all.input("x", [2, 0])
    all.node("ReduceMin", ["x"], ["y"], attributes: [Attribute.int("keepdims", 0)])
    all.output("y")
    XCTAssertEqual(try all.importGraph().outputs[0].type.shape, [])
  }

  func testSqueezeUnsqueezeAndSplitAxesByOpset() throws {
    let old = try run(single("Unsqueeze", opset: 11, attributes: [Attribute.ints("axes", [0, 4])]))
    let new = try run(
      single(
        "Unsqueeze", opset: 13, inputs: ["x", "axes"],
        initializers: ["axes": TensorData(int64s: [0, -1], shape: [2])]))
    XCTAssertEqual(old.shape, [1, 2, 2, 3, 1])
    XCTAssertEqual(new.shape, old.shape)

    var split = ONNXModelBuilder(opset: 13)
    split.input("x", [2, 2, 3])
    split.initializer("sizes", TensorData(int64s: [1, 2], shape: [2]))
    split.node("Split", ["x", "sizes"], ["a", "b"], attributes: [Attribute.int("axis", 2)])
    split.output("b")
    let graph = try split.importGraph()
    XCTAssertEqual(graph.outputs[0].type.shape, [2, 2, 2])
    let b = try Interpreter(graph: graph).run(["x": InterpreterTensor(values, shape: [2, 2, 3])])[
      graph.outputs[0].name]!
    XCTAssertEqual(Array(b.floats()[0..<2]), [values[1], values[2]])
  }

  func testGemmOptionsAndConstantWeightsBecomeLinear() throws {
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [2, 3])
    model.initializer("w", TensorData([1, 2, 3, 4, 5, 6], shape: [2, 3]))
    model.initializer("c", TensorData([10, 20], shape: [2]))
    model.node(
      "Gemm", ["x", "w", "c"], ["y"],
      attributes: [Attribute.int("transB", 1), Attribute.float("alpha", 2), Attribute.float("beta", 0.5)])
    model.output("y")
    let graph = try model.importGraph()
    XCTAssertEqual(graph.nodes.map(\.op), [.linear])
    let x: [Float] = [1, 0, -1, 2, 1, 0]
    let y = try Interpreter(graph: graph).run(["x": InterpreterTensor(x, shape: [2, 3])])[
      graph.outputs[0].name]!.floats()
    // y = 2·x·wᵀ + 0.5·c
    let expected: [Float] = [-4 + 5, -4 + 10, 8 + 5, 26 + 10]
    XCTAssertEqual(y, expected)
  }
}
