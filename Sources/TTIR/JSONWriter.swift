/// Serializes ``JSON`` deterministically.
enum JSONWriter {
  /// Output layout.
  enum Style {
    /// No whitespace at all (`{"a":[1,2]}`), as serde_json writes safetensors headers.
    case compact
    /// One entry per line for the top level and its containers (and for level-2 containers
    /// whose elements are all objects); everything deeper on one line with `", "` and `": "`.
    case readable
  }

  /// The text of `value` in `style`; readable output ends with a newline.
  static func string(_ value: JSON, style: Style) -> String {
    var out = ""
    write(value, style: style, depth: 0, into: &out)
    if style == .readable { out += "\n" }
    return out
  }

  private static func write(_ value: JSON, style: Style, depth: Int, into out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .int(let number): out += String(number)
    case .double(let number): out += number.isFinite ? String(number) : "null"
    case .string(let text): writeString(text, into: &out)
    case .array(let elements):
      writeContainer(
        open: "[", close: "]", count: elements.count, expand: shouldExpand(elements, style, depth),
        style: style, into: &out
      ) { index, out in
        write(elements[index], style: style, depth: depth + 1, into: &out)
      }
    case .object(let members):
      writeContainer(
        open: "{", close: "}", count: members.count,
        expand: shouldExpand(members.map(\.value), style, depth), style: style, into: &out
      ) { index, out in
        writeString(members[index].key, into: &out)
        out += style == .compact ? ":" : ": "
        write(members[index].value, style: style, depth: depth + 1, into: &out)
      }
    }
  }

  private static func shouldExpand(_ elements: [JSON], _ style: Style, _ depth: Int) -> Bool {
    guard style == .readable, !elements.isEmpty else { return false }
    if depth < 2 { return true }
    return depth == 2 && elements.allSatisfy { if case .object = $0 { true } else { false } }
  }

  private static func writeContainer(
    open: String, close: String, count: Int, expand: Bool, style: Style, into out: inout String,
    element: (Int, inout String) -> Void
  ) {
    out += open
    let indent = expand ? String(repeating: "  ", count: 1) : ""
    for index in 0..<count {
      if index > 0 { out += style == .compact ? "," : (expand ? "," : ", ") }
      if expand { out += "\n" }
      var text = ""
      element(index, &text)
      out += expand ? indent + text.replacingNewlines(with: "\n" + indent) : text
    }
    if expand { out += "\n" }
    out += close
  }

  /// Writes a quoted string, escaping like serde_json: `"` `\` and control characters only.
  private static func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\u{00}"..."\u{1F}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

extension String {
  fileprivate func replacingNewlines(with replacement: String) -> String {
    split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
