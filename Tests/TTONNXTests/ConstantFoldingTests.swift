import Foundation
import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// Ops on constants fold at import to exactly what the graph would compute (docs/IR.md).
final class ConstantFoldingTests: XCTestCase {
  /// A `Cast` folded at import converts as the IR's `cast` does: saturating, NaN → 0.
  func testFoldedCastsToIntegersSaturate() throws {
    var model = ONNXModelBuilder()
    model.input("x", [3], type: ONNXDataType.int32)
    model.initializer("big", TensorData([1e30, -.infinity, .nan], shape: [3]))
    model.node("Cast", ["big"], ["c"], attributes: [Attribute.int("to", Int(ONNXDataType.int32))])
    model.node("Add", ["x", "c"], ["y"])
    model.output("y")
    let graph = try model.importGraph()
    XCTAssertEqual(graph.weights.values.map { $0.int64s() }, [[Int64(Int32.max), Int64(Int32.min), 0]])
  }

  /// `Max` and `Min` of constants fold as the IR's `maximum`/`minimum`: a NaN operand gives NaN.
  func testFoldedMaxAndMinPropagateNaN() throws {
    for op in ["Max", "Min"] {
      var model = ONNXModelBuilder()
      model.input("x", [3])
      model.initializer("a", TensorData([.nan, 1, 2], shape: [3]))
      model.initializer("b", TensorData([1, .nan, 3], shape: [3]))
      model.node(op, ["a", "b"], ["c"])
      model.node("Add", ["x", "c"], ["y"])
      model.output("y")
      let folded = try XCTUnwrap(try model.importGraph().weights.values.first).floats()
      XCTAssertTrue(folded[0].isNaN && folded[1].isNaN, "\(op): \(folded)")
      XCTAssertEqual(folded[2], op == "Max" ? 3 : 2)
    }
  }

  /// `Mod` and integer `Div` of constants fold at import to what the interpreter computes.
  func testFoldedModAndDivAgreeWithTheInterpreter() throws {
    let a: [Int64] = [7, -7, 7, -7, .min, 5]
    let b: [Int64] = [3, 3, -3, -3, -1, -1]
    let fa: [Float] = [5.5, -5.5, 5.5, -5.5, 1, 3]
    let fb: [Float] = [2, 2, -2, -2, 0, 1.5]
    for (op, attributes) in [
      ("Mod", [Attribute.int("fmod", 0)]), ("Mod", [Attribute.int("fmod", 1)]), ("Div", []),
    ] {
      var folded: [[String]] = []
      for constant in [true, false] {
        var model = ONNXModelBuilder()
        for (name, data) in [
          ("a", TensorData(int64s: a, shape: [6])), ("b", TensorData(int64s: b, shape: [6])),
          ("fa", TensorData(fa, shape: [6])), ("fb", TensorData(fb, shape: [6])),
        ] {
          if constant {
            model.initializer(name, data)
          } else {
            model.input(name, [6], type: ONNXDataType.code(data.dtype))
          }
        }
        model.node(op, ["a", "b"], ["y"], attributes: attributes)
        model.output("y")
        if op == "Mod" {
          model.node(op, ["fa", "fb"], ["fy"], attributes: attributes)
          model.output("fy")
        }
        let graph = try model.importGraph()
        XCTAssertEqual(graph.nodes.contains { $0.op == .mod || $0.op == .div }, !constant, "\(op) folds")
        let inputs = [
          "a": try InterpreterTensor(shape: [6], storage: .i64(a)),
          "b": try InterpreterTensor(shape: [6], storage: .i64(b)),
          "fa": InterpreterTensor(fa, shape: [6]), "fb": InterpreterTensor(fb, shape: [6]),
        ]
        let outputs = try Interpreter(graph: graph).run(
          inputs.filter { name, _ in graph.inputs.contains { $0.name == name } })
        // NaN (x mod 0) is compared by name: its sign may differ.
        let results = graph.outputs.map { output in
          outputs[output.name]!.tensorData.dtype.isInteger
            ? outputs[output.name]!.int64s().map { "\($0)" }
            : outputs[output.name]!.floats().map { $0.isNaN ? "nan" : "\($0)" }
        }
        if constant { folded = results } else { XCTAssertEqual(results, folded, "\(op) \(attributes)") }
      }
    }
  }
}
