/// Data-movement kernels: permutation, concatenation, slicing and gathering.
public enum Layout {
  /// Writes `x` (shape `shape`) with its axes reordered by `permutation` into `out`:
  /// output axis `i` is input axis `permutation[i]`.
  public static func permute(
    _ x: UnsafePointer<Float>, shape: [Int], permutation: [Int], _ out: UnsafeMutablePointer<Float>
  ) {
    let inStrides = ShapeMath.strides(shape)
    let outShape = permutation.map { shape[$0] }
    let srcStrides = permutation.map { inStrides[$0] }
    let inner = outShape.last ?? 1
    let innerStride = srcStrides.last ?? 0
    ShapeMath.forEachRow(of: outShape, strides: srcStrides) { row, off in
      let dst = out + row * inner
      for i in 0..<inner { dst[i] = x[off + i * innerStride] }
    }
  }

  /// Copies a strided window of `x` into `out`: along each axis `i`, elements
  /// `start[i], start[i]+step[i], …` (`outShape[i]` of them). Steps are nonzero; a negative step
  /// walks the axis backwards from `start[i]`.
  public static func slice(
    _ x: UnsafePointer<Float>, shape: [Int], start: [Int], step: [Int], outShape: [Int],
    _ out: UnsafeMutablePointer<Float>
  ) {
    strided(shape: shape, start: start, step: step, outShape: outShape) { src, dst, n, s in
      for i in 0..<n { out[dst + i] = x[src + i * s] }
    }
  }

  /// The adjoint of ``slice(_:shape:start:step:outShape:_:)``: adds `g` into the window of `out`.
  public static func sliceBackward(
    _ g: UnsafePointer<Float>, shape: [Int], start: [Int], step: [Int], outShape: [Int],
    _ out: UnsafeMutablePointer<Float>
  ) {
    strided(shape: shape, start: start, step: step, outShape: outShape) { src, dst, n, s in
      for i in 0..<n { out[src + i * s] += g[dst + i] }
    }
  }

  /// Visits the rows of a strided window: `body(sourceOffset, destOffset, count, sourceStride)`.
  static func strided(
    shape: [Int], start: [Int], step: [Int], outShape: [Int],
    _ body: (Int, Int, Int, Int) -> Void
  ) {
    let strides = ShapeMath.strides(shape)
    let walk = zip(strides, step).map { $0 * $1 }
    let origin = zip(start, strides).reduce(0) { $0 + $1.0 * $1.1 }
    let inner = outShape.last ?? 1
    ShapeMath.forEachRow(of: outShape, strides: walk) { row, off in
      body(origin + off, row * inner, inner, walk.last ?? 1)
    }
  }

  /// Concatenates tensors along `axis`. All shapes agree except along `axis`.
  public static func concat(
    _ parts: [(UnsafePointer<Float>, [Int])], axis: Int, _ out: UnsafeMutablePointer<Float>
  ) {
    guard let first = parts.first else { return }
    let (outer, _, inner) = ShapeMath.split(first.1, axis: axis)
    let total = parts.reduce(0) { $0 + $1.1[axis] }
    var offset = 0
    for (ptr, shape) in parts {
      let chunk = shape[axis] * inner
      for o in 0..<outer {
        (out + o * total * inner + offset).update(from: ptr + o * chunk, count: chunk)
      }
      offset += chunk
    }
  }

  /// Gathers slices along `axis`: `out[..., j, ...] = x[..., indices[j], ...]`.
  /// Indices must already be validated against `shape[axis]`.
  public static func gather(
    _ x: UnsafePointer<Float>, shape: [Int], axis: Int, indices: [Int],
    _ out: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    let count = indices.count
    for o in 0..<outer {
      for (j, index) in indices.enumerated() {
        (out + (o * count + j) * inner).update(from: x + (o * length + index) * inner, count: inner)
      }
    }
  }

  /// The adjoint of ``gather(_:shape:axis:indices:_:)``: scatter-adds `g` back into `out`.
  public static func scatterAdd(
    _ g: UnsafePointer<Float>, shape: [Int], axis: Int, indices: [Int],
    _ out: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    let count = indices.count
    for o in 0..<outer {
      for (j, index) in indices.enumerated() {
        let src = g + (o * count + j) * inner
        let dst = out + (o * length + index) * inner
        for i in 0..<inner { dst[i] += src[i] }
      }
    }
  }
}
