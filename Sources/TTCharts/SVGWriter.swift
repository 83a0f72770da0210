import Foundation

/// Builds the text of an SVG document element by element. Every piece of text and every
/// attribute value goes through ``SVGWriter/escaped(_:)``, so names taken from model files
/// cannot break the markup.
struct SVGWriter {
  private(set) var body = ""

  /// `text` with the five XML special characters replaced by entities and characters that XML 1.0
  /// does not allow (most control characters, lone surrogates cannot occur in a Swift String)
  /// replaced by U+FFFD.
  static func escaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
      default:
        let value = scalar.value
        let allowed = value >= 0x20 && !(0xFFFE...0xFFFF).contains(value)
        result.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
      }
    }
    return result
  }

  /// A number for an attribute: two decimals at most, no trailing zeros.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    var text = String(format: "%.2f", value)
    while text.last == "0" { text.removeLast() }
    if text.last == "." { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  /// Appends `<name a="v" …/>`, or `<name …>tooltip</name>` with a `<title>` child that
  /// browsers show on hover.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, tooltip: String? = nil) {
    body += "<\(name)\(Self.attributes(attributes))"
    if let tooltip {
      body += "><title>\(Self.escaped(tooltip))</title></\(name)>\n"
    } else {
      body += "/>\n"
    }
  }

  /// Appends `<text …>content</text>`.
  mutating func text(_ content: String, _ attributes: KeyValuePairs<String, String>) {
    body += "<text\(Self.attributes(attributes))>\(Self.escaped(content))</text>\n"
  }

  /// Appends a group `<g …>` around what `content` writes.
  mutating func group(_ attributes: KeyValuePairs<String, String>, _ content: (inout SVGWriter) -> Void) {
    body += "<g\(Self.attributes(attributes))>\n"
    content(&self)
    body += "</g>\n"
  }

  /// Appends markup another ``SVGWriter`` produced (already escaped).
  mutating func append(raw markup: String) { body += markup }

  /// A complete standalone SVG document of `width` × `height` pixels around `body`.
  static func document(width: Double, height: Double, title: String, body: String) -> String {
    let (w, h) = (number(width), number(height))
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" \
      font-family="Helvetica, Arial, sans-serif" font-size="12">
      <title>\(escaped(title))</title>
      <rect x="0" y="0" width="\(w)" height="\(h)" fill="white"/>

      """ + body + "</svg>\n"
  }

  private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
    pairs.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
  }
}

/// An estimate of how wide a line of text is, for layout (SVG has no text metrics before
/// rendering): an average glyph of 0.6 em.
func textWidth(_ text: String, fontSize: Double) -> Double {
  Double(text.count) * fontSize * 0.6
}

/// The colours of the series, in order (Tableau 10; distinguishable, also in grey print).
let seriesPalette = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
  "#bab0ac",
]
