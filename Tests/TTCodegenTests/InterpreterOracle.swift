import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import XCTest

/// Deterministic `f32` tensor with values in `[low, high)`.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> InterpreterTensor {
  let values = randomFloats(shape.reduce(1, *), seed: seed).map { low + ($0 + 1) / 2 * (high - low) }
  return InterpreterTensor(values, shape: shape)
}

/// Compiles `graph`, runs it and the interpreter on `inputs`, and checks every graph output:
/// integer outputs must be equal, float outputs within `|c − i| ≤ tolerance · max(1, |i|)`
/// (the documented fp32 tolerance, 1e-4). `weights: .external` loads the weights at run time.
func assertCompiledMatchesInterpreter(
  _ graph: Graph, _ inputs: [String: InterpreterTensor], cache: String, tolerance: Float = 1e-4,
  weights: CEmitter.WeightsMode = .embedded, file: StaticString = #filePath, line: UInt = #line
) throws {
  let expected = try Interpreter(graph: graph).run(inputs)
  let artifact = try ModelCompiler.compile(
    graph, options: CompileOptions(cacheDirectory: cache, weights: weights))
  let model = try CompiledModel(
    path: artifact.libraryPath, expecting: artifact.graphHash,
    weights: weights == .external ? graph.weights : [:])
  let actual = try model.run(graph.inputs.map { inputs[$0.name]!.tensorData })
  XCTAssertEqual(actual.count, graph.outputs.count, file: file, line: line)
  for (info, value) in zip(graph.outputs, actual) {
    let reference = expected[info.name]!
    XCTAssertEqual(value.type, reference.type, "output '\(info.name)'", file: file, line: line)
    if info.type.dtype.isFloatingPoint {
      let (a, b) = (value.floats(), reference.floats())
      XCTAssertEqual(a.count, b.count, file: file, line: line)
      for (index, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(y))) {
        XCTFail(
          "output '\(info.name)' element \(index): compiled \(x), interpreter \(y)", file: file, line: line)
        break
      }
    } else {
      XCTAssertEqual(value.int64s(), reference.int64s(), "output '\(info.name)'", file: file, line: line)
    }
  }
}
