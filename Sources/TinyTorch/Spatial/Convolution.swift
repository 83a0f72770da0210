import TTKernels

extension Tensor {
  /// 2-D convolution (cross-correlation, as in PyTorch) of an NCHW input.
  ///
  /// - Parameters:
  ///   - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
  ///   - bias: `[outChannels]`, optional.
  ///   - stride: per axis, or one integer for both.
  ///   - padding: zeros added on each side, per axis, or one integer for both.
  ///   - dilation: per axis, or one integer for both.
  ///   - groups: splits the channels into `groups` independent convolutions (depthwise when
  ///     `groups == inChannels`); it must divide both channel counts.
  /// - Returns: `[batch, outChannels, outputHeight, outputWidth]` with
  ///   `output = (input + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`.
  /// - Throws: `TensorError.invalidArgument` for a wrong rank, channel count or bias shape, for
  ///   groups that do not divide the channels, and for a kernel larger than the padded input.
  public func conv2d(
    weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0,
    dilation: Size2D = 1, groups: Int = 1
  ) throws -> Tensor {
    guard rank == 4 else {
      throw TensorError.invalidArgument(
        "conv2d: input must have shape [batch, channels, height, width], got \(shape)")
    }
    guard weight.rank == 4 else {
      throw TensorError.invalidArgument(
        "conv2d: weight must have shape [outChannels, inChannels / groups, kernelHeight, kernelWidth], "
          + "got \(weight.shape)")
    }
    let window = Window2D(
      kernel: (weight.shape[2], weight.shape[3]), stride: stride.tuple, padding: padding.tuple,
      dilation: dilation.tuple)
    let geometry = Conv2DGeometry(
      batch: shape[0], inChannels: shape[1], height: shape[2], width: shape[3],
      outChannels: weight.shape[0], groups: groups, window: window)
    if let problem = geometry.problem {
      throw TensorError.invalidArgument("conv2d: \(problem) (input \(shape), weight \(weight.shape))")
    }
    guard weight.shape == geometry.weightShape else {
      throw TensorError.invalidArgument(
        "conv2d: weight \(weight.shape) expects \(weight.shape[1] * groups) input channels "
          + "(groups \(groups)), but the input \(shape) has \(shape[1])")
    }
    if let bias, bias.shape != [geometry.outChannels] {
      throw TensorError.shapeMismatch(op: "conv2d bias", bias.shape, [geometry.outChannels])
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(geometry.outputShape))
    if !out.isEmpty {
      Tensor.withOptionalPointers(bias, nil) { pb, _ in
        scalars.withUnsafeBufferPointer { px in
          weight.scalars.withUnsafeBufferPointer { pw in
            out.withUnsafeMutableBufferPointer { po in
              Convolution.forward(
                px.baseAddress!, weight: pw.baseAddress!, bias: pb, geometry: geometry, po.baseAddress!)
            }
          }
        }
      }
    }
    let x = self
    let traced = TracedOp(
      "conv2d",
      [
        "stride": .ints(stride.pair), "padding": .ints(padding.pair), "dilation": .ints(dilation.pair),
        "groups": .int(groups),
      ])
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.result(out, shape: geometry.outputShape, op: traced, inputs: inputs) { g in
      if g.count == 0 { return inputs.map { Tensor.zeros($0.shape) } }
      var dx = x.requiresGrad ? [Float](repeating: 0, count: x.count) : []
      var dw = weight.requiresGrad ? [Float](repeating: 0, count: weight.count) : []
      var db = bias?.requiresGrad == true ? [Float](repeating: 0, count: geometry.outChannels) : []
      x.scalars.withUnsafeBufferPointer { px in
        weight.scalars.withUnsafeBufferPointer { pw in
          g.scalars.withUnsafeBufferPointer { pg in
            dx.withUnsafeMutableBufferPointer { pdx in
              dw.withUnsafeMutableBufferPointer { pdw in
                db.withUnsafeMutableBufferPointer { pdb in
                  Convolution.backward(
                    px.baseAddress!, weight: pw.baseAddress!, dy: pg.baseAddress!, geometry: geometry,
                    dx: pdx.nonEmptyBase, dweight: pdw.nonEmptyBase, dbias: pdb.nonEmptyBase)
                }
              }
            }
          }
        }
      }
      var grads: [Tensor?] = [
        dx.isEmpty ? nil : Tensor(uncheckedShape: x.shape, scalars: dx),
        dw.isEmpty ? nil : Tensor(uncheckedShape: weight.shape, scalars: dw),
      ]
      if bias != nil {
        grads.append(db.isEmpty ? nil : Tensor(uncheckedShape: [geometry.outChannels], scalars: db))
      }
      return grads
    }
  }
}

extension UnsafeMutableBufferPointer {
  /// The base address, or nil for an empty buffer (used for optional kernel destinations).
  var nonEmptyBase: UnsafeMutablePointer<Element>? { isEmpty ? nil : baseAddress }
}
