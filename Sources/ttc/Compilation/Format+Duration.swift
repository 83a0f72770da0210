import Foundation

extension Format {
  /// A duration with a unit chosen for it: `812.0 µs`, `12.3 ms`, `1.52 s`.
  static func duration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
    if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
    return String(format: "%.2f s", seconds)
  }

  /// A number in scientific notation with two decimals (`3.05e-07`).
  static func scientific(_ value: Double) -> String { String(format: "%.2e", value) }
}
