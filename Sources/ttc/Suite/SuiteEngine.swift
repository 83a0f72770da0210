import TTIR
import TTInterpreter
import TTLoader

/// What one suite entry runs: the interpreter or a compiled library, behind one call, with the
/// memory it needs.
struct SuiteEngine {
  private enum Kind {
    case interpreter(Interpreter)
    case compiled(CompiledModel, CompiledModel.Session)
  }

  private let kind: Kind
  private let graph: Graph
  /// Bytes of the weights: the graph's (interpreter) or the library's blob (compiled).
  let weightsBytes: Int
  /// Bytes of intermediates: the interpreter's peak of live buffers, or the compiled arena.
  let activationBytes: Int

  /// The engine `mode` asks for, for the graph `loaded` holds (compiling it through the cache), a
  /// compiled library with `threads` kernel threads per call.
  init(_ loaded: LoadedModel, mode: SuiteMode, compiler: CompilerFlags, threads: Int, modelPath: String)
    throws
  {
    graph = loaded.graph
    if mode.isCompiled {
      let model = try loadCompiledModel(loaded, library: nil, flags: compiler, modelPath: modelPath)
      do {
        try model.setThreads(threads)
      } catch {
        throw CommandFailure("\(modelPath): \(error)")
      }
      kind = .compiled(model, model.makeSession())
      weightsBytes = model.weightsBytes
      activationBytes = model.workspaceBytes
    } else {
      kind = .interpreter(try makeInterpreter(graph, modelPath: modelPath))
      weightsBytes = graph.weights.values.reduce(0) { $0 + $1.bytes.count }
      do {
        activationBytes = try GraphAnalysis(graph).peakIntermediateBytes
      } catch {
        throw CommandFailure("\(modelPath): \(error)")
      }
    }
  }

  /// Runs once on `inputs` (one per graph input, by name); returns the outputs in graph order.
  func run(_ inputs: [String: InterpreterTensor]) throws -> [[Float]] {
    switch kind {
    case .interpreter(let interpreter):
      let outputs = try interpreter.run(inputs)
      return graph.outputs.map { outputs[$0.name]!.floats() }
    case .compiled(_, let session):
      return try session.run(orderedInputs(inputs, of: graph)).map { $0.floats() }
    }
  }

  /// A call on `inputs` for timing: the inputs are converted once, the outputs dropped.
  func call(_ inputs: [String: InterpreterTensor]) -> () throws -> Void {
    switch kind {
    case .interpreter(let interpreter):
      return { _ = try interpreter.run(inputs) }
    case .compiled(_, let session):
      let ordered = orderedInputs(inputs, of: graph)
      return { _ = try session.run(ordered) }
    }
  }

  /// `callers` callers running the compiled library at once on `inputs` (nil for the interpreter).
  func concurrent(_ inputs: [String: InterpreterTensor], callers: Int, runs: Int?, budget: Double, batch: Int)
    throws -> Latency?
  {
    guard case .compiled(let model, _) = kind else { return nil }
    return try Latency.concurrent(
      model, orderedInputs(inputs, of: graph), threads: callers, runs: runs, budget: budget, batch: batch)
  }
}
