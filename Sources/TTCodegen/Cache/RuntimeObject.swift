/// The runtime kernels (Runtime/*.c) compiled once per runtime version, compiler and flags, and
/// linked into every model library: `<cache>/runtime/<key>.o`. A model's own translation unit then
/// only includes the runtime header, so a cold `ttc compile` of a small model compiles only the
/// model's code.
enum RuntimeObject {
  /// The folder in the cache root.
  static let folderName = "runtime"

  /// The cached object for `compiler` in `cache`, compiled first if missing. It is built in a
  /// private build folder and renamed into place, so concurrent compiles never see a torn file (the
  /// last rename wins, with identical contents).
  static func path(compiler: CCompiler, cache: CompileCache) throws(CodegenError) -> String {
    var hasher = SHA256()
    hasher.update(ModelCompiler.runtimeHash)
    hasher.update("\n\(compiler.executable): \(try cache.identity(of: compiler))")
    hasher.update("\n\(compiler.compileFlags.joined(separator: " "))")
    let folder = "\(cache.root)/\(folderName)"
    let path = "\(folder)/\(hasher.finalize().prefix(32)).o"
    if FileSystem.exists(path) { return path }
    let build = try cache.makeBuildDirectory()
    for file in RuntimeSources.files { try FileSystem.write(file.contents, to: "\(build.path)/\(file.name)") }
    try FileSystem.write(CCompiler.runtimeTranslationUnit, to: "\(build.path)/runtime.c")
    try compiler.compileRuntimeObject(source: "runtime.c", output: "runtime.o", in: build.path)
    try FileSystem.createDirectory(folder)
    try FileSystem.rename("\(build.path)/runtime.o", to: path)
    FileSystem.remove(build.path)
    return path
  }
}
