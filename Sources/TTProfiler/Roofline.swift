/// The roofline model of one machine: a unit of work with arithmetic intensity `I` (FLOPs per
/// byte moved) can run at most at `min(peak, I × bandwidth)` GFLOP/s. ``point(for:)`` places a
/// profiled node against that limit.
///
/// The peak and bandwidth are measured (``MachinePeak``), for one thread, as the engines run.
public struct Roofline: Sendable {
  /// fp32 GFLOP/s of one thread.
  public var peakGFLOPS: Double
  /// Memory read GB/s of one thread.
  public var bandwidthGBPerSecond: Double

  /// The roofline of a measured machine.
  public init(_ peak: MachinePeak) {
    self.init(peakGFLOPS: peak.fp32GFLOPS, bandwidthGBPerSecond: peak.readGBPerSecond)
  }

  /// A roofline from its two limits.
  public init(peakGFLOPS: Double, bandwidthGBPerSecond: Double) {
    self.peakGFLOPS = peakGFLOPS
    self.bandwidthGBPerSecond = bandwidthGBPerSecond
  }

  /// The intensity (FLOP/byte) where the memory roof meets the compute roof.
  public var ridgeIntensity: Double { bandwidthGBPerSecond > 0 ? peakGFLOPS / bandwidthGBPerSecond : 0 }

  /// The most GFLOP/s a unit of `intensity` FLOP/byte can reach.
  public func attainableGFLOPS(intensity: Double) -> Double {
    min(peakGFLOPS, intensity * bandwidthGBPerSecond)
  }

  /// Where `node` sits under the roofline.
  public func point(for node: ProfiledNode) -> Point {
    let intensity = node.arithmeticIntensity
    let attainable = attainableGFLOPS(intensity: intensity)
    let achieved = node.achievedGFLOPS
    return Point(
      intensity: intensity, achievedGFLOPS: achieved, attainableGFLOPS: attainable,
      fractionOfAttainable: attainable > 0 ? achieved / attainable : 0,
      bound: node.flops == 0 ? .dataMovement : intensity < ridgeIntensity ? .memory : .compute)
  }

  /// One node on the roofline.
  public struct Point: Sendable {
    /// FLOPs per byte moved.
    public var intensity: Double
    /// GFLOP/s at the node's median time.
    public var achievedGFLOPS: Double
    /// The roof at ``intensity``.
    public var attainableGFLOPS: Double
    /// ``achievedGFLOPS`` / ``attainableGFLOPS``.
    public var fractionOfAttainable: Double
    /// Which roof limits the node.
    public var bound: Bound
  }

  /// The roof that limits a node.
  public enum Bound: String, Sendable {
    /// Left of the ridge: bandwidth limits it.
    case memory
    /// Right of the ridge: the fp32 peak limits it.
    case compute
    /// No arithmetic at all (reshape, transpose, gather): only bytes move.
    case dataMovement = "data movement"
  }
}
