import TTIR
import TinyTorch
import XCTest

/// `Module.quantizeForEvaluation`: quantized weights in evaluation mode only, float32 otherwise.
final class EvaluationQuantizationTests: XCTestCase {
  private func model() -> Sequential { Sequential(Linear(6, 16, seed: 1), ReLU(), Linear(16, 3, seed: 2)) }

  func testEvaluationUsesQuantizedWeightsAndTrainingKeepsFloat32() throws {
    let net = model()
    let x = Tensor.uniform([5, 6], low: -1, high: 1, seed: 3)
    net.eval()
    let reference = try net(x).scalars
    let report = net.quantizeForEvaluation(.int8Dynamic)
    XCTAssertEqual(report.layers, 2)
    XCTAssertEqual(report.bytesBefore, 4 * (6 * 16 + 16 + 16 * 3 + 3))
    XCTAssertEqual(report.bytesAfter, (6 * 16 + 4 * 16) + 4 * 16 + (16 * 3 + 4 * 3) + 4 * 3)
    let quantized = try net(x).scalars
    XCTAssertNotEqual(quantized, reference, "int8 arithmetic rounds")
    for (a, b) in zip(quantized, reference) { XCTAssertEqual(a, b, accuracy: 0.05) }
    net.train()
    XCTAssertEqual(try net(x).scalars, reference, "training mode computes in float32")
    net.eval()
    net.quantizeForEvaluation(.fp16)
    for (a, b) in zip(try net(x).scalars, reference) { XCTAssertEqual(a, b, accuracy: 1e-3) }
    net.removeEvaluationQuantization()
    XCTAssertEqual(try net(x).scalars, reference)
    XCTAssertEqual(net.namedParameters().count, 4, "stored weights are not parameters")
  }

  func testStaticInt8UsesTheCalibratedRanges() throws {
    let net = model()
    let samples = Tensor.uniform([40, 6], low: -1, high: 1, seed: 4)
    let x = Tensor.uniform([5, 6], low: -1, high: 1, seed: 3)
    net.eval()
    let reference = try net(x).scalars
    net.train()
    let report = try net.quantizeForEvaluation(calibratingOn: samples, batchSize: 16)
    XCTAssertEqual(report.layers, 2)
    XCTAssertEqual(try net(x).scalars, reference, "training mode computes in float32")
    net.eval()
    let quantized = try net(x).scalars
    XCTAssertNotEqual(quantized, reference, "int8 arithmetic rounds")
    for (a, b) in zip(quantized, reference) { XCTAssertEqual(a, b, accuracy: 0.05) }
    // Inputs far outside the calibrated range are clamped (dynamic quantization would follow them).
    let large = x * Float(10)
    let dynamic = try { () throws -> [Float] in
      net.quantizeForEvaluation(.int8Dynamic)
      return try net(large).scalars
    }()
    try net.quantizeForEvaluation(calibratingOn: samples)
    XCTAssertNotEqual(try net(large).scalars, dynamic)
    XCTAssertThrowsError(try net.quantizeForEvaluation(calibratingOn: Tensor.zeros([0, 6])))
  }

  /// One huge sample stretches a min/max range so far that ordinary inputs all quantize to the
  /// zero point; the percentile observer clips it (its ReLU outputs too: 99% leaves out the
  /// hidden values of that one sample).
  func testPercentileObserverClipsAnOutlierSample() throws {
    let net = model()
    var values = Tensor.uniform([200, 6], low: -1, high: 1, seed: 4).scalars
    values[7] = 1000
    let samples = try Tensor(shape: [200, 6], scalars: values)
    let x = Tensor.uniform([5, 6], low: -1, high: 1, seed: 3)
    net.eval()
    let reference = try net(x).scalars
    func largestError() throws -> Float { zip(try net(x).scalars, reference).map { abs($0 - $1) }.max()! }
    try net.quantizeForEvaluation(calibratingOn: samples)
    let minMax = try largestError()
    try net.quantizeForEvaluation(calibratingOn: samples, observer: .percentile(99))
    let percentile = try largestError()
    XCTAssertLessThan(percentile, 0.05)
    XCTAssertGreaterThan(minMax, 10 * percentile, "the outlier makes min/max calibration coarse")
  }

  func testQuantizedLayerChecksItsInput() throws {
    let net = model()
    net.eval()
    net.quantizeForEvaluation(.int8Dynamic)
    XCTAssertThrowsError(try net(Tensor.zeros([2, 5])))
  }
}
