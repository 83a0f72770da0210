/// `max(x, 0)`.
public final class ReLU: Module {
  public override func forward(_ input: Tensor) throws -> Tensor { input.relu() }
}

/// `x` for positive inputs, `slope·x` otherwise.
public final class LeakyReLU: Module {
  public let slope: Float
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
  public let approximation: Tensor.GELUApproximation
  public init(approximation: Tensor.GELUApproximation = .none) {
    self.approximation = approximation
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { input.gelu(approximation: approximation) }
}

/// Softmax along an axis.
public final class Softmax: Module {
  public let axis: Int
  public init(axis: Int = -1) {
    self.axis = axis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.softmax(axis: axis) }
}

/// Log-softmax along an axis.
public final class LogSoftmax: Module {
  public let axis: Int
  public init(axis: Int = -1) {
    self.axis = axis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.logSoftmax(axis: axis) }
}

/// Flattens every axis from `startAxis` on (by default all but the batch axis).
public final class Flatten: Module {
  public let startAxis: Int
  public init(startAxis: Int = 1) {
    self.startAxis = startAxis
    super.init()
  }
  public override func forward(_ input: Tensor) throws -> Tensor { try input.flattened(startAxis: startAxis) }
}
