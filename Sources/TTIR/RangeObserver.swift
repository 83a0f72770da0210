/// How an activation's range is taken from the values it had over the calibration samples (the
/// static int8 calibration of the interpreter, `ttc --observer` and eager
/// `quantizeForEvaluation(calibratingOn:observer:)`).
public enum CalibrationObserver: Hashable, Sendable {
  /// The smallest and largest value seen.
  case minMax
  /// The values at `100 − p` and `p` percent (e.g. 99.99): outliers are clipped so the int8 steps
  /// stay fine where most values are.
  case percentile(Double)
}

/// Accumulates the values one activation takes and gives its calibrated range by a
/// ``CalibrationObserver``: one implementation for every engine.
public struct RangeObserver: Sendable {
  /// How the range is taken.
  public let observer: CalibrationObserver
  private var low = Float.infinity
  private var high = -Float.infinity
  private var all: [Float] = []

  /// An observer that has seen nothing yet.
  public init(_ observer: CalibrationObserver) { self.observer = observer }

  /// Records `values` (non-finite ones are ignored).
  public mutating func record<Values: Sequence<Float>>(_ values: Values) {
    switch observer {
    case .minMax:
      for value in values where value.isFinite {
        low = Swift.min(low, value)
        high = Swift.max(high, value)
      }
    case .percentile:
      all += values.lazy.filter(\.isFinite)
    }
  }

  /// The range: `min...max`, or the values at the observer's percentiles (the nearest rank of
  /// `p/100` of the sorted values and its mirror, `p` clamped to 50...100); `0...0` when nothing
  /// finite was recorded.
  public var range: ClosedRange<Float> {
    switch observer {
    case .minMax:
      return low <= high ? low...high : 0...0
    case .percentile(let percent):
      guard !all.isEmpty else { return 0...0 }
      let sorted = all.sorted()
      let fraction = Swift.min(Swift.max(percent / 100, 0.5), 1)
      let upper = Int((Double(sorted.count - 1) * fraction).rounded())
      let lower = sorted.count - 1 - upper
      return sorted[lower]...sorted[upper]
    }
  }
}
