import Foundation
import TTCodegen
import TTRuntime

/// This machine's measured limits (`ttc peak`): fp32 multiply-add peak of one thread on the widest
/// instruction-set path, and memory read bandwidth of one thread. Measured once and cached per
/// machine (CPU model, core count, path) next to the compile cache, so that `ttc bench` can report
/// a model's GFLOP/s as a share of the peak.
struct Peak: Codable {
  /// The machine line it was measured on (`Machine.line`) and the path: the cache's identity.
  let machine: String
  let path: String
  /// fp32 GFLOP/s, one thread.
  let fp32GFLOPS: Double
  /// Memory read GB/s, one thread.
  let readGBPerSecond: Double
  /// When it was measured (ISO 8601).
  let measured: String

  enum CodingKeys: String, CodingKey {
    case machine, path, measured
    case fp32GFLOPS = "fp32_gflops"
    case readGBPerSecond = "read_gb_per_s"
  }

  /// The name of this CPU's best path, as `tt_best_isa` picks it.
  static var bestPath: String {
    switch tt_best_isa() {
    case TT_ISA_AVX512: "avx512"
    case TT_ISA_AVX2: "avx2+fma"
    default: "portable"
    }
  }

  /// Measures for about `seconds` in all (two thirds on the FMA loop, the rest on bandwidth).
  static func measure(seconds: Double) -> Peak {
    Peak(
      machine: Machine.current.line, path: bestPath,
      fp32GFLOPS: tt_peak_fma_gflops(tt_best_isa(), seconds * 2 / 3),
      readGBPerSecond: tt_peak_read_gbs(seconds / 3), measured: ISO8601DateFormatter().string(from: Date()))
  }

  /// Where this machine's measurement is cached under `root`.
  static func cachePath(root: String) -> String {
    let identity = Machine.current.line + " " + bestPath
    let name = identity.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "-" }.joined()
    return "\(root)/peak/\(name.prefix(120)).json"
  }

  /// The cached measurement of this machine, if any (a file that does not decode counts as none).
  static func cached(root: String = CompileCache.defaultRoot) -> Peak? {
    guard let data = FileManager.default.contents(atPath: cachePath(root: root)) else { return nil }
    return try? JSONDecoder().decode(Peak.self, from: data)
  }

  /// Writes this measurement to the cache under `root`.
  func store(root: String = CompileCache.defaultRoot) throws {
    let path = Peak.cachePath(root: root)
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try writeAtomically(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", to: path)
  }
}
