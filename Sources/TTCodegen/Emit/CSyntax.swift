import TTIR

/// Spelling helpers for generated C: identifiers, literals, types and loop nests.
enum CSyntax {
  /// The C element type that stores `dtype` (`f16` is stored as its bit pattern).
  static func storageType(_ dtype: DType) -> String {
    switch dtype {
    case .f32: "float"
    case .f16: "uint16_t"
    case .i8: "int8_t"
    case .i32: "int32_t"
    case .i64: "int64_t"
    }
  }

  /// The C type arithmetic on `dtype` is done in (`f16` computes in `float`).
  static func computeType(_ dtype: DType) -> String {
    dtype == .f16 ? "float" : storageType(dtype)
  }

  /// The C spellings of the lowest and highest values of an integer `dtype`.
  static func integerBounds(_ dtype: DType) -> (low: String, high: String) {
    switch dtype {
    case .i8: ("INT8_MIN", "INT8_MAX")
    case .i32: ("INT32_MIN", "INT32_MAX")
    case .i64: ("INT64_MIN", "INT64_MAX")
    case .f32, .f16: preconditionFailure("\(dtype) is not an integer type")
    }
  }

  /// The `tt_dtype` enumerator of `dtype`.
  static func enumerator(_ dtype: DType) -> String { "TT_\(dtype.rawValue.uppercased())" }

  /// `element` (of `dtype` storage) converted to its compute type.
  static func load(_ element: String, _ dtype: DType) -> String {
    dtype == .f16 ? "tt_half_to_float(\(element))" : element
  }

  /// `value` (in the compute type of `dtype`) converted for storage.
  static func store(_ value: String, _ dtype: DType) -> String {
    dtype == .f16 ? "tt_float_to_half(\(value))" : value
  }

  /// A C float literal (`0.5f`, `1e-05f`, `INFINITY`).
  static func float(_ value: Double) -> String {
    let single = Float(value)
    if single.isNaN { return "NAN" }
    if single.isInfinite { return single < 0 ? "-INFINITY" : "INFINITY" }
    var text = "\(single)"
    if !text.contains(".") && !text.contains("e") { text += ".0" }
    return text + "f"
  }

  /// A literal of the compute type of `dtype` with the given value.
  static func literal(_ value: Double, _ dtype: DType) -> String {
    dtype.isFloatingPoint ? float(value) : "(\(computeType(dtype)))\(Int64(value.rounded(.towardZero)))"
  }

  /// A C string literal holding `text` exactly (a NUL byte would end the C string early; the
  /// verifier refuses names containing one).
  ///
  /// `"`, `\` and `?` are escaped (`\?` stops trigraphs such as `??/`, which `-std=c11` turns into a
  /// backslash); bytes outside printable ASCII become three-digit octal escapes.
  static func string(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "?": result += "\\?"
      case " "..."~": result.unicodeScalars.append(scalar)
      default:
        // Always three octal digits, so a following digit cannot extend the escape.
        for byte in String(scalar).utf8 {
          result += "\\" + String(byte, radix: 8).leftPadded(to: 3)
        }
      }
    }
    return result + "\""
  }

  /// The longest name part of an identifier or comment; longer names are cut (identifiers are
  /// made unique by the caller, comments are only for readers).
  static let nameLimit = 48

  /// A valid C identifier derived from a graph name: other characters become `_`, and names
  /// longer than ``nameLimit`` are cut.
  static func identifier(_ name: String, prefix: String) -> String {
    let body = String(name.prefix(nameLimit).map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    return prefix + body
  }

  /// A graph name spelled for a C comment: at most ``nameLimit`` characters (then `...`), and every
  /// character other than letters, digits and `_.,:;-+=/()[]<>#@!&|^~'` and space written as
  /// `%XX` (its UTF-8 bytes in hex). So no name can close the comment (`*/`), open a nested
  /// one, form a trigraph (`??/`), splice lines (`\` + newline) or break the line.
  static func comment(_ name: String) -> String {
    let safe = Set(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:;-+=/()[]<>#@!&|^~' ".unicodeScalars)
    var result = ""
    for scalar in name.unicodeScalars.prefix(nameLimit) {
      if safe.contains(scalar) {
        result.unicodeScalars.append(scalar)
      } else {
        for byte in String(scalar).utf8 {
          result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
      }
    }
    return name.unicodeScalars.count > nameLimit ? result + "..." : result
  }

  /// Row-major strides of `shape`.
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
      strides[axis] = running
      running *= shape[axis]
    }
    return strides
  }

  /// `i0 * 8 + i1`, omitting zero strides (broadcast axes) and `* 1`.
  static func index(_ strides: [Int], variables: [String], offset: Int = 0) -> String {
    var terms: [String] = []
    for (stride, variable) in zip(strides, variables) where stride != 0 {
      terms.append(stride == 1 ? variable : "\(variable) * \(stride)")
    }
    if offset != 0 || terms.isEmpty { terms.append("\(offset)") }
    return terms.joined(separator: " + ")
  }

  /// A nest of `for` loops over `shape` with loop variables `i0, i1, …` around `body`.
  static func loopNest(_ shape: [Int], body: [String], variable: String = "i") -> [String] {
    var lines: [String] = []
    for (axis, extent) in shape.enumerated() {
      let pad = String(repeating: "  ", count: axis)
      lines.append(
        "\(pad)for (int64_t \(variable)\(axis) = 0; \(variable)\(axis) < \(extent); \(variable)\(axis)++) {")
    }
    let pad = String(repeating: "  ", count: shape.count)
    lines += body.map { pad + $0 }
    for axis in shape.indices.reversed() { lines.append(String(repeating: "  ", count: axis) + "}") }
    return lines
  }

  /// Loop variable names for a nest of `rank` loops.
  static func variables(_ rank: Int, _ variable: String = "i") -> [String] {
    (0..<rank).map { "\(variable)\($0)" }
  }

  /// The strides with which an input of `shape` is read while iterating over `outputShape`
  /// under NumPy broadcasting (0 on broadcast axes).
  static func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
    let own = strides(shape)
    let offset = outputShape.count - shape.count
    return outputShape.indices.map { axis in
      axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
    }
  }
}

extension String {
  /// The string with leading zeros up to `width` characters.
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
