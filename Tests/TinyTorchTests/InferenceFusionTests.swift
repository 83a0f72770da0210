import TestSupport
import XCTest

@testable import TinyTorch

/// Eager inference paths (nothing recorded: ``withNoGrad(_:)`` and no trace) that fuse operations
/// or skip bookkeeping give the results of the recorded path, which still records the composed
/// operations.
final class InferenceFusionTests: XCTestCase {
  /// `activation(x·W + b + residual)` in one GEMM against `linear`, `+` and `gelu` one by one,
  /// with and without bias, residual and activation, on rows that take the GEMM's few-row and
  /// packed paths.
  func testFusedLinearMatchesTheComposedOperations() throws {
    let activations: [LinearActivation?] = [nil, .gelu(.tanh), .gelu(.none)]
    for rows in [1, 3, 40] {
      let x = Tensor.randn([2, rows, 5], seed: 1)
      let weight = Tensor.randn([5, 7], seed: 2)
      let bias = Tensor.randn([7], seed: 3)
      let residual = Tensor.randn([2, rows, 7], seed: 4)
      for b in [nil, bias] {
        for r in [nil, residual] {
          for activation in activations {
            var expected = try x.linear(weight: weight, bias: b)
            if let r { expected = try r + expected }
            if let activation { expected = activation.apply(to: expected) }
            let actual = try withNoGrad {
              try x.linear(weight: weight, bias: b, residual: r, activation: activation)
            }
            XCTAssertEqual(actual.shape, expected.shape)
            assertClose(
              actual.scalars, expected.scalars,
              "rows \(rows) bias \(b != nil) residual \(r != nil) \(String(describing: activation))")
          }
        }
      }
    }
  }

  /// While gradients are tracked, the fused entry runs and records the composed operations: its
  /// gradients match finite differences.
  func testFusedLinearRecordsGradientsWhenTracking() throws {
    let x = Tensor.randn([3, 4], seed: 5, requiresGrad: true)
    let weight = Tensor.randn([4, 6], seed: 6, requiresGrad: true)
    let bias = Tensor.randn([6], seed: 7, requiresGrad: true)
    let residual = Tensor.randn([3, 6], seed: 8, requiresGrad: true)
    let y = try x.linear(weight: weight, bias: bias, residual: residual, activation: .gelu(.tanh))
    XCTAssertTrue(y.requiresGrad)
    assertGradientsMatch([x, weight, bias, residual]) { _ in
      try x.linear(weight: weight, bias: bias, residual: residual, activation: .gelu(.tanh))
    }
  }

  /// A transformer block without recording (its residual sums in the projections' GEMMs, the GELU
  /// in the expanding layer's) gives the output of the recorded path, causal or not, and its
  /// layers are still reported to a module-call observer.
  func testTransformerBlockInferenceMatchesTheRecordedPath() throws {
    let block = TransformerBlock(dimension: 8, headCount: 2, hiddenDimension: 12, seed: 3)
    block.eval()
    let x = Tensor.randn([2, 5, 8], seed: 4)
    for causal in [false, true] {
      let expected = try block.forward(x, mask: nil, isCausal: causal)
      XCTAssertTrue(expected.requiresGrad, "the reference must take the recorded path")
      let actual = try withNoGrad { try block.forward(x, mask: nil, isCausal: causal) }
      assertClose(actual.scalars, expected.scalars, "causal \(causal)")
    }
    let observer = CallCounter()
    _ = try ModuleCallObservation.$current.withValue(observer) {
      try withNoGrad { try block(x) }
    }
    XCTAssertEqual(
      observer.names,
      ["TransformerBlock", "LayerNorm", "Linear", "Linear", "LayerNorm", "FeedForward", "Linear", "Linear"])
  }

  /// Positions added without recording are the sums of the recorded slice-and-add, bit for bit.
  func testPositionsWithoutRecordingMatchSliceAndAdd() throws {
    let positions = PositionalEmbedding(maxLength: 9, dimension: 6, seed: 1)
    let x = Tensor.randn([2, 4, 6], seed: 2)
    let expected = try positions.forward(x, offset: 3)
    XCTAssertTrue(expected.requiresGrad)
    let actual = try withNoGrad { try positions.forward(x, offset: 3) }
    XCTAssertEqual(actual.shape, expected.shape)
    XCTAssertEqual(actual.scalars, expected.scalars)
    XCTAssertThrowsError(try withNoGrad { try positions.forward(x, offset: 6) })
  }

  /// Layer norm without recording skips the statistics kept for backward: the same values.
  func testLayerNormWithoutRecordingMatches() throws {
    let norm = LayerNorm(6)
    let x = Tensor.randn([3, 6], seed: 9)
    let expected = try norm(x)
    XCTAssertTrue(expected.requiresGrad)
    XCTAssertEqual(try withNoGrad { try norm(x) }.scalars, expected.scalars)
  }
}

/// Records the type name of every observed module call, in call order.
private final class CallCounter: ModuleCallObserver, @unchecked Sendable {
  var names: [String] = []
  func observe(_ module: Module, _ call: () throws -> Tensor) throws -> Tensor {
    names.append(String(describing: type(of: module)))
    return try call()
  }
}
