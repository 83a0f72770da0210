import TTRuntime

/// A constant convolution weight packed once by `tt_conv2d_pack` (Runtime/tt_conv.c) for one
/// geometry, as compiled models embed it: the layout the algorithm `tt_conv2d` chooses for that
/// geometry on this CPU's path reads, with the tap offsets into the padded image. Calls give the same
/// bits as ``Convolution/forward(_:weight:bias:residual:activation:geometry:_:)``, which packs into
/// its scratch on every call. Immutable after creation, so one instance serves concurrent calls.
public final class PackedConvolutionWeight: @unchecked Sendable {
  /// The geometry packed for (its batch is not part of the packed form).
  public let geometry: Conv2DGeometry
  private let packed: UnsafeMutablePointer<Float>

  /// Packs `weight` (`geometry.weightShape`) for this CPU's path; nil where the geometry has no
  /// packed form (an invalid or empty one).
  public init?(_ weight: UnsafePointer<Float>, geometry: Conv2DGeometry) {
    self.geometry = geometry
    var shape = geometry.runtimeShape
    let floats = Int(tt_conv2d_packed_floats(&shape))
    guard floats > 0 else { return nil }
    packed = UnsafeMutableRawPointer.allocate(byteCount: floats * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: floats)
    guard tt_conv2d_pack(&shape, weight, packed) == 0 else {
      packed.deallocate()
      return nil
    }
  }

  deinit { packed.deallocate() }

  /// `out = activation(conv(x, weight) + bias + residual)` for `geometry` (any batch; the other
  /// sizes those packed for), as ``Convolution/forward(_:weight:bias:residual:activation:geometry:_:)``.
  /// Returns false, leaving `out` untouched, for a geometry other than the one packed for.
  public func forward(
    _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil,
    activation: Gemm.Activation = .none, geometry g: Conv2DGeometry, _ out: UnsafeMutablePointer<Float>
  ) -> Bool {
    var shape = g.runtimeShape
    let scratch = tt_call_scratch(tt_conv2d_packed_scratch(&shape))  // the thread's reused buffer
    return tt_conv2d_packed(&shape, x, packed, bias, residual, activation.runtimeValue, out, scratch) == 0
  }
}
