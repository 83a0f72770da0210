import TTCodegen
import TTIR
import TTInterpreter
import TTLoader

/// Loads the compiled library of `loaded.graph`: the one at `path` when given (it must have been
/// compiled from exactly this graph), else one compiled on the fly through the compile cache (the
/// pipeline that made the graph is part of the cache key, as with `ttc compile`).
///
/// External weights are taken from the graph (i.e. from the model's safetensors file).
///
/// - Throws: ``CommandFailure`` naming the model or library file.
func loadCompiledModel(_ loaded: LoadedModel, library path: String?, flags: CompilerFlags, modelPath: String)
  throws -> CompiledModel
{
  let graph = loaded.graph
  let libraryPath: String
  if let path {
    libraryPath = path
  } else {
    do {
      var options = try flags.options()
      options.passes = [loaded.pipeline.description]
      libraryPath = try ModelCompiler.compile(graph, options: options).libraryPath
    } catch {
      throw CommandFailure("\(modelPath): \(error)")
    }
  }
  do {
    return try CompiledModel(path: libraryPath, expecting: graph.contentHash, weights: graph.weights)
  } catch .graphMismatch(let library, _, _) {
    throw CommandFailure(
      "\(library) was not compiled from \(modelPath) (graph hash differs; check --batch and -O/--passes); "
        + "recompile it with ttc compile")
  } catch {
    throw CommandFailure("\(error)")
  }
}

/// `values` (one per graph input, by name) in the graph's input order, as a compiled library
/// takes them.
func orderedInputs(_ values: [String: InterpreterTensor], of graph: Graph) -> [TensorData] {
  graph.inputs.map { values[$0.name]!.tensorData }
}
