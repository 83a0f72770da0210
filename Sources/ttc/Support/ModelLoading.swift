import Foundation
import TTIR
import TTInterpreter

/// Loads `path` with ``TTIR/ModelFile/load(from:allowingWeightsOutsideFolder:)``; errors name the
/// file as the user wrote it, e.g. `model.json: node 'fc2' (matmul): inner dimensions 128 and 64 differ`.
func loadModel(_ path: String, _ flags: ModelFileFlags) throws -> Graph {
  do {
    return try ModelFile.load(
      from: URL(fileURLWithPath: path), allowingWeightsOutsideFolder: flags.allowsWeightsOutsideFolder)
  } catch {
    throw CommandFailure("\(path): \(error.message)")
  }
}

/// Prepares `graph` for interpretation; errors name the model file.
func makeInterpreter(_ graph: Graph, modelPath: String) throws -> Interpreter {
  do {
    return try Interpreter(graph: graph)
  } catch {
    throw CommandFailure("\(modelPath): \(error)")
  }
}

/// Runs `graph` once with the interpreter; errors name the model file.
func interpret(_ graph: Graph, _ values: [String: InterpreterTensor], modelPath: String) throws
  -> [String: InterpreterTensor]
{
  let interpreter = try makeInterpreter(graph, modelPath: modelPath)
  do {
    return try interpreter.run(values)
  } catch {
    throw CommandFailure("\(modelPath): \(error)")
  }
}
