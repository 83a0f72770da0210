import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses

/// How a contestant stores its weights after its structural passes.
enum Precision: String {
  case fp32, fp16, int8

  /// `precision` applied to `graph` (already optimized at batch 1); int8 is static, with ranges
  /// calibrated on `calibration` through the interpreter.
  func apply(to graph: Graph, calibration: NumpyFile) throws -> Graph {
    switch self {
    case .fp32: return graph
    case .fp16: return try FP16Quantizer.quantize(graph).graph
    case .int8:
      let ranges = try Calibration.ranges(of: graph, samples: calibration, observer: .minMax)
      return try Int8Quantizer.quantize(graph, ranges: ranges).graph
    }
  }
}

/// One entry of the optimization olympics: a trained model's graph, the graph passes that
/// compress it, and the precision of its weights.
struct Contestant {
  var name: String
  var graph: Graph
  var passes: [any Pass] = []
  var precision = Precision.fp32
}

/// What one contestant measured, all in this run.
struct Measurement {
  var name: String
  var parameters: Int
  var flops: Int
  var weightBytes: Int
  var libraryBytes: Int
  var interpretedAccuracy: Double
  var compiledAccuracy: Double
  var interpretedSeconds: Double
  /// The compiled library on the session's own buffers (`Session.runInPlace`).
  var compiledSeconds: Double
  /// The compiled library through `Session.run` (input and output copies, output arrays).
  var compiledCopyingSeconds: Double
}

/// A labelled test set, one sample per row, for batch-1 accuracy.
struct TestSet {
  var samples: [TensorData]
  var labels: [Int]
}

/// Optimizes, compiles and measures every contestant at batch 1: size, accuracy on `test`
/// through the interpreter and the compiled library, and median latency of both engines in
/// interleaved rounds.
func compete(
  _ contestants: [Contestant], test: TestSet, calibration: NumpyFile, rounds: Int, cache: String
) throws -> [Measurement] {
  var interpreters: [Interpreter] = []
  var sessions: [CompiledModel.Session] = []
  var measurements: [Measurement] = []
  let input = test.samples[0]
  for contestant in contestants {
    var pipeline = try Pipeline.level(
      .O2, options: PassOptions(batchSize: 1, evaluator: Interpreter.evaluate))
    pipeline.passes.insert(contentsOf: contestant.passes, at: 1)
    let optimized = try PassManager(pipeline: pipeline).run(contestant.graph).graph
    let graph = try contestant.precision.apply(to: optimized, calibration: calibration)
    let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
    let session = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).makeSession()
    let interpreter = try Interpreter(graph: graph)
    let inputName = graph.inputs[0].name
    var correct = (interpreted: 0, compiled: 0)
    for (sample, label) in zip(test.samples, test.labels) {
      let interpreted = try interpreter.run([inputName: InterpreterTensor(sample)])[graph.outputs[0].name]!
      let compiled = try session.run([sample])[0]
      if argmax(interpreted.floats()) == label { correct.interpreted += 1 }
      if argmax(compiled.floats()) == label { correct.compiled += 1 }
    }
    let analysis = try GraphAnalysis(graph)
    measurements.append(
      Measurement(
        name: contestant.name, parameters: analysis.parameterCount, flops: analysis.totalFLOPs,
        weightBytes: analysis.parameterBytes, libraryBytes: artifact.libraryBytes,
        interpretedAccuracy: Double(correct.interpreted) / Double(test.labels.count),
        compiledAccuracy: Double(correct.compiled) / Double(test.labels.count), interpretedSeconds: 0,
        compiledSeconds: 0, compiledCopyingSeconds: 0))
    interpreters.append(interpreter)
    sessions.append(session)
  }
  var bodies: [() throws -> Void] = []
  for (interpreter, session) in zip(interpreters, sessions) {
    let feed = [interpreter.graph.inputs[0].name: InterpreterTensor(input)]
    input.bytes.withUnsafeBytes { session.inputBuffer(0).copyMemory(from: $0) }
    bodies.append { _ = try interpreter.run(feed) }
    bodies.append { try session.runInPlace() }
    bodies.append { _ = try session.run([input]) }
  }
  let latencies = try interleavedMedianLatencies(bodies, rounds: rounds)
  for index in measurements.indices {
    measurements[index].interpretedSeconds = latencies[3 * index]
    measurements[index].compiledSeconds = latencies[3 * index + 1]
    measurements[index].compiledCopyingSeconds = latencies[3 * index + 2]
  }
  return measurements
}

/// The index of the largest value (the first on ties).
func argmax(_ values: [Float]) -> Int {
  var best = 0
  for i in values.indices where values[i] > values[best] { best = i }
  return best
}

/// The olympics table of `measurements` (the first is the fp32 baseline) as Markdown rows.
func olympicsTable(_ measurements: [Measurement]) -> [[String]] {
  let baseline = measurements[0].interpretedSeconds
  var rows = [
    [
      "configuration", "parameters", "weights", "library", "accuracy (interp. / compiled)", "interpreted",
      "compiled", "compiled, run()", "speedup vs fp32 interpreted (interp. / compiled)",
    ]
  ]
  for m in measurements {
    rows.append([
      m.name, "\(m.parameters)", bytes(m.weightBytes), bytes(m.libraryBytes),
      "\(percent(m.interpretedAccuracy)) / \(percent(m.compiledAccuracy))",
      microseconds(m.interpretedSeconds),
      microseconds(m.compiledSeconds), microseconds(m.compiledCopyingSeconds),
      String(format: "%.2f× / %.1f×", baseline / m.interpretedSeconds, baseline / m.compiledSeconds),
    ])
  }
  return rows
}

func percent(_ fraction: Double) -> String { String(format: "%.1f%%", 100 * fraction) }
func microseconds(_ seconds: Double) -> String { String(format: "%.2f µs", seconds * 1e6) }
func bytes(_ count: Int) -> String {
  count < 10_000 ? "\(count) B" : String(format: "%.1f KiB", Double(count) / 1024)
}

/// Prints `rows` (the first is the header) as a Markdown table.
func printMarkdown(_ rows: [[String]]) {
  let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
  func line(_ cells: [String]) -> String {
    "| "
      + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      .joined(separator: " | ") + " |"
  }
  print(line(rows[0]))
  print(line(widths.map { String(repeating: "-", count: $0) }))
  for row in rows.dropFirst() { print(line(row)) }
}
