import XCTest

@testable import TTKernels

/// Softmax and log-softmax kernels: stability with huge inputs and masked rows.
final class SoftmaxKernelTests: XCTestCase {
  func testHugeInputsStayFinite() {
    let x: [Float] = [1e4, -1e4, 1e4 - 1, 0, -1e4, 1e4]
    var p = [Float](repeating: .nan, count: 6)
    var lp = [Float](repeating: .nan, count: 6)
    Softmax.forward(x, shape: [2, 3], axis: 1, &p)
    Softmax.forward(x, shape: [2, 3], axis: 1, log: true, &lp)
    XCTAssertTrue(p.allSatisfy(\.isFinite) && lp.allSatisfy(\.isFinite))
    let e = Foundation.exp(Float(-1))
    assertClose(p, [1 / (1 + e), 0, e / (1 + e), 0, 0, 1], absolute: 1e-6)
    let l = Foundation.log(1 + e)
    assertClose(lp, [-l, -2e4 - l, -1 - l, -1e4, -2e4, 0], absolute: 1e-2)
  }

  func testLogSoftmaxKeepsSmallDifferencesOfLargeLogits() {
    // x − (m + log s) would round log s away next to m = 1e8 and give 0.
    let x: [Float] = [1e8, 1e8, 1e8 - 64]
    var lp = [Float](repeating: .nan, count: 3)
    Softmax.forward(x, shape: [3], axis: 0, log: true, &lp)
    let logS = Foundation.log(2 + Foundation.exp(Float(-64)))
    assertClose(lp, [-logS, -logS, -64 - logS], absolute: 1e-6)
  }

  func testFullyMaskedRowIsFinite() {
    let x: [Float] = [-.infinity, -.infinity]
    var p = [Float](repeating: .nan, count: 2)
    Softmax.forward(x, shape: [2], axis: 0, &p)
    XCTAssertFalse(p.contains { $0.isNaN })
  }

  func testCrossEntropyMatchesLogSoftmaxAndStaysFiniteForHugeLogits() {
    let x: [Float] = [1e4, -1e4, 1e4 - 1, 0.5, -1, 2]
    let targets = [2, 0]
    var p = [Float](repeating: .nan, count: 6)
    var lp = [Float](repeating: .nan, count: 6)
    let total = x.withUnsafeBufferPointer { px in
      targets.withUnsafeBufferPointer { pt in
        p.withUnsafeMutableBufferPointer { pp in
          Softmax.crossEntropy(
            px.baseAddress!, rows: 2, classes: 3, targets: pt.baseAddress!, probabilities: pp.baseAddress!)
        }
      }
    }
    Softmax.forward(x, shape: [2, 3], axis: 1, log: true, &lp)
    XCTAssertEqual(total, -Double(lp[2]) - Double(lp[3]), accuracy: 1e-5)
    var softmax = [Float](repeating: .nan, count: 6)
    Softmax.forward(x, shape: [2, 3], axis: 1, &softmax)
    assertClose(p, softmax, absolute: 1e-7)
  }
}
