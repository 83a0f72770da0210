/// 2-D max pooling over NCHW inputs; see ``Tensor/maxPool2d(kernel:stride:padding:)``.
public final class MaxPool2d: Module {
  /// The window size.
  public let kernelSize: Size2D
  /// The step between windows.
  public let stride: Size2D
  /// Padding (−∞) on each side, at most half the kernel.
  public let padding: Size2D

  /// - Parameters:
  ///   - kernelSize: the window size.
  ///   - stride: defaults to `kernelSize` (non-overlapping windows).
  ///   - padding: −∞ padding on each side, at most half the kernel.
  public init(_ kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0) {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    super.init()
  }

  /// Pools `input` of shape `[batch, channels, height, width]`.
  public override func forward(_ input: Tensor) throws -> Tensor {
    try input.maxPool2d(kernel: kernelSize, stride: stride, padding: padding)
  }
}

/// 2-D average pooling over NCHW inputs; see
/// ``Tensor/avgPool2d(kernel:stride:padding:countIncludePad:)``.
public final class AvgPool2d: Module {
  /// The window size.
  public let kernelSize: Size2D
  /// The step between windows.
  public let stride: Size2D
  /// Zero padding on each side, at most half the kernel.
  public let padding: Size2D
  /// Whether padded zeros count toward each window's divisor (PyTorch's default).
  public let countIncludePad: Bool

  /// - Parameters:
  ///   - kernelSize: the window size.
  ///   - stride: defaults to `kernelSize` (non-overlapping windows).
  ///   - padding: zero padding on each side, at most half the kernel.
  ///   - countIncludePad: whether padded zeros count toward each window's divisor.
  public init(_ kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, countIncludePad: Bool = true)
  {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.countIncludePad = countIncludePad
    super.init()
  }

  /// Pools `input` of shape `[batch, channels, height, width]`.
  public override func forward(_ input: Tensor) throws -> Tensor {
    try input.avgPool2d(
      kernel: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
  }
}
