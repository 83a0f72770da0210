import Foundation

/// In-place parameter updates of the standard optimizers, on raw buffers of `count` values.
///
/// Each function follows PyTorch's published update rule for one step; `weightDecay` is the
/// L2 penalty added to the gradient (`g + λ·p`) unless stated otherwise. State buffers are
/// stored with subnormal values flushed to zero (see ``flushingSubnormals(_:)``).
public enum OptimizerUpdate {
  /// SGD with optional momentum and Nesterov momentum:
  /// `g ← ∇ + λp`; with momentum `b ← μb + g` and `g ← g + μb` (Nesterov) or `g ← b`;
  /// then `p ← p − lr·g`. `momentumBuffer` is ignored when `momentum` is 0.
  public static func sgd(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    momentumBuffer: UnsafeMutablePointer<Float>, count: Int,
    learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float
  ) {
    forEachChunk(count) { i, n in
      let pv = load(p + i, n)
      var g = load(gradient + i, n) + weightDecay * pv
      if momentum != 0 {
        let b = momentum * load(momentumBuffer + i, n) + g
        store(flushingSubnormals(b), momentumBuffer + i, n)
        g = nesterov ? g + momentum * b : b
      }
      store(pv - learningRate * g, p + i, n)
    }
  }

  /// Adam's bias corrections `(1 − β₁ᵗ, 1 − β₂ᵗ)` at step `t` (1-based).
  public static func adamBiasCorrections(beta1: Float, beta2: Float, step: Int) -> (Double, Double) {
    (1 - Foundation.pow(Double(beta1), Double(step)), 1 - Foundation.pow(Double(beta2), Double(step)))
  }

  /// Adam (Kingma & Ba) with the bias corrections of the current step (see
  /// ``adamBiasCorrections(beta1:beta2:step:)``):
  /// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
  /// `p ← p − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`.
  ///
  /// `weightDecay` is added to the gradient (L2, as in `torch.optim.Adam`);
  /// `decoupledWeightDecay` first shrinks the parameter, `p ← p·(1 − lr·λ)` (AdamW).
  public static func adam(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
    count: Int, biasCorrections: (Double, Double), learningRate: Float, beta1: Float,
    beta2: Float, epsilon: Float, weightDecay: Float, decoupledWeightDecay: Float
  ) {
    let (correction1, correction2) = biasCorrections
    let stepSize = Float(Double(learningRate) / correction1)
    let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
    let shrink = 1 - learningRate * decoupledWeightDecay
    let (oneMinusBeta1, oneMinusBeta2) = (1 - beta1, 1 - beta2)
    forEachChunk(count) { i, n in
      let pv = load(p + i, n)
      let g = load(gradient + i, n) + weightDecay * pv
      let mv = beta1 * load(m + i, n) + oneMinusBeta1 * g
      let vv = beta2 * load(v + i, n) + oneMinusBeta2 * g * g
      store(flushingSubnormals(mv), m + i, n)
      store(flushingSubnormals(vv), v + i, n)
      let denominator = squareRoot(vv) * inverseRootCorrection2 + epsilon
      store(pv * shrink - stepSize * mv / denominator, p + i, n)
    }
  }

  /// RMSprop (Hinton), as in `torch.optim.RMSprop` without centering:
  /// `v ← αv + (1−α)g²`; with momentum `b ← μb + g/(√v + ε)`, `p ← p − lr·b`,
  /// otherwise `p ← p − lr·g/(√v + ε)`. `momentumBuffer` is ignored when `momentum` is 0.
  public static func rmsprop(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    squareAverage v: UnsafeMutablePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>,
    count: Int, learningRate: Float, alpha: Float, epsilon: Float, momentum: Float,
    weightDecay: Float
  ) {
    forEachChunk(count) { i, n in
      let pv = load(p + i, n)
      let g = load(gradient + i, n) + weightDecay * pv
      let vv = alpha * load(v + i, n) + (1 - alpha) * g * g
      store(flushingSubnormals(vv), v + i, n)
      var update = g / (squareRoot(vv) + epsilon)
      if momentum != 0 {
        update = momentum * load(momentumBuffer + i, n) + update
        store(flushingSubnormals(update), momentumBuffer + i, n)
      }
      store(pv - learningRate * update, p + i, n)
    }
  }

  /// `v` with subnormal lanes set to zero. Moment estimates of parameters whose gradient
  /// stops (dead units, constant inputs) decay geometrically into the subnormal range, where
  /// arithmetic is several times slower; flushing them changes updates by less than 1e-30
  /// (like `torch.set_flush_denormal(True)`).
  @inline(__always)
  static func flushingSubnormals(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let tiny = SIMD16<Float>(repeating: Float.leastNormalMagnitude)
    return v.replacing(with: 0, where: (v .< tiny) .& (v .> -tiny))
  }

  /// Calls `body(start, n)` for consecutive chunks of up to 16 values covering `0 ..< count`.
  @inline(__always)
  static func forEachChunk(_ count: Int, _ body: (Int, Int) -> Void) {
    var i = 0
    while i < count {
      let n = min(16, count - i)
      body(i, n)
      i += n
    }
  }

  /// Lane-wise square root of non-negative values, as one vector instruction.
  ///
  /// `Float.squareRoot()` calls C's `sqrtf`, which may set `errno` for negative inputs, so
  /// LLVM keeps a scalar call per lane (also inside `SIMD16.squareRoot()`). Taking the
  /// magnitude first (a no-op here) proves the input non-negative and lets it vectorize.
  @inline(__always)
  static func squareRoot(_ v: SIMD16<Float>) -> SIMD16<Float> {
    var v = v
    withUnsafeMutableBytes(of: &v) { raw in
      let x = raw.baseAddress!.assumingMemoryBound(to: Float.self)
      for j in 0..<16 { x[j] = x[j].magnitude.squareRoot() }
    }
    return v
  }

  /// Loads `n ≤ 16` values (zero-filled beyond `n`).
  @inline(__always)
  static func load(_ x: UnsafePointer<Float>, _ n: Int) -> SIMD16<Float> {
    if n == 16 { return UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self) }
    var v = SIMD16<Float>()
    for j in 0..<n { v[j] = x[j] }
    return v
  }

  @inline(__always)
  static func load(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> SIMD16<Float> {
    load(UnsafePointer(x), n)
  }

  /// Stores the first `n ≤ 16` lanes of `v`.
  @inline(__always)
  static func store(_ v: SIMD16<Float>, _ x: UnsafeMutablePointer<Float>, _ n: Int) {
    if n == 16 {
      UnsafeMutableRawPointer(x).storeBytes(of: v, as: SIMD16<Float>.self)
    } else {
      for j in 0..<n { x[j] = v[j] }
    }
  }

  /// Multiplies `count` values by `factor` in place (gradient clipping).
  public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    for i in 0..<count { x[i] *= factor }
  }

  /// The sum of squares of `count` values, accumulated in double precision.
  public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var total: Double = 0
    for i in 0..<count { total += Double(x[i]) * Double(x[i]) }
    return total
  }
}
