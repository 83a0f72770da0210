import TTKernels

extension Tensor {
  /// 2-D max pooling of an NCHW input. Padding counts as −∞; the gradient of each window goes
  /// to its maximum (the first one in row-major order on ties).
  ///
  /// - Parameters:
  ///   - kernel: the window size.
  ///   - stride: the step between windows; defaults to `kernel` (non-overlapping windows).
  ///   - padding: at most half the kernel.
  /// - Throws: `TensorError.invalidArgument` for a non-4-D input, an invalid window, or a window
  ///   larger than the padded input.
  public func maxPool2d(kernel: Size2D, stride: Size2D? = nil, padding: Size2D = 0) throws -> Tensor {
    let geometry = try poolGeometry("max_pool2d", kernel: kernel, stride: stride, padding: padding)
    var out = [Float](repeating: 0, count: ShapeMath.count(geometry.outputShape))
    var indices = [Int32](repeating: 0, count: out.count)
    if !out.isEmpty {
      scalars.withUnsafeBufferPointer { px in
        MaxPool2D.forward(px.baseAddress!, geometry: geometry, &out, indices: &indices)
      }
    }
    let inputShape = shape
    let traced = Tensor.poolTrace("max_pool2d", geometry.window)
    return Tensor.result(out, shape: geometry.outputShape, op: traced, inputs: [self]) { g in
      var dx = [Float](repeating: 0, count: ShapeMath.count(inputShape))
      if !dx.isEmpty { MaxPool2D.backward(dy: g.scalars, indices: indices, geometry: geometry, dx: &dx) }
      return [Tensor(uncheckedShape: inputShape, scalars: dx)]
    }
  }

  /// 2-D average pooling of an NCHW input.
  ///
  /// With `countIncludePad` (the default, as in PyTorch) padded positions count as zeros and
  /// every window is divided by `kernel.height · kernel.width`; otherwise by the number of its
  /// positions inside the input.
  /// - Throws: as ``maxPool2d(kernel:stride:padding:)``.
  public func avgPool2d(
    kernel: Size2D, stride: Size2D? = nil, padding: Size2D = 0, countIncludePad: Bool = true
  ) throws -> Tensor {
    let geometry = try poolGeometry("avg_pool2d", kernel: kernel, stride: stride, padding: padding)
    var out = [Float](repeating: 0, count: ShapeMath.count(geometry.outputShape))
    if !out.isEmpty {
      scalars.withUnsafeBufferPointer { px in
        AvgPool2D.forward(px.baseAddress!, geometry: geometry, countIncludePad: countIncludePad, &out)
      }
    }
    let inputShape = shape
    var traced = Tensor.poolTrace("avg_pool2d", geometry.window)
    if !countIncludePad { traced.attributes["count_include_pad"] = .bool(false) }
    return Tensor.result(out, shape: geometry.outputShape, op: traced, inputs: [self]) { g in
      var dx = [Float](repeating: 0, count: ShapeMath.count(inputShape))
      if !dx.isEmpty {
        AvgPool2D.backward(dy: g.scalars, geometry: geometry, countIncludePad: countIncludePad, dx: &dx)
      }
      return [Tensor(uncheckedShape: inputShape, scalars: dx)]
    }
  }

  /// Validates a pooling of this tensor and returns its geometry.
  func poolGeometry(_ name: String, kernel: Size2D, stride: Size2D?, padding: Size2D) throws -> Pool2DGeometry
  {
    guard rank == 4 else {
      throw TensorError.invalidArgument(
        "\(name): input must have shape [batch, channels, height, width], got \(shape)")
    }
    let window = Window2D(kernel: kernel.tuple, stride: (stride ?? kernel).tuple, padding: padding.tuple)
    let geometry = Pool2DGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], window: window)
    if let problem = geometry.problem {
      throw TensorError.invalidArgument("\(name): \(problem) (input \(shape))")
    }
    return geometry
  }

  /// The traced form of a pooling: `kernel`, `stride` and `padding` as `[height, width]`.
  static func poolTrace(_ name: String, _ w: Window2D) -> TracedOp {
    TracedOp(
      name,
      [
        "kernel": .ints([w.kernelHeight, w.kernelWidth]), "stride": .ints([w.strideHeight, w.strideWidth]),
        "padding": .ints([w.paddingHeight, w.paddingWidth]),
      ])
  }
}
