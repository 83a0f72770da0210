import ArgumentParser
import Foundation

/// The options of `ttc bench --suite`.
struct SuiteFlags: ParsableArguments {
  @Flag(help: "Run the benchmark suite (every model in every mode; see docs/BENCH.md) instead of one model.")
  var suite = false

  @Option(
    help: ArgumentHelp(
      "With --suite: only the entries whose id (model/bBATCH/mode, e.g. digits-mlp/b64/fp16) matches this regular expression.",
      valueName: "pattern"))
  var filter: String?

  @Option(
    name: .customLong("mode"),
    help: ArgumentHelp(
      "With --suite: only this mode (repeatable): \(SuiteMode.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "mode"))
  var modes: [SuiteMode] = []

  @Option(
    help: ArgumentHelp(
      "With --suite: the folder of the exported milestone models (default out/models; mlp-1986, cnn-1998 and attention-2017 --export DIR write them).",
      valueName: "dir"))
  var models: String?

  @Option(
    help: ArgumentHelp(
      "With --suite: the data folder holding tinydigits/ for accuracy and static int8 calibration (default Data).",
      valueName: "dir"))
  var data: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "With --suite and no --repeats: seconds of timing for the whole suite (default 90), shared equally by the entries (each 0.05–2 s; compiling is not counted).",
      valueName: "seconds"))
  var budget: Double?

  /// The folder of the exported milestone models.
  var modelsFolder: String { models ?? "out/models" }
  /// The folder holding tinydigits/.
  var dataFolder: String { data ?? "Data" }

  /// Seconds of timing for each of `count` entries: an equal share of the budget, 0.05–2 s.
  func secondsPerEntry(count: Int) -> Double {
    min(2, max(0.05, (budget ?? 90) / Double(max(count, 1))))
  }

  func validate() throws {
    if let budget, !(budget > 0 && budget.isFinite) {
      throw ValidationError("--budget must be a positive number of seconds (got \(budget))")
    }
    if let filter {
      do {
        _ = try Regex(filter)
      } catch {
        throw ValidationError("--filter '\(filter)' is not a regular expression: \(error)")
      }
    }
  }

  /// The suite's entries these options select, in table order, and why the optional models whose
  /// export is missing are left out (``SuiteModel/skipReason(models:)``).
  func entries() throws -> (entries: [SuiteEntry], skipped: [String]) {
    let skipped = SuiteModel.all.compactMap { $0.skipReason(models: modelsFolder) }
    let all = SuiteEntry.all(
      models: SuiteModel.all.filter { $0.skipReason(models: modelsFolder) == nil },
      modes: modes.isEmpty ? SuiteMode.allCases : SuiteMode.allCases.filter(modes.contains))
    guard let filter else { return (all, skipped) }
    let pattern = try Regex(filter)
    return (all.filter { $0.id.contains(pattern) }, skipped)
  }

  /// The options that only make sense with --suite, when given without it.
  var suiteOnlyOptionGiven: String? {
    if filter != nil { return "--filter" }
    if !modes.isEmpty { return "--mode" }
    if models != nil { return "--models" }
    if data != nil { return "--data" }
    if budget != nil { return "--budget" }
    return nil
  }
}
