/// How far one engine's values are from a reference engine's.
///
/// `maxAbsolute` is the largest `|a − b|`; `maxRelative` the largest `|a − b| / max(|a|, |b|)`
/// over elements that are not both zero. A value *diverges* at tolerance `t` when some element has
/// `|a − b| > t · max(1, |b|)` (relative for large values, absolute near zero), or when one side
/// is NaN/infinite and the other is not.
struct Difference: Encodable {
  /// The largest absolute difference.
  private(set) var maxAbsolute: Double = 0
  /// The largest relative difference.
  private(set) var maxRelative: Double = 0
  /// The largest `|a − b| / max(1, |b|)`, compared with the tolerance.
  private(set) var maxScaled: Double = 0
  /// Whether the element counts differ or exactly one side is not finite somewhere.
  private(set) var mismatched = false

  /// No difference yet.
  init() {}

  /// The difference of `actual` from `reference`.
  init(_ actual: [Float], _ reference: [Float]) {
    add(actual, reference)
  }

  /// Folds in the difference of another pair of arrays.
  mutating func add(_ actual: [Float], _ reference: [Float]) {
    guard actual.count == reference.count else {
      mismatched = true
      return
    }
    for (a, b) in zip(actual, reference) {
      guard a.isFinite, b.isFinite else {
        if !(a == b || (a.isNaN && b.isNaN)) { mismatched = true }
        continue
      }
      let delta = Double(Swift.abs(a - b))
      let magnitude = Double(Swift.max(Swift.abs(a), Swift.abs(b)))
      maxAbsolute = Swift.max(maxAbsolute, delta)
      if magnitude > 0 { maxRelative = Swift.max(maxRelative, delta / magnitude) }
      maxScaled = Swift.max(maxScaled, delta / Swift.max(1, Double(Swift.abs(b))))
    }
  }

  /// Whether the values diverge beyond `tolerance` (see the type's documentation).
  func diverges(tolerance: Double) -> Bool { mismatched || maxScaled > tolerance }
}
