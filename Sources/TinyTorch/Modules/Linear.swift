import Foundation
import TTIR

/// How a layer's weights are initialized. `fanIn`/`fanOut` are the input/output sizes.
public enum WeightInitialization: Sendable {
  /// Uniform in ±√(6 / fanIn): He/Kaiming for ReLU networks.
  case kaimingUniform
  /// Normal with std √(2 / fanIn).
  case kaimingNormal
  /// Uniform in ±√(6 / (fanIn + fanOut)): Glorot/Xavier for tanh/sigmoid networks.
  case xavierUniform
  /// Normal with std √(2 / (fanIn + fanOut)).
  case xavierNormal
  /// Normal with std √(1 / fanIn) (the original TinyTorch's choice).
  case lecunNormal

  /// A freshly initialized tensor of `shape`.
  public func make(
    _ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator
  ) -> Tensor {
    let fi = Float(max(fanIn, 1))
    let fo = Float(max(fanOut, 1))
    switch self {
    case .kaimingUniform:
      let b = (6 / fi).squareRoot()
      return .uniform(shape, low: -b, high: b, using: &generator, requiresGrad: true)
    case .kaimingNormal:
      return .randn(shape, std: (2 / fi).squareRoot(), using: &generator, requiresGrad: true)
    case .xavierUniform:
      let b = (6 / (fi + fo)).squareRoot()
      return .uniform(shape, low: -b, high: b, using: &generator, requiresGrad: true)
    case .xavierNormal:
      return .randn(shape, std: (2 / (fi + fo)).squareRoot(), using: &generator, requiresGrad: true)
    case .lecunNormal:
      return .randn(shape, std: (1 / fi).squareRoot(), using: &generator, requiresGrad: true)
    }
  }
}

/// A fully connected layer: `y = x·W + b` with `W` of shape `[in, out]` and `b` of shape `[out]`.
public final class Linear: Module {
  /// Weights, shape `[inFeatures, outFeatures]`.
  public let weight: Tensor
  /// Bias, shape `[outFeatures]`, or nil.
  public let bias: Tensor?

  /// Weights stored by ``Module/quantizeForEvaluation(_:)``, used in evaluation mode.
  var evaluationWeights: EvaluationWeights?
  /// While ``Module/quantizeForEvaluation(calibratingOn:batchSize:observer:)`` runs: the inputs
  /// seen so far; nil otherwise.
  var inputObserver: RangeObserver?

  /// Input width.
  public var inFeatures: Int { weight.shape[0] }
  /// Output width.
  public var outFeatures: Int { weight.shape[1] }

  /// Creates a layer with freshly initialized weights and a zero bias.
  ///
  /// A size that is not positive is a programming error: the program stops with a message
  /// naming both sizes (see ``validate(_:_:)``).
  /// - Parameters:
  ///   - inFeatures: the input width.
  ///   - outFeatures: the output width.
  ///   - bias: whether the layer adds a learned bias.
  ///   - initialization: how the weight is drawn.
  ///   - seed: seeds the initializer; the global generator is used when nil.
  public init(
    _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
    initialization: WeightInitialization = .kaimingUniform, seed: UInt64? = nil
  ) {
    ArgumentCheck.orStop { try Linear.validate(inFeatures, outFeatures) }
    weight = Tensor.withGenerator(seed) {
      initialization.make([inFeatures, outFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &$0)
    }
    self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
    super.init()
  }

  public override var settingsDescription: String {
    "\(inFeatures) → \(outFeatures)" + (bias == nil ? ", bias: false" : "")
  }

  /// `torch.nn.Linear` stores the weight as `[out, in]`.
  public override var pytorchConvention: PyTorchConvention { PyTorchConvention(transposed: ["weight"]) }

  /// Throws unless both sizes are positive (the check ``init(_:_:bias:initialization:seed:)`` runs).
  public static func validate(_ inFeatures: Int, _ outFeatures: Int) throws {
    try ArgumentCheck.require(
      inFeatures > 0 && outFeatures > 0,
      "Linear(\(inFeatures), \(outFeatures)): the input and output sizes must be positive")
  }

  public override func forward(_ input: Tensor) throws -> Tensor {
    if let quantized = try quantizedForward(input) { return quantized }
    return try input.linear(weight: weight, bias: bias)
  }
}

/// Runs modules one after another.
public final class Sequential: Module {
  /// The modules, in order.
  public let layers: [Module]

  /// Chains `layers`: each one's output is the next one's input.
  public init(_ layers: [Module]) {
    self.layers = layers
    super.init()
  }

  /// Variadic form of the array initializer.
  public convenience init(_ layers: Module...) { self.init(layers) }

  /// `torch.nn.Sequential` names its children `0`, `1`, … (here `layers.0`, `layers.1`, …).
  public override var pytorchConvention: PyTorchConvention { PyTorchConvention(names: ["layers": ""]) }

  public override func forward(_ input: Tensor) throws -> Tensor {
    try layers.reduce(input) { try $1($0) }
  }
}

/// Inverted dropout: in training, zeroes each value with probability `p` and scales the rest by
/// `1/(1-p)`, so evaluation needs no rescaling. In evaluation mode it is the identity.
public final class Dropout: Module {
  /// The probability of zeroing a value.
  public let probability: Float
  private var generator: RandomGenerator?

  /// A probability outside `[0, 1]` is a programming error: the program stops with a message
  /// naming it (see ``validate(probability:)``).
  /// - Parameters:
  ///   - probability: the probability of zeroing a value, in `[0, 1]`.
  ///   - seed: seeds this layer's own mask generator; the global one is used when nil.
  public init(_ probability: Float = 0.5, seed: UInt64? = nil) {
    ArgumentCheck.orStop { try Dropout.validate(probability: probability) }
    self.probability = probability
    self.generator = seed.map(RandomGenerator.init(seed:))
    super.init()
  }

  public override var settingsDescription: String { "\(probability)" }

  /// Throws unless `probability` lies in `[0, 1]`.
  public static func validate(probability: Float) throws {
    try ArgumentCheck.require(
      (0...1).contains(probability), "Dropout(\(probability)): the probability must be in [0, 1]")
  }

  /// Whether the layer passes its input through unchanged: in evaluation mode, or with
  /// probability 0.
  public var isIdentity: Bool { !isTraining || probability == 0 }

  public override func forward(_ input: Tensor) throws -> Tensor {
    guard !isIdentity else { return input }
    if probability == 1 { return input * 0 }
    let keep = 1 - probability
    func draw(_ g: inout RandomGenerator) -> [Float] {
      (0..<input.count).map { _ in g.nextUniform() < keep ? 1 / keep : 0 }
    }
    let mask: [Float]
    if generator != nil { mask = draw(&generator!) } else { mask = RandomGenerator.withGlobal(draw) }
    return try input * Tensor(uncheckedShape: input.shape, scalars: mask)
  }
}
