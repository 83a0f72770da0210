import XCTest

@testable import TinyTorch

/// Compares the autograd gradients of `loss()` (a scalar) with respect to `parameters` against
/// central differences `(f(x+h) − f(x−h)) / 2h`, evaluated in Float with gradient mode off.
/// At most `samplesPerTensor` entries of each tensor are probed (evenly spread).
func assertGradientsMatchFiniteDifferences(
  _ parameters: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2, samplesPerTensor: Int = 24,
  file: StaticString = #filePath, line: UInt = #line, _ loss: () throws -> Tensor
) throws {
  parameters.forEach { $0.zeroGrad() }
  try loss().backward()
  for (p, tensor) in parameters.enumerated() {
    let analytic = try XCTUnwrap(tensor.grad, "parameter \(p) got no gradient", file: file, line: line)
    let stride = max(1, tensor.count / samplesPerTensor)
    for i in Swift.stride(from: 0, to: tensor.count, by: stride) {
      let original = tensor.scalars[i]
      tensor.updateScalars { $0[i] = original + step }
      let plus = try withNoGrad { try loss().item }
      tensor.updateScalars { $0[i] = original - step }
      let minus = try withNoGrad { try loss().item }
      tensor.updateScalars { $0[i] = original }
      let numeric = (plus - minus) / (2 * step)
      let a = analytic.scalars[i]
      XCTAssertLessThanOrEqual(
        abs(a - numeric), tolerance * max(1, abs(numeric)),
        "parameter \(p) (shape \(tensor.shape)) entry \(i): autograd \(a), finite difference \(numeric)",
        file: file, line: line)
    }
  }
}

/// A scalar loss that weighs every output entry differently, so that gradient errors that
/// cancel under a plain sum still show: `Σ output ⊙ w` with fixed pseudo-random `w`.
func weightedSum(_ output: Tensor, seed: UInt64 = 99) throws -> Tensor {
  try (output * Tensor.randn(output.shape, seed: seed)).sum()
}
