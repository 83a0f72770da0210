import Glibc
import TTIR
import TTRuntime

/// Compiles a graph to a shared library: C emission, libclang check, clang, compile cache.
public enum ModelCompiler {
  /// Bumped whenever the emitted C or the way it is built changes for the same graph; part of the
  /// cache key. 2: the runtime is compiled into the model's translation unit. 3: one C function
  /// per 64 nodes. 4: integer pow saturates, integer sums wrap, `resize` follows ONNX's resized
  /// length.
  static let codegenVersion = "4"

  /// Compiles `graph` (verified, static shapes) and returns the library and a report.
  ///
  /// - Throws: ``CodegenError``: unsupported ops (naming the node), invalid generated C (naming
  ///   the node), clang failures (with diagnostics and the kept C file), I/O errors.
  public static func compile(_ graph: Graph, options: CompileOptions = CompileOptions()) throws(CodegenError)
    -> CompiledArtifact
  {
    let start = now()
    var timings: [(stage: String, seconds: Double)] = []
    var mark = start
    func lap(_ stage: String) {
      let time = now()
      timings.append((stage, time - mark))
      mark = time
    }
    let compiler = try resolvedCompiler(options)
    let cache = CompileCache(root: options.cacheDirectory ?? CompileCache.defaultRoot)
    let graphHash = graph.contentHash
    // The C is generated before the cache is asked: its hash is part of the key, so a library is
    // only reused for exactly the source it was compiled from.
    let output = try CEmitter.emit(
      graph, graphHash: graphHash, weights: options.weights, packingPath: packingPath(compiler))
    if let path = options.emitCPath { try FileSystem.write(output.source.text, to: path) }
    let key = try cacheKey(
      graph: graph, graphHash: graphHash, source: output.source.text, options: options, compiler: compiler)
    let digest = key.digest
    lap("codegen")

    if options.useCache, options.emitCPath == nil, let entry = cache.entry(forKey: digest) {
      return CompiledArtifact(
        libraryPath: entry.library, sourcePath: entry.directory + "/model.c", graphHash: graphHash, key: key,
        cacheHit: true, timings: [("total", now() - start)], libraryBytes: entry.libraryBytes,
        arenaBytes: entry.arenaBytes, unsharedBytes: entry.unsharedBytes)
    }
    let buildDirectory = try cache.makeBuildDirectory()
    defer { withExtendedLifetime(buildDirectory) {} }  // holds the build's lock until the entry is stored
    let build = buildDirectory.path
    let sourcePath = build + "/model.c"
    try FileSystem.write(output.source.text, to: sourcePath)
    for file in RuntimeSources.files { try FileSystem.write(file.contents, to: "\(build)/\(file.name)") }
    if options.weights == .embedded {
      try FileSystem.write(output.weights.blob(graph), to: "\(build)/\(CEmitter.weightsFileName)")
    }
    var notes: [String] = []
    if options.checkWithLibclang, let skipped = CSourceChecker.skipNote(nodeCount: graph.nodes.count) {
      notes.append(skipped)
    } else if options.checkWithLibclang {
      try CSourceChecker.check(output.source, keptSource: sourcePath)
    }
    lap("check")
    let library = "lib\(CSyntax.identifier(graph.name, prefix: ""))-\(digest.prefix(16)).so"
    do {
      let runtime = try RuntimeObject.path(compiler: compiler, cache: cache)
      try compiler.compileLibrary(source: "model.c", runtimeObject: runtime, output: library, in: build)
    } catch .compilationFailed(let command, let diagnostics, _) {
      // Keep the failed build where the user can look at it.
      let kept = "\(cache.root)/failed-\(digest.prefix(16))"
      FileSystem.remove(kept)
      let folder = (try? FileSystem.rename(build, to: kept)) != nil ? kept : build
      // The whole output goes to a log; the error shows its start (a compiler may print megabytes).
      let log = folder + "/compiler.log"
      let logged = (try? FileSystem.write(diagnostics, to: log)) != nil
      throw .compilationFailed(
        command: command, diagnostics: excerpt(diagnostics, log: logged ? log : nil),
        keptSource: folder + "/model.c")
    }
    lap("clang")
    // A library that does not load must never be cached (a misbehaving compiler may write anything).
    do {
      try checkLoads("\(build)/\(library)")
    } catch {
      FileSystem.remove(build)
      throw error
    }
    let entry = try cache.commit(buildDirectory: build, library: library, key: digest, plan: output.plan)
    timings.append(("total", now() - start))
    return CompiledArtifact(
      libraryPath: entry.library, sourcePath: entry.directory + "/model.c", graphHash: graphHash, key: key,
      cacheHit: false, timings: timings, libraryBytes: entry.libraryBytes, arenaBytes: output.plan.arenaBytes,
      unsharedBytes: output.plan.unsharedBytes, notes: notes)
  }

  /// The cache key of compiling `graph` with `options` (for `--explain-key`).
  public static func cacheKey(_ graph: Graph, options: CompileOptions = CompileOptions()) throws(CodegenError)
    -> CacheKey
  {
    let graphHash = graph.contentHash
    let compiler = try resolvedCompiler(options)
    let source = try CEmitter.emit(
      graph, graphHash: graphHash, weights: options.weights, packingPath: packingPath(compiler)
    ).source.text
    return try cacheKey(
      graph: graph, graphHash: graphHash, source: source, options: options, compiler: compiler)
  }

  /// The GEMM path the library will run, which pre-packed weights are laid out for: known for
  /// `-march=native` (this CPU's widest, ``HostCPU/kernelPath``); nil for another target CPU, whose
  /// weights stay unpacked.
  static func packingPath(_ compiler: CCompiler) -> tt_isa? {
    compiler.targetCPU == "native" ? HostCPU.kernelPath : nil
  }

  /// Everything that determines the library: the generated C itself (so no change of the code
  /// generator can hand out a stale library), the graph with its weights (which the library
  /// embeds), the build's inputs (runtime, compiler, flags, CPU) and what produced the graph.
  private static func cacheKey(
    graph: Graph, graphHash: String, source: String, options: CompileOptions, compiler: CCompiler
  ) throws(CodegenError) -> CacheKey {
    var key = CacheKey()
    key.add("graph", graphHash)
    key.add("source", sourceDigest(source))
    key.add("passes", options.passes.joined(separator: ","))
    key.add("abi", "\(abiVersion)")
    key.add("codegen", codegenVersion)
    key.add("runtime", runtimeHash)
    key.add("weights", options.weights.rawValue)
    let cache = CompileCache(root: options.cacheDirectory ?? CompileCache.defaultRoot)
    key.add("compiler", "\(compiler.executable): \(try cache.identity(of: compiler))")
    key.add("flags", (compiler.compileFlags + CCompiler.linkFlags).joined(separator: " "))
    if compiler.targetCPU == "native" { key.add("cpu", HostCPU.signature) }
    return key
  }

  /// The SHA-256 of the generated C (hashed from its UTF-8 buffer: sources reach megabytes).
  private static func sourceDigest(_ source: String) -> String {
    var hasher = SHA256()
    var text = source
    text.withUTF8 { hasher.update(buffer: UnsafeRawBufferPointer($0)) }
    return hasher.finalize()
  }

  /// The ABI version in `tt_model.h`.
  static let abiVersion: Int = {
    let header = RuntimeSources.files.first { $0.name == "tt_model.h" }!.contents
    let line = header.split(separator: "\n").first { $0.hasPrefix("#define TT_ABI_VERSION") }!
    return Int(line.split(separator: " ")[2].filter(\.isNumber))!
  }()

  /// The SHA-256 of the embedded runtime sources.
  static let runtimeHash: String = {
    var hasher = SHA256()
    for file in RuntimeSources.files { hasher.update("\(file.name)\n\(file.contents)") }
    return hasher.finalize()
  }()

  private static func resolvedCompiler(_ options: CompileOptions) throws(CodegenError) -> CCompiler {
    if let compiler = options.compiler { return compiler }
    return try CCompiler.locate()
  }

  /// A compiler's output as an error shows it: whole when short, else where the full output is
  /// and its first ``diagnosticsLimit`` characters (whole lines).
  static func excerpt(_ output: String, log: String?) -> String {
    guard output.count > diagnosticsLimit else { return output }
    let lines = output.prefix(diagnosticsLimit).split(separator: "\n", omittingEmptySubsequences: false)
      .dropLast()
    let place = log.map { "the full output is in \($0)" } ?? "the output was not kept"
    return "(\(output.count) characters of output; \(place))\n" + lines.joined(separator: "\n") + "\n…"
  }

  /// How many characters of compiler output an error shows.
  static let diagnosticsLimit = 1000

  /// Opens the library just built and checks that it exports the model ABI of this ttc.
  private static func checkLoads(_ path: String) throws(CodegenError) {
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      throw .toolFailed("the compiler's output \(path) does not load: \(String(cString: dlerror()))")
    }
    defer { dlclose(handle) }
    typealias Describe = @convention(c) () -> UnsafeRawPointer?
    guard dlsym(handle, "tt_run_ex") != nil, let describe = dlsym(handle, "tt_describe"),
      let description = unsafeBitCast(describe, to: Describe.self)(),
      description.load(as: UInt32.self) == UInt32(abiVersion)
    else {
      throw .toolFailed("the compiler's output \(path) does not export the ABI \(abiVersion) model functions")
    }
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
