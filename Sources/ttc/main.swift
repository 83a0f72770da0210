import ArgumentParser

/// The `ttc` command line: compile, run, benchmark and compare TinyTorch models.
struct TTC: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ttc",
    abstract: "The TinyTorch model compiler.",
    subcommands: [CompileCommand.self, CacheCommand.self])
}

TTC.main()
