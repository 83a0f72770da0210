import XCTest

@testable import TinyTorch

final class PruningTests: XCTestCase {
  func testMagnitudePrunesTheSmallestValues() throws {
    let w = Tensor([3, -0.5, 2, 0.1, -4, 1, -0.2, 5], requiresGrad: true)
    try Pruning.magnitude(w, sparsity: 0.5)
    XCTAssertEqual(w.scalars, [3, 0, 2, 0, -4, 0, 0, 5])
    XCTAssertEqual(w.pruningMask, [1, 0, 1, 0, 1, 0, 0, 1])
  }

  func testPrunedCountIsTheRoundedFraction() throws {
    let w = Tensor.randn([7, 9], seed: 3, requiresGrad: true)
    try Pruning.magnitude(w, sparsity: 0.8)
    XCTAssertEqual(w.scalars.filter { $0 == 0 }.count, 50)  // round(0.8 · 63)
    let kept = w.scalars.filter { $0 != 0 }.map(abs).min()!
    let original = Tensor.randn([7, 9], seed: 3).scalars.map(abs).sorted()
    XCTAssertEqual(kept, original[50])
  }

  func testSparsityOutsideTheUnitIntervalIsRejected() {
    let linear = Linear(4, 3, seed: 0)
    for bad in [-0.1, 1, 1.5, .nan] {
      XCTAssertThrowsError(try Pruning.magnitude(linear.weight, sparsity: bad)) {
        XCTAssertTrue("\($0)".contains("is outside [0, 1)"), "\($0)")
      }
      XCTAssertThrowsError(try Pruning.structured(linear, fraction: bad))
    }
    XCTAssertNil(linear.weight.pruningMask)
  }

  func testGlobalPruningTakesMoreFromTheLayerWithSmallerWeights() throws {
    let small = Tensor((0..<10).map { Float($0 + 1) * 0.01 }, requiresGrad: true)
    let large = Tensor((0..<10).map { Float($0 + 1) }, requiresGrad: true)
    try Pruning.globalMagnitude([small, large], sparsity: 0.6)
    XCTAssertEqual(small.scalars.filter { $0 == 0 }.count, 10)
    XCTAssertEqual(large.scalars.filter { $0 == 0 }.count, 2)
    XCTAssertEqual(Array(large.scalars.prefix(3)), [0, 0, 3])
  }

  func testFineTuningKeepsPrunedWeightsAtZero() throws {
    let model = Sequential(Linear(6, 8, seed: 1), ReLU(), Linear(8, 3, seed: 2))
    try Pruning.globalMagnitude(model.prunableWeights().map(\.tensor), sparsity: 0.7)
    let before = model.prunableWeights().map { $0.tensor.scalars }
    let optimizer = Adam(model.parameters(), learningRate: 0.05)
    let x = Tensor.randn([16, 6], seed: 4)
    let labels = Tensor((0..<16).map { Float($0 % 3) })
    for _ in 0..<5 {
      optimizer.zeroGrad()
      try Loss.crossEntropy(model(x), labels).backward()
      try optimizer.step()
    }
    for ((name, weight), old) in zip(model.prunableWeights(), before) {
      for (value, previous) in zip(weight.scalars, old) where previous == 0 {
        XCTAssertEqual(value, 0, name)
      }
      XCTAssertNotEqual(weight.scalars, old, "\(name): the kept weights should have trained")
    }
    XCTAssertEqual(
      SparsityReport(model).entries.filter { $0.name.hasSuffix("weight") }.map(\.zeros).reduce(0, +), 50)
  }

  func testPruningAgainToAHigherSparsityKeepsEarlierPrunedValues() throws {
    let w = Tensor.randn([50], seed: 5, requiresGrad: true)
    try Pruning.magnitude(w, sparsity: 0.3)
    let first = w.pruningMask!
    w.updateScalars { values in for i in values.indices where values[i] != 0 { values[i] *= 0.01 } }
    try Pruning.magnitude(w, sparsity: 0.6)
    for i in first.indices where first[i] == 0 { XCTAssertEqual(w.pruningMask![i], 0) }
    XCTAssertEqual(w.scalars.filter { $0 == 0 }.count, 30)
  }

  func testStructuredPruningRemovesNeuronsByNorm() throws {
    // Columns (neurons): L1 norms 3, 3.6, 15, 12; L2 norms 3, 2.08, 8.66, 6.93.
    let weight = Tensor([[3, 1.2, 5, 4], [0, 1.2, 5, 4], [0, 1.2, 5, 4]])
    let l1 = Linear(3, 4, seed: 0)
    try l1.weight.assign(weight)
    try l1.bias!.assign(Tensor([1, 2, 3, 4]))
    try Pruning.structured(l1, fraction: 0.25, norm: .l1)
    XCTAssertEqual(l1.weight.scalars, [0, 1.2, 5, 4, 0, 1.2, 5, 4, 0, 1.2, 5, 4])
    XCTAssertEqual(l1.bias!.scalars, [0, 2, 3, 4])

    let l2 = Linear(3, 4, seed: 0)
    try l2.weight.assign(weight)
    try Pruning.structured(l2, fraction: 0.25, norm: .l2)
    XCTAssertEqual(l2.weight.scalars, [3, 0, 5, 4, 0, 0, 5, 4, 0, 0, 5, 4])
  }

  func testStructuredPruningRemovesConvolutionFilters() throws {
    let conv = Conv2d(2, 4, kernelSize: 3, seed: 7)
    let norms = (0..<4).map { o in PruningNorm.l2.of(Array(conv.weight.scalars[(o * 18)..<((o + 1) * 18)])) }
    try Pruning.structured(conv, fraction: 0.25, norm: .l2)
    let weakest = norms.indices.min { norms[$0] < norms[$1] }!
    for o in 0..<4 {
      let filter = conv.weight.scalars[(o * 18)..<((o + 1) * 18)]
      XCTAssertEqual(filter.allSatisfy { $0 == 0 }, o == weakest, "filter \(o)")
    }
    XCTAssertEqual(conv.bias!.pruningMask, (0..<4).map { $0 == weakest ? 0 : 1 })
    XCTAssertThrowsError(try Pruning.structured(ReLU(), fraction: 0.5)) {
      XCTAssertTrue("\($0)".contains("ReLU has no output units"), "\($0)")
    }
  }

  func testStructuredPruningKeepsEarlierMasks() throws {
    let linear = Linear(5, 6, seed: 2)
    try Pruning.magnitude(linear.weight, sparsity: 0.5)
    let unstructured = linear.weight.pruningMask!
    try Pruning.structured(linear, fraction: 0.5)
    for i in unstructured.indices where unstructured[i] == 0 {
      XCTAssertEqual(linear.weight.pruningMask![i], 0)
    }
    let deadColumns = (0..<6).filter { c in (0..<5).allSatisfy { linear.weight.scalars[$0 * 6 + c] == 0 } }
    XCTAssertGreaterThanOrEqual(deadColumns.count, 3)
  }

  func testReportAndRemoveMasks() throws {
    let model = Sequential(Linear(4, 5, seed: 1), ReLU(), Linear(5, 2, seed: 2))
    try Pruning.magnitude(model.prunableWeights()[0].tensor, sparsity: 0.5)
    let report = SparsityReport(model)
    XCTAssertEqual(
      report.entries.map(\.name), ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"])
    XCTAssertEqual(report.entries[0].zeros, 10)
    XCTAssertEqual(report.count, 20 + 5 + 10 + 2)
    XCTAssertEqual(report.zeros, 10 + 5 + 2)  // the biases start at zero
    XCTAssertTrue(
      report.description.contains("layers.0.weight  [4, 5]      20     10     50.0%"), report.description)
    XCTAssertEqual(model.prunableWeights().map(\.name), ["layers.0.weight", "layers.2.weight"])
    Pruning.removeMasks(from: model)
    XCTAssertTrue(model.parameters().allSatisfy { $0.pruningMask == nil })
  }
}
