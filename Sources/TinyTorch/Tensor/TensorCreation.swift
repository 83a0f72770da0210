import TTKernels

extension Tensor {
  /// A tensor of zeros.
  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 0, requiresGrad: requiresGrad)
  }

  /// A tensor of ones.
  public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 1, requiresGrad: requiresGrad)
  }

  /// A tensor filled with `value`.
  public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
    ArgumentCheck.orStop { try checkShape(shape, op: "Tensor.full") }
    return Tensor(
      uncheckedShape: shape, scalars: [Float](repeating: value, count: ShapeMath.count(shape)),
      requiresGrad: requiresGrad)
  }

  /// Zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

  /// `[0, 1, …, end - 1]` (like `torch.arange(end)`).
  public static func arange(_ end: Float) -> Tensor { arange(0, end) }

  /// `[start, start + step, …]` up to but excluding `end`.
  public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
    ArgumentCheck.orStop { try validateRange(start, end, step: step) }
    let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    return Tensor((0..<n).map { start + Float($0) * step })
  }

  /// Normally distributed values `N(mean, std²)` from `generator`.
  public static func randn(
    _ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout RandomGenerator,
    requiresGrad: Bool = false
  ) -> Tensor {
    ArgumentCheck.orStop { try checkShape(shape, op: "Tensor.randn") }
    let n = ShapeMath.count(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = mean + std * generator.nextNormal() }
    return Tensor(uncheckedShape: shape, scalars: values, requiresGrad: requiresGrad)
  }

  /// Normally distributed values; seeded when `seed` is given, else from the global generator.
  public static func randn(
    _ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64? = nil,
    requiresGrad: Bool = false
  ) -> Tensor {
    withGenerator(seed) {
      randn(shape, mean: mean, std: std, using: &$0, requiresGrad: requiresGrad)
    }
  }

  /// Uniformly distributed values in `[low, high)` from `generator`.
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout RandomGenerator,
    requiresGrad: Bool = false
  ) -> Tensor {
    ArgumentCheck.orStop { try checkShape(shape, op: "Tensor.uniform") }
    let n = ShapeMath.count(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = low + (high - low) * generator.nextUniform() }
    return Tensor(uncheckedShape: shape, scalars: values, requiresGrad: requiresGrad)
  }

  /// Uniform values in `[low, high)`; seeded when `seed` is given, else from the global generator.
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64? = nil,
    requiresGrad: Bool = false
  ) -> Tensor {
    withGenerator(seed) {
      uniform(shape, low: low, high: high, using: &$0, requiresGrad: requiresGrad)
    }
  }

  /// Throws unless `step` is non-zero and all three are finite (the check of ``arange(_:_:step:)``).
  static func validateRange(_ start: Float, _ end: Float, step: Float) throws {
    try ArgumentCheck.require(
      step != 0 && start.isFinite && end.isFinite && step.isFinite,
      "Tensor.arange(\(start), \(end), step: \(step)): the step must be non-zero and all finite")
  }

  /// Throws, naming `op`, when a dimension of `shape` is negative.
  static func checkShape(_ shape: [Int], op: String) throws {
    try ArgumentCheck.require(
      shape.allSatisfy { $0 >= 0 }, "\(op): negative dimension in shape \(shape)")
  }

  /// Runs `body` with a generator seeded by `seed`, or with the global generator.
  static func withGenerator<T>(_ seed: UInt64?, _ body: (inout RandomGenerator) -> T) -> T {
    if let seed {
      var generator = RandomGenerator(seed: seed)
      return body(&generator)
    }
    return RandomGenerator.withGlobal(body)
  }
}
