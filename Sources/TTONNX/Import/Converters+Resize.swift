import TTIR

/// `Resize` in nearest and linear mode with the coordinate transformations of ``TTIR/ResizeTaps``;
/// `scales` or `sizes` must be constants (shapes are static).
extension Converters {
  static let resize: [String: Converter] = [
    "Resize": .single([
      "antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
      "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode",
    ]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let mode = c.string("mode", "nearest")
      let transform = c.string("coordinate_transformation_mode", "half_pixel")
      let rounding = c.string("nearest_mode", "round_prefer_floor")
      for (name, value, allowed) in [
        ("mode", mode, ResizeTaps.Mode.names),
        ("coordinate_transformation_mode", transform, ResizeTaps.CoordinateTransform.names),
        ("nearest_mode", rounding, ResizeTaps.NearestRounding.names),
      ] where !allowed.contains(value) {
        throw c.fail("\(name) \"\(value)\" is not supported (\(allowed.joined(separator: ", ")))")
      }
      guard c.int("antialias", 0) == 0 else { throw c.fail("antialias = 1 is not supported") }
      let policy = c.string("keep_aspect_ratio_policy", "stretch")
      guard policy == "stretch" else {
        throw c.fail("keep_aspect_ratio_policy \"\(policy)\" is not supported")
      }
      let axes = try c.axes(c.ints("axes") ?? Array(shape.indices), rank: shape.count)
      let givenScales = c.has(2) ? try c.constant(2, "scales").floats() : []
      let givenSizes = try c.constantInts(3, "sizes") ?? []
      var sizes = shape
      var scales = shape.map { _ in 1.0 }
      if !givenSizes.isEmpty {
        guard givenScales.isEmpty else { throw c.fail("only one of scales and sizes may be given") }
        guard givenSizes.count == axes.count, givenSizes.allSatisfy({ $0 > 0 }) else {
          throw c.fail("sizes \(givenSizes) must be positive, one per axis of \(axes)")
        }
        for (axis, size) in zip(axes, givenSizes) {
          sizes[axis] = size
          scales[axis] = Double(Float(size) / Float(shape[axis]))
        }
      } else {
        guard givenScales.count == axes.count, givenScales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
          throw c.fail("scales \(givenScales) must be positive, one per axis of \(axes) (or give sizes)")
        }
        for (axis, scale) in zip(axes, givenScales) {
          let size = (Double(shape[axis]) * Double(scale)).rounded(.down)
          guard size < 0x1p62 else { throw c.fail("scale \(scale) makes axis \(axis) too long") }
          sizes[axis] = Int(size)
          scales[axis] = Double(scale)
        }
      }
      return try c.emit(
        .resize, values: [c.value(0)],
        [
          "sizes": .ints(sizes), "scales": .floats(scales), "mode": .string(mode),
          "coordinate_transformation_mode": .string(transform), "nearest_mode": .string(rounding),
        ])
    }
  ]
}
