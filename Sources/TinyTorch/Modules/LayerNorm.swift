/// Layer normalization over the last axis: `(x − mean) / √(var + eps) · weight + bias`
/// (like `torch.nn.LayerNorm(width)`), with statistics per position.
public final class LayerNorm: Module {
  /// The scale γ, shape `[width]` (initially ones), or nil without affine parameters.
  public let weight: Tensor?
  /// The shift β, shape `[width]` (initially zeros), or nil without affine parameters.
  public let bias: Tensor?
  /// Added to the variance for stability.
  public let eps: Float
  /// The size of the normalized (last) axis.
  public let width: Int

  /// - Parameters:
  ///   - width: the size of the normalized (last) axis.
  ///   - eps: added to the variance for stability.
  ///   - affine: whether to learn a per-feature scale and shift.
  public init(_ width: Int, eps: Float = 1e-5, affine: Bool = true) {
    ArgumentCheck.orStop { try LayerNorm.validate(width: width) }
    self.width = width
    self.eps = eps
    weight = affine ? Tensor.ones([width], requiresGrad: true) : nil
    bias = affine ? Tensor.zeros([width], requiresGrad: true) : nil
    super.init()
  }

  /// Throws unless `width` is positive.
  static func validate(width: Int) throws {
    try ArgumentCheck.require(width > 0, "LayerNorm(\(width)): the width must be positive")
  }

  public override var settingsDescription: String { "\(width), eps: \(eps)" }

  /// Normalizes `input` of shape `[..., width]`; throws when the last axis differs.
  public override func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank >= 1, input.shape[input.rank - 1] == width else {
      throw TensorError.invalidArgument(
        "LayerNorm(\(width)): input shape \(input.shape) must end in \(width)")
    }
    return try input.layerNorm(gamma: weight, beta: bias, eps: eps)
  }
}
