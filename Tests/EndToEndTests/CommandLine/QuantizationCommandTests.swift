import Foundation
import TTIR
import XCTest

/// `--quantize` and `--calibrate` on `ttc compile`, `run` and `bench`, and their bad inputs.
final class QuantizationCommandTests: CommandLineTestCase {
  private func outputs(_ name: String) throws -> [Float] {
    try NumpyFile(contentsOf: url(name)).floats()
  }

  func testEveryModeRunsInBothEnginesCloseToFloat32() throws {
    try saveDigitsMLP(batch: 4)
    try writeNumpy(values(4 * 64, seed: 5), shape: [4, 64], to: "x.npy")
    try writeNumpy(values(40 * 64, seed: 6), shape: [40, 64], to: "samples.npy")
    XCTAssertEqual(
      try ttc(["run", "mlp.json", "--input", "x.npy", "--output", "f32.npy"], in: directory).status, 0)
    let reference = try outputs("f32.npy")
    let modes: [(String, [String], String)] = [
      ("fp16", [], "fp16: 2 weight matrices stored as float16"),
      ("int8-dynamic", [], "int8-dynamic: 2 linear/conv2d layers quantized (int8 kernel on this CPU: "),
      // Two files of samples for the one input, the second named.
      (
        "int8", ["--calibrate", "samples.npy", "--calibrate", "x=x.npy"],
        "int8: 2 linear/conv2d layers quantized"
      ),
    ]
    for (mode, extra, note) in modes {
      for engine in [[], ["--compiled"]] {
        let result = try ttc(
          ["run", "mlp.json", "--quantize", mode] + extra + engine + [
            "--input", "x.npy", "--output", "\(mode).npy",
          ],
          in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(note), result.stdout)
        let difference = zip(try outputs("\(mode).npy"), reference).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(difference, mode == "fp16" ? 1e-2 : 0.1, "\(mode) \(engine)")
        try FileManager.default.removeItem(at: url("\(mode).npy"))
      }
    }
    let compiled = try ttc(
      ["compile", "mlp.json", "-o", "mlp-int8.so", "--quantize", "int8", "--calibrate", "samples.npy"],
      in: directory)
    XCTAssertEqual(compiled.status, 0, compiled.stderr)
    XCTAssertTrue(exists("mlp-int8.so"))
    let bench = try ttc(["bench", "mlp.json", "--quantize", "int8-dynamic", "--runs", "3"], in: directory)
    XCTAssertEqual(bench.status, 0, bench.stderr)
  }

  func testBadCalibrationDataIsOneClearLineAndNothingIsOverwritten() throws {
    try saveDigitsMLP(batch: 2)
    let model = try Data(contentsOf: url("mlp.json"))
    try writeNumpy(values(10 * 63, seed: 1), shape: [10, 63], to: "narrow.npy")
    try NumpyFile(shape: [4, 64], elements: .float64(Array(repeating: 0.5, count: 256))).write(
      to: url("doubles.npy"))
    try writeNumpy([], shape: [0, 64], to: "empty.npy")
    try write("pixel,value\n1,2\n", to: "samples.csv")
    let cases: [(String, String)] = [
      ("narrow.npy", "calibration samples have shape [10, 63], but the input f32[2, 64] needs [N, 64]"),
      ("doubles.npy", "calibration samples must be float32 (<f4), got <f8"),
      ("empty.npy", "calibration samples are empty (N = 0)"),
      ("samples.csv", "not a .npy file"),
      ("missing.npy", "cannot read file"),
    ]
    for (file, message) in cases {
      let result = try ttc(
        ["compile", "mlp.json", "-o", "out.so", "--quantize", "int8", "--calibrate", file], in: directory)
      XCTAssertEqual(result.status, 1, file)
      XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
      XCTAssertTrue(result.stderr.hasPrefix("error: --calibrate: "), result.stderr)
      XCTAssertTrue(result.stderr.contains(message), "\(file): \(result.stderr)")
      XCTAssertFalse(exists("out.so"))
    }
    XCTAssertEqual(try Data(contentsOf: url("mlp.json")), model)
    let noSamples = try ttc(["compile", "mlp.json", "--quantize", "int8"], in: directory)
    XCTAssertEqual(noSamples.status, 64)
    XCTAssertTrue(
      noSamples.stderr.contains("--quantize int8 needs --calibrate samples.npy"), noSamples.stderr)
    let unused = try ttc(["compile", "mlp.json", "--calibrate", "narrow.npy"], in: directory)
    XCTAssertTrue(unused.stderr.contains("--calibrate is only used by --quantize int8"), unused.stderr)
    let unknown = try ttc(["compile", "mlp.json", "--quantize", "int4"], in: directory)
    XCTAssertTrue(unknown.stderr.contains("'none', 'fp16', 'int8-dynamic' or 'int8'"), unknown.stderr)
  }

  func testAModelWithNothingToQuantizeIsCompiledUnchanged() throws {
    var builder = GraphBuilder(name: "relu-only")
    builder.output(builder.add(.relu, [builder.input("x", .f32, [2, 3])], name: "relu"))
    try ModelFile.save(try builder.build(), to: url("relu.json"))
    let plain = try ttc(["compile", "relu.json", "-o", "plain.so"], in: directory)
    let result = try ttc(
      ["compile", "relu.json", "-o", "quantized.so", "--quantize", "int8-dynamic"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(
      result.stdout.contains(
        "--quantize int8-dynamic: nothing to quantize (no linear or conv2d layer with stored f32 weights); the model is unchanged"
      ),
      result.stdout)
    XCTAssertTrue(
      result.stdout.contains("cache: hit"),
      "the same graph as the plain compile:\n\(plain.stdout)\n\(result.stdout)")
  }
}
