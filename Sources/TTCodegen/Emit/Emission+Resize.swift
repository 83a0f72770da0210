import TTIR

extension Emission {
  /// `resize`: the taps of ``TTIR/ResizeTaps`` as constant tables (input offsets already
  /// multiplied by the axis stride), and one loop nest over the output summing the corners of
  /// the interpolating axes in the interpreter's order.
  func resize() throws(CodegenError) -> [String] {
    try context.requireF32()
    let shape = context.inputTypes[0].shape
    let taps = ResizeTaps.axes(of: node, input: shape)
    let strides = CSyntax.strides(shape)
    let variables = CSyntax.variables(outShape.count)
    let blended = shape.indices.filter { taps[$0].interpolates }
    func table(_ type: String, _ name: String, _ values: [String]) -> String {
      "static const \(type) \(name)[\(values.count)] = {\(values.joined(separator: ", "))};"
    }
    var lines: [String] = []
    for axis in shape.indices {
      let tap = taps[axis]
      lines.append(table("int64_t", "first\(axis)", tap.first.map { String($0 * strides[axis]) }))
      if tap.interpolates {
        lines.append(table("int64_t", "second\(axis)", tap.second.map { String($0 * strides[axis]) }))
        lines.append(table("float", "weight\(axis)", tap.weights.map { CSyntax.float(Double($0)) }))
      }
    }
    let base = shape.indices.filter { !taps[$0].interpolates }.map { "first\($0)[\(variables[$0])]" }
    var body = ["const int64_t base = \((base + ["0"]).joined(separator: " + "));", "float sum = 0.0f;"]
    for corner in 0..<(1 << blended.count) {
      var weight = "1.0f"
      var offset = "base"
      for (bit, axis) in blended.enumerated() {
        let j = variables[axis]
        let second = corner & (1 << (blended.count - 1 - bit)) != 0
        weight += second ? " * weight\(axis)[\(j)]" : " * (1.0f - weight\(axis)[\(j)])"
        offset += " + \(second ? "second" : "first")\(axis)[\(j)]"
      }
      body.append("sum += \(weight) * \(inputs[0])[\(offset)];")
    }
    let target = CSyntax.index(CSyntax.strides(outShape), variables: variables)
    body.append("\(output)[\(target)] = sum;")
    return lines + CSyntax.loopNest(outShape, body: body)
  }
}
