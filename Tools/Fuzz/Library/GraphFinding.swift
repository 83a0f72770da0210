import Foundation
import TTIR
import TTInterpreter

/// A graph the compile-and-run fuzzer (``GraphCampaign``) found disagreeing, as files: the graph
/// as a model file with inline weights (`graph-SEED-NAME.json`) and the inputs it ran on as a
/// safetensors file beside it (`graph-SEED-NAME.inputs.safetensors`), so that it replays exactly.
///
/// `Tests/TTFuzzingTests/Findings` keeps the fixed ones, which the tests replay in both engines,
/// and `Findings/open` the ones not fixed yet, with their messages.
public struct GraphFinding {
  /// The generated graph.
  public var graph: Graph
  /// Its inputs, by name.
  public var inputs: [String: InterpreterTensor]

  /// A finding of `graph` on `inputs`.
  public init(graph: Graph, inputs: [String: InterpreterTensor]) {
    (self.graph, self.inputs) = (graph, inputs)
  }

  /// Reads the graph at `url` and the inputs beside it.
  ///
  /// - Throws: when a file is missing or invalid, or an input is missing.
  public init(contentsOf url: URL) throws {
    graph = try ModelFile.load(from: url)
    let stored = try SafeTensors(contentsOf: Self.inputsURL(for: url)).tensors
    inputs = [:]
    for info in graph.inputs {
      guard let data = stored[info.name], data.type == info.type else {
        throw GraphError(
          graph: graph.name,
          "\(Self.inputsURL(for: url).path) lacks input '\(info.name)' of type \(info.type)")
      }
      inputs[info.name] = InterpreterTensor(data)
    }
  }

  /// The file name of a finding of `graph` drawn from `seed`.
  public static func fileName(seed: UInt64, graph: Graph) -> String { "graph-\(seed)-\(graph.name).json" }

  /// Where the inputs of the finding whose graph is at `url` lie.
  public static func inputsURL(for url: URL) -> URL {
    url.deletingPathExtension().appendingPathExtension("inputs.safetensors")
  }

  /// Writes the graph to `url` and the inputs beside it.
  public func save(to url: URL) throws {
    try ModelFile.save(graph, to: url, weights: .inline)
    try SafeTensors(tensors: inputs.mapValues(\.tensorData)).write(to: Self.inputsURL(for: url))
  }

  /// The findings in `folder`: every `*.json` with an inputs file beside it, by file name.
  public static func all(in folder: URL) throws -> [(url: URL, finding: GraphFinding)] {
    try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter {
        $0.pathExtension == "json" && FileManager.default.fileExists(atPath: inputsURL(for: $0).path)
      }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
      .map { ($0, try GraphFinding(contentsOf: $0)) }
  }
}

extension GraphCampaign {
  /// Runs `findings` in the interpreter, compiles them as one library at `-O0` or after the `-O2`
  /// passes, and compares, as a campaign does. Returns the NaN elements not compared.
  ///
  /// - Throws: the first ``Disagreement``.
  @discardableResult
  public func compare(_ findings: [GraphFinding], optimized: Bool, name: String) throws -> Int {
    let parts = try findings.map { finding in
      Part(
        graph: finding.graph, inputs: finding.inputs,
        expected: try Interpreter(graph: finding.graph).run(finding.inputs))
    }
    return try compareCompiled(parts, optimized: optimized, name: name)
  }
}
