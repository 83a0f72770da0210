import Foundation

/// The Chrome trace-event format (read by https://ui.perfetto.dev and chrome://tracing) for a
/// ``Profile``: one complete (`"ph": "X"`) slice per node (or module call) per timed run.
public enum ChromeTrace {
  private struct Event: Encodable {
    let name: String
    let cat: String
    let ph = "X"
    let ts: Double
    let dur: Double
    let pid = 1
    let tid: Int
    let args: Arguments
  }

  private struct Arguments: Encodable {
    let run: Int
    let output: String?
    let flops: Int
    let bytes: Int?
  }

  private struct Document: Encodable {
    let traceEvents: [Event]
    let displayTimeUnit = "ns"
    let otherData: [String: String]
  }

  /// The trace of `profile`, `ts` and `dur` in microseconds; timed runs are laid end to end on one
  /// timeline. Nodes are on thread 1 (eager module calls nest there as their calls do); phases
  /// (an eager training step's forward, backward and optimizer) on thread 2.
  public static func json(_ profile: Profile) -> String {
    var events: [Event] = []
    var offset = 0.0
    for (run, duration) in profile.runDurations.enumerated() {
      for node in profile.nodes where run < node.durations.count && run < node.starts.count {
        events.append(
          Event(
            name: node.name, cat: node.kind, ts: (offset + node.starts[run]) * 1e6,
            dur: node.durations[run] * 1e6,
            tid: 1, args: Arguments(run: run, output: node.output, flops: node.flops, bytes: node.bytes)))
      }
      var phaseStart = 0.0
      for phase in profile.phases where run < phase.durations.count {
        events.append(
          Event(
            name: phase.name, cat: "phase", ts: (offset + phaseStart) * 1e6, dur: phase.durations[run] * 1e6,
            tid: 2, args: Arguments(run: run, output: nil, flops: phase.flops, bytes: nil)))
        phaseStart += phase.durations[run]
      }
      offset += duration
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let document = Document(
      traceEvents: events, otherData: ["model": profile.model, "engine": profile.engine.rawValue])
    return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
  }
}
