import XCTest

@testable import TinyTorch

/// `distillationLoss`: its value against a hand computation, its limits, and gradients against
/// finite differences.
final class DistillationLossTests: XCTestCase {
  /// The loss computed in double precision straight from the formula.
  func reference(
    _ s: [Float], _ t: [Float], _ labels: [Int], classes: Int, temperature: Double, alpha: Double
  )
    -> Double
  {
    func logSoftmax(_ row: ArraySlice<Float>, _ scale: Double) -> [Double] {
      let z = row.map { Double($0) / scale }
      let m = z.max()!
      let total = z.reduce(0) { $0 + exp($1 - m) }
      return z.map { $0 - m - log(total) }
    }
    var (kl, ce) = (0.0, 0.0)
    for (i, label) in labels.enumerated() {
      let range = i * classes..<(i + 1) * classes
      let (p, q) = (logSoftmax(t[range], temperature), logSoftmax(s[range], temperature))
      kl += zip(p, q).reduce(0) { $0 + exp($1.0) * ($1.0 - $1.1) }
      ce -= logSoftmax(s[range], 1)[label]
    }
    let n = Double(labels.count)
    return alpha * temperature * temperature * kl / n + (1 - alpha) * ce / n
  }

  func testValueMatchesTheFormula() throws {
    let student = TestTensors.uniform([4, 5], seed: 1, low: -3, high: 3)
    let teacher = TestTensors.uniform([4, 5], seed: 2, low: -3, high: 3)
    let labels = [1, 4, 0, 2]
    for (temperature, alpha) in [(1.0, 0.5), (4.0, 0.7), (2.0, 1.0), (3.0, 0.0)] {
      let loss = try distillationLoss(
        student: student, teacher: teacher, labels: Tensor(labels.map(Float.init)),
        temperature: Float(temperature), alpha: Float(alpha))
      let expected = reference(
        student.scalars, teacher.scalars, labels, classes: 5, temperature: temperature, alpha: alpha)
      XCTAssertEqual(
        Double(loss.item), expected, accuracy: 1e-5 * max(1, abs(expected)), "T \(temperature), α \(alpha)")
    }
  }

  func testLimits() throws {
    let logits = TestTensors.uniform([3, 4], seed: 3, low: -2, high: 2)
    let labels = Tensor([0, 3, 1])
    // α = 0 is plain cross-entropy; a student equal to its teacher has no soft loss.
    XCTAssertEqual(
      try distillationLoss(student: logits, teacher: logits * 2, labels: labels, temperature: 3, alpha: 0)
        .item,
      try Loss.crossEntropy(logits, labels).item)
    XCTAssertEqual(
      try distillationLoss(student: logits, teacher: logits, labels: labels, temperature: 3, alpha: 1).item,
      0,
      accuracy: 1e-6)
  }

  func testGradientsMatchFiniteDifferencesAndSkipTheTeacher() throws {
    let teacher = TestTensors.uniform([4, 5], seed: 5, low: -3, high: 3)
    teacher.requiresGrad = true
    let labels = Tensor([2, 0, 4, 1])
    for (temperature, alpha) in [(1, 0.5), (4, 0.7), (2, 1)] as [(Float, Float)] {
      let student = TestTensors.uniform([4, 5], seed: 4, low: -3, high: 3)
      assertGradientsMatch([student], "T \(temperature), α \(alpha)") {
        try distillationLoss(
          student: $0[0], teacher: teacher, labels: labels, temperature: temperature, alpha: alpha)
      }
    }
    teacher.zeroGrad()
    let student = TestTensors.uniform([4, 5], seed: 4, low: -3, high: 3)
    try distillationLoss(student: student, teacher: teacher, labels: labels, temperature: 2, alpha: 0.5)
      .backward()
    XCTAssertNil(teacher.grad, "the teacher is a constant")
  }

  func testBadArgumentsThrowNamingTheProblem() {
    let a = TestTensors.uniform([2, 3], seed: 6, low: -1, high: 1)
    let labels = Tensor([0, 1])
    for (teacher, temperature, alpha, message) in [
      (
        TestTensors.uniform([2, 4], seed: 7, low: -1, high: 1), Float(1), Float(0.5),
        "must both be logits [N, C]"
      ),
      (a, 0, 0.5, "temperature must be positive, got 0.0"),
      (a, 2, 1.5, "alpha must be in [0, 1], got 1.5"),
    ] {
      XCTAssertThrowsError(
        try distillationLoss(
          student: a, teacher: teacher, labels: labels, temperature: temperature, alpha: alpha)
      ) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
    }
  }
}
