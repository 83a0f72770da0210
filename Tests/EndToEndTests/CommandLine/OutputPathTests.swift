import Foundation
import TTIR
import XCTest

/// No command replaces a file it reads: every output path is checked against the model, its
/// weights and the inputs by device and inode (symlinks and hard links included).
final class OutputPathTests: CommandLineTestCase {
  override func setUpWithError() throws {
    try super.setUpWithError()
    try saveDigitsMLP()
    try writeNumpy(values(64, seed: 1), shape: [1, 64], to: "x.npy")
    try FileManager.default.createSymbolicLink(atPath: url("link.json").path, withDestinationPath: "mlp.json")
    try FileManager.default.linkItem(at: url("mlp.safetensors"), to: url("hard.safetensors"))
    try FileManager.default.createDirectory(at: url("sub"), withIntermediateDirectories: false)
  }

  /// Runs `arguments`, expects one refusal line naming `option`, and every input unchanged.
  private func assertRefused(
    _ arguments: [String], option: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let names = ["mlp.json", "mlp.safetensors", "x.npy"]
    let before = try names.map { try Data(contentsOf: url($0)) }
    let result = try ttc(arguments, in: directory)
    XCTAssertEqual(result.status, 1, result.stdout, file: file, line: line)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.hasPrefix("error: \(option) "), result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.contains("refusing to overwrite"), result.stderr, file: file, line: line)
    XCTAssertEqual(try names.map { try Data(contentsOf: url($0)) }, before, file: file, line: line)
  }

  func testCompileRefusesToReplaceItsInputs() throws {
    for target in ["mlp.json", "mlp.safetensors", "link.json", "hard.safetensors", "./sub/../mlp.json"] {
      try assertRefused(["compile", "mlp.json", "-o", target], option: "-o")
      try assertRefused(["compile", "mlp.json", "-o", "ok.so", "--emit-c", target], option: "--emit-c")
    }
    try assertRefused(["compile", "mlp.json", "-o", "same", "--emit-c", "same"], option: "--emit-c")
  }

  func testRunRefusesToReplaceItsInputs() throws {
    for target in ["mlp.json", "mlp.safetensors", "x.npy", "link.json", "hard.safetensors"] {
      try assertRefused(["run", "mlp.json", "--input", "x.npy", "--output", target], option: "--output")
      try assertRefused(
        ["run", "mlp.json", "--input", "x=x.npy", "--output", "fc2=\(target)"], option: "--output")
    }
    let compiled = try ttc(["compile", "mlp.json", "-o", "mlp.so"], in: directory)
    XCTAssertEqual(compiled.status, 0, compiled.stderr)
    try assertRefused(
      ["run", "mlp.json", "--compiled", "mlp.so", "--input", "x.npy", "--output", "mlp.so"],
      option: "--output")
  }

  func testGraphAndProfileRefuseToReplaceTheirInputs() throws {
    for target in ["mlp.json", "mlp.safetensors", "link.json"] {
      try assertRefused(["graph", "mlp.json", "-o", target], option: "-o")
      try assertRefused(["profile", "mlp.json", "--runs", "1", "--trace", target], option: "--trace")
    }
    try assertRefused(["profile", "mlp.json", "--input", "x.npy", "--trace", "x.npy"], option: "--trace")
    // A new file, or a file the command does not read, is written as asked.
    XCTAssertEqual(try ttc(["graph", "mlp.json", "-o", "mlp.dot"], in: directory).status, 0)
    XCTAssertEqual(try ttc(["graph", "mlp.json", "-o", "mlp.dot"], in: directory).status, 0)
    XCTAssertTrue(exists("mlp.dot"))
  }

  func testOutputNamesCannotLeaveTheOutputFolder() throws {
    var builder = GraphBuilder(name: "escape")
    builder.output(builder.add(.relu, [builder.input("x", .f32, [1, 64])], name: "../escaped"))
    try ModelFile.save(try builder.build(), to: url("escape.json"))
    let result = try ttc(["run", "escape.json", "--input", "x.npy", "--output", "out/"], in: directory)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.stderr.hasPrefix("error: --output out/: output '../escaped' is not a plain file name"),
      result.stderr)
    XCTAssertFalse(exists("escaped.npy"))
  }
}
