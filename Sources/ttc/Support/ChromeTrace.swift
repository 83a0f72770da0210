import Foundation
import TTInterpreter

/// The Chrome trace-event format (read by Perfetto and chrome://tracing) for profiled runs.
enum ChromeTrace {
  private struct Event: Encodable {
    let name: String
    let cat: String
    let ph = "X"
    let ts: Double
    let dur: Double
    let pid = 1
    let tid = 1
    let args: Arguments
  }

  private struct Arguments: Encodable {
    let run: Int
    let output: String
    let flops: Int
    let bytes: Int
  }

  private struct Document: Encodable {
    let traceEvents: [Event]
    let displayTimeUnit = "ns"
    let otherData: [String: String]
  }

  /// One complete (`"ph": "X"`) event per node per run, `ts` and `dur` in microseconds; runs
  /// are laid end to end on one timeline.
  static func json(_ profiles: [InterpreterProfile], graphName: String) -> String {
    var events: [Event] = []
    var offset = 0.0
    for (run, profile) in profiles.enumerated() {
      for node in profile.nodes {
        events.append(
          Event(
            name: node.name, cat: node.op.rawValue, ts: (offset + node.start) * 1e6,
            dur: node.duration * 1e6,
            args: Arguments(
              run: run, output: "\(node.outputType)", flops: node.flops,
              bytes: node.bytesRead + node.bytesWritten)))
      }
      offset += profile.duration
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let document = Document(traceEvents: events, otherData: ["model": graphName])
    return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
  }
}
