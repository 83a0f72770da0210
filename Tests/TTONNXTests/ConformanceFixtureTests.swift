import Foundation
import ONNXConformance
import XCTest

/// ONNX's own backend node tests that pass (packed by `scripts/onnx-conformance.sh
/// --update-fixtures`): every one through the interpreter, and a subset covering every op type
/// through the compiled library (compiling all would take minutes).
final class ConformanceFixtureTests: XCTestCase {
  override class func tearDown() {
    FixtureCases.removeUnpacked()
    super.tearDown()
  }

  func testPassingNodeTestsStillPassInTheInterpreter() throws {
    let cases = try FixtureCases.shared()
    XCTAssertGreaterThan(cases.count, 350)
    let results = ConformanceRunner(compile: false).runAll(cases)
    for result in results where result.status(compiling: false) != "passed" {
      XCTFail("\(result.name): \(result.unsupported ?? result.interpreter.summary)")
    }
  }

  func testCoveringSubsetPassesCompiled() throws {
    let subset = Set(try FixtureCases.compiledSubset())
    let cases = try FixtureCases.shared().filter { subset.contains($0.name) }
    XCTAssertEqual(cases.count, subset.count, "every listed case is in the archive")
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ttc-onnx-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }
    let results = ConformanceRunner(compile: true, cacheDirectory: cache.path).runAll(cases)
    for result in results where result.status(compiling: true) != "passed" {
      XCTFail(
        "\(result.name): interpreter \(result.interpreter.summary); compiled \(result.compiled.summary)")
    }
  }
}

/// The fixture archive, unpacked once per test run.
enum FixtureCases {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Fixtures")
  nonisolated(unsafe) private static var unpacked: [ConformanceCase]?
  private static let lock = NSLock()

  static func shared() throws -> [ConformanceCase] {
    lock.lock()
    defer { lock.unlock() }
    if let unpacked { return unpacked }
    let target = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ttc-onnx-node-tests-\(getpid())")
    try? FileManager.default.removeItem(at: target)
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = [
      "tar", "xzf", folder.appendingPathComponent("onnx-node-tests.tar.gz").path, "-C", target.path,
    ]
    try tar.run()
    tar.waitUntilExit()
    guard tar.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
    let cases = ConformanceCase.all(in: target)
    unpacked = cases
    return cases
  }

  static func removeUnpacked() {
    lock.lock()
    defer { lock.unlock() }
    if let folder = unpacked?.first?.folder.deletingLastPathComponent() {
      try? FileManager.default.removeItem(at: folder)
    }
    unpacked = nil
  }

  static func compiledSubset() throws -> [String] {
    try String(contentsOf: folder.appendingPathComponent("onnx-node-tests-compiled.txt"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
  }
}
