/// `max(x, 0)`.
public final class ReLU: Module {
  public override func forward(_ input: Tensor) throws -> Tensor { input.relu() }
}

/// `x` for positive inputs, `slope·x` otherwise.
public final class LeakyReLU: Module {
  /// The factor applied to non-positive inputs.
  public let slope: Float
  /// A layer with the given negative-side slope.
  public init(slope: Float = 0.01) {
    self.slope = slope
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { input.leakyRelu(slope: slope) }
}

/// The logistic function (stable for large inputs).
public final class Sigmoid: Module {
  public override func forward(_ input: Tensor) throws -> Tensor { input.sigmoid() }
}

/// Hyperbolic tangent.
public final class Tanh: Module {
  public override func forward(_ input: Tensor) throws -> Tensor { input.tanh() }
}

/// Gaussian error linear unit, exact (`erf`) or tanh-approximated.
public final class GELU: Module {
  /// How the Gaussian CDF is evaluated.
  public let approximation: Tensor.GELUApproximation
  /// A layer using the exact form by default.
  public init(approximation: Tensor.GELUApproximation = .none) {
    self.approximation = approximation
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { input.gelu(approximation: approximation) }
}

/// Softmax along an axis.
public final class Softmax: Module {
  /// The axis whose values sum to 1.
  public let axis: Int
  /// A layer normalizing along `axis` (the last by default).
  public init(axis: Int = -1) {
    self.axis = axis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.softmax(axis: axis) }
}

/// Log-softmax along an axis.
public final class LogSoftmax: Module {
  /// The axis normalized over.
  public let axis: Int
  /// A layer normalizing along `axis` (the last by default).
  public init(axis: Int = -1) {
    self.axis = axis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.logSoftmax(axis: axis) }
}

/// Flattens every axis from `startAxis` on (by default all but the batch axis).
public final class Flatten: Module {
  /// The first axis merged into the flattened one.
  public let startAxis: Int
  /// A layer merging the axes from `startAxis` on.
  public init(startAxis: Int = 1) {
    self.startAxis = startAxis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.flattened(startAxis: startAxis) }
}
