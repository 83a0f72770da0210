import Foundation
import TTIR
import TTInterpreter
import TTLoader
import XCTest

@testable import TTCodegen

/// A model file is untrusted: names reach generated C in comments, string literals and
/// identifiers, and must never become code (issue 13, item 1).
final class HostileNameTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// Names that would close a comment, open one, form trigraphs, end a string, splice lines.
  static let awkward = [
    "a*/b", "/*c", "d??/", "e\"f", "g\\", "h\nint x;", "i??=??(", "j\r\t\u{7}\u{1B}[31m", "k é ✓",
    "l?", String(repeating: "m", count: 10_000), String(repeating: "m", count: 10_000) + "n",
  ]

  func testCommentSpellingCannotEndTheCommentOrFormTrigraphs() {
    for name in Self.awkward + ["*/", "/*/", "??/", "?\u{0}?/"] {
      let spelled = CSyntax.comment(name)
      for forbidden in ["*/", "/*", "??", "\\", "\n", "\r", "\u{0}", "\""] {
        XCTAssertFalse(spelled.contains(forbidden), "\(spelled.debugDescription) contains \(forbidden)")
      }
      XCTAssertTrue(spelled.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
      XCTAssertLessThanOrEqual(spelled.count, CSyntax.nameLimit * 3 + 3)
    }
    XCTAssertEqual(CSyntax.comment("fc1.weight"), "fc1.weight")
    XCTAssertEqual(CSyntax.comment("a*/b"), "a%2A/b")
    XCTAssertEqual(CSyntax.string("d??/"), "\"d\\?\\?/\"")
    XCTAssertLessThanOrEqual(
      CSyntax.identifier(String(repeating: "x", count: 10_000), prefix: "v_").count, 50)
  }

  /// A graph whose names carry payloads that, written raw into the C, would run `touch MARKER`
  /// when the library is loaded or run (each payload is valid C once it escapes its comment);
  /// compiled, loaded and run, it must only compute the model.
  func testNamesCarryingCodeDoNotRun() throws {
    let marker = cache + "/pwned"
    let shell = "int system(const char *); system(\"touch \(marker)\");"
    let fileScope =
      "*/ int system(const char *); __attribute__((constructor)) static void tt_pwn(void) "
      + "{ system(\"touch \(marker)\"); } /*"
    var b = GraphBuilder(name: fileScope)
    let x = b.input("x", .f32, [2, 3])
    let y = b.add(.relu, [x], name: "*/ \(shell) /*", output: "y */ \(shell) /* ??/")
    let view = b.add(.reshape, [y], attributes: ["shape": .ints([3, 2])], name: "view", output: "v")
    b.output(b.add(.exp, [view], name: "exp", output: "out"))
    let graph = try b.build()
    try assertCompiledMatchesInterpreter(graph, ["x": randomTensor([2, 3], seed: 2)], cache: cache)
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a name was executed as code")
  }

  /// Every awkward name compiles, the outputs match the interpreter, and string literals keep
  /// names exactly: the loader and the observer see the graph's names.
  func testAwkwardNamesCompileRunAndRoundTrip() throws {
    var b = GraphBuilder(name: "g */ ??/ \"\\\n")
    let x = b.input("x */", .f32, [2, 3])
    let w = b.weight("w??/\"\\\n", TensorData(randomFloats(6, seed: 1), shape: [2, 3]))
    var value = b.add(.add, [x, w], name: "/* add", output: "sum ??/")
    for (index, name) in Self.awkward.enumerated() {
      value = b.add(index.isMultiple(of: 2) ? .relu : .neg, [value], name: name, output: name + ".out")
    }
    value = b.add(.reshape, [value], attributes: ["shape": .ints([3, 2])], name: "view /*", output: "v */")
    b.output(b.add(.exp, [value], name: "out\"??/", output: "out \u{1}"))
    let graph = try b.build()
    let input = randomTensor([2, 3], seed: 2)
    try assertCompiledMatchesInterpreter(graph, ["x */": input], cache: cache)

    let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
    let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
    XCTAssertEqual(model.name, graph.name)
    XCTAssertEqual(model.inputs.map(\.name), graph.inputs.map(\.name))
    XCTAssertEqual(model.outputs.map(\.name), graph.outputs.map(\.name))
    var observed: [String] = []
    _ = try model.run([input.tensorData]) { _, name, _ in observed.append(name) }
    XCTAssertEqual(observed, graph.nodes.map(\.name))
  }
}
