import Foundation
import TTCharts
import TTProfiler

/// What `ttc bench` reports, as a table or as JSON.
struct BenchReport: Encodable {
  let machine: Machine
  let model: String
  let batch: Int
  /// Kernel threads per call (`--threads`) and concurrent compiled callers (`--callers`).
  let threads: Int
  let callers: Int
  /// FLOPs of one call (TTIR's CostModel) and this machine's cached `ttc peak`, if measured.
  let flops: Int
  let peak: MachinePeak?
  let inputs: [String]
  let interpreter: Latency
  let compiled: Latency
  /// The compiled library on 1 kernel thread, timed in turns with `compiled` (`--thread-speedup`).
  let compiledOneThread: Latency?
  /// With `--thread-speedup`: the CPU time of the compiled calls on `threads` threads over their wall
  /// time, the cores they kept busy (below `threads` where other jobs held the cores).
  let threadedCoresBusy: Double?
  let concurrent: Latency?
  let difference: Difference

  /// Median interpreter latency over median compiled latency.
  var speedup: Double { interpreter.median / compiled.median }

  /// Median compiled latency on 1 thread over that on `threads` (`--thread-speedup`).
  var threadSpeedup: Double? { compiledOneThread.map { $0.median / compiled.median } }

  /// GFLOP/s at the median latency.
  func gflops(_ latency: Latency) -> Double { Double(flops) / latency.median * 1e-9 }

  /// GFLOP/s as a share of the one-thread fp32 peak, when `ttc peak` has measured it.
  func shareOfPeak(_ latency: Latency) -> Double? { peak.map { gflops(latency) / $0.fp32GFLOPS } }

  enum CodingKeys: String, CodingKey {
    case machine, model, batch, threads, callers, inputs, interpreter, compiled, concurrent, speedup, flops
    case compiledOneThread = "compiled_one_thread"
    case threadSpeedup = "thread_speedup"
    case threadedCoresBusy = "threaded_cores_busy"
    case interpreterGFLOPS = "interpreter_gflops"
    case compiledGFLOPS = "compiled_gflops"
    case peakGFLOPS = "peak_gflops"
    case compiledShareOfPeak = "compiled_share_of_peak"
    case maxAbsoluteDifference = "max_abs_diff"
    case maxRelativeDifference = "max_rel_diff"
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(machine, forKey: .machine)
    try container.encode(model, forKey: .model)
    try container.encode(batch, forKey: .batch)
    try container.encode(threads, forKey: .threads)
    try container.encode(callers, forKey: .callers)
    try container.encode(inputs, forKey: .inputs)
    try container.encode(interpreter, forKey: .interpreter)
    try container.encode(compiled, forKey: .compiled)
    try container.encodeIfPresent(compiledOneThread, forKey: .compiledOneThread)
    try container.encodeIfPresent(threadSpeedup, forKey: .threadSpeedup)
    try container.encodeIfPresent(threadedCoresBusy, forKey: .threadedCoresBusy)
    try container.encodeIfPresent(concurrent, forKey: .concurrent)
    try container.encode(speedup, forKey: .speedup)
    try container.encode(flops, forKey: .flops)
    try container.encode(gflops(interpreter), forKey: .interpreterGFLOPS)
    try container.encode(gflops(compiled), forKey: .compiledGFLOPS)
    try container.encodeIfPresent(peak?.fp32GFLOPS, forKey: .peakGFLOPS)
    try container.encodeIfPresent(shareOfPeak(compiled), forKey: .compiledShareOfPeak)
    try container.encode(difference.maxAbsolute, forKey: .maxAbsoluteDifference)
    try container.encode(difference.maxRelative, forKey: .maxRelativeDifference)
  }

  /// Latency per engine (median and 90th percentile) and the speedup over the interpreter.
  var figure: Figure {
    var engines = [("interpreter", interpreter), ("compiled", compiled)]
    if let compiledOneThread { engines.append(("compiled, 1 thread", compiledOneThread)) }
    if let concurrent { engines.append(("compiled ×\(callers) callers", concurrent)) }
    let latency = BarChart(
      title: "ttc bench \(model), batch \(batch): latency per call", categories: engines.map(\.0),
      series: [
        .init("median", engines.map { $0.1.median * 1e6 }), .init("p90", engines.map { $0.1.p90 * 1e6 }),
      ],
      valueAxis: Axis("latency per call", unit: "µs", scale: .logarithmic),
      categoryAxisTitle: machine.summary)
    var speedups = [("compiled (median latency)", speedup)]
    if let concurrent {
      speedups.append(
        ("compiled ×\(callers) callers (throughput)", concurrent.throughput / interpreter.throughput))
    }
    let speedupChart = BarChart(
      title: "speedup over the interpreter", categories: speedups.map(\.0),
      series: [.init("compiled", speedups.map(\.1))], valueAxis: Axis("speedup", unit: "×"))
    return Figure(title: "ttc bench \(model)", charts: [latency, speedupChart])
  }

  func printTable() {
    print(machine.line)
    print("model: \(model), batch \(batch), inputs \(inputs.joined(separator: ", "))")
    var table = TextTable([
      ("engine", .left), ("median", .right), ("p90", .right), ("samples/s", .right), ("GFLOP/s", .right),
      ("of peak", .right), ("runs", .right),
    ])
    func row(_ name: String, _ latency: Latency) {
      table.append([
        name, Format.duration(latency.median), Format.duration(latency.p90),
        Format.scaled(latency.throughput), String(format: "%.1f", gflops(latency)),
        shareOfPeak(latency).map(Format.percent) ?? "-", "\(latency.runs)",
      ])
    }
    row("interpreter", interpreter)
    row(compiledOneThread == nil ? "compiled" : "compiled, \(threads) threads", compiled)
    if let compiledOneThread { row("compiled, 1 thread", compiledOneThread) }
    if let concurrent { row("compiled ×\(callers) callers", concurrent) }
    print(table.rendered, terminator: "")
    print(String(format: "speedup: %.1f× (median latency)", speedup))
    if let threadSpeedup, let threadedCoresBusy {
      print(
        String(
          format:
            "threads: %d threads %.2f× 1 thread (compiled, median latency, same run); they kept %.2f cores busy",
          threads, threadSpeedup, threadedCoresBusy))
    }
    if let peak {
      print(String(format: "peak (ttc peak, 1 thread, %@): %.1f GFLOP/s", peak.path, peak.fp32GFLOPS))
    } else {
      print("peak: not measured on this machine yet (run ttc peak for GFLOP/s as a share of it)")
    }
    print(
      "max difference (compiled vs interpreter): abs \(Format.scientific(difference.maxAbsolute)), "
        + "rel \(Format.scientific(difference.maxRelative))")
  }
}
