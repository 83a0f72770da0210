/// `where(condition, a, b)`: elementwise choice between two tensors.
extension Elementwise {
  /// `out[i] = condition[i] != 0 ? a[i] : b[i]` with NumPy broadcasting of all three inputs;
  /// `outShape` must be their broadcast shape. NaN conditions count as true (nonzero).
  public static func select(
    _ condition: UnsafePointer<Float>, _ conditionShape: [Int],
    _ a: UnsafePointer<Float>, _ aShape: [Int],
    _ b: UnsafePointer<Float>, _ bShape: [Int],
    _ out: UnsafeMutablePointer<Float>, _ outShape: [Int]
  ) {
    let n = ShapeMath.count(outShape)
    if n == 0 { return }
    let strides = [conditionShape, aShape, bShape].map { ShapeMath.broadcastStrides($0, to: outShape) }
    let rank = outShape.count
    var index = [Int](repeating: 0, count: rank)
    var offsets = (0, 0, 0)
    for i in 0..<n {
      out[i] = condition[offsets.0] != 0 ? a[offsets.1] : b[offsets.2]
      var axis = rank - 1
      while axis >= 0 {
        index[axis] += 1
        offsets.0 += strides[0][axis]
        offsets.1 += strides[1][axis]
        offsets.2 += strides[2][axis]
        if index[axis] < outShape[axis] { break }
        offsets.0 -= strides[0][axis] * outShape[axis]
        offsets.1 -= strides[1][axis] * outShape[axis]
        offsets.2 -= strides[2][axis] * outShape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
