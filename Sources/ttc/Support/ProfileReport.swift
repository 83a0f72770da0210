import Foundation
import TTProfiler

/// The text `ttc profile` prints for a ``TTProfiler/Profile``: one row per node, then a summary.
struct ProfileReport {
  let profile: Profile
  /// The machine's roofline, or nil to leave out its columns.
  let roofline: Roofline?

  var text: String {
    let medians = profile.nodes.map(\.medianSeconds)
    let total = medians.reduce(0, +)
    let run = profile.medianSeconds
    var columns: [(String, TextTable.Alignment)] = [
      ("#", .right), ("node", .left), ("op", .left), ("output", .left), ("params", .right),
      ("median µs", .right), ("share", .right), ("FLOPs", .right), ("bytes", .right), ("GFLOP/s", .right),
      ("FLOP/B", .right),
    ]
    if roofline != nil { columns += [("% of roof", .right), ("bound", .left)] }
    var table = TextTable(columns)
    for (index, node) in profile.nodes.enumerated() {
      var row = [
        "\(index)", node.name, node.kind, node.output, "\(node.parameterCount)",
        Format.microseconds(medians[index]), Format.percent(run > 0 ? medians[index] / run : 0),
        "\(node.flops)", "\(node.bytes)", String(format: "%.2f", node.achievedGFLOPS),
        String(format: "%.2f", node.arithmeticIntensity),
      ]
      if let point = roofline?.point(for: node) {
        row += [node.flops > 0 ? Format.percent(point.fractionOfAttainable) : "-", point.bound.rawValue]
      }
      table.append(row)
    }
    var lines = [
      "engine: \(profile.engine.rawValue), runs: \(profile.runDurations.count) (after \(profile.warmup) warm-up), "
        + "median run \(Format.microseconds(profile.medianSeconds)) µs, sum of node medians "
        + "\(Format.microseconds(total)) µs",
      "\(Format.scaled(Double(profile.totalFLOPs), "FLOP")), \(profile.parameterCount) parameters "
        + "(\(Format.bytes(profile.parameterBytes))), peak memory \(Format.bytes(profile.memory.bytes)) "
        + "(\(profile.memory.source.rawValue)\(profile.memory.buffers > 0 ? ", \(profile.memory.buffers) buffers" : ""))",
    ]
    for phase in profile.phases {
      lines.append(
        "\(phase.name): median \(Format.microseconds(phase.medianSeconds)) µs, "
          + Format.scaled(Double(phase.flops), "FLOP"))
    }
    lines += profile.notes.map { "note: \($0)" }
    if let roofline {
      lines.append(
        String(
          format:
            "roofline: fp32 peak %.1f GFLOP/s, memory %.1f GB/s (1 thread, ttc peak), ridge %.1f FLOP/B",
          roofline.peakGFLOPS, roofline.bandwidthGBPerSecond, roofline.ridgeIntensity))
    }
    return table.rendered + "\n" + lines.joined(separator: "\n") + "\n"
  }
}
