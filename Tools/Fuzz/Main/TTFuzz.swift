import Foundation
import TTFuzzing
import TTIR

/// `ttfuzz`: runs the fuzz targets of `TTFuzzing` (see `scripts/fuzz.sh`).
///
///     ttfuzz seeds OUT [--repository DIR]        write the seed corpus, one folder per target
///     ttfuzz TARGET --runs N [--seed S] [--repository DIR] [--save-input FILE]
///                                                a deterministic campaign from the seeds
///     ttfuzz TARGET --replay FILE...             feed files (e.g. a crash found by libFuzzer)
///     ttfuzz graphs --count N [--seed S] [--per-library K] [--failures DIR] [--keep-going]
///                                                generate, compile and compare N graphs
///     ttfuzz graphs --redraw NAME,... [--seed S] [--failures DIR]
///                                                write the named graphs (s<seed>_<i>) and inputs
///     ttfuzz graphs --replay FILE...             compare findings again, at -O0 and -O2
///
/// Built with `-D TT_LIBFUZZER` and libFuzzer linked (scripts/fuzz.sh does it), `ttfuzz TARGET
/// [libFuzzer options] [corpus folders]` runs libFuzzer on the target instead.
@main
struct TTFuzz {
  static let usage = """
    usage: ttfuzz seeds OUT [--repository DIR]
           ttfuzz TARGET --runs N [--seed S] [--repository DIR] [--save-input FILE]
           ttfuzz TARGET --replay FILE...
           ttfuzz graphs --count N [--seed S] [--per-library K] [--failures DIR] [--keep-going]
           ttfuzz graphs --redraw NAME,... [--seed S] [--failures DIR]
           ttfuzz graphs --replay FILE...
    targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    """

  static func main() {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let first = arguments.first else { fail(usage) }
    arguments.removeFirst()
    if first == "seeds" {
      guard let out = arguments.first else { fail(usage) }
      let repository = option("--repository", in: arguments) ?? "."
      do {
        let seeds = try SeedCorpus.seeds(repository: URL(fileURLWithPath: repository))
        try SeedCorpus.write(seeds, to: URL(fileURLWithPath: out))
        for target in FuzzTarget.allCases {
          print("\(target.rawValue): \(seeds[target]?.count ?? 0) seeds")
        }
      } catch {
        fail("ttfuzz: cannot write the seeds: \(error)")
      }
      return
    }
    if first == "graphs" { graphs(arguments: arguments) }
    guard let target = FuzzTarget(rawValue: first) else {
      fail("ttfuzz: unknown target '\(first)'\n\(usage)")
    }
    #if TT_LIBFUZZER
      if !arguments.contains("--replay") && !arguments.contains("--runs") {
        exit(LibFuzzer.run(target, arguments: [CommandLine.arguments[0]] + arguments))
      }
    #endif
    if arguments.first == "--replay" {
      replay(target, files: Array(arguments.dropFirst()))
    } else {
      campaign(target, arguments: arguments)
    }
  }

  static func replay(_ target: FuzzTarget, files: [String]) {
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { fail("ttfuzz: cannot read \(file)") }
      print("\(file): \(target.run([UInt8](data)) ? "accepted" : "refused")")
    }
  }

  static func campaign(_ target: FuzzTarget, arguments: [String]) {
    guard let runs = option("--runs", in: arguments).flatMap(Int.init), runs >= 0 else { fail(usage) }
    let seed = option("--seed", in: arguments).flatMap(UInt64.init) ?? 1
    let repository = URL(fileURLWithPath: option("--repository", in: arguments) ?? ".")
    let saveInput = option("--save-input", in: arguments).map { URL(fileURLWithPath: $0) }
    let seeds: [[UInt8]]
    do {
      seeds = try SeedCorpus.seeds(repository: repository)[target] ?? []
    } catch {
      fail("ttfuzz: cannot read the seeds: \(error)")
    }
    let start = Date()
    let report = FuzzCampaign(target: target, seeds: seeds).run(executions: runs, seed: seed) { input in
      if let saveInput { try? Data(input).write(to: saveInput) }
    }
    let seconds = Date().timeIntervalSince(start)
    print(
      "\(target.rawValue): \(report.executions) executions (\(seeds.count) seeds, seed \(seed)), "
        + "\(report.accepted) accepted, no crash, \(String(format: "%.1f", seconds)) s")
  }

  /// The compile-and-run campaign (``GraphCampaign``): a disagreement writes the graph as
  /// `DIR/graph-S-NAME.json` and exits 1; with `--keep-going` every one is written and counted.
  static func graphs(arguments: [String]) -> Never {
    if arguments.first == "--replay" { replayGraphs(Array(arguments.dropFirst())) }
    if let names = option("--redraw", in: arguments) {
      redraw(names.split(separator: ",").map(String.init), arguments)
    }
    guard let count = option("--count", in: arguments).flatMap(Int.init), count > 0 else { fail(usage) }
    let seed = option("--seed", in: arguments).flatMap(UInt64.init) ?? 1
    let failures = URL(fileURLWithPath: option("--failures", in: arguments) ?? "out/fuzz/crashes")
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ttfuzz-graphs-\(getpid())")
    var campaign = GraphCampaign(cacheDirectory: cache.path)
    if let perLibrary = option("--per-library", in: arguments).flatMap(Int.init), perLibrary > 0 {
      campaign.graphsPerLibrary = perLibrary
    }
    func save(_ disagreement: GraphCampaign.Disagreement) {
      try? FileManager.default.createDirectory(at: failures, withIntermediateDirectories: true)
      let file = failures.appendingPathComponent(GraphFinding.fileName(seed: seed, graph: disagreement.graph))
      let finding = GraphFinding(graph: disagreement.graph, inputs: disagreement.inputs)
      let saved = (try? finding.save(to: file)) != nil
      print(
        "graphs: DISAGREEMENT (seed \(seed)): \(disagreement)" + (saved ? " (graph in \(file.path))" : ""))
    }
    let start = Date()
    var last = start
    func seconds() -> String { String(format: "%.0f", Date().timeIntervalSince(start)) }
    do {
      let report = try campaign.run(
        graphs: count, seed: seed, keepGoing: arguments.contains("--keep-going") ? save : nil
      ) { report in
        guard Date().timeIntervalSince(last) > 30 else { return }
        last = Date()
        print(
          "graphs: \(report.graphs) compared so far, \(report.disagreements) disagreements, \(seconds()) s")
      }
      try? FileManager.default.removeItem(at: cache)
      print(
        "graphs: \(report.graphs + report.unchecked) graphs (seed \(seed)) in \(report.libraries) libraries: "
          + "\(report.graphs) compared without disagreement (\(report.outputs) outputs; \(report.nanElements) "
          + "NaN elements not compared), \(report.disagreements) libraries with a disagreement "
          + "(\(report.unchecked) graphs), \(report.refused) graphs refused by the interpreter, \(seconds()) s"
      )
      exit(report.disagreements == 0 ? 0 : 1)
    } catch {
      save(error)
      try? FileManager.default.removeItem(at: cache)
      exit(1)
    }
  }

  /// Writes the graphs named `names` (`s<seed>_<i>`, as a campaign of `--seed` draws them) and
  /// their inputs to `--failures` (default out/fuzz/crashes), as a disagreement would be.
  static func redraw(_ names: [String], _ arguments: [String]) -> Never {
    let seed = option("--seed", in: arguments).flatMap(UInt64.init) ?? 1
    let folder = URL(fileURLWithPath: option("--failures", in: arguments) ?? "out/fuzz/crashes")
    let indices = names.map { name in
      guard name.hasPrefix("s\(seed)_"), let index = Int(name.dropFirst("s\(seed)_".count)), index >= 0 else {
        fail("ttfuzz: '\(name)' is not a graph of seed \(seed) (s\(seed)_<index>)")
      }
      return index
    }
    var draws = GraphCampaign.Draws(generator: GraphGenerator(), seed: seed)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      while draws.index <= indices.max() ?? -1 {
        let (graph, inputs) = draws.next()
        guard indices.contains(draws.index - 1) else { continue }
        let file = folder.appendingPathComponent(GraphFinding.fileName(seed: seed, graph: graph))
        try GraphFinding(graph: graph, inputs: inputs).save(to: file)
        print("graphs: \(graph.name) -> \(file.path)")
      }
    } catch {
      fail("ttfuzz: \(error)")
    }
    exit(0)
  }

  /// Compares each finding (a graph with its inputs) compiled at -O0 and -O2 with the interpreter.
  static func replayGraphs(_ files: [String]) -> Never {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ttfuzz-replay-\(getpid())")
    let campaign = GraphCampaign(cacheDirectory: cache.path)
    var disagreements = 0
    for file in files {
      for optimized in [false, true] {
        do {
          let finding = try GraphFinding(contentsOf: URL(fileURLWithPath: file))
          try campaign.compare([finding], optimized: optimized, name: "replay")
          print("\(file): \(optimized ? "-O2" : "-O0"): agrees")
        } catch {
          disagreements += 1
          print("\(file): \(error)")
        }
      }
    }
    try? FileManager.default.removeItem(at: cache)
    exit(disagreements == 0 ? 0 : 1)
  }

  static func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
  }
}
