import Foundation
import TTIR
import TTInterpreter
import XCTest

/// `ttc inspect`, `run`, `profile` and `graph` on fixture models.
final class CommandLineTests: CommandLineTestCase {
  func testInspectCountsFLOPsOfTheDigitsMLPByHand() throws {
    try saveDigitsMLP()
    let result = try ttc(["inspect", "mlp.json"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    // fc1: 2·64·128 + 128 bias; act1: 128; fc2: 2·128·10 + 10 bias.
    let fc1: Int = 2 * 64 * 128 + 128
    let act1: Int = 128
    let fc2: Int = 2 * 128 * 10 + 10
    XCTAssertEqual(tableValue(result.stdout, row: "FLOPs"), "\(fc1 + act1 + fc2)")
    XCTAssertEqual(nodeFLOPs(result.stdout), ["fc1": fc1, "act1": act1, "fc2": fc2])
    let parameters: Int = 64 * 128 + 128 + 128 * 10 + 10
    XCTAssertEqual(tableValue(result.stdout, row: "parameters"), "\(parameters)")
    XCTAssertEqual(tableValue(result.stdout, row: "nodes"), "3")
    // Peak: fc1's output (128 floats) and act1's (128 floats) live together.
    XCTAssertEqual(tableValue(result.stdout, row: "peak intermediate bytes"), "\(2 * 128 * 4)")
    XCTAssertTrue(result.stdout.contains("x      input   f32    [1, 64]"), result.stdout)
  }

  func testInspectCountsFLOPsOfASmallCNNByHand() throws {
    var builder = GraphBuilder(name: "cnn")
    let x = builder.input("x", .f32, [1, 1, 8, 8])
    builder.weight("conv.weight", TensorData(values(8 * 9, seed: 5), shape: [8, 1, 3, 3]))
    builder.weight("conv.bias", TensorData(values(8, seed: 6), shape: [8]))
    builder.weight("fc.weight", TensorData(values(72 * 10, seed: 7), shape: [72, 10]))
    builder.weight("fc.bias", TensorData(values(10, seed: 8), shape: [10]))
    let conv = builder.add(.conv2d, [x, "conv.weight", "conv.bias"], name: "conv")  // [1, 8, 6, 6]
    let pool = builder.add(.maxPool2d, [conv], attributes: ["kernel": [2, 2]], name: "pool")  // [1, 8, 3, 3]
    let flat = builder.add(.flatten, [pool], name: "flatten")  // [1, 72]
    builder.output(builder.add(.linear, [flat, "fc.weight", "fc.bias"], name: "fc"))
    try ModelFile.save(try builder.build(), to: url("cnn.json"))

    let result = try ttc(["inspect", "cnn.json"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    let convFLOPs: Int = 8 * 6 * 6 * (2 * 1 * 3 * 3) + 8 * 6 * 6  // 9 multiply-adds per output, + bias
    let poolFLOPs: Int = 8 * 3 * 3 * 4  // one per window element
    let fcFLOPs: Int = 2 * 72 * 10 + 10
    XCTAssertEqual(
      nodeFLOPs(result.stdout), ["conv": convFLOPs, "pool": poolFLOPs, "flatten": 0, "fc": fcFLOPs])
    XCTAssertEqual(tableValue(result.stdout, row: "FLOPs"), "\(convFLOPs + poolFLOPs + fcFLOPs)")
  }

  func testRunWritesTheInterpretersOutput() throws {
    let graph = try saveDigitsMLP(batch: 2, softmax: true)
    let input = values(2 * 64, seed: 9)
    try writeNumpy(input, shape: [2, 64], to: "x.npy")
    let result = try ttc(["run", "mlp.json", "--input", "x.npy", "--output", "y.npy"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout, "probs: f32[2, 10] -> y.npy\n")
    let written = try NumpyFile(contentsOf: url("y.npy"))
    let expected = try Interpreter(graph: graph).run(["x": InterpreterTensor(input, shape: [2, 64])])
    XCTAssertEqual(written.shape, [2, 10])
    XCTAssertEqual(written.floats(), expected["probs"]!.floats())
  }

  func testRunWithNamedInputsAndAnOutputDirectory() throws {
    var builder = GraphBuilder(name: "two")
    builder.input("a", .f32, [3])
    builder.input("b", .f32, [3])
    builder.output(builder.add(.add, ["a", "b"], name: "sum"))
    builder.output(builder.add(.argmax, ["a"], attributes: ["axis": 0], name: "best"))
    try ModelFile.save(try builder.build(), to: url("two.json"))
    try writeNumpy([1, 5, 2], shape: [3], to: "a.npy")
    try writeNumpy([10, 20, 30], shape: [3], to: "b.npy")

    let result = try ttc(
      ["run", "two.json", "--input", "b=b.npy", "--input", "a=a.npy", "--output", "out/"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(try NumpyFile(contentsOf: url("out/sum.npy")).elements, .float32([11, 25, 32]))
    XCTAssertEqual(try NumpyFile(contentsOf: url("out/best.npy")).elements, .int64([1]))

    let printed = try ttc(["run", "two.json", "--input", "a.npy", "--input", "b.npy"], in: directory)
    XCTAssertEqual(printed.stdout, "sum: f32[3] = [11.0, 25.0, 32.0]\nbest: i64[] = [1]\n")
  }

  func testRunAtAnotherBatchSize() throws {
    try saveDigitsMLP()
    try writeNumpy(values(3 * 64, seed: 10), shape: [3, 64], to: "x3.npy")
    let refused = try ttc(["run", "mlp.json", "--input", "x3.npy"], in: directory)
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.stderr.contains("pass --batch 3"), refused.stderr)
    let result = try ttc(["run", "mlp.json", "--batch", "3", "--input", "x3.npy"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("fc2: f32[3, 10] = "), result.stdout)
  }

  func testProfilePrintsEveryNodeAndWritesAChromeTrace() throws {
    try saveDigitsMLP()
    // -O0: the nodes as written (-O2 would fuse act1 into fc1's epilogue).
    let result = try ttc(
      ["profile", "mlp.json", "-O0", "--runs", "3", "--trace", "trace.json"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    for node in ["fc1", "act1", "fc2"] { XCTAssertTrue(result.stdout.contains(" \(node) "), result.stdout) }
    XCTAssertTrue(result.stdout.contains("runs: 3"), result.stdout)

    let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: url("trace.json"))) as? [String: Any]
    let events = try XCTUnwrap(trace?["traceEvents"] as? [[String: Any]])
    XCTAssertEqual(events.count, 3 * 3)
    XCTAssertEqual(Set(events.compactMap { $0["ph"] as? String }), ["X"])
    XCTAssertEqual(events.prefix(3).compactMap { $0["name"] as? String }, ["fc1", "act1", "fc2"])
    let starts = events.compactMap { ($0["ts"] as? NSNumber)?.doubleValue }
    XCTAssertEqual(starts, starts.sorted(), "events follow each other in time")
    XCTAssertTrue(events.allSatisfy { (($0["dur"] as? NSNumber)?.doubleValue ?? -1) >= 0 })
  }

  func testGraphPrintsDotOrWritesItToAFile() throws {
    try saveDigitsMLP()
    let result = try ttc(["graph", "mlp.json", "--format", "dot"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("digraph \"digits-mlp\" {"), result.stdout)
    XCTAssertTrue(result.stdout.contains("fc1\\nlinear\\nf32[1, 128]"), result.stdout)
    XCTAssertEqual(try ttc(["graph", "mlp.json", "-o", "mlp.dot"], in: directory).stdout, "")
    XCTAssertEqual(try String(contentsOf: url("mlp.dot"), encoding: .utf8), result.stdout)
    let text = try ttc(["graph", "mlp.json", "--format", "text"], in: directory)
    XCTAssertTrue(text.stdout.contains("act1 = relu(fc1)  # act1"), text.stdout)
  }

  func testEveryCommandHasHelpWithExamples() throws {
    for command in ["inspect", "run", "profile", "graph", "compile", "bench", "diff", "cache", "passes"] {
      let result = try ttc([command, "--help"], in: directory)
      XCTAssertEqual(result.status, 0, command)
      XCTAssertTrue(result.stdout.contains("Examples:\n  ttc \(command) "), "\(command): \(result.stdout)")
    }
  }

  /// Node name → FLOPs from the per-node table of `ttc inspect`.
  private func nodeFLOPs(_ output: String) -> [String: Int] {
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    guard let header = lines.firstIndex(where: { String($0).hasPrefix("#  node") }) else { return [:] }
    // Column extents are the runs of dashes in the rule under the header.
    var columns: [Range<Int>] = []
    var start: Int?
    for (index, character) in (lines[header + 1] + [" "]).enumerated() {
      if character == "-" && start == nil { start = index }
      if character != "-", let begin = start {
        columns.append(begin..<index)
        start = nil
      }
    }
    func cell(_ line: [Character], _ column: Int) -> String {
      let range = columns[column].clamped(to: 0..<line.count)
      return String(line[range]).trimmingCharacters(in: .whitespaces)
    }
    var result: [String: Int] = [:]
    for line in lines[(header + 2)...] where !line.isEmpty {
      result[cell(line, 1)] = Int(cell(line, 4))
    }
    return result
  }
}
