/// Shape arithmetic shared by every kernel: element counts, row-major strides and NumPy-style
/// broadcasting.
public enum ShapeMath {
  /// Number of elements of a tensor with this shape (1 for a scalar shape `[]`).
  @inlinable
  public static func count(_ shape: [Int]) -> Int {
    var n = 1
    for d in shape { n &*= d }
    return n
  }

  /// Row-major (C order) strides, in elements.
  @inlinable
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[i] = acc
      acc &*= shape[i]
    }
    return strides
  }

  /// The NumPy broadcast of two shapes, or `nil` when they are incompatible.
  public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        return nil
      }
    }
    return out
  }

  /// Strides that read `shape` as if it had been broadcast to `target` (0 along broadcast axes).
  public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = strides(shape)
    let offset = target.count - shape.count
    var out = [Int](repeating: 0, count: target.count)
    for i in 0..<shape.count where shape[i] != 1 {
      out[i + offset] = own[i]
    }
    return out
  }

  /// Normalizes a possibly negative axis against `rank`; `nil` when out of range.
  @inlinable
  public static func normalizeAxis(_ axis: Int, rank: Int) -> Int? {
    let a = axis < 0 ? axis + rank : axis
    return (a >= 0 && a < max(rank, 1)) ? a : nil
  }

  /// Splits `shape` around `axis` into (outer, axis length, inner) element counts.
  @inlinable
  public static func split(_ shape: [Int], axis: Int) -> (outer: Int, length: Int, inner: Int) {
    var outer = 1
    var inner = 1
    for i in 0..<axis { outer &*= shape[i] }
    for i in (axis + 1)..<shape.count { inner &*= shape[i] }
    return (outer, shape.isEmpty ? 1 : shape[axis], inner)
  }

  /// Walks a tensor of shape `shape` one row (a run along the last axis) at a time, tracking
  /// where that row starts in a strided buffer: calls `body(row, offset)` with `row` the row's
  /// number in row-major order and `offset = Σ index[i]·strides[i]` over the outer axes. A
  /// scalar shape is one row; an empty tensor has none. The row length and the stride along
  /// the last axis are left to `body`.
  @inline(__always)
  static func forEachRow(
    of shape: [Int], strides: [Int], _ body: (_ row: Int, _ offset: Int) -> Void
  ) {
    let n = count(shape)
    if n == 0 { return }
    let rank = shape.count
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    for row in 0..<(n / (shape.last ?? 1)) {
      body(row, offset)
      // Advance the odometer over axes 0..<rank-1.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        offset += strides[axis]
        if index[axis] < shape[axis] { break }
        offset -= strides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
