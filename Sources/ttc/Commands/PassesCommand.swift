import ArgumentParser
import TTPasses

/// `ttc passes`: every graph pass with its purpose, and the passes of each -O level.
struct PassesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "passes",
    abstract: "List the graph passes and the optimization levels.",
    discussion: """
      Every pass can be run by name with --passes a,b,c on compile, run, bench, diff, profile and \
      inspect; -O0, -O1 and -O2 run the pipelines listed here (-O2 is the default of compile, \
      run and bench; inspect shows the model as written unless asked).

      Examples:
        ttc passes                  # this list
        ttc compile mlp.json --passes dce,drop-unused-weights --print-after all
      """)

  func run() {
    var table = TextTable([("pass", .left), ("purpose", .left)])
    for registration in PassRegistry.all { table.append([registration.name, registration.purpose]) }
    print(table.rendered)
    for level in OptimizationLevel.allCases {
      let names = level.passNames
      print("-\(level.rawValue): \(names.isEmpty ? "(no passes)" : names.joined(separator: ", "))")
    }
    print("--batch N runs specialize-batch first, at every level.")
  }
}
