import TTIR
import TTPasses

/// Records the intermediate bytes (the sum of every node output) after each pass, for
/// `ttc compile -v`.
final class IntermediateBytes: PassInstrument {
  /// Bytes after each pass, in pipeline order.
  private(set) var afterPass: [Int] = []

  func didRun(_ statistics: PassStatistics, graph: Graph) {
    afterPass.append(Self.of(graph))
  }

  /// The sum of the bytes of every node output of `graph` (0 when types cannot be derived).
  static func of(_ graph: Graph) -> Int {
    guard let types = try? graph.valueTypes() else { return 0 }
    return graph.nodes.reduce(0) { total, node in
      total + node.outputs.reduce(0) { $0 + (types[$1]?.byteCount ?? 0) }
    }
  }
}

/// The `ttc compile -v` report of a pipeline run.
enum PassReport {
  /// One table row per pass, then the totals: nodes and intermediate bytes before and after.
  ///
  /// "Before" is the graph the optimizing passes start from: after `specialize-batch` when it
  /// ran, so both figures are at the same batch size.
  static func text(_ loaded: LoadedModel, sizes: IntermediateBytes) -> String {
    let statistics = loaded.statistics
    var table = TextTable([
      ("pass", .left), ("nodes", .right), ("fused", .right), ("intermediates", .right), ("weights", .right),
      ("time", .right), ("notes", .left),
    ])
    for (index, record) in statistics.enumerated() {
      let counts = record.counters.keys.sorted().map { "\($0) ×\(record.counters[$0]!)" }
      table.append([
        record.pass, "\(record.nodesBefore) → \(record.nodesAfter)", "\(record.nodesFused)",
        index < sizes.afterPass.count ? Format.bytes(sizes.afterPass[index]) : "",
        "\(Format.bytes(record.weightBytesBefore)) → \(Format.bytes(record.weightBytesAfter))",
        Format.duration(record.seconds), record.changed ? counts.joined(separator: ", ") : "unchanged",
      ])
    }
    let specialized = statistics.first?.name == SpecializeBatch.name
    let (nodesBefore, bytesBefore) =
      specialized
      ? (statistics[0].nodesAfter, sizes.afterPass[0])
      : (loaded.original.nodes.count, IntermediateBytes.of(loaded.original))
    let bytesAfter = sizes.afterPass.last ?? bytesBefore
    var text = "passes (\(loaded.pipeline.name)):\n"
    text += statistics.isEmpty ? "  (none)\n" : table.rendered
    text += "nodes: \(nodesBefore) → \(loaded.graph.nodes.count)\n"
    text += "intermediates: \(Format.bytes(bytesBefore)) → \(Format.bytes(bytesAfter))\n"
    return text
  }
}
