/// How ``ModelCompiler`` compiles a graph.
public struct CompileOptions: Sendable {
  /// The C compiler; `nil` finds one with ``CCompiler/locate()``.
  public var compiler: CCompiler?
  /// The cache directory; `nil` uses ``CompileCache/defaultRoot``.
  public var cacheDirectory: String?
  /// Whether to reuse a cached library (a fresh build is still stored).
  public var useCache: Bool
  /// Where weights live; see ``CEmitter/WeightsMode``.
  public var weights: CEmitter.WeightsMode
  /// The passes that produced the graph, recorded in the cache key (the compiler runs none).
  public var passes: [String]
  /// Whether to parse the generated C with libclang before compiling it.
  public var checkWithLibclang: Bool
  /// Also write the generated C here (`--emit-c`).
  public var emitCPath: String?

  /// Options with defaults: cache on, embedded weights, libclang check on.
  public init(
    compiler: CCompiler? = nil, cacheDirectory: String? = nil, useCache: Bool = true,
    weights: CEmitter.WeightsMode = .embedded, passes: [String] = [], checkWithLibclang: Bool = true,
    emitCPath: String? = nil
  ) {
    self.compiler = compiler
    self.cacheDirectory = cacheDirectory
    self.useCache = useCache
    self.weights = weights
    self.passes = passes
    self.checkWithLibclang = checkWithLibclang
    self.emitCPath = emitCPath
  }
}

/// A compiled model library and how it was made.
public struct CompiledArtifact: Sendable {
  /// The shared library to load with `CompiledModel(path:expecting:)`.
  public var libraryPath: String
  /// The generated C file kept next to the library.
  public var sourcePath: String
  /// The graph hash the library records.
  public var graphHash: String
  /// The cache key and what went into it.
  public var key: CacheKey
  /// Whether the library came from the cache.
  public var cacheHit: Bool
  /// Seconds per stage, in order: `codegen`, `check`, `clang`, `total` (only `total` on a hit).
  public var timings: [(stage: String, seconds: Double)]
  /// The library size in bytes.
  public var libraryBytes: Int
  /// The workspace arena size (on a hit, as recorded in the cache entry).
  public var arenaBytes: Int
  /// The sum of intermediate sizes the arena replaces.
  public var unsharedBytes: Int
  /// Things the user should know about this build, e.g. a skipped check.
  public var notes: [String] = []
}
