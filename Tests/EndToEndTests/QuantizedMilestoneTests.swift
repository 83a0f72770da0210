import Foundation
import MilestoneSupport
import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// The quantization floors on the trained digits MLP and LeNet, on the 200 test digits, in every
/// engine: int8 static and int8 dynamic within 1 point of fp32, fp16 within 0.2 points
/// (interpreter, compiled library, and eager `quantizeForEvaluation`). int8 LeNet runs its
/// convolutions as `quantized_conv2d` too; the int8 engines agree within the compiled tolerance.
final class QuantizedMilestoneTests: XCTestCase {
  var directory = URL(fileURLWithPath: "/")
  override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
  override func tearDown() { removeDirectory(directory) }

  private func accuracy(_ logits: [Float], _ labels: [Float]) -> Double {
    let predictions = rowArgmax(logits, columns: 10)
    return Double(zip(predictions, labels).filter { Float($0) == $1 }.count) / Double(labels.count)
  }

  private func checkFloors(_ model: Module, train: TensorDataset, test: TensorDataset, name: String) throws {
    let (images, labels) = (test.tensors[0], test.tensors[1].scalars)
    let graph = try exportAndReload(model, example: images, name: name, in: directory)
    let float32 = accuracy(
      try Interpreter(graph: graph).run(["x": InterpreterTensor(images.scalars, shape: images.shape)])["y"]!
        .floats(),
      labels)
    XCTAssertGreaterThan(float32, 0.85, "\(name) trained")
    let samples = try NumpyFile(shape: train.tensors[0].shape, elements: .float32(train.tensors[0].scalars))
    let ranges = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
    let variants: [(String, Graph, Double)] = [
      ("fp16", try FP16Quantizer.quantize(graph).graph, 0.002),
      ("int8-dynamic", try Int8Quantizer.quantize(graph, ranges: nil).graph, 0.01),
      ("int8", try Int8Quantizer.quantize(graph, ranges: ranges).graph, 0.01),
    ]
    let cache = directory.appendingPathComponent("cache")
    for (variant, quantized, allowed) in variants {
      let interpreted = try Interpreter(graph: quantized).run([
        "x": InterpreterTensor(images.scalars, shape: images.shape)
      ])
      let compiled = try compileAndLoad(quantized, cache: cache).run([images.scalars])[0]
      if variant.hasPrefix("int8") {
        let convolutions = graph.nodes.filter { $0.op == .conv2d }.count
        XCTAssertEqual(
          quantized.nodes.filter { $0.op == .quantizedConv2d }.count, convolutions, "\(name) \(variant)")
        assertClose(compiled, interpreted["y"]!.floats(), "\(name) \(variant)", tolerance: Tolerance.compiled)
      }
      print(
        "\(name) \(variant): fp32 \(float32), interpreter \(accuracy(interpreted["y"]!.floats(), labels)), "
          + "compiled \(accuracy(compiled, labels)), TT_ISA \(ProcessInfo.processInfo.environment["TT_ISA"] ?? "unset")"
      )
      XCTAssertGreaterThanOrEqual(
        accuracy(interpreted["y"]!.floats(), labels), float32 - allowed, "\(name) \(variant)")
      XCTAssertGreaterThanOrEqual(
        accuracy(compiled, labels), float32 - allowed, "\(name) \(variant) compiled")
    }
    model.eval()
    for (mode, allowed) in [(EvaluationQuantization.fp16, 0.002), (.int8Dynamic, 0.01)] {
      let report = model.quantizeForEvaluation(mode)
      XCTAssertLessThan(report.bytesAfter, report.bytesBefore)
      let eager = try withNoGrad { try model(images) }.scalars
      XCTAssertGreaterThanOrEqual(accuracy(eager, labels), float32 - allowed, "\(name) eager \(mode)")
    }
    try model.quantizeForEvaluation(calibratingOn: train.tensors[0])
    let eager = try withNoGrad { try model(images) }.scalars
    XCTAssertGreaterThanOrEqual(accuracy(eager, labels), float32 - 0.01, "\(name) eager int8 static")
    model.removeEvaluationQuantization()
  }

  func testDigitsMLP() throws {
    let digits = try TinyDigits(dataDirectory: repositoryRoot.appendingPathComponent("Data"))
    let model = DigitMLP(seed: 1986)
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy)
    _ = try trainer.fit(try DataLoader(digits.train, batchSize: 32, shuffle: true, seed: 1986), epochs: 5)
    try checkFloors(model, train: digits.train, test: digits.test, name: "digits-mlp")
  }

  func testLeNet() throws {
    let digits = try TinyDigits(dataDirectory: repositoryRoot.appendingPathComponent("Data"), flatten: false)
    let model = LeNet(seed: 1)
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 0.01), loss: Loss.crossEntropy)
    _ = try trainer.fit(try DataLoader(digits.train, batchSize: 32, shuffle: true, seed: 1), epochs: 5)
    try checkFloors(model, train: digits.train, test: digits.test, name: "lenet")
  }
}
