import Foundation
import TTIR
import XCTest

/// Runs the built `ttc` (from the same build products folder as the test bundle, else
/// `.build/debug/ttc` under the package root) with `arguments` in `directory`, with its compile
/// cache (`$XDG_CACHE_HOME/ttc`) in `directory/xdg` so that tests never touch the user's cache.
func ttc(_ arguments: [String], in directory: URL) throws -> ProcessResult {
  let executable = try XCTUnwrap(ttcExecutable(), "build the ttc product first (swift build --product ttc)")
  var environment = ProcessInfo.processInfo.environment
  environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("xdg").path
  return try runProcess(executable, arguments, in: directory, environment: environment)
}

/// The package's root folder (holding Package.swift and Data/).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A test case with a fresh temporary folder and fixture models.
class CommandLineTestCase: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("ttc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name).path) }

  func write(_ text: String, to name: String) throws {
    try Data(text.utf8).write(to: url(name))
  }

  func writeNumpy(_ values: [Float], shape: [Int], to name: String) throws {
    try NumpyFile(shape: shape, elements: .float32(values)).write(to: url(name))
  }

  /// Deterministic values in [-1, 1).
  func values(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { Float(($0 * 7919 + seed * 104_729) % 2000) / 1000 - 1 }
  }

  /// The digits MLP 64 → 128 → 10 (linear, relu, linear) at batch `batch`, saved as `name`.
  @discardableResult
  func saveDigitsMLP(_ name: String = "mlp.json", batch: Int = 1, softmax: Bool = false) throws -> Graph {
    var builder = GraphBuilder(name: "digits-mlp")
    let x = builder.input("x", .f32, [batch, 64])
    builder.weight("fc1.weight", TensorData(values(64 * 128, seed: 1).map { $0 * 0.1 }, shape: [64, 128]))
    builder.weight("fc1.bias", TensorData(values(128, seed: 2), shape: [128]))
    builder.weight("fc2.weight", TensorData(values(128 * 10, seed: 3).map { $0 * 0.1 }, shape: [128, 10]))
    builder.weight("fc2.bias", TensorData(values(10, seed: 4), shape: [10]))
    let h = builder.add(.linear, [x, "fc1.weight", "fc1.bias"], name: "fc1")
    let a = builder.add(.relu, [h], name: "act1")
    var y = builder.add(.linear, [a, "fc2.weight", "fc2.bias"], name: "fc2")
    if softmax { y = builder.add(.softmax, [y], attributes: ["axis": -1], name: "probs") }
    builder.output(y)
    let graph = try builder.build()
    try ModelFile.save(graph, to: url(name))
    return graph
  }
}

/// The value column of the totals row `row` in `ttc inspect` output.
func tableValue(_ output: String, row: String) -> String? {
  for line in output.split(separator: "\n") where line.hasPrefix(row + "  ") {
    return line.dropFirst(row.count).split(separator: " ").first.map(String.init)
  }
  return nil
}
