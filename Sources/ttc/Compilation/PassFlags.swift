import ArgumentParser
import Foundation
import TTIR
import TTInterpreter
import TTPasses

/// An optimization level as spelled on the command line: `-O0`, `-O1`, `-O2`.
enum OptimizationFlag: String, EnumerableFlag {
  case O0, O1, O2

  static func name(for value: Self) -> NameSpecification {
    .customLong(value.rawValue, withSingleDash: true)
  }

  static func help(for value: Self) -> ArgumentHelp? {
    switch value {
    case .O0: "Run no graph passes."
    case .O1: "Run the exact graph passes (outputs within 1e-6 relative)."
    case .O2: "Run the exact passes and fusion."
    }
  }

  /// The level in TTPasses.
  var level: OptimizationLevel { OptimizationLevel(rawValue: rawValue)! }
}

/// The graph-pass options of the commands that optimize a model before running or compiling it:
/// `-O0`/`-O1`/`-O2`, `--passes a,b,c`, `--print-after NAME|all`, pruning (`--prune S`,
/// `--prune-structured F`, `--prune-norm l1|l2`) and low-rank factorization (`--low-rank E`).
struct PassFlags: ParsableArguments {
  @Flag var level: OptimizationFlag?

  @Option(
    name: .customLong("passes"),
    help: ArgumentHelp(
      "Run these graph passes in this order instead of an -O level (`ttc passes` lists them).",
      valueName: "a,b,c"))
  var passList: String?

  @Option(
    name: .customLong("print-after"),
    help: ArgumentHelp("Print the graph after this pass, or after every pass with 'all'.", valueName: "pass"))
  var printAfter: String?

  @Option(
    name: .customLong("prune"),
    help: ArgumentHelp(
      "Zero this fraction (0 ≤ S < 1) of every linear and conv2d weight by magnitude, then store linear weights with at least 80% zeros sparse (passes prune-magnitude, sparsify).",
      valueName: "S"))
  var prune: Double?

  @Option(
    name: .customLong("prune-scope"),
    help: "Rank the values of each weight on its own (layer) or of all weights together (global) for --prune."
  )
  var pruneScope: PruningScopeFlag = .layer

  @Option(
    name: .customLong("prune-structured"),
    help: ArgumentHelp(
      "Remove this fraction (0 ≤ F < 1) of the neurons/channels of every layer feeding another layer, shrinking both (pass prune-structured).",
      valueName: "F"))
  var pruneStructured: Double?

  @Option(
    name: .customLong("prune-norm"), help: "The norm that ranks neurons/channels for --prune-structured.")
  var pruneNorm: PruningNormFlag = .l1

  @Option(
    name: .customLong("low-rank"),
    help: ArgumentHelp(
      "Factor every linear weight into two thinner ones by truncated SVD, keeping this fraction (0 < E ≤ 1) of its energy, where that saves bytes (pass low-rank).",
      valueName: "E"))
  var lowRank: Double?

  /// Whether any of these options was given.
  var isGiven: Bool {
    level != nil || passList != nil || printAfter != nil || prune != nil || pruneStructured != nil
      || lowRank != nil
  }

  func validate() throws {
    if level != nil, passList != nil {
      throw ValidationError("give either -O0/-O1/-O2 or --passes, not both")
    }
    for (flag, value, name) in [
      ("--prune", prune, "sparsity"), ("--prune-structured", pruneStructured, "fraction"),
    ] {
      if let value, let problem = PruningRanking.problem(with: value, named: name) {
        throw ValidationError("\(flag): \(problem)")
      }
    }
    if let lowRank, let problem = LowRankFactors.problem(with: lowRank) {
      throw ValidationError("--low-rank: \(problem)")
    }
  }

  /// The pipeline these flags ask for (`defaultLevel` when they name none), preceded by
  /// `specialize-batch` when `batch` is given.
  ///
  /// - Throws: ``CommandFailure`` for an unknown pass name (listing the known ones).
  func pipeline(batch: Int?, defaultLevel: OptimizationLevel) throws -> Pipeline {
    let options = PassOptions(
      batchSize: batch, evaluator: Interpreter.evaluate, pruneSparsity: prune, pruneScope: pruneScope.scope,
      pruneStructured: pruneStructured, pruneNorm: pruneNorm.norm, lowRankEnergy: lowRank)
    do {
      if let passList {
        let names = passList.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try Pipeline.named(names.filter { !$0.isEmpty }, options: options)
      }
      return try Pipeline.level(level?.level ?? defaultLevel, options: options)
    } catch {
      throw CommandFailure("\(error)")
    }
  }

  /// The instruments these flags ask for: a ``GraphPrinter`` writing to standard output for
  /// `--print-after`.
  func instruments(for pipeline: Pipeline) throws -> [any PassInstrument] {
    guard let printAfter else { return [] }
    do {
      return [try GraphPrinter(after: printAfter, in: pipeline) { print($0, terminator: "") }]
    } catch {
      throw CommandFailure("--print-after: \(error)")
    }
  }
}

/// `--prune-scope`: which values unstructured pruning ranks together.
enum PruningScopeFlag: String, ExpressibleByArgument, CaseIterable {
  case layer, global

  /// The scope in TTIR.
  var scope: PruningScope {
    switch self {
    case .layer: .layer
    case .global: .global
    }
  }
}

/// `--prune-norm`: the norm that ranks units in structured pruning.
enum PruningNormFlag: String, ExpressibleByArgument, CaseIterable {
  case l1, l2

  /// The norm in TTIR.
  var norm: PruningNorm {
    switch self {
    case .l1: .l1
    case .l2: .l2
    }
  }
}
