import CClang
import Glibc

/// Parses generated C in memory with libclang before it is handed to the compiler, so that an
/// emitter bug is reported against the graph node whose block contains it rather than as a raw
/// compiler error deep in a generated file.
///
/// The runtime headers are supplied as in-memory files too, as clang will see them (see
/// ``CCompiler/compileLibrary(source:runtimeObject:output:in:)``), so nothing is read from disk.
public enum CSourceChecker {
  /// The most graph nodes ``ModelCompiler`` checks with libclang: the parse holds the whole AST
  /// in memory (gigabytes for 100,000 nodes), so larger graphs skip this check, with a note, and
  /// rely on clang's own diagnostics.
  public static let nodeLimit = 10_000

  /// The note ``ModelCompiler`` adds when it skips the check for a graph of `nodeCount` nodes
  /// (more than ``nodeLimit``), or `nil` when it checks.
  public static func skipNote(nodeCount: Int) -> String? {
    guard nodeCount > nodeLimit else { return nil }
    return "libclang check skipped: \(nodeCount) nodes is over its limit of \(nodeLimit) "
      + "(its memory grows with the source); clang still checks everything"
  }

  /// The virtual directory the generated file and runtime headers appear to live in.
  static let virtualDirectory = "/ttc-virtual"

  /// Checks `source`; returns the warnings, throws on the first error.
  ///
  /// - Parameters:
  ///   - source: The generated C and its line → node map.
  ///   - keptSource: Where the C file was written, mentioned in the error.
  /// - Throws: ``CodegenError/invalidGeneratedC(node:diagnostic:keptSource:)``;
  ///   ``CodegenError/toolFailed(_:)`` when libclang cannot be opened (it is opened on first use).
  @discardableResult
  public static func check(_ source: GeneratedSource, keptSource: String? = nil) throws(CodegenError)
    -> [String]
  {
    let mainName = "\(virtualDirectory)/model.c"
    var files: [(name: String, contents: String)] = [(mainName, source.text)]
    for file in RuntimeSources.files {
      files.append(("\(virtualDirectory)/\(file.name)", file.contents))
    }
    var loadError: UnsafePointer<CChar>?
    guard let api = cclang_api(&loadError) else {
      throw .toolFailed(loadError.map { String(cString: $0) } ?? "libclang could not be opened")
    }
    let diagnostics = parse(
      api.pointee, files: files,
      arguments: ["-std=c11", "-I\(virtualDirectory)", "-Wall", CCompiler.runtimeObjectDefine])
    var warnings: [String] = []
    for diagnostic in diagnostics {
      if diagnostic.isError {
        let node = diagnostic.file == mainName ? source.node(atLine: diagnostic.line) : nil
        throw .invalidGeneratedC(node: node, diagnostic: diagnostic.text, keptSource: keptSource)
      }
      warnings.append(diagnostic.text)
    }
    return warnings
  }

  private struct Diagnostic {
    var text: String
    var file: String
    var line: Int
    var isError: Bool
  }

  /// Parses the first of `files` with the others available for `#include`.
  private static func parse(_ api: CClangAPI, files: [(name: String, contents: String)], arguments: [String])
    -> [Diagnostic]
  {
    let index = api.createIndex(0, 0)
    defer { api.disposeIndex(index) }
    let names = files.map { strdup($0.name)! }
    let contents = files.map { strdup($0.contents)! }
    let cArguments: [UnsafePointer<CChar>?] = arguments.map { UnsafePointer(strdup($0)) }
    defer {
      for pointer in names + contents { free(pointer) }
      for pointer in cArguments { free(UnsafeMutablePointer(mutating: pointer)) }
    }
    var unsaved = files.indices.map { i in
      CXUnsavedFile(Filename: names[i], Contents: contents[i], Length: UInt(strlen(contents[i])))
    }
    var unit: CXTranslationUnit?
    let status = cArguments.withUnsafeBufferPointer { args in
      api.parseTranslationUnit2(
        index, names[0], args.baseAddress, Int32(args.count), &unsaved, UInt32(unsaved.count),
        CXTranslationUnit_None.rawValue, &unit)
    }
    guard status == CXError_Success, let unit else {
      return [
        Diagnostic(
          text: "libclang could not parse the generated C (error \(status.rawValue))",
          file: "", line: 0, isError: true)
      ]
    }
    defer { api.disposeTranslationUnit(unit) }
    var diagnostics: [Diagnostic] = []
    for i in 0..<api.getNumDiagnostics(unit) {
      let diagnostic = api.getDiagnostic(unit, i)
      defer { api.disposeDiagnostic(diagnostic) }
      let severity = api.getDiagnosticSeverity(diagnostic)
      guard severity.rawValue >= CXDiagnostic_Warning.rawValue else { continue }
      var file: CXFile?
      var line: UInt32 = 0
      api.getSpellingLocation(api.getDiagnosticLocation(diagnostic), &file, &line, nil, nil)
      diagnostics.append(
        Diagnostic(
          text: consume(api.formatDiagnostic(diagnostic, api.defaultDiagnosticDisplayOptions()), api),
          file: file.map { consume(api.getFileName($0), api) } ?? "", line: Int(line),
          isError: severity.rawValue >= CXDiagnostic_Error.rawValue))
    }
    return diagnostics
  }

  /// The Swift string of a libclang string, which is then disposed.
  private static func consume(_ string: CXString, _ api: CClangAPI) -> String {
    defer { api.disposeString(string) }
    return api.getCString(string).map { String(cString: $0) } ?? ""
  }
}
