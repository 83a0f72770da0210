import Foundation
import TTCodegen
import TTRuntime

/// This machine's measured limits (`ttc peak`): the fp32 multiply-add peak of one thread on one
/// instruction-set path, and the memory read bandwidth of one thread. Measured once and cached per
/// machine (CPU model, cores, CPU features, path) next to the compile cache, so that `ttc bench`
/// can report a model's GFLOP/s as a share of the peak and ``Roofline`` can place every node.
///
/// ```swift
/// let peak = try MachinePeak.cachedOrMeasured()      // measures about 1.5 s the first time
/// print(peak.fp32GFLOPS, peak.readGBPerSecond)
/// ```
public struct MachinePeak: Codable, Sendable {
  /// The machine line it was measured on (``Machine/line``) and the path.
  public let machine: String
  /// The instruction-set path measured (``Path/rawValue``).
  public let path: String
  /// fp32 GFLOP/s, one thread.
  public let fp32GFLOPS: Double
  /// Memory read GB/s, one thread.
  public let readGBPerSecond: Double
  /// When it was measured (ISO 8601).
  public let measured: String

  enum CodingKeys: String, CodingKey {
    case machine, path, measured
    case fp32GFLOPS = "fp32_gflops"
    case readGBPerSecond = "read_gb_per_s"
  }

  /// The instruction-set paths the multiply-add loop can run.
  public enum Path: String, CaseIterable, Sendable {
    /// The widest path this CPU runs.
    case best
    /// AVX-512 (16 floats per vector).
    case avx512
    /// AVX2 + FMA (8 floats).
    case avx2 = "avx2+fma"
    /// Plain C with 4-float vectors: what a CPU without AVX2 runs.
    case portable

    /// The path `tt_peak_fma_gflops` runs for this choice (the best available one for `best`, and
    /// for a path this CPU lacks).
    var isa: tt_isa {
      switch self {
      case .best: tt_best_isa()
      case .avx512: tt_isa_available(TT_ISA_AVX512) != 0 ? TT_ISA_AVX512 : tt_best_isa()
      case .avx2: tt_isa_available(TT_ISA_AVX2) != 0 ? TT_ISA_AVX2 : tt_best_isa()
      case .portable: TT_ISA_PORTABLE
      }
    }

    /// The concrete path that runs (never `best`).
    public var resolved: Path {
      switch isa {
      case TT_ISA_AVX512: .avx512
      case TT_ISA_AVX2: .avx2
      default: .portable
      }
    }
  }

  /// Measures for about `seconds` in all (two thirds on the multiply-add loop of `path`, the rest
  /// on bandwidth).
  public static func measure(seconds: Double, path: Path = .best) -> MachinePeak {
    MachinePeak(
      machine: Machine.current.line, path: path.resolved.rawValue,
      fp32GFLOPS: tt_peak_fma_gflops(path.isa, seconds * 2 / 3),
      readGBPerSecond: tt_peak_read_gbs(seconds / 3), measured: ISO8601DateFormatter().string(from: Date()))
  }

  /// Where this machine's measurement of `path` is cached under `root`: one file per CPU model,
  /// core count, CPU features and path.
  public static func cachePath(root: String = CompileCache.defaultRoot, path: Path = .best) -> String {
    let machine = Machine.current
    let identity = ([machine.line, path.resolved.rawValue] + machine.features).joined(separator: " ")
    let name = machine.line.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "-" }
      .joined()
    return
      "\(root)/peak/\(name.prefix(80))-\(path.resolved.rawValue)-\(SHA256.hex(Array(identity.utf8)).prefix(16)).json"
  }

  /// The cached measurement of this machine, if any (a file that does not decode counts as none).
  public static func cached(root: String = CompileCache.defaultRoot, path: Path = .best) -> MachinePeak? {
    guard let data = FileManager.default.contents(atPath: cachePath(root: root, path: path)) else {
      return nil
    }
    return try? JSONDecoder().decode(MachinePeak.self, from: data)
  }

  /// The cached measurement, or a new one (about `seconds`) stored in the cache.
  ///
  /// - Throws: when the cache folder cannot be written.
  public static func cachedOrMeasured(
    root: String = CompileCache.defaultRoot, path: Path = .best, seconds: Double = 1.5
  ) throws -> MachinePeak {
    if let peak = cached(root: root, path: path) { return peak }
    let peak = measure(seconds: seconds, path: path)
    try peak.store(root: root)
    return peak
  }

  /// Writes this measurement to the cache under `root`.
  ///
  /// - Throws: when the folder or file cannot be written.
  public func store(root: String = CompileCache.defaultRoot) throws {
    let file = MachinePeak.cachePath(root: root, path: Path(rawValue: path) ?? .best)
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try Data(encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: file), options: .atomic)
  }
}
