import XCTest

@testable import TinyTorch

/// Compares autograd gradients with central differences.
///
/// The checked objective is `L = Σ f()ᵢ · Rᵢ` with a fixed pseudo-random `R`, so every output
/// element contributes with a distinct weight. `L` is accumulated in `Double` to keep the
/// finite differences accurate; each input value is perturbed by ±`step`.
func assertGradientsMatchCentralDifferences(
  _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2, seed: UInt64 = 99,
  file: StaticString = #filePath, line: UInt = #line, _ f: () throws -> Tensor
) throws {
  let probe = try withNoGrad(f)
  let weights = Tensor.randn(probe.shape, seed: seed).scalars
  func objective() throws -> Double {
    let out = try withNoGrad(f)
    return zip(out.scalars, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }
  inputs.forEach { $0.zeroGrad() }
  let out = try f()
  try out.backward(seed: Tensor(shape: out.shape, scalars: weights))
  for (index, input) in inputs.enumerated() {
    guard let grad = input.grad else {
      XCTFail("input \(index) received no gradient", file: file, line: line)
      continue
    }
    for i in 0..<input.count {
      let original = input.scalars[i]
      input.scalars[i] = original + step
      let plus = try objective()
      input.scalars[i] = original - step
      let minus = try objective()
      input.scalars[i] = original
      let numeric = Float((plus - minus) / Double(2 * step))
      let analytic = grad.scalars[i]
      XCTAssertLessThanOrEqual(
        abs(numeric - analytic), tolerance * max(1, abs(numeric)),
        "input \(index) shape \(input.shape), element \(i): "
          + "autograd \(analytic), central difference \(numeric)",
        file: file, line: line)
    }
  }
}

/// Distinct values `offset, offset + spacing, …` in a seeded random order, so that no two
/// elements of a max-pooling window are within a finite-difference step of each other.
func distinctValues(_ shape: [Int], spacing: Float = 0.1, seed: UInt64) -> Tensor {
  let n = shape.reduce(1, *)
  var generator = RandomGenerator(seed: seed)
  let keys = (0..<n).map { _ in generator.nextUniform() }
  let order = (0..<n).sorted { keys[$0] < keys[$1] }
  var values = [Float](repeating: 0, count: n)
  for (rank, i) in order.enumerated() { values[i] = Float(rank) * spacing - Float(n) * spacing / 2 }
  return Tensor(uncheckedShape: shape, scalars: values, requiresGrad: true)
}
