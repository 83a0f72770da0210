import ArgumentParser
import TTCodegen

/// The options shared by every command that compiles a model (`compile`, `run --compiled`,
/// `bench`, `diff`).
struct CompilerFlags: ParsableArguments {
  @Option(
    name: .customLong("cc"),
    help: ArgumentHelp(
      "The C compiler (default: $TTC_CC, clang on PATH, or the toolchain's clang).", valueName: "path"))
  var compilerPath: String?

  @Option(
    name: .customLong("target-cpu"),
    help: ArgumentHelp("The CPU to generate code for (clang -march=).", valueName: "cpu"))
  var targetCPU = "native"

  @Option(
    name: .customLong("cc-opt"),
    help: ArgumentHelp(
      "The C compiler's optimization level (clang -O): O0, O1, O2 or O3; graph passes are -O0/-O1/-O2.",
      valueName: "level"))
  var optimization = "O3"

  @Option(
    help: ArgumentHelp(
      "Where the weights live: 'embedded' in the library or 'external' (read from the model's "
        + "safetensors at load).",
      valueName: "mode"))
  var weights = "embedded"

  @Flag(
    name: .customLong("no-cache"), help: "Always rebuild (the fresh library is still stored in the cache).")
  var noCache = false

  @Option(
    name: .customLong("cache-dir"),
    help: ArgumentHelp("The compile cache (default: $XDG_CACHE_HOME/ttc or ~/.cache/ttc).", valueName: "dir"))
  var cacheDirectory: String?

  @Option(
    name: .customLong("compile-timeout"), parsing: .unconditional,
    help: ArgumentHelp("Stop the C compiler after this many seconds.", valueName: "seconds"))
  var compileTimeout = CCompiler.defaultTimeout

  func validate() throws {
    guard compileTimeout > 0, compileTimeout.isFinite else {
      throw ValidationError("--compile-timeout must be a positive number of seconds (got \(compileTimeout))")
    }
    guard ["O0", "O1", "O2", "O3"].contains(optimization) else {
      throw ValidationError("--cc-opt must be one of O0, O1, O2, O3 (got '\(optimization)')")
    }
    guard CEmitter.WeightsMode(rawValue: weights) != nil else {
      throw ValidationError("--weights must be 'embedded' or 'external' (got '\(weights)')")
    }
    guard !targetCPU.isEmpty, targetCPU.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
    else {
      throw ValidationError(
        "--target-cpu must be a CPU name such as 'native' or 'x86-64-v3' (got '\(targetCPU)')")
    }
  }

  /// The ``CompileOptions`` these flags describe.
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` when no `--cc` is given and no compiler is found.
  func options(emitC: String? = nil) throws -> CompileOptions {
    let executable = try CCompiler.locateExecutable(compilerPath)
    var compiler = CCompiler(
      executable: executable, optimization: "-" + optimization, targetCPU: targetCPU)
    compiler.timeout = compileTimeout
    return CompileOptions(
      compiler: compiler, cacheDirectory: cacheDirectory, useCache: !noCache,
      weights: CEmitter.WeightsMode(rawValue: weights) ?? .embedded, emitCPath: emitC)
  }
}
