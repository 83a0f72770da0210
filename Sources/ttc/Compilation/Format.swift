import Foundation

/// Human-readable numbers for command output.
enum Format {
  /// `812 µs`, `12.3 ms`, `1.52 s`.
  static func duration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
    if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
    return String(format: "%.2f s", seconds)
  }

  /// `512 B`, `4.0 KiB`, `1.25 MiB`.
  static func bytes(_ count: Int) -> String {
    if count < 1024 { return "\(count) B" }
    if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
    return String(format: "%.2f MiB", Double(count) / Double(1 << 20))
  }

  /// A number in scientific notation with 2 significant decimals (`3.05e-07`).
  static func scientific(_ value: Double) -> String { String(format: "%.2e", value) }
}
