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
  /// - Throws: ``CodegenError/invalidGeneratedC(node:diagnostic:keptSource:)``.
  @discardableResult
  public static func check(_ source: GeneratedSource, keptSource: String? = nil) throws(CodegenError)
    -> [String]
  {
    let mainName = "\(virtualDirectory)/model.c"
    var files: [(name: String, contents: String)] = [(mainName, source.text)]
    for file in RuntimeSources.files {
      files.append(("\(virtualDirectory)/\(file.name)", file.contents))
    }
    let diagnostics = parse(
      files: files,
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
  private static func parse(files: [(name: String, contents: String)], arguments: [String]) -> [Diagnostic] {
    let index = clang_createIndex(0, 0)
    defer { clang_disposeIndex(index) }
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
      clang_parseTranslationUnit2(
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
    defer { clang_disposeTranslationUnit(unit) }
    var diagnostics: [Diagnostic] = []
    for i in 0..<clang_getNumDiagnostics(unit) {
      let diagnostic = clang_getDiagnostic(unit, i)
      defer { clang_disposeDiagnostic(diagnostic) }
      let severity = clang_getDiagnosticSeverity(diagnostic)
      guard severity.rawValue >= CXDiagnostic_Warning.rawValue else { continue }
      var file: CXFile?
      var line: UInt32 = 0
      clang_getSpellingLocation(clang_getDiagnosticLocation(diagnostic), &file, &line, nil, nil)
      diagnostics.append(
        Diagnostic(
          text: consume(clang_formatDiagnostic(diagnostic, clang_defaultDiagnosticDisplayOptions())),
          file: file.map { consume(clang_getFileName($0)) } ?? "", line: Int(line),
          isError: severity.rawValue >= CXDiagnostic_Error.rawValue))
    }
    return diagnostics
  }

  /// The Swift string of a libclang string, which is then disposed.
  private static func consume(_ string: CXString) -> String {
    defer { clang_disposeString(string) }
    return clang_getCString(string).map { String(cString: $0) } ?? ""
  }
}
