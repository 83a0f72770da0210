/// Reductions over one axis of a row-major tensor.
public enum ReduceOp: String, CaseIterable, Sendable {
  case sum, mean, max, min
}

/// Reduction kernels. A tensor is viewed as `(outer, length, inner)` around the reduced axis.
public enum Reduce {
  /// Reduces `axis` of `x` (shape `shape`) into `out`, which holds `outer × inner` values.
  public static func reduce(
    _ op: ReduceOp, _ x: UnsafePointer<Float>, shape: [Int], axis: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    for o in 0..<outer {
      let src = x + o * length * inner
      let dst = out + o * inner
      switch op {
      case .sum, .mean:
        dst.update(repeating: 0, count: inner)
        for l in 0..<length {
          let row = src + l * inner
          for i in 0..<inner { dst[i] += row[i] }
        }
        if op == .mean {
          let scale = 1 / Float(length)
          for i in 0..<inner { dst[i] *= scale }
        }
      case .max:
        dst.update(from: src, count: inner)
        for l in 1..<max(length, 1) {
          let row = src + l * inner
          for i in 0..<inner where row[i] > dst[i] || row[i].isNaN { dst[i] = row[i] }
        }
      case .min:
        dst.update(from: src, count: inner)
        for l in 1..<max(length, 1) {
          let row = src + l * inner
          for i in 0..<inner where row[i] < dst[i] || row[i].isNaN { dst[i] = row[i] }
        }
      }
    }
  }

  /// Reduces every axis in `axes` (distinct, non-negative, each `< shape.count`) of `x` into
  /// `out`, which holds `count(shape)` divided by the reduced extents values (the reduced axes
  /// kept as size 1). Axes are reduced one at a time, from the last to the first; with no axes
  /// `out` receives a copy of `x`.
  public static func reduce(
    _ op: ReduceOp, _ x: UnsafePointer<Float>, shape: [Int], axes: [Int],
    _ out: UnsafeMutablePointer<Float>
  ) {
    let order = axes.sorted(by: >)
    guard let last = order.last else {
      out.update(from: x, count: ShapeMath.count(shape))
      return
    }
    var current = shape
    var source = x
    var scratch: UnsafeMutablePointer<Float>? = nil
    defer { scratch?.deallocate() }
    for axis in order {
      var reduced = current
      reduced[axis] = 1
      if axis == last {
        reduce(op, source, shape: current, axis: axis, out)
      } else {
        let next = UnsafeMutablePointer<Float>.allocate(capacity: max(ShapeMath.count(reduced), 1))
        reduce(op, source, shape: current, axis: axis, next)
        scratch?.deallocate()
        scratch = next
        source = UnsafePointer(next)
      }
      current = reduced
    }
  }

  /// Index of the largest value along `axis` (first one on ties), as `outer × inner` integers.
  public static func argmax(
    _ x: UnsafePointer<Float>, shape: [Int], axis: Int, _ out: UnsafeMutablePointer<Int>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    for o in 0..<outer {
      let src = x + o * length * inner
      for i in 0..<inner {
        var best = src[i]
        var bestIndex = 0
        for l in 1..<max(length, 1) where src[l * inner + i] > best {
          best = src[l * inner + i]
          bestIndex = l
        }
        out[o * inner + i] = bestIndex
      }
    }
  }

  /// Total sum of `count` values, accumulated in Double for accuracy.
  public static func total(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var s: Double = 0
    for i in 0..<count { s += Double(x[i]) }
    return Float(s)
  }
}
