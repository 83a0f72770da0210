import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import TinyTorch
import XCTest

/// The repository root (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The path a model goes through when deployed: trace → model.json + safetensors → load.
func exportAndReload(_ model: Module, example: Tensor, name: String, in directory: URL) throws -> Graph {
  let url = directory.appendingPathComponent("\(name).json")
  try ModelFile.save(try trace(model, example: example, name: name), to: url)
  return try ModelFile.load(from: url)
}

/// Compiles `graph` into the cache at `cache` and loads the library, checking its graph hash.
func compileAndLoad(_ graph: Graph, cache: URL) throws -> CompiledModel {
  let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache.path))
  return try CompiledModel(path: artifact.libraryPath, expecting: graph.contentHash)
}

/// Runs `model` eagerly (no grad, evaluation mode), through the interpreter and compiled on
/// `input`, and checks that the three agree within the documented fp32 tolerance:
/// `|a − b| ≤ 1e-4 · max(1, |b|)`. Returns the compiled output.
@discardableResult
func assertEagerInterpretedAndCompiledAgree(
  _ model: Module, input: Tensor, graph: Graph, cache: URL, file: StaticString = #filePath, line: UInt = #line
) throws -> [Float] {
  model.eval()
  let eager = try withNoGrad { try model(input) }.scalars
  let interpreted = try Interpreter(graph: graph).run([
    "x": InterpreterTensor(input.scalars, shape: input.shape)
  ])
  let compiled = try compileAndLoad(graph, cache: cache).run([input.scalars])[0]
  assertClose(
    interpreted[graph.outputs[0].name]!.floats(), eager, "interpreter vs eager",
    tolerance: Tolerance.compiled, file: file, line: line)
  assertClose(
    compiled, interpreted[graph.outputs[0].name]!.floats(), "compiled vs interpreter",
    tolerance: Tolerance.compiled, file: file, line: line)
  try assertOptimizedAgrees(graph, input: input, expected: interpreted, cache: cache, file: file, line: line)
  return compiled
}

/// The graph after `-O2` (fusion included) agrees with the unoptimized graph's interpreted
/// outputs `expected`: interpreted within 1e-5 relative, compiled within the fp32 tolerance.
func assertOptimizedAgrees(
  _ graph: Graph, input: Tensor, expected: [String: InterpreterTensor], cache: URL,
  file: StaticString = #filePath, line: UInt = #line
) throws {
  let optimized = try PassManager(pipeline: .level(.O2)).run(graph).graph
  let name = graph.outputs[0].name
  let interpreted = try Interpreter(graph: optimized).run([
    "x": InterpreterTensor(input.scalars, shape: input.shape)
  ])[name]!.floats()
  assertClose(
    interpreted, expected[name]!.floats(), "-O2 interpreter vs -O0", tolerance: 1e-5, file: file, line: line)
  let compiled = try compileAndLoad(optimized, cache: cache).run([input.scalars])[0]
  assertClose(
    compiled, interpreted, "-O2 compiled vs -O2 interpreter", tolerance: Tolerance.compiled, file: file,
    line: line)
}

/// The index of the largest value in each row of a row-major `[rows, columns]` array.
func rowArgmax(_ values: [Float], columns: Int) -> [Int] {
  stride(from: 0, to: values.count, by: columns).map { start in
    let row = values[start..<start + columns]
    return row.indices.max { row[$0] < row[$1] }! - start
  }
}
