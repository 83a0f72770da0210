import TTKernels

extension Tensor {
  /// Softmax along `axis`, computed stably (the maximum is subtracted first).
  public func softmax(axis: Int = -1) throws -> Tensor { try softmaxLike(axis: axis, log: false) }

  /// Log-softmax along `axis`, computed stably with log-sum-exp.
  public func logSoftmax(axis: Int = -1) throws -> Tensor { try softmaxLike(axis: axis, log: true) }

  func softmaxLike(axis: Int, log: Bool) throws -> Tensor {
    let name = log ? "log_softmax" : "softmax"
    let ax = try validatedAxis(axis, op: "\(name) axis")
    var out = [Float](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        TTKernels.Softmax.forward(x.baseAddress!, shape: shape, axis: ax, log: log, o.baseAddress!)
      }
    }
    let inputShape = shape
    return Tensor.result(out, shape: shape, op: TracedOp(name, ["axis": .int(ax)]), inputs: [self]) { g in
      var dx = [Float](repeating: 0, count: g.count)
      out.withUnsafeBufferPointer { y in
        g.scalars.withUnsafeBufferPointer { dy in
          dx.withUnsafeMutableBufferPointer { d in
            TTKernels.Softmax.backward(
              y: y.baseAddress!, dy: dy.baseAddress!, shape: inputShape, axis: ax, log: log, d.baseAddress!)
          }
        }
      }
      return [Tensor(uncheckedShape: inputShape, scalars: dx)]
    }
  }

  /// Layer normalization over the last axis, with optional affine `gamma`/`beta` of shape `[width]`.
  public func layerNorm(gamma: Tensor? = nil, beta: Tensor? = nil, eps: Float = 1e-5) throws -> Tensor {
    guard rank >= 1 else { throw TensorError.invalidArgument("layer_norm: input must have rank ≥ 1") }
    let width = shape[rank - 1]
    func check(_ parameter: Tensor?) throws {
      guard let parameter, parameter.shape.count != 1 || parameter.shape[0] != width else { return }
      throw TensorError.shapeMismatch(op: "layer_norm", shape, parameter.shape)
    }
    try check(gamma)
    try check(beta)
    let rows = width == 0 ? 0 : count / width
    // The per-row statistics are kept only for the backward rule.
    let recording = Tensor.recordsGradient(self, gamma, beta)
    var mean = recording ? [Float](repeating: 0, count: rows) : []
    var rstd = mean
    let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
      Tensor.withOptionalPointers(gamma, beta) { pg, pb in
        scalars.withUnsafeBufferPointer { x in
          mean.withUnsafeMutableBufferPointer { m in
            rstd.withUnsafeMutableBufferPointer { r in
              if let base = x.baseAddress {
                TTKernels.LayerNorm.forward(
                  base, rows: rows, width: width, eps: eps, gamma: pg, beta: pb, o.baseAddress!,
                  mean: recording ? m.baseAddress : nil, rstd: recording ? r.baseAddress : nil)
              }
            }
          }
        }
      }
      initialized = count
    }
    let x = self
    func inputs() -> [Tensor] { [x] + [gamma, beta].compactMap { $0 } }
    func traced() -> TracedOp { TracedOp("layer_norm", ["eps": .float(Double(eps))]) }
    guard recording else {
      return Tensor.result(out, shape: shape, op: traced(), inputs: inputs(), backward: nil)
    }
    return Tensor.result(out, shape: shape, op: traced(), inputs: inputs()) { g in
      var dx = [Float](repeating: 0, count: x.count)
      var dgamma = [Float](repeating: 0, count: width)
      var dbeta = [Float](repeating: 0, count: width)
      Tensor.withOptionalPointers(gamma, nil) { pg, _ in
        x.scalars.withUnsafeBufferPointer { px in
          g.scalars.withUnsafeBufferPointer { pdy in
            dx.withUnsafeMutableBufferPointer { pdx in
              dgamma.withUnsafeMutableBufferPointer { dgp in
                dbeta.withUnsafeMutableBufferPointer { dbp in
                  TTKernels.LayerNorm.backward(
                    px.baseAddress!, dy: pdy.baseAddress!, rows: rows, width: width,
                    mean: mean, rstd: rstd, gamma: pg, dx: pdx.baseAddress!,
                    dgamma: dgp.baseAddress!, dbeta: dbp.baseAddress!)
                }
              }
            }
          }
        }
      }
      var grads: [Tensor?] = [Tensor(uncheckedShape: x.shape, scalars: dx)]
      if gamma != nil { grads.append(Tensor(uncheckedShape: [width], scalars: dgamma)) }
      if beta != nil { grads.append(Tensor(uncheckedShape: [width], scalars: dbeta)) }
      return grads
    }
  }

  /// Calls `body` with base pointers of up to two optional tensors.
  static func withOptionalPointers<R>(
    _ a: Tensor?, _ b: Tensor?, _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R
  ) -> R {
    func pointer(_ t: Tensor?, _ next: (UnsafePointer<Float>?) -> R) -> R {
      guard let t else { return next(nil) }
      return t.scalars.withUnsafeBufferPointer { next($0.baseAddress) }
    }
    return pointer(a) { pa in pointer(b) { pb in body(pa, pb) } }
  }
}
