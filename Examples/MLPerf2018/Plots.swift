import Foundation
import TTCharts

/// The pictures of one task's olympics (`--plot DIR`), drawn with TTCharts from the run's own
/// measurements.
struct OlympicsPlots {
  var key: String
  var title: String
  var measurements: [Measurement]
  var summary: ParetoSummary
  /// The machine line printed at the start of the run, under the charts.
  var machine: String

  /// The olympics table as bars, one group per configuration: batch-1 latency interpreted and
  /// compiled (log scale), weight bytes, and compiled test accuracy.
  var table: Figure {
    let names = measurements.map(\.name)
    let latency = BarChart(
      title: "\(title): batch-1 latency (medians, this run)", categories: names,
      series: [
        .init("interpreted", measurements.map { $0.interpretedSeconds * 1e6 }),
        .init("compiled", measurements.map { $0.compiledSeconds * 1e6 }),
      ], valueAxis: Axis("median latency", unit: "µs", scale: .logarithmic), categoryAxisTitle: machine)
    let size = BarChart(
      title: "weights", categories: names,
      series: [.init("weights", measurements.map { Double($0.weightBytes) / 1024 })],
      valueAxis: Axis("weights", unit: "KiB"))
    let accuracy = BarChart(
      title: "test accuracy (200 digits, compiled)", categories: names,
      series: [.init("accuracy", measurements.map { $0.compiledAccuracy * 100 })],
      valueAxis: Axis("accuracy", unit: "%"))
    return Figure(title: "\(title): optimization olympics", charts: [latency, size, accuracy])
  }

  /// Compiled batch-1 latency against accuracy, every configuration labelled, the Pareto front
  /// dashed; the points within 1 point of fp32 and the others in two colours.
  var pareto: ScatterPlot {
    let floor = measurements[0].compiledAccuracy - summary.tolerance
    let points = measurements.map {
      ScatterPlot.Point(
        x: $0.compiledSeconds * 1e6, y: $0.compiledAccuracy * 100, label: $0.name,
        series: $0.compiledAccuracy >= floor - 1e-9 ? "within 1 point of fp32" : "more than 1 point below")
    }
    var plot = ScatterPlot(
      title: "\(title): accuracy vs compiled batch-1 latency", points: points,
      xAxis: Axis("compiled latency (\(machine))", unit: "µs", scale: .logarithmic),
      yAxis: Axis("test accuracy", unit: "%"))
    plot.front = summary.frontIndices
    return plot
  }

  /// Writes `<key>-olympics.svg` and `<key>-pareto.svg` into `directory` (created if needed);
  /// returns their paths.
  func write(to directory: URL) throws -> [String] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let files = [("\(key)-olympics.svg", table.svg()), ("\(key)-pareto.svg", pareto.svg())]
    return try files.map { name, svg in
      let url = directory.appendingPathComponent(name)
      try svg.write(to: url, atomically: true, encoding: .utf8)
      return url.path
    }
  }
}
