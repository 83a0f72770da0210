import TTIR

/// Shapes, data movement, constants and identities. Shapes are static, so `Shape`, `Size`,
/// `ConstantOfShape` and `Range` always fold, and the rest fold whenever their inputs are
/// constants.
extension Converters {
  static let shape: [String: Converter] = [
    "Reshape": .single(["allowzero"]) { (c) throws(ONNXError) in
      let input = try c.type(0).shape
      let target = try c.constantInts(1, "shape") ?? []
      let allowZero = c.int("allowzero", 0) != 0
      var shape = target.enumerated().map { index, dim in
        dim == 0 && !allowZero && index < input.count ? input[index] : dim
      }
      // The target is untrusted: negative dimensions or an overflowing product are refused.
      guard let known = TensorType(.i8, shape.filter { $0 != -1 }).checkedElementCount else {
        throw c.fail("cannot reshape \(input) to \(target)")
      }
      let total = input.reduce(1, *)
      if let hole = shape.firstIndex(of: -1) {
        guard shape.filter({ $0 == -1 }).count == 1, known > 0, total % known == 0 else {
          throw c.fail("cannot reshape \(input) to \(target)")
        }
        shape[hole] = total / known
      }
      guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == total else {
        throw c.fail("cannot reshape \(input) to \(target)")
      }
      return try c.reshape(c.value(0), shape)
    },
    "Transpose": .single(["perm"]) { (c) throws(ONNXError) in
      let rank = try c.rank(0)
      let perm = c.ints("perm") ?? Array((0..<rank).reversed())
      guard perm.sorted() == Array(0..<rank) else {
        throw c.fail("perm \(perm) is not a permutation of \(rank) axes")
      }
      return try c.transpose(c.value(0), perm)
    },
    "Flatten": .single(["axis"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let given = c.int("axis", 1)
      let axis = given < 0 ? given + shape.count : given
      guard (0...shape.count).contains(axis) else { throw c.fail("axis \(given) is out of range") }
      return try c.reshape(c.value(0), [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)])
    },
    "Squeeze": .single(["axes"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let given = c.opset >= 13 ? try c.constantInts(1, "axes") : c.ints("axes")
      let axes =
        try given.map { (axes) throws(ONNXError) in try c.axes(axes, rank: shape.count) }
        ?? shape.indices.filter { shape[$0] == 1 }
      guard axes.allSatisfy({ shape[$0] == 1 }) else {
        throw c.fail("cannot squeeze axes \(axes) of \(shape)")
      }
      return try c.reshape(c.value(0), shape.indices.filter { !axes.contains($0) }.map { shape[$0] })
    },
    "Unsqueeze": .single(["axes"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      guard let given = c.opset >= 13 ? try c.constantInts(1, "axes") : c.ints("axes") else {
        throw c.fail("axes are required")
      }
      let axes = try c.axes(given, rank: shape.count + given.count)
      var result = shape
      for axis in axes.sorted() { result.insert(1, at: axis) }
      return try c.reshape(c.value(0), result)
    },
    "Concat": .single(["axis"]) { (c) throws(ONNXError) in
      guard let given = c.int("axis") else { throw c.fail("axis is required") }
      return try c.concat(c.values(), axis: c.axis(given, rank: c.rank(0)))
    },
    "Split": Converter(["axis", "split", "num_outputs"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let axis = try c.axis(c.int("axis", 0), rank: shape.count)
      let parts = c.node.output.count
      guard parts > 0 else { throw c.fail("has no outputs") }
      var sizes = c.opset >= 13 ? try c.constantInts(1, "split") : c.ints("split")
      if sizes == nil {
        let chunk = (shape[axis] + parts - 1) / parts
        let even = c.int("num_outputs") == nil && shape[axis] % parts == 0
        sizes = (0..<parts).map { even ? shape[axis] / parts : min(chunk, max(0, shape[axis] - $0 * chunk)) }
      }
      guard let sizes, sizes.count == parts, sizes.allSatisfy({ (0...shape[axis]).contains($0) }),
        sizes.reduce(0, +) == shape[axis]
      else {
        throw c.fail("split sizes do not add up to \(shape[axis]) in \(parts) outputs")
      }
      var outputs: [ImportedValue] = []
      var start = 0
      for size in sizes {
        var starts = Array(repeating: 0, count: shape.count)
        var ends = shape
        (starts[axis], ends[axis]) = (start, start + size)
        outputs.append(
          try c.slice(c.value(0), starts: starts, ends: ends, steps: Array(repeating: 1, count: shape.count)))
        start += size
      }
      return outputs
    },
    "Slice": .single { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let starts = try c.constantInts(1, "starts") ?? []
      let ends = try c.constantInts(2, "ends") ?? []
      let axes = try c.axes(c.constantInts(3, "axes") ?? Array(starts.indices), rank: shape.count)
      let steps = try c.constantInts(4, "steps") ?? Array(repeating: 1, count: starts.count)
      guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count,
        !steps.contains(0)
      else { throw c.fail("starts, ends, axes and steps must have one entry per axis, steps nonzero") }
      var allStarts = Array(repeating: 0, count: shape.count)
      var allEnds = shape
      var allSteps = Array(repeating: 1, count: shape.count)
      for (index, axis) in axes.enumerated() {
        (allStarts[axis], allEnds[axis], allSteps[axis]) = (starts[index], ends[index], steps[index])
      }
      return try c.slice(c.value(0), starts: allStarts, ends: allEnds, steps: allSteps)
    },
    "Gather": .single(["axis"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let axis = try c.axis(c.int("axis", 0), rank: shape.count)
      var indices = try c.value(1)
      if let given = indices.constant {
        let resolved = given.int64s().map { $0 < 0 ? Int($0) + shape[axis] : Int($0) }
        guard resolved.allSatisfy({ (0..<shape[axis]).contains($0) }) else {
          throw c.fail("indices \(given.int64s()) are out of range for dimension \(shape[axis])")
        }
        if let data = try c.value(0).constant {
          var shape = shape
          shape.replaceSubrange(axis...axis, with: given.shape)
          try c.checkCreatedConstant(shape, "the gathered tensor")
          return .constant(
            ConstantFolding.gathered(data, indices: resolved, indicesShape: given.shape, axis: axis))
        }
        indices = .constant(TensorData(int64s: resolved.map(Int64.init), shape: given.shape))
      } else {
        // ONNX counts negative indices from the end; the IR's gather refuses them (docs/IR.md).
        let dtype = c.session.type(of: indices).dtype
        let wrapped = try c.binary(.add, indices, c.scalar(Double(shape[axis]), dtype))
        let negative = try c.binary(.less, indices, c.scalar(0, dtype))
        indices = try c.emit(.where, values: [negative, wrapped, indices])
      }
      return try c.emit(.gather, values: [c.value(0), indices], ["axis": .int(axis)])
    },
    "GatherElements": .single(["axis"]) { (c) throws(ONNXError) in
      // `output[i…] = data[i… with index[i…] along axis]`. The indices must be constant (as in
      // exporters' position and token-type arithmetic); they become one flat `gather`.
      let shape = try c.type(0).shape
      let axis = try c.axis(c.int("axis", 0), rank: shape.count)
      guard let given = try c.value(1).constant else {
        throw c.fail("indices computed by the graph are not supported (only constant indices)")
      }
      guard given.shape.count == shape.count,
        zip(given.shape, shape).enumerated().allSatisfy({ $0 == axis || $1.0 <= $1.1 })
      else {
        throw c.fail("indices shape \(given.shape) does not fit data shape \(shape) (axis \(axis))")
      }
      let indices = given.int64s()
      let strides = ConstantFolding.strides(shape)
      var sources: [Int] = []
      sources.reserveCapacity(indices.count)
      var outOfRange: Int64?
      ConstantFolding.forEachIndex(given.shape) { position in
        let raw = indices[sources.count]
        let index = raw < 0 ? Int(raw) + shape[axis] : Int(raw)
        guard (0..<shape[axis]).contains(index) else {
          outOfRange = outOfRange ?? raw
          sources.append(0)
          return
        }
        var flat = 0
        for dimension in shape.indices {
          flat += (dimension == axis ? index : position[dimension]) * strides[dimension]
        }
        sources.append(flat)
      }
      if let outOfRange {
        throw c.fail("index \(outOfRange) is out of range for dimension \(shape[axis])")
      }
      if let data = try c.value(0).constant {
        return .constant(ConstantFolding.elements(of: data, at: sources, shape: given.shape))
      }
      let flat = try c.reshape(c.value(0), [shape.reduce(1, *)])
      let flatIndices = ImportedValue.constant(
        TensorData(int64s: sources.map(Int64.init), shape: given.shape))
      return try c.emit(.gather, values: [flat, flatIndices], ["axis": .int(0)])
    },
    "Expand": .single { (c) throws(ONNXError) in
      let input = try c.type(0)
      let target = try c.constantInts(1, "shape") ?? []
      guard let shape = ShapeInference.broadcast(input.shape, target) else {
        throw c.fail("cannot expand \(input.shape) to \(target)")
      }
      if shape == input.shape { return try c.value(0) }
      try c.checkCreatedConstant(shape, "the expanded tensor")
      if let data = try c.value(0).constant {
        let sources = ConstantFolding.broadcastSources(from: data.shape, to: shape)
        return .constant(ConstantFolding.elements(of: data, at: sources, shape: shape))
      }
      return try c.binary(
        .mul, c.value(0), .constant(ConstantFolding.filled(1, dtype: input.dtype, shape: shape)))
    },
    "Tile": .single { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      guard let repeats = try c.constantInts(1, "repeats"), repeats.count == shape.count,
        repeats.allSatisfy({ $0 >= 1 })
      else {
        throw c.fail("repeats must be one positive count per axis")
      }
      // Each copy is one input of a concat: at most 65,536 in all.
      guard repeats.allSatisfy({ $0 <= 1 << 16 }), repeats.reduce(0, +) <= 1 << 16 else {
        throw c.fail("repeats \(repeats) make more than 65536 copies")
      }
      if try c.value(0).constant != nil {
        try c.checkCreatedConstant(zip(shape, repeats).map { $0 * $1 }, "the tiled tensor")
      }
      var result = try c.value(0)
      for (axis, count) in repeats.enumerated() where count > 1 {
        result = try c.concat(Array(repeating: result, count: count), axis: axis)
      }
      return result
    },
    "Shape": .single(["start", "end"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let rank = shape.count
      func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + rank : index, 0), rank) }
      let dims = shape[clamp(c.int("start", 0))..<max(clamp(c.int("start", 0)), clamp(c.int("end", rank)))]
      return .constant(TensorData(int64s: dims.map(Int64.init), shape: [dims.count]))
    },
    "Size": .single { (c) throws(ONNXError) in
      .constant(TensorData(int64s: [Int64(try c.type(0).shape.reduce(1, *))], shape: []))
    },
    "ConstantOfShape": .single(["value"]) { (c) throws(ONNXError) in
      let shape = try c.constantInts(0, "shape") ?? []
      let value = try c.tensorAttribute("value") ?? TensorData([0], shape: [1])
      guard value.type.elementCount == 1 else { throw c.fail("the value must have one element") }
      try c.checkCreatedConstant(shape, "the output")
      return .constant(ConstantFolding.repeated(value, shape: shape))
    },
    "Constant": .single(["value", "value_float", "value_floats", "value_int", "value_ints"]) {
      (c) throws(ONNXError) in
      if let tensor = try c.tensorAttribute("value") {
        if let output = c.node.output.first {
          c.session.recordElementType(c.attribute("value")!.t.dataType, of: output)
        }
        return .constant(tensor)
      }
      if let attribute = c.attribute("value_float") { return .constant(TensorData([attribute.f], shape: [])) }
      if let values = c.floats("value_floats") { return .constant(TensorData(values, shape: [values.count])) }
      if let value = c.int("value") ?? c.int("value_int") {
        return .constant(TensorData(int64s: [Int64(value)], shape: []))
      }
      if let values = c.ints("value_ints") {
        return .constant(TensorData(int64s: values.map(Int64.init), shape: [values.count]))
      }
      throw c.fail("needs one of value, value_float, value_floats, value_int, value_ints")
    },
    "Range": .single { (c) throws(ONNXError) in
      let (start, limit, delta) = try (c.constant(0, "start"), c.constant(1, "limit"), c.constant(2, "delta"))
      let bounds = [start, limit, delta].map { Double($0.floats().first ?? 0) }
      let length = ((bounds[1] - bounds[0]) / bounds[2]).rounded(.up)
      guard bounds[2] != 0, length.isFinite, length <= Double(ConstantFolding.elementLimit) else {
        throw c.fail("range \(bounds[0]) ..< \(bounds[1]) by \(bounds[2]) has a zero step or is too long")
      }
      let count = length > 0 ? Int(length) : 0
      if start.dtype.isFloatingPoint {
        let (first, step) = (start.floats()[0], delta.floats()[0])
        let values = (0..<count).map { first + Float($0) * step }
        return .constant(ConstantFolding.make(floats: values, dtype: start.dtype, shape: [count]))
      }
      let (first, step) = (start.int64s()[0], delta.int64s()[0])
      let values = (0..<count).map { first &+ Int64($0) &* step }
      return .constant(ConstantFolding.make(ints: values, dtype: start.dtype, shape: [count]))
    },
    "Identity": .single { (c) throws(ONNXError) in try c.value(0) },
    "Dropout": Converter(["seed", "ratio"]) { (c) throws(ONNXError) in
      if c.has(2), try c.constant(2, "training_mode").floats().contains(where: { $0 != 0 }) {
        throw c.fail("training mode is not supported")
      }
      let x = try c.value(0)
      let mask = ImportedValue.constant(ConstantFolding.filled(1, dtype: .f32, shape: try c.type(0).shape))
      return [x, mask]
    },
  ]
}
