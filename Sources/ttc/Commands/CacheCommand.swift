import ArgumentParser
import TTCodegen

/// `ttc cache list|clear`: inspect or empty the compile cache.
struct CacheCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cache",
    abstract: "List or clear the compile cache.",
    discussion: """
      The cache holds one entry per cache key (graph, weights, passes, ABI, codegen and runtime
      versions, compiler and flags; see `ttc compile --explain-key`). Corrupted entries are
      detected by their manifest and rebuilt.

      Examples:
        ttc cache list
        ttc cache clear
        ttc cache list --cache-dir /tmp/ttc-cache
      """,
    subcommands: [List.self, Clear.self])

  /// `ttc cache list`.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the cached libraries.",
      discussion: "Examples:\n  ttc cache list\n  ttc cache list --cache-dir /tmp/ttc-cache")

    @OptionGroup var location: CacheLocation

    func run() {
      let cache = location.cache
      let entries = cache.entries()
      print("cache \(cache.root): \(entries.count) \(entries.count == 1 ? "entry" : "entries")")
      for entry in entries {
        let library = entry.library.split(separator: "/").last.map(String.init) ?? entry.library
        let size = Format.bytes(entry.libraryBytes).padding(toLength: 10, withPad: " ", startingAt: 0)
        print("  \(entry.key.prefix(16))  \(size)  \(library)")
      }
      let total = entries.reduce(0) { $0 + $1.libraryBytes }
      if !entries.isEmpty { print("total: \(Format.bytes(total)) of libraries") }
    }
  }

  /// `ttc cache clear`.
  struct Clear: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove every cached library and build folder.",
      discussion: """
        Only a folder marked as a ttc cache (by the CACHEDIR.TAG ttc writes when it creates the \
        cache) is cleared, and only the names of the cache layout in it; anything else is left \
        and listed. Build folders of compiles still running are left too.

        Examples:
          ttc cache clear
          ttc cache clear --cache-dir /tmp/ttc-cache
        """)

    @OptionGroup var location: CacheLocation

    func run() throws {
      try reportingErrors {
        let cache = location.cache
        let report: CompileCache.ClearReport
        do { report = try cache.clear() } catch { throw CommandFailure("\(error)") }
        print(
          "cleared \(cache.root) (\(report.entries) \(report.entries == 1 ? "entry" : "entries"), "
            + "\(report.removed) items removed)")
        if !report.kept.isEmpty {
          print(
            "left \(report.kept.count) items (not ttc's, or in use): \(report.kept.joined(separator: ", "))")
        }
      }
    }
  }
}

/// The `--cache-dir` option of the cache subcommands.
struct CacheLocation: ParsableArguments {
  @Option(name: .customLong("cache-dir"), help: ArgumentHelp("The compile cache.", valueName: "dir"))
  var cacheDirectory: String?

  /// The cache at `--cache-dir`, or at the default location.
  var cache: CompileCache { CompileCache(root: cacheDirectory ?? CompileCache.defaultRoot) }
}
