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
      abstract: "Remove every cached library and runtime build.",
      discussion: "Examples:\n  ttc cache clear\n  ttc cache clear --cache-dir /tmp/ttc-cache")

    @OptionGroup var location: CacheLocation

    func run() {
      let cache = location.cache
      let count = cache.entries().count
      cache.clear()
      print("cleared \(cache.root) (\(count) \(count == 1 ? "entry" : "entries"))")
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
