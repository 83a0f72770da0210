import TTIR

extension Emission {
  func dataMovement() throws(CodegenError) -> [String] {
    let x = context.inputTypes[0].shape
    let size = outType.byteSize
    switch node.op {
    case .reshape, .flatten:
      if isView { return ["/* a view of \(CSyntax.comment(node.inputs[0])): no data moves */"] }
      return ["memcpy(\(output), \(inputs[0]), \(count * size));"]
    case .transpose:
      let perm = (node.ints("perm") ?? []).map { $0 < 0 ? $0 + x.count : $0 }
      let inStrides = CSyntax.strides(x)
      return stridedCopy(strides: perm.map { inStrides[$0] })
    case .concat:
      let (axis, outer, length, inner) = axisSplit(outShape, fallback: 0)
      var lines: [String] = []
      var offset = 0
      for (input, type) in zip(inputs, context.inputTypes) {
        let block = type.shape[axis] * inner
        lines += [
          "for (int64_t o = 0; o < \(outer); o++) {",
          "  memcpy(\(output) + o * \(length * inner) + \(offset), \(input) + o * \(block), \(block * size));",
          "}",
        ]
        offset += block
      }
      return lines
    case .slice:
      let starts = node.ints("starts") ?? []
      let ends = node.ints("ends") ?? []
      let steps = node.ints("steps") ?? Array(repeating: 1, count: x.count)
      let inStrides = CSyntax.strides(x)
      var base = 0
      var strides: [Int] = []
      for axis in x.indices {
        let range = ShapeInference.sliceRange(
          start: starts[axis], end: ends[axis], step: steps[axis], length: x[axis])
        base += range.start * inStrides[axis]
        strides.append(steps[axis] * inStrides[axis])
      }
      return stridedCopy(strides: strides, offset: base)
    default:  // gather
      let (_, outer, length, inner) = axisSplit(x, fallback: 0)
      let indices = context.inputTypes[1].elementCount
      // Valid indices are 0..<length (docs/IR.md); float indices are checked before they are
      // converted, since converting an out-of-range float is undefined in C.
      let read =
        context.inputTypes[1].dtype.isFloatingPoint
        ? [
          "  float raw = \(inputs[1])[j];",
          "  if (!(raw > -1.0f && raw < \(CSyntax.float(Double(length))))) return TT_ERR_INDEX;",
          "  int64_t index = (int64_t)raw;",
        ]
        : ["  int64_t index = (int64_t)\(inputs[1])[j];"]
      return ["for (int64_t j = 0; j < \(indices); j++) {"] + read + [
        "  if (index < 0 || index >= \(length)) return TT_ERR_INDEX;",
        "  for (int64_t o = 0; o < \(outer); o++) {",
        "    memcpy(\(output) + (o * \(indices) + j) * \(inner), \(inputs[0]) + (o * \(length) + index) * \(inner), \(inner * size));",
        "  }",
        "}",
      ]
    }
  }

  /// A loop nest over the output writing each element, in row-major order, from input 0 read
  /// at `offset` plus `strides` (one per output axis).
  func stridedCopy(strides: [Int], offset: Int = 0) -> [String] {
    let variables = CSyntax.variables(outShape.count)
    let source = CSyntax.index(strides, variables: variables, offset: offset)
    let target = CSyntax.index(CSyntax.strides(outShape), variables: variables)
    return CSyntax.loopNest(outShape, body: ["\(output)[\(target)] = \(inputs[0])[\(source)];"])
  }

  func reduction() throws(CodegenError) -> [String] {
    let xType = context.inputTypes[0]
    let x = xType.shape
    guard xType.dtype != .f16 else {
      throw context.unsupported("f16 reductions are not supported (cast to f32)")
    }
    let compute = CSyntax.storageType(xType.dtype)
    if node.op == .argmax {
      let (_, outer, length, inner) = axisSplit(x, fallback: 0)
      return [
        "for (int64_t o = 0; o < \(outer); o++) {",
        "  for (int64_t i = 0; i < \(inner); i++) {",
        "    const \(compute) *src = \(inputs[0]) + o * \(length * inner) + i;",
        "    int64_t best = 0;",
        "    for (int64_t j = 1; j < \(length); j++) if (src[j * \(inner)] > src[best * \(inner)]) best = j;",
        "    \(output)[o * \(inner) + i] = best;",
        "  }",
        "}",
      ]
    }
    let axes = node.ints("axes") ?? []
    let reduced = Set(axes.isEmpty ? Array(x.indices) : axes.map { $0 < 0 ? $0 + x.count : $0 })
    // Output strides in input axis order: 0 on reduced axes (keepdims does not change offsets).
    var outStrides = [Int](repeating: 0, count: x.count)
    var running = 1
    for axis in x.indices.reversed() where !reduced.contains(axis) {
      outStrides[axis] = running
      running *= x[axis]
    }
    // The identities of max and min (f16 was refused above): ∓inf for f32, whose comparisons also
    // take a NaN and keep it (docs/IR.md: a NaN among the reduced elements gives NaN).
    let float = xType.dtype == .f32
    let (lowest, highest) = float ? ("-INFINITY", "INFINITY") : CSyntax.integerBounds(xType.dtype)
    let orNaN = { (v: String) in float ? " || \(v) != \(v)" : "" }
    let (initial, update): (String, (String, String) -> String) =
      switch node.op {
      case .reduceMax: (lowest, { acc, v in "\(acc) = \(v) > \(acc)\(orNaN(v)) ? \(v) : \(acc);" })
      case .reduceMin: (highest, { acc, v in "\(acc) = \(v) < \(acc)\(orNaN(v)) ? \(v) : \(acc);" })
      // Integer sums wrap (docs/IR.md), computed on unsigned values as C leaves overflow undefined.
      default:
        xType.dtype.isFloatingPoint
          ? ("0", { acc, v in "\(acc) += \(v);" })
          : ("0", { acc, v in "\(acc) = (\(compute))((u\(compute))\(acc) + (u\(compute))\(v));" })
      }
    let variables = CSyntax.variables(x.count)
    let source = "\(inputs[0])[\(CSyntax.index(CSyntax.strides(x), variables: variables))]"
    let target = "\(output)[\(CSyntax.index(outStrides, variables: variables))]"
    var lines = ["for (int64_t i = 0; i < \(count); i++) \(output)[i] = \(initial);"]
    lines += CSyntax.loopNest(x, body: [update(target, source)])
    if node.op == .reduceMean {
      let divisor = x.indices.filter { reduced.contains($0) }.map { x[$0] }.reduce(1, *)
      lines.append(
        "for (int64_t i = 0; i < \(count); i++) \(output)[i] /= \(CSyntax.float(Double(divisor)));")
    }
    return lines
  }

  func conversion() -> [String] {
    let from = context.inputTypes[0].dtype
    let x = CSyntax.load("\(inputs[0])[i]", from)
    switch node.op {
    case .cast where from == .f16 && outType == .f32:
      return ["tt_half_to_float_array(\(inputs[0]), \(count), \(output));"]
    case .cast:
      let target = CSyntax.computeType(outType)
      guard !outType.isFloatingPoint else {
        return flatLoop(outType == .f16 ? "(float)\(x)" : "(\(target))\(x)")
      }
      // To an integer: NaN → 0, truncation toward zero, saturation at the target's bounds (floats
      // and wider integers alike), as in the interpreter; a plain C conversion would be undefined.
      let (low, high) = CSyntax.integerBounds(outType)
      let limit =
        from.isFloatingPoint ? { (bound: String) in "(float)\(bound)" } : { (bound: String) in bound }
      let nan = from.isFloatingPoint ? "\(x) != \(x) ? (\(target))0 : " : ""
      return flatLoop(
        "(\(nan)\(x) <= \(limit(low)) ? \(low) : \(x) >= \(limit(high)) ? \(high) : (\(target))\(x))")
    case .quantizeLinear:
      // The rounding of Runtime/tt_qgemm.c, shared with the interpreter.
      let scale = CSyntax.float(node.float("scale") ?? 1)
      return flatLoop("tt_quantize_one(\(x) / \(scale), \(node.int("zero_point") ?? 0))")
    default:  // dequantize_linear
      let scale = CSyntax.float(node.float("scale") ?? 1)
      return ["tt_dequantize(\(inputs[0]), \(count), \(scale), \(node.int("zero_point") ?? 0), \(output));"]
    }
  }
}
