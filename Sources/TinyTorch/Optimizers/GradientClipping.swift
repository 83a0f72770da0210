import TTKernels

/// Scales the gradients of `parameters` together so that their global L2 norm is at most
/// `maxNorm` (like `torch.nn.utils.clip_grad_norm_`): when the norm `‖g‖` exceeds `maxNorm`,
/// every gradient is multiplied by `maxNorm / (‖g‖ + 1e-6)`. Parameters without a gradient are
/// skipped.
///
/// - Returns: the global norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
  ArgumentCheck.orStop { try validateClipping(maxNorm: maxNorm) }
  let grads = parameters.compactMap(\.grad)
  var total: Double = 0
  for g in grads {
    total += g.scalars.withUnsafeBufferPointer {
      OptimizerUpdate.sumOfSquares($0.baseAddress!, count: $0.count)
    }
  }
  let norm = Float(total.squareRoot())
  if norm > maxNorm {
    let factor = maxNorm / (norm + 1e-6)
    for g in grads {
      g.updateScalars { OptimizerUpdate.scale($0.baseAddress!, count: $0.count, by: factor) }
    }
  }
  return norm
}

/// Throws unless `maxNorm ≥ 0` (the check ``clipGradientNorm(_:maxNorm:)`` runs).
func validateClipping(maxNorm: Float) throws {
  try ArgumentCheck.require(maxNorm >= 0, "clipGradientNorm(maxNorm: \(maxNorm)): maxNorm must be ≥ 0")
}
