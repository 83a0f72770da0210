import Foundation
import TTCodegen
import TTIR
import TTLoader
import XCTest

/// Compiles `graph` into a private cache, loads it, runs it on `inputs`.
func compileAndRun(_ graph: Graph, _ inputs: [[Float]], cache: String) throws -> [[Float]] {
  let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
  let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
  return try model.run(inputs)
}
