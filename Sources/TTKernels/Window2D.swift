/// The sliding window of a 2-D convolution or pooling over the last two axes of an NCHW tensor:
/// kernel extent, stride, symmetric zero padding and dilation, each as (height, width).
public struct Window2D: Sendable, Hashable {
  /// Kernel rows.
  public var kernelHeight: Int
  /// Kernel columns.
  public var kernelWidth: Int
  /// Vertical step between windows.
  public var strideHeight: Int
  /// Horizontal step between windows.
  public var strideWidth: Int
  /// Zero rows added above and below the input.
  public var paddingHeight: Int
  /// Zero columns added left and right of the input.
  public var paddingWidth: Int
  /// Vertical spacing between kernel taps (1 = adjacent).
  public var dilationHeight: Int
  /// Horizontal spacing between kernel taps (1 = adjacent).
  public var dilationWidth: Int

  /// A window from `(height, width)` pairs.
  public init(
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1)
  ) {
    (kernelHeight, kernelWidth) = kernel
    (strideHeight, strideWidth) = stride
    (paddingHeight, paddingWidth) = padding
    (dilationHeight, dilationWidth) = dilation
  }

  /// Output extent along one axis: `(input + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`,
  /// or 0 when the (dilated) kernel does not fit the padded input.
  @inlinable
  public static func outputSize(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
    let span = input + 2 * padding - dilation * (kernel - 1) - 1
    return span < 0 ? 0 : span / stride + 1
  }

  /// Output height for an input of height `height`.
  public func outputHeight(_ height: Int) -> Int {
    Window2D.outputSize(
      input: height, kernel: kernelHeight, stride: strideHeight, padding: paddingHeight,
      dilation: dilationHeight)
  }

  /// Output width for an input of width `width`.
  public func outputWidth(_ width: Int) -> Int {
    Window2D.outputSize(
      input: width, kernel: kernelWidth, stride: strideWidth, padding: paddingWidth,
      dilation: dilationWidth)
  }

  /// A description of the first invalid setting for an `height × width` input, or nil when the
  /// window is valid and yields at least one output position.
  public func problem(height: Int, width: Int) -> String? {
    let kernel = [kernelHeight, kernelWidth]
    if kernel.contains(where: { $0 < 1 }) { return "kernel \(kernel) must be positive" }
    if min(strideHeight, strideWidth) < 1 { return "stride \([strideHeight, strideWidth]) must be positive" }
    if min(dilationHeight, dilationWidth) < 1 {
      return "dilation \([dilationHeight, dilationWidth]) must be positive"
    }
    if min(paddingHeight, paddingWidth) < 0 {
      return "padding \([paddingHeight, paddingWidth]) must not be negative"
    }
    if outputHeight(height) < 1 || outputWidth(width) < 1 {
      let extent = [dilationHeight * (kernelHeight - 1) + 1, dilationWidth * (kernelWidth - 1) + 1]
      return "kernel \(kernel) (dilated extent \(extent)) is larger than the padded input "
        + "\([height + 2 * paddingHeight, width + 2 * paddingWidth])"
    }
    return nil
  }

  /// The range of output columns `o` whose input column `o·stride − padding + offset` lies in
  /// `0..<extent`, for a kernel tap at `offset` (already multiplied by the dilation).
  @inlinable
  static func validOutputs(offset: Int, stride: Int, padding: Int, extent: Int, outputs: Int) -> Range<Int> {
    // o·stride ≥ padding − offset  and  o·stride < extent + padding − offset.
    let low = padding - offset
    let lo = low <= 0 ? 0 : min(outputs, (low + stride - 1) / stride)
    let high = extent + padding - offset
    let hi = high <= 0 ? 0 : min(outputs, (high + stride - 1) / stride)
    return lo < hi ? lo..<hi : lo..<lo
  }
}
