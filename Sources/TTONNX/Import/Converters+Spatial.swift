import TTIR

/// `Conv`, pooling and `Pad`. The IR works on 2-D NCHW with symmetric padding: 1-D inputs get a
/// unit height, and padding the IR cannot express (asymmetric, `SAME_*`, ceil mode) becomes an
/// explicit pad (zeros, or −∞ before a max pool) built from constant blocks.
extension Converters {
  static let spatial: [String: Converter] = [
    "Conv": .single(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]) {
      (c) throws(ONNXError) in
      let weightShape = try c.type(1).shape
      let window = try c.window(kernel: Array(weightShape.dropFirst(2)))
      var x = try c.value(0)
      var weight = try c.value(1)
      if window.lifted {
        x = try c.reshape(x, c.liftedShape(c.session.type(of: x).shape))
        weight = try c.reshape(weight, c.liftedShape(weightShape))
      }
      x = try c.pad(x, window.explicitPads, fill: 0)
      var inputs = [x, weight]
      if let bias = try c.optionalValue(2) { inputs.append(bias) }
      let y = try c.emit(
        .conv2d, values: inputs,
        [
          "stride": .ints(window.strides), "padding": .ints(window.padding),
          "dilation": .ints(window.dilations), "groups": .int(c.int("group", 1)),
        ])
      return try c.lowered(y, lifted: window.lifted)
    },
    "MaxPool": .single([
      "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides",
    ]) {
      (c) throws(ONNXError) in
      guard c.node.output.count < 2 || c.node.output[1].isEmpty else {
        throw c.fail("the Indices output is not supported")
      }
      return try c.pool(.maxPool2d, fill: -Double.infinity, countIncludePad: false)
    },
    "AveragePool": .single([
      "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides",
    ]) {
      (c) throws(ONNXError) in
      try c.pool(.avgPool2d, fill: 0, countIncludePad: c.int("count_include_pad", 0) != 0)
    },
    "GlobalAveragePool": globalPool(.reduceMean),
    "GlobalMaxPool": globalPool(.reduceMax),
    "Pad": .single(["mode"]) { (c) throws(ONNXError) in
      let mode = c.string("mode", "constant")
      guard mode == "constant" else { throw c.fail("mode \"\(mode)\" is not supported (constant)") }
      let rank = try c.rank(0)
      let given = try c.constantInts(1, "pads") ?? []
      let axes = try c.axes(c.constantInts(3, "axes") ?? Array(0..<rank), rank: rank)
      guard given.count == 2 * axes.count else {
        throw c.fail("pads \(given) do not match \(axes.count) axes")
      }
      var pads = Array(repeating: 0, count: 2 * rank)
      for (index, axis) in axes.enumerated() {
        pads[axis] = given[index]
        pads[axis + rank] = given[index + axes.count]
      }
      var fill = 0.0
      if c.has(2) {
        let value = try c.constant(2, "constant_value")
        fill = Double(value.floats().first ?? 0)
      }
      return try c.pad(c.value(0), pads, fill: fill)
    },
  ]

  /// `GlobalAveragePool`/`GlobalMaxPool`: a reduction over every spatial axis, kept.
  static func globalPool(_ op: Op) -> Converter {
    .single { (c) throws(ONNXError) in
      let rank = try c.rank(0)
      guard rank >= 3 else { throw c.fail("needs an input of rank 3 or more") }
      return try c.emit(op, values: [c.value(0)], ["axes": .ints(Array(2..<rank)), "keepdims": .bool(true)])
    }
  }
}

/// A convolution or pooling window resolved to what the IR takes.
struct Window {
  var kernel: [Int]
  var strides: [Int]
  var dilations: [Int]
  /// Symmetric padding the IR op applies itself.
  var padding: [Int]
  /// Padding applied before the op (ONNX order: begins, then ends; batch and channel axes too).
  var explicitPads: [Int]
  /// Whether a 1-D window was lifted to 2-D with a unit height.
  var lifted: Bool
}

extension NodeContext {
  /// Resolves `strides`, `dilations`, `pads`/`auto_pad` and `ceil_mode` for input 0.
  ///
  /// - Parameter poolingLimit: pads up to this fraction of the kernel stay in the op (pooling
  ///   allows kernel/2); larger or asymmetric pads become explicit.
  func window(kernel given: [Int], pooling: Bool = false) throws(ONNXError) -> Window {
    let input = try type(0).shape
    let spatial = input.count - 2
    guard spatial == 1 || spatial == 2 else {
      throw fail("only 1-D and 2-D windows are supported (input rank \(input.count))")
    }
    let kernel = ints("kernel_shape") ?? given
    guard kernel.count == spatial, kernel == given || given.isEmpty else {
      throw fail("kernel_shape \(kernel) does not match the input or weight")
    }
    let strides = ints("strides") ?? Array(repeating: 1, count: spatial)
    let dilations = ints("dilations") ?? Array(repeating: 1, count: spatial)
    guard strides.count == spatial, dilations.count == spatial, strides.allSatisfy({ $0 > 0 }),
      dilations.allSatisfy({ $0 > 0 })
    else { throw fail("strides \(strides) or dilations \(dilations) do not fit \(spatial) spatial axes") }
    if pooling, dilations.contains(where: { $0 != 1 }) { throw fail("pooling dilations are not supported") }
    let sizes = Array(input.suffix(spatial))
    var begins = Array(repeating: 0, count: spatial)
    var ends = Array(repeating: 0, count: spatial)
    let autoPad = string("auto_pad", "NOTSET")
    switch autoPad {
    case "NOTSET":
      let pads = ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
      guard pads.count == 2 * spatial, pads.allSatisfy({ $0 >= 0 }) else {
        throw fail("invalid pads \(pads)")
      }
      begins = Array(pads.prefix(spatial))
      ends = Array(pads.suffix(spatial))
    case "VALID":
      break
    case "SAME_UPPER", "SAME_LOWER":
      for axis in 0..<spatial {
        let output = (sizes[axis] + strides[axis] - 1) / strides[axis]
        let reach = (kernel[axis] - 1) * dilations[axis] + 1
        let total = max(0, (output - 1) * strides[axis] + reach - sizes[axis])
        begins[axis] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
        ends[axis] = total - begins[axis]
      }
    default:
      throw fail("auto_pad = \"\(autoPad)\" is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER)")
    }
    if int("ceil_mode", 0) != 0 {
      for axis in 0..<spatial {
        let padded = sizes[axis] + begins[axis] + ends[axis]
        var output = (padded - kernel[axis] + strides[axis] - 1) / strides[axis] + 1
        if (output - 1) * strides[axis] >= sizes[axis] + begins[axis] { output -= 1 }
        ends[axis] += max(0, (output - 1) * strides[axis] + kernel[axis] - padded)
      }
    }
    var window = Window(
      kernel: kernel, strides: strides, dilations: dilations, padding: Array(repeating: 0, count: spatial),
      explicitPads: [], lifted: spatial == 1)
    let symmetric = begins == ends && (!pooling || zip(begins, kernel).allSatisfy { $0 <= $1 / 2 })
    if symmetric {
      window.padding = begins
    } else {
      window.explicitPads = [0, 0] + begins + [0, 0] + ends
    }
    if window.lifted {
      window.kernel = [1] + kernel
      window.strides = [1] + strides
      window.dilations = [1] + dilations
      window.padding = [0] + window.padding
      if !window.explicitPads.isEmpty {
        window.explicitPads = [0, 0, 0, begins[0], 0, 0, 0, ends[0]]
      }
    }
    return window
  }

  /// `[N, C, L]` → `[N, C, 1, L]`.
  func liftedShape(_ shape: [Int]) -> [Int] { Array(shape.prefix(2)) + [1] + Array(shape.dropFirst(2)) }

  /// Undoes ``liftedShape(_:)`` on a result.
  func lowered(_ value: ImportedValue, lifted: Bool) throws(ONNXError) -> ImportedValue {
    guard lifted else { return value }
    var shape = session.type(of: value).shape
    shape.remove(at: 2)
    return try reshape(value, shape)
  }

  /// `MaxPool` / `AveragePool` on input 0.
  func pool(_ op: Op, fill: Double, countIncludePad: Bool) throws(ONNXError) -> ImportedValue {
    guard let kernel = ints("kernel_shape") else { throw fail("kernel_shape is required") }
    if int("storage_order", 0) != 0 { throw fail("storage_order = 1 is not supported") }
    let window = try window(kernel: kernel, pooling: true)
    if op == .avgPool2d, !window.explicitPads.isEmpty {
      guard countIncludePad, int("ceil_mode", 0) == 0 else {
        throw fail(
          "this padding (asymmetric, SAME or ceil mode) needs count_include_pad = 1 and ceil_mode = 0")
      }
    }
    var x = try value(0)
    if window.lifted { x = try reshape(x, liftedShape(session.type(of: x).shape)) }
    x = try pad(x, window.explicitPads, fill: fill)
    var attributes: [String: AttributeValue] = [
      "kernel": .ints(window.kernel), "stride": .ints(window.strides), "padding": .ints(window.padding),
    ]
    if op == .avgPool2d { attributes["count_include_pad"] = .bool(countIncludePad) }
    return try lowered(emit(op, values: [x], attributes), lifted: window.lifted)
  }
}
