import TTIR

/// A 2-D convolution layer over NCHW inputs, like PyTorch's `nn.Conv2d`.
///
/// ```swift
/// let conv = Conv2d(1, 6, kernelSize: 3, padding: 1, seed: 0)
/// let y = try conv(Tensor.randn([8, 1, 28, 28]))  // [8, 6, 28, 28]
/// ```
public final class Conv2d: Module {
  /// Weights, shape `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
  public let weight: Tensor
  /// Bias, shape `[outChannels]`, or nil.
  public let bias: Tensor?
  /// The step between neighbouring windows.
  public let stride: Size2D
  /// Zero padding added on both sides of each spatial axis.
  public let padding: Size2D
  /// The spacing between kernel taps.
  public let dilation: Size2D
  /// The number of independent channel groups.
  public let groups: Int

  /// Weights stored by ``Module/quantizeForEvaluation(_:)``, used in evaluation mode.
  var evaluationWeights: EvaluationWeights?
  /// While ``Module/quantizeForEvaluation(calibratingOn:batchSize:observer:)`` runs: the inputs
  /// seen so far; nil otherwise.
  var inputObserver: RangeObserver?

  /// Input channel count.
  public var inChannels: Int { weight.shape[1] * groups }
  /// Output channel count.
  public var outChannels: Int { weight.shape[0] }
  /// The kernel size.
  public var kernelSize: Size2D { Size2D(weight.shape[2], weight.shape[3]) }

  /// Creates a layer with freshly initialized weights (He/Kaiming uniform by default, with
  /// `fanIn = inChannels / groups · kernelHeight · kernelWidth`) and a zero bias.
  ///
  /// Invalid sizes are a programming error: the program stops with the message of
  /// ``validate(_:_:kernelSize:stride:padding:dilation:groups:)``.
  ///
  /// - Parameters:
  ///   - inChannels: input channel count.
  ///   - outChannels: output channel count.
  ///   - kernelSize: the kernel's height and width (one integer for both).
  ///   - stride: the step between windows, per axis or one integer for both.
  ///   - padding: zeros added on each side, per axis or one integer for both.
  ///   - dilation: the spacing of kernel taps, per axis or one integer for both.
  ///   - groups: independent channel groups; it must divide both channel counts.
  ///   - bias: whether the layer adds a learned bias.
  ///   - initialization: how the weight is drawn.
  ///   - seed: seeds the initializer; the global generator is used when nil.
  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
    dilation: Size2D = 1, groups: Int = 1, bias: Bool = true,
    initialization: WeightInitialization = .kaimingUniform, seed: UInt64? = nil
  ) {
    ArgumentCheck.orStop {
      try Conv2d.validate(
        inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
        dilation: dilation, groups: groups)
    }
    let taps = kernelSize.height * kernelSize.width
    let shape = [outChannels, inChannels / groups, kernelSize.height, kernelSize.width]
    weight = Tensor.withGenerator(seed) {
      initialization.make(
        shape, fanIn: inChannels / groups * taps, fanOut: outChannels / groups * taps, using: &$0)
    }
    self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
    super.init()
  }

  public override var settingsDescription: String {
    var text = "\(inChannels) → \(outChannels), kernel \(kernelSize)"
    if stride != 1 { text += ", stride \(stride)" }
    if padding != 0 { text += ", padding \(padding)" }
    if dilation != 1 { text += ", dilation \(dilation)" }
    if groups != 1 { text += ", groups \(groups)" }
    return text + (bias == nil ? ", bias: false" : "")
  }

  /// Throws `TensorError.invalidArgument` when a size is not positive, the padding is negative,
  /// or `groups` does not divide both channel counts.
  public static func validate(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
    dilation: Size2D = 1, groups: Int = 1
  ) throws {
    let sizes =
      [inChannels, outChannels, kernelSize.height, kernelSize.width, stride.height, stride.width]
      + [dilation.height, dilation.width, groups]
    guard sizes.allSatisfy({ $0 >= 1 }), padding.height >= 0, padding.width >= 0 else {
      throw TensorError.invalidArgument(
        "Conv2d: channels (\(inChannels), \(outChannels)), kernel \(kernelSize), stride \(stride), "
          + "dilation \(dilation) and groups \(groups) must be positive and padding \(padding) non-negative")
    }
    guard inChannels % groups == 0, outChannels % groups == 0 else {
      throw TensorError.invalidArgument(
        "Conv2d: groups \(groups) must divide both the input channels \(inChannels) "
          + "and the output channels \(outChannels)")
    }
  }

  /// Convolves `input` of shape `[batch, inChannels, height, width]`.
  /// - Throws: `TensorError.invalidArgument` for a wrong rank or channel count, or an input too
  ///   small for the kernel.
  public override func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 4, input.shape[1] == inChannels else {
      throw TensorError.invalidArgument(
        "Conv2d(\(inChannels) → \(outChannels), kernel \(kernelSize)): expected input of shape "
          + "[batch, \(inChannels), height, width], got \(input.shape)")
    }
    if let quantized = try quantizedForward(input) { return quantized }
    return try input.conv2d(
      weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
  }
}
