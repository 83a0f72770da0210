import Foundation

/// A plain-text table with aligned columns: text left-aligned, numbers right-aligned.
struct TextTable {
  /// How a column is aligned.
  enum Alignment {
    case left, right
  }

  /// The header cells.
  let headers: [String]
  /// The alignment of each column.
  let alignments: [Alignment]
  /// The body rows.
  private(set) var rows: [[String]] = []

  /// A table with `columns` as `(header, alignment)` pairs.
  init(_ columns: [(String, Alignment)]) {
    headers = columns.map(\.0)
    alignments = columns.map(\.1)
  }

  /// Appends a row (one cell per column).
  mutating func append(_ cells: [String]) {
    precondition(cells.count == headers.count, "one cell per column")
    rows.append(cells)
  }

  /// The table, a dashed rule under the header, columns two spaces apart, one line per row.
  var rendered: String {
    let widths = headers.indices.map { column in
      ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.indices.map { column in
        let padding = String(repeating: " ", count: widths[column] - cells[column].count)
        return alignments[column] == .left ? cells[column] + padding : padding + cells[column]
      }
      .joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}

/// Number formatting for reports.
enum Format {
  /// `1234567` → `1.23 M`, `950` → `950`; `unit` is appended (`1.23 MFLOP`).
  static func scaled(_ value: Double, _ unit: String = "") -> String {
    let prefixes = ["", "K", "M", "G", "T", "P"]
    var scaled = value
    var index = 0
    while abs(scaled) >= 1000 && index < prefixes.count - 1 {
      scaled /= 1000
      index += 1
    }
    let number =
      index == 0 && scaled == scaled.rounded()
      ? String(Int(scaled)) : String(format: "%.2f", scaled)
    return "\(number) \(prefixes[index])\(unit)".trimmingTrailingSpaces()
  }

  /// Bytes with binary prefixes: `2048` → `2.00 KiB`.
  static func bytes(_ value: Int) -> String {
    let prefixes = ["B", "KiB", "MiB", "GiB", "TiB"]
    var scaled = Double(value)
    var index = 0
    while scaled >= 1024 && index < prefixes.count - 1 {
      scaled /= 1024
      index += 1
    }
    return index == 0 ? "\(value) B" : "\(String(format: "%.2f", scaled)) \(prefixes[index])"
  }

  /// A duration in microseconds with two decimals (`12.30`).
  static func microseconds(_ seconds: Double) -> String {
    String(format: "%.2f", seconds * 1e6)
  }

  /// A percentage with one decimal (`12.5%`).
  static func percent(_ fraction: Double) -> String {
    String(format: "%.1f%%", fraction * 100)
  }
}
