import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTONNX

/// How one engine did on one case.
public enum EngineOutcome: Sendable, Equatable {
  /// Every output within tolerance; the largest absolute difference.
  case passed(maxDifference: Double)
  /// An output outside tolerance or of the wrong shape.
  case mismatch(String)
  /// The engine refused or failed to run the graph.
  case error(String)
  /// Not run (import failed, or compilation was not asked for).
  case skipped

  /// Whether this is ``passed(maxDifference:)``.
  public var passed: Bool {
    if case .passed = self { true } else { false }
  }

  /// A short cell for the results table.
  public var summary: String {
    switch self {
    case .passed(let difference): "ok (max diff \(format(difference)))"
    case .mismatch(let message): "FAIL: \(message)"
    case .error(let message): "ERROR: \(message)"
    case .skipped: "-"
    }
  }
}

/// The result of one case through import, the interpreter and the compiled library.
public struct CaseResult: Sendable {
  /// The case's name.
  public var name: String
  /// Why the importer refused the model, if it did.
  public var unsupported: String?
  /// The interpreter's outcome.
  public var interpreter: EngineOutcome = .skipped
  /// The compiled library's outcome.
  public var compiled: EngineOutcome = .skipped

  /// `passed` (both engines, or the interpreter alone when not compiling), `unsupported`, or `failed`.
  public func status(compiling: Bool) -> String {
    if unsupported != nil { return "unsupported" }
    return interpreter.passed && (!compiling || compiled.passed) ? "passed" : "failed"
  }
}

/// Runs cases: import → interpreter, and import → C → clang → dlopen.
public struct ConformanceRunner: Sendable {
  /// Whether to compile and run each graph as a shared library too.
  public var compile: Bool
  /// The compile cache folder (`nil`: ttc's default).
  public var cacheDirectory: String?

  /// Creates a runner.
  public init(compile: Bool = true, cacheDirectory: String? = nil) {
    self.compile = compile
    self.cacheDirectory = cacheDirectory
  }

  /// Runs one case.
  public func run(_ testCase: ConformanceCase) -> CaseResult {
    var result = CaseResult(name: testCase.name)
    let imported: (graph: Graph, inputs: [String: TensorData])
    let expected: [TensorData]
    do {
      imported = try testCase.importGraph()
      expected = try testCase.tensors("output")
    } catch {
      result.unsupported = error.description.replacingOccurrences(of: testCase.folder.path + "/", with: "")
      return result
    }
    let graph = imported.graph
    let tolerance = testCase.tolerance
    do {
      let interpreter = try Interpreter(graph: graph)
      let outputs = try interpreter.run(imported.inputs.mapValues(InterpreterTensor.init))
      let actual = graph.outputs.map { outputs[$0.name]!.tensorData }
      result.interpreter = Self.compare(actual, expected, tolerance)
    } catch {
      result.interpreter = .error("\(error)")
    }
    guard compile else { return result }
    do {
      let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cacheDirectory))
      let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
      let actual = try model.run(graph.inputs.map { imported.inputs[$0.name]! })
      result.compiled = Self.compare(actual, expected, tolerance)
    } catch {
      result.compiled = .error("\(error)".split(separator: "\n").first.map(String.init) ?? "")
    }
    return result
  }

  /// ONNX's rule per element: `|a − b| ≤ atol + rtol·|b|`; NaN matches NaN, infinities match
  /// equal infinities.
  static func compare(
    _ actual: [TensorData], _ expected: [TensorData], _ tolerance: (relative: Double, absolute: Double)
  ) -> EngineOutcome {
    guard actual.count == expected.count else {
      return .mismatch("\(actual.count) outputs, expected \(expected.count)")
    }
    var largest = 0.0
    for (index, (a, b)) in zip(actual, expected).enumerated() {
      guard a.shape == b.shape else {
        return .mismatch("output \(index) has shape \(a.shape), expected \(b.shape)")
      }
      let exactInts = a.dtype.isInteger && b.dtype.isInteger
      let left = exactInts ? a.int64s().map(Double.init) : a.floats().map(Double.init)
      let right = exactInts ? b.int64s().map(Double.init) : b.floats().map(Double.init)
      for (x, y) in zip(left, right) {
        if x.isNaN && y.isNaN || x == y { continue }
        let difference = abs(x - y)
        guard difference <= tolerance.absolute + tolerance.relative * abs(y) else {
          let worst = zip(left, right).map { abs($0 - $1) }.filter { !$0.isNaN }.max() ?? .nan
          return .mismatch("output \(index): max diff \(format(worst)) (e.g. \(x) vs \(y))")
        }
        largest = max(largest, difference)
      }
    }
    return .passed(maxDifference: largest)
  }
}

func format(_ value: Double) -> String { String(format: "%.2g", value) }

extension ConformanceRunner {
  /// Runs `cases`, as many at once as there are cores; results in case order.
  public func runAll(_ cases: [ConformanceCase]) -> [CaseResult] {
    let store = ResultStore(count: cases.count)
    DispatchQueue.concurrentPerform(iterations: cases.count) { index in
      store.set(index, run(cases[index]))
    }
    return store.results
  }
}

/// Results written by concurrent workers, one slot each.
private final class ResultStore: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [CaseResult?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: CaseResult) {
    lock.lock()
    slots[index] = result
    lock.unlock()
  }

  var results: [CaseResult] { slots.map { $0! } }
}
