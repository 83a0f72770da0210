import TTRuntime

/// The shapes of a 2-D pooling: input `[batch, channels, height, width]`, output
/// `[batch, channels, outputHeight, outputWidth]`, one window per output value.
public struct Pool2DGeometry: Sendable, Equatable {
  /// Images in the batch.
  public var batch: Int
  /// Channels (each pooled independently).
  public var channels: Int
  /// Input height.
  public var height: Int
  /// Input width.
  public var width: Int
  /// Kernel, stride and padding (dilation must be 1).
  public var window: Window2D

  /// A pooling geometry; check ``problem`` before running kernels with it.
  public init(batch: Int, channels: Int, height: Int, width: Int, window: Window2D) {
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.window = window
  }

  /// Output height.
  public var outputHeight: Int { window.outputHeight(height) }
  /// Output width.
  public var outputWidth: Int { window.outputWidth(width) }
  /// The output shape `[batch, channels, outputHeight, outputWidth]`.
  public var outputShape: [Int] { [batch, channels, outputHeight, outputWidth] }

  /// A description of the first invalid setting, or nil when the pooling is well formed.
  ///
  /// Padding may be at most half the kernel (as in PyTorch), so every window overlaps the input.
  public var problem: String? {
    if let problem = window.problem(height: height, width: width) { return problem }
    if window.dilationHeight != 1 || window.dilationWidth != 1 { return "pooling does not support dilation" }
    if window.paddingHeight > window.kernelHeight / 2 || window.paddingWidth > window.kernelWidth / 2 {
      return "padding \([window.paddingHeight, window.paddingWidth]) must be at most half of kernel "
        + "\([window.kernelHeight, window.kernelWidth])"
    }
    return nil
  }

  /// Calls `body(plane, y, x, rows, columns)` for every output position; `rows`/`columns` are
  /// the input rows/columns of its window that lie inside the input (padding excluded).
  @inline(__always)
  func forEachWindow(_ body: (Int, Int, Int, Range<Int>, Range<Int>) -> Void) {
    let w = window
    for plane in 0..<(batch * channels) {
      for y in 0..<outputHeight {
        let top = y * w.strideHeight - w.paddingHeight
        let rows = max(top, 0)..<min(top + w.kernelHeight, height)
        for x in 0..<outputWidth {
          let left = x * w.strideWidth - w.paddingWidth
          let columns = max(left, 0)..<min(left + w.kernelWidth, width)
          body(plane, y, x, rows, columns)
        }
      }
    }
  }
}

/// Max pooling on NCHW buffers. Padding acts as −∞, so it never wins.
public enum MaxPool2D {
  /// Writes each window's maximum to `out` (NaN when the window holds a NaN) and, when given, its
  /// position in `indices` (the flat offset `row·width + column` inside the input plane; the first
  /// maximum, or the first NaN, in row-major order, so the backward pass routes the gradient to
  /// exactly one input).
  ///
  /// Without `indices` this is the kernel library's vectorized `tt_max_pool2d` (the code compiled
  /// models run); with them, a loop that also records the positions.
  public static func forward(
    _ x: UnsafePointer<Float>, geometry g: Pool2DGeometry, _ out: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>?
  ) {
    guard let indices else {
      let w = g.window
      tt_max_pool2d(
        x, out, Int64(g.batch * g.channels), Int64(g.height), Int64(g.width), Int64(w.kernelHeight),
        Int64(w.kernelWidth), Int64(w.strideHeight), Int64(w.strideWidth), Int64(w.paddingHeight),
        Int64(w.paddingWidth), Int64(g.outputHeight), Int64(g.outputWidth))
      return
    }
    let planeSize = g.height * g.width
    let (oh, ow) = (g.outputHeight, g.outputWidth)
    g.forEachWindow { plane, y, xo, rows, columns in
      let src = x + plane * planeSize
      var best = -Float.infinity
      var at = -1
      for r in rows {
        for c in columns {
          let v = src[r * g.width + c]
          // Strict: the first maximum wins ties; the first NaN wins outright (docs/IR.md).
          if v > best || at < 0 || (v.isNaN && !best.isNaN) {
            best = v
            at = r * g.width + c
          }
        }
      }
      let o = (plane * oh + y) * ow + xo
      out[o] = best
      indices[o] = Int32(at)
    }
  }

  /// Each window's maximum of int8 values (`tt_qmax_pool2d`, the code compiled models run): the
  /// quantized form of the f32 maximum, since quantizing keeps order, so an int8 region keeps its
  /// scale and zero point through max pooling.
  public static func forward(
    _ x: UnsafePointer<Int8>, geometry g: Pool2DGeometry, _ out: UnsafeMutablePointer<Int8>
  ) {
    let w = g.window
    tt_qmax_pool2d(
      x, out, Int64(g.batch * g.channels), Int64(g.height), Int64(g.width), Int64(w.kernelHeight),
      Int64(w.kernelWidth), Int64(w.strideHeight), Int64(w.strideWidth), Int64(w.paddingHeight),
      Int64(w.paddingWidth), Int64(g.outputHeight), Int64(g.outputWidth))
  }

  /// Routes each output gradient to the input position recorded in `indices`; `dx` is
  /// overwritten (positions that were never a maximum get zero).
  public static func backward(
    dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>, geometry g: Pool2DGeometry,
    dx: UnsafeMutablePointer<Float>
  ) {
    let planeSize = g.height * g.width
    let outPlane = g.outputHeight * g.outputWidth
    dx.update(repeating: 0, count: g.batch * g.channels * planeSize)
    for plane in 0..<(g.batch * g.channels) {
      let d = dx + plane * planeSize
      for o in (plane * outPlane)..<((plane + 1) * outPlane) { d[Int(indices[o])] += dy[o] }
    }
  }
}

/// Average pooling on NCHW buffers.
///
/// With `countIncludePad` (PyTorch's default) padded positions count as zeros, so every output
/// is its window's sum divided by `kernelHeight · kernelWidth`; without it the divisor is the
/// number of window positions that lie inside the input.
public enum AvgPool2D {
  /// Writes each window's average to `out` (the kernel library's vectorized `tt_avg_pool2d`, the
  /// code compiled models run).
  public static func forward(
    _ x: UnsafePointer<Float>, geometry g: Pool2DGeometry, countIncludePad: Bool = true,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let w = g.window
    tt_avg_pool2d(
      x, out, Int64(g.batch * g.channels), Int64(g.height), Int64(g.width), Int64(w.kernelHeight),
      Int64(w.kernelWidth), Int64(w.strideHeight), Int64(w.strideWidth), Int64(w.paddingHeight),
      Int64(w.paddingWidth), Int64(g.outputHeight), Int64(g.outputWidth), countIncludePad ? 1 : 0)
  }

  /// Spreads each output gradient evenly over its window; `dx` is overwritten.
  public static func backward(
    dy: UnsafePointer<Float>, geometry g: Pool2DGeometry, countIncludePad: Bool = true,
    dx: UnsafeMutablePointer<Float>
  ) {
    let planeSize = g.height * g.width
    let (oh, ow) = (g.outputHeight, g.outputWidth)
    dx.update(repeating: 0, count: g.batch * g.channels * planeSize)
    g.forEachWindow { plane, y, xo, rows, columns in
      let d = dx + plane * planeSize
      let share = dy[(plane * oh + y) * ow + xo] / divisor(g, rows, columns, countIncludePad)
      for r in rows { for c in columns { d[r * g.width + c] += share } }
    }
  }

  @inline(__always)
  static func divisor(_ g: Pool2DGeometry, _ rows: Range<Int>, _ columns: Range<Int>, _ includePad: Bool)
    -> Float
  {
    includePad ? Float(g.window.kernelHeight * g.window.kernelWidth) : Float(rows.count * columns.count)
  }
}
