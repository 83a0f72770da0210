import Glibc

/// The runtime kernels (Runtime/*.c) compiled once per runtime version, compiler and flags, and
/// linked into every model library: `<key>.o` in the cache's ``CompileCache/runtimeObjectsFolder``
/// (normally `<cache>/runtime`), with its SHA-256 in `<key>.o.sha256`
/// so that a corrupted object is rebuilt instead of linked. A model's own translation unit then only
/// includes the runtime header, so a cold `ttc compile` of a small model compiles only the model's
/// code.
enum RuntimeObject {
  /// The folder in the cache root.
  static let folderName = "runtime"

  /// The cached object for `compiler` in `cache`, compiled first if missing. It is built in a
  /// private build folder, copied beside its final name and renamed into place (the folder may be on
  /// another file system), so concurrent compiles never see a torn file (the last rename wins, with
  /// identical contents).
  static func path(compiler: CCompiler, cache: CompileCache) throws(CodegenError) -> String {
    var hasher = SHA256()
    hasher.update(ModelCompiler.runtimeHash)
    hasher.update("\n\(compiler.executable): \(try cache.identity(of: compiler))")
    hasher.update("\n\(compiler.runtimeObjectFlags.joined(separator: " "))")
    let folder = cache.runtimeObjectsFolder
    let path = "\(folder)/\(hasher.finalize().prefix(32)).o"
    if let recorded = try? FileSystem.readText(path + checksumSuffix), let actual = try? checksum(of: path),
      recorded == actual
    {
      return path
    }
    // Missing, or corrupted since it was stored (its checksum differs): build it again.
    let build = try cache.makeBuildDirectory()
    for file in RuntimeSources.files { try FileSystem.write(file.contents, to: "\(build.path)/\(file.name)") }
    try FileSystem.write(CCompiler.runtimeTranslationUnit, to: "\(build.path)/runtime.c")
    try compiler.compileRuntimeObject(source: "runtime.c", output: "runtime.o", in: build.path)
    let object = try FileSystem.read("\(build.path)/runtime.o")
    FileSystem.remove(build.path)
    try FileSystem.createDirectory(folder)
    let staged = "\(path).\(getpid())-\(UInt32.random(in: 0 ... .max))"
    try FileSystem.write(object, to: staged)
    try FileSystem.write(try checksum(of: staged), to: staged + checksumSuffix)
    try FileSystem.rename(staged, to: path)
    try FileSystem.rename(staged + checksumSuffix, to: path + checksumSuffix)
    return path
  }

  /// The file next to each object that records its SHA-256, checked before every use.
  static let checksumSuffix = ".sha256"

  /// The SHA-256 of the file at `path`, as lowercase hex.
  static func checksum(of path: String) throws(CodegenError) -> String {
    var hasher = SHA256()
    hasher.update(try FileSystem.read(path))
    return hasher.finalize()
  }
}
