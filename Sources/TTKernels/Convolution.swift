import TTRuntime

/// The shapes of a 2-D convolution: input `[batch, inChannels, height, width]`, weight
/// `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`, output
/// `[batch, outChannels, outputHeight, outputWidth]`.
public struct Conv2DGeometry: Sendable, Hashable {
  /// Images in the batch.
  public var batch: Int
  /// Input channels.
  public var inChannels: Int
  /// Input height.
  public var height: Int
  /// Input width.
  public var width: Int
  /// Output channels.
  public var outChannels: Int
  /// Independent channel groups; must divide both channel counts.
  public var groups: Int
  /// Kernel, stride, padding and dilation.
  public var window: Window2D

  /// A convolution geometry; check ``problem`` before running kernels with it.
  public init(
    batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int, groups: Int = 1,
    window: Window2D
  ) {
    self.batch = batch
    self.inChannels = inChannels
    self.height = height
    self.width = width
    self.outChannels = outChannels
    self.groups = groups
    self.window = window
  }

  /// Output height.
  public var outputHeight: Int { window.outputHeight(height) }
  /// Output width.
  public var outputWidth: Int { window.outputWidth(width) }
  /// Input channels seen by each group.
  public var groupInChannels: Int { inChannels / groups }
  /// Output channels produced by each group.
  public var groupOutChannels: Int { outChannels / groups }
  /// Values per output channel of the weight: `inChannels / groups · kernelHeight · kernelWidth`.
  public var patchSize: Int { groupInChannels * window.kernelHeight * window.kernelWidth }
  /// The weight shape `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
  public var weightShape: [Int] {
    [outChannels, groupInChannels, window.kernelHeight, window.kernelWidth]
  }
  /// The output shape `[batch, outChannels, outputHeight, outputWidth]`.
  public var outputShape: [Int] { [batch, outChannels, outputHeight, outputWidth] }

  /// The geometry as the kernel library's `tt_conv2d_shape`.
  public var runtimeShape: tt_conv2d_shape {
    let w = window
    return tt_conv2d_shape(
      n: Int64(batch), c: Int64(inChannels), h: Int64(height), w: Int64(width), o: Int64(outChannels),
      kh: Int64(w.kernelHeight), kw: Int64(w.kernelWidth), sh: Int64(w.strideHeight),
      sw: Int64(w.strideWidth),
      ph: Int64(w.paddingHeight), pw: Int64(w.paddingWidth), dh: Int64(w.dilationHeight),
      dw: Int64(w.dilationWidth), groups: Int64(groups), oh: Int64(outputHeight), ow: Int64(outputWidth))
  }

  /// A description of the first invalid setting, or nil when the convolution is well formed.
  public var problem: String? {
    // No input channels is a product over an empty inner dimension: the output is the bias
    // (docs/IR.md, "Empty tensors"), as in the interpreter and compiled models.
    if inChannels < 0 || outChannels < 0 {
      return "channel counts must not be negative, got \(inChannels) in and \(outChannels) out"
    }
    if groups < 1 { return "groups must be ≥ 1, got \(groups)" }
    if inChannels % groups != 0 || outChannels % groups != 0 {
      return "groups \(groups) must divide both the input channels \(inChannels) "
        + "and the output channels \(outChannels)"
    }
    return window.problem(height: height, width: width)
  }
}

/// 2-D convolution (cross-correlation, as in PyTorch) on NCHW buffers.
///
/// The forward pass is the kernel library's `tt_conv2d` (Runtime/tt_conv.c, the code compiled
/// models run): stride-1 convolutions run directly on a zero-padded copy of each image (register
/// tiles of output channels × pixels, no column matrix), others unfold patches into a column matrix
/// (`im2col`) multiplied by the weight with `tt_sgemm`; the bias, a residual and an activation are
/// applied as each output tile is stored. The backward pass unfolds the images of a chunk together
/// (`columnBudget` bounds the column matrix, at least one image per chunk) and runs two GEMMs per
/// group.
public enum Convolution {
  /// The default bound on the column matrix (in values) built at once; larger batches are split.
  public static let defaultColumnBudget = 1 << 22

  /// `out = activation(conv(x, weight) + bias + residual)`.
  ///
  /// - Parameters:
  ///   - x: `[batch, inChannels, height, width]`.
  ///   - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
  ///   - bias: `[outChannels]`, or nil.
  ///   - residual: `geometry.outputShape`, added before the activation, or nil; must not overlap
  ///     `out`.
  ///   - activation: applied last.
  ///   - out: `geometry.outputShape`, overwritten.
  public static func forward(
    _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    residual: UnsafePointer<Float>? = nil, activation: Gemm.Activation = .none,
    geometry g: Conv2DGeometry, _ out: UnsafeMutablePointer<Float>
  ) {
    var shape = g.runtimeShape
    let scratch = tt_call_scratch(tt_conv2d_scratch(&shape))  // the thread's reused buffer
    tt_conv2d(&shape, x, weight, bias, residual, activation.runtimeValue, out, scratch)
  }

  /// Gradients of ``forward(_:weight:bias:geometry:_:)`` for the output gradient `dy`.
  ///
  /// Each destination is optional and, when given, overwritten: `dx` (input shape, via GEMM and
  /// `col2im`), `dweight` (weight shape) and `dbias` (`[outChannels]`).
  public static func backward(
    _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    geometry g: Conv2DGeometry, dx: UnsafeMutablePointer<Float>?,
    dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?,
    columnBudget: Int = defaultColumnBudget
  ) {
    let pixels = g.outputHeight * g.outputWidth
    let (k, og) = (g.patchSize, g.groupOutChannels)
    dx?.update(repeating: 0, count: g.batch * g.inChannels * g.height * g.width)
    dweight?.update(repeating: 0, count: g.outChannels * k)
    dbias?.update(repeating: 0, count: g.outChannels)
    forEachChunk(g, columnBudget) { first, images in
      let n = images * pixels
      let columns = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
      let gradient = UnsafeMutablePointer<Float>.allocate(capacity: og * n)
      defer {
        columns.deallocate()
        gradient.deallocate()
      }
      for group in 0..<g.groups {
        // This group's output gradient as a [O/g, images·pixels] matrix.
        for o in 0..<og {
          let channel = group * og + o
          for i in 0..<images {
            let src = dy + ((first + i) * g.outChannels + channel) * pixels
            (gradient + o * n + i * pixels).update(from: src, count: pixels)
          }
          if let dbias {
            var s: Float = 0
            for p in 0..<n { s += gradient[o * n + p] }
            dbias[channel] += s
          }
        }
        if let dweight {
          // dW[O/g, K] += dY[O/g, n] · columnsᵀ[n, K]
          im2col(x, geometry: g, group: group, images: first..<(first + images), columns)
          Gemm.multiply(
            m: og, n: k, k: n, a: gradient, lda: n, b: columns, ldb: n, transposeB: true,
            c: dweight + group * og * k, ldc: k, accumulate: true)
        }
        if let dx {
          // dColumns[K, n] = W[O/g, K]ᵀ · dY[O/g, n], folded back onto the input.
          Gemm.multiply(
            m: k, n: n, k: og, a: weight + group * og * k, lda: k, transposeA: true,
            b: gradient, ldb: n, c: columns, ldc: n)
          col2im(columns, geometry: g, group: group, images: first..<(first + images), dx)
        }
      }
    }
  }

  /// Calls `body(firstImage, imageCount)` for consecutive chunks of the batch.
  static func forEachChunk(_ g: Conv2DGeometry, _ columnBudget: Int, _ body: (Int, Int) -> Void) {
    let perImage = max(1, g.patchSize * g.outputHeight * g.outputWidth)
    let chunk = max(1, min(g.batch, columnBudget / perImage))
    var first = 0
    while first < g.batch {
      let images = min(chunk, g.batch - first)
      body(first, images)
      first += images
    }
  }

  /// Unfolds the input patches of one group for `images` into `columns[K, images·pixels]`
  /// (zeros where a tap falls into the padding).
  public static func im2col(
    _ x: UnsafePointer<Float>, geometry g: Conv2DGeometry, group: Int, images: Range<Int>,
    _ columns: UnsafeMutablePointer<Float>
  ) {
    walk(geometry: g, group: group, images: images) { offset, input, ows, iws in
      let row = columns + offset
      let src = x + input
      let sw = g.window.strideWidth
      if ows.lowerBound > 0 { row.update(repeating: 0, count: ows.lowerBound) }
      if sw == 1 {
        (row + ows.lowerBound).update(from: src + iws, count: ows.count)
      } else {
        var iw = iws
        for ow in ows {
          row[ow] = src[iw]
          iw += sw
        }
      }
      let width = g.outputWidth
      if ows.upperBound < width { (row + ows.upperBound).update(repeating: 0, count: width - ows.upperBound) }
    } outside: { offset in
      (columns + offset).update(repeating: 0, count: g.outputWidth)
    }
  }

  /// Adds the column matrix of one group back onto the input positions its taps came from
  /// (the adjoint of ``im2col(_:geometry:group:images:_:)``).
  public static func col2im(
    _ columns: UnsafePointer<Float>, geometry g: Conv2DGeometry, group: Int, images: Range<Int>,
    _ dx: UnsafeMutablePointer<Float>
  ) {
    walk(geometry: g, group: group, images: images) { offset, input, ows, iws in
      let row = columns + offset
      let dst = dx + input
      let sw = g.window.strideWidth
      var iw = iws
      for ow in ows {
        dst[iw] += row[ow]
        iw += sw
      }
    } outside: { _ in
    }  // taps in the padding receive no gradient
  }

  /// Visits every (tap, image, output row) of the column matrix of one group.
  ///
  /// `inside(rowOffset, inputRowOffset, validOutputColumns, firstInputColumn)` is called when
  /// the tap's input row exists, `outside(rowOffset)` when it falls into the padding;
  /// `rowOffset` is where that output row starts in the column matrix and `inputRowOffset`
  /// where the tap's input row starts in the input.
  @inline(__always)
  static func walk(
    geometry g: Conv2DGeometry, group: Int, images: Range<Int>,
    inside: (Int, Int, Range<Int>, Int) -> Void,
    outside: (Int) -> Void
  ) {
    let w = g.window
    let (oh, ow) = (g.outputHeight, g.outputWidth)
    let pixels = oh * ow
    let n = images.count * pixels
    var r = 0
    for c in 0..<g.groupInChannels {
      let channel = group * g.groupInChannels + c
      for ky in 0..<w.kernelHeight {
        for kx in 0..<w.kernelWidth {
          let offsetW = kx * w.dilationWidth
          let ows = Window2D.validOutputs(
            offset: offsetW, stride: w.strideWidth, padding: w.paddingWidth, extent: g.width,
            outputs: ow)
          let firstIW = ows.lowerBound * w.strideWidth - w.paddingWidth + offsetW
          for (i, image) in images.enumerated() {
            let plane = (image * g.inChannels + channel) * g.height * g.width
            for y in 0..<oh {
              let row = r * n + i * pixels + y * ow
              let ih = y * w.strideHeight - w.paddingHeight + ky * w.dilationHeight
              if ih >= 0 && ih < g.height {
                inside(row, plane + ih * g.width, ows, firstIW)
              } else {
                outside(row)
              }
            }
          }
          r += 1
        }
      }
    }
  }
}
