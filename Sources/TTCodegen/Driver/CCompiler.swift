import Glibc

/// Drives the C compiler (clang) that turns generated C into a shared library.
///
/// The executable is `$TTC_CC` if set, else `clang` on `PATH`, else the Swift toolchain's
/// `/opt/swift/usr/bin/clang`. Default flags: `-O3 -march=native -fPIC -fvisibility=hidden`
/// (plus ``linkFlags`` when linking). No `-ffast-math`: compiled results should stay within the
/// 1e-4 tolerance of the interpreter, and the runtime's own vectorizable `tt_expf`/`tt_tanhf`
/// give the speed `-ffast-math` would otherwise be wanted for.
public struct CCompiler: Sendable, Hashable {
  /// The path of the compiler executable.
  public var executable: String
  /// The optimization flag, e.g. `-O3` or `-O1`.
  public var optimization: String
  /// The CPU to tune for (`-march=`), or `nil` for the compiler's default.
  public var targetCPU: String?
  /// More flags appended to every compilation (by default those of `$TTC_CFLAGS`, see
  /// ``environmentFlags``).
  public var extraFlags: [String]
  /// Seconds one compilation may take before it is stopped (a hanging compiler must not hang
  /// ttc); not part of cache keys.
  public var timeout: Double = CCompiler.defaultTimeout

  /// The default ``timeout``: ten minutes, far beyond any model compiled so far (seconds).
  public static let defaultTimeout = 600.0

  /// A compiler at `executable` with the given options.
  public init(
    executable: String, optimization: String = "-O3", targetCPU: String? = "native",
    extraFlags: [String] = CCompiler.environmentFlags
  ) {
    self.executable = executable
    self.optimization = optimization
    self.targetCPU = targetCPU
    self.extraFlags = extraFlags
  }

  /// The compiler found by the lookup described on the type, with default options.
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` naming every place looked at if none is found.
  public static func locate() throws(CodegenError) -> CCompiler {
    CCompiler(executable: try locateExecutable())
  }

  /// The flags in `$TTC_CFLAGS` (split at spaces): a test mode, e.g.
  /// `TTC_CFLAGS="-fsanitize=address,undefined"` builds every runtime object and model library
  /// with sanitizers (scripts/sanitize.sh). Like every compile flag they are part of cache keys.
  public static var environmentFlags: [String] {
    (getenv("TTC_CFLAGS").map { String(cString: $0) } ?? "").split(separator: " ").map(String.init)
  }

  /// Finds the compiler executable: `requested` (a path, relative to the current directory, or a
  /// name looked up on `PATH`) when given, else as the type's documentation says.
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` when the compiler is not an executable file.
  public static func locateExecutable(_ requested: String? = nil) throws(CodegenError) -> String {
    if let requested {
      guard let path = resolve(requested) else {
        throw .toolFailed("the C compiler '\(requested)' is not an executable file (nor a name on PATH)")
      }
      return path
    }
    if let override = getenv("TTC_CC").map({ String(cString: $0) }), !override.isEmpty {
      guard let path = resolve(override) else {
        throw .toolFailed("TTC_CC is set to '\(override)', which is not an executable file")
      }
      return path
    }
    if let path = resolve("clang") { return path }
    let fallback = "/opt/swift/usr/bin/clang"
    guard access(fallback, X_OK) == 0 else {
      throw .toolFailed("no C compiler found: TTC_CC is unset, no clang on PATH, no \(fallback)")
    }
    return fallback
  }

  /// `name` as an absolute path if it is a path to an executable (relative ones are taken from
  /// the current directory, as the compiler runs in a build folder), else its first match on `PATH`.
  private static func resolve(_ name: String) -> String? {
    if name.contains("/") {
      var path = name
      if !name.hasPrefix("/"), let cwd = getcwd(nil, 0) {
        path = String(cString: cwd) + "/" + name
        free(cwd)
      }
      return access(path, X_OK) == 0 ? path : nil
    }
    let path = getenv("PATH").map { String(cString: $0) } ?? ""
    for directory in path.split(separator: ":") where access("\(directory)/\(name)", X_OK) == 0 {
      return "\(directory)/\(name)"
    }
    return nil
  }

  /// The flags of every compilation (not linking).
  public var compileFlags: [String] {
    [optimization] + (targetCPU.map { ["-march=\($0)"] } ?? []) + [
      "-fPIC", "-fvisibility=hidden", "-std=c11",
    ]
      + extraFlags
  }

  /// The first line of `clang --version`, e.g. `clang version 21.0.0 (…)`; part of cache keys.
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` if the compiler cannot be run.
  public func identity() throws(CodegenError) -> String {
    let result = try Subprocess.run(executable, ["--version"], timeout: timeout)
    guard result.status == 0, let line = result.output.split(separator: "\n").first else {
      throw .toolFailed("\(executable) --version failed (status \(result.status)): \(result.output)")
    }
    return String(line)
  }

  /// The macro that makes the runtime's kernels external functions (`Runtime/include/tt_runtime.h`):
  /// they live in the cached runtime object (``RuntimeObject``), and a model's translation unit
  /// only includes the header.
  static let runtimeObjectDefine = "-DTT_RUNTIME_OBJECT"

  /// The flags of the runtime object: ``compileFlags``, the define above, and every function and
  /// datum in a section of its own, so that linking a model library with ``linkFlags`` keeps only
  /// the kernels the model reaches from its exported entry points (a perceptron does not carry the
  /// convolution, attention or int8 kernels).
  var runtimeObjectFlags: [String] {
    compileFlags + [Self.runtimeObjectDefine, "-ffunction-sections", "-fdata-sections"]
  }

  /// The flags of linking a model library: a shared library from which the linker drops every
  /// section of the runtime object that no exported function (`tt_describe`, `tt_run`, …, the roots
  /// of a shared library with hidden kernels) reaches.
  public static let linkFlags = ["-shared", "-Wl,--gc-sections"]

  /// A C file that includes every runtime `.c` file (all in the same directory), in order.
  static var runtimeTranslationUnit: String {
    RuntimeSources.files.filter { $0.name.hasSuffix(".c") }.map { "#include \"\($0.name)\"\n" }.joined()
  }

  /// Compiles the runtime translation unit `source` (with the runtime files in `directory`) into
  /// the object file `output`.
  ///
  /// - Throws: ``CodegenError/compilationFailed(command:diagnostics:keptSource:)`` with clang's output.
  func compileRuntimeObject(source: String, output: String, in directory: String) throws(CodegenError) {
    try invoke(
      runtimeObjectFlags + ["-c", "-o", output, source], in: directory,
      keptSource: directory + "/" + source)
  }

  /// Compiles `source` (the runtime headers must be in `directory`) and links it with the runtime
  /// object `runtimeObject` into the shared library `output`; paths are relative to `directory` or
  /// absolute.
  ///
  /// - Throws: ``CodegenError/compilationFailed(command:diagnostics:keptSource:)`` with clang's output.
  public func compileLibrary(source: String, runtimeObject: String, output: String, in directory: String)
    throws(CodegenError)
  {
    try invoke(
      compileFlags + [Self.runtimeObjectDefine] + Self.linkFlags + [
        "-o", output, source, runtimeObject, "-lm",
      ],
      in: directory, keptSource: directory + "/" + source)
  }

  private func invoke(_ arguments: [String], in directory: String, keptSource: String) throws(CodegenError) {
    let result = try Subprocess.run(executable, arguments, in: directory, timeout: timeout)
    guard result.status == 0 else {
      let command = "cd \(directory) && " + ([executable] + arguments).joined(separator: " ")
      throw .compilationFailed(command: command, diagnostics: result.output, keptSource: keptSource)
    }
  }
}
