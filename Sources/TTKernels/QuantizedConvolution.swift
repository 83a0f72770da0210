import TTRuntime

/// The int8 convolution of Runtime/tt_qconv.c (the same C every compiled model runs): patches of
/// int8 inputs times int8 weights, accumulated in int32 by the int8 GEMM of ``QuantizedLinear``,
/// then that GEMM's epilogue per output channel. docs/IR.md (`quantized_conv2d`) defines the
/// arithmetic.
public enum QuantizedConvolution {
  /// `out = epilogue(conv(x, weight))` on NCHW buffers: padding reads the zero point (the int8
  /// value standing for 0), products accumulate exactly in int32, then per output channel `j`
  /// `(acc − x_zero_point · Σ weight[j]) · x_scale · weightScales[j] + bias[j]`, ReLU if asked,
  /// requantized for an int8 output.
  ///
  /// - Parameters:
  ///   - x: `[batch, inChannels, height, width]`; f32 values are quantized per call.
  ///   - weight: `geometry.weightShape`, values in −127...127.
  ///   - weightScales, bias: `[outChannels]` (bias may be nil).
  ///   - out: `geometry.outputShape`, overwritten.
  ///   - packed: `weight` packed ahead of time (`geometry.outChannels` rows in `geometry.groups`
  ///     blocks), read instead of packing it per call.
  ///   - path: the int8 GEMM path (``QuantizedLinear/KernelPath``).
  public static func run(
    _ x: QuantizedLinear.Input, weight: UnsafePointer<Int8>, weightScales: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, geometry: Conv2DGeometry, _ out: QuantizedLinear.Output,
    packed: PackedInt8Weight? = nil, path: QuantizedLinear.KernelPath = .automatic
  ) {
    var shape = geometry.runtimeShape
    let bytes = packed == nil ? tt_qconv2d_scratch(&shape) : tt_qconv2d_packed_scratch(&shape)
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: Int(bytes), alignment: 64)
    defer { scratch.deallocate() }
    let count = geometry.batch * geometry.inChannels * geometry.height * geometry.width
    x.withInt8(count: count) { values, scale, zeroPoint in
      if let packed {
        precondition(
          Int64(packed.rows) == shape.o && Int64(packed.groups) == shape.groups,
          "packed weight of another shape")
        tt_qconv2d_packed(
          path.rawValue, &shape, values, zeroPoint, scale, packed.bytes, weightScales, bias, relu ? 1 : 0,
          out.floats, out.int8s, out.scale, out.zeroPoint, scratch)
      } else {
        tt_qconv2d(
          path.rawValue, &shape, values, zeroPoint, scale, weight, weightScales, bias, relu ? 1 : 0,
          out.floats,
          out.int8s, out.scale, out.zeroPoint, scratch)
      }
    }
  }
}
