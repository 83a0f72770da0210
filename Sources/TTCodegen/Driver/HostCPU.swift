import Glibc
import TTRuntime

/// The CPU that `-march=native` compiles for, as the compile cache needs to know it: libraries
/// built for one machine's instruction set would crash with SIGILL on another that shares the
/// cache folder (say, AVX-512 and AVX2 machines).
enum HostCPU {
  /// The CPU model name and a digest of its feature flags (from `/proc/cpuinfo`), e.g.
  /// `AMD EPYC 9B45 (flags 3f2a…)`; `unknown` where that file is not readable.
  static let signature: String = {
    guard let all = try? FileSystem.readText("/proc/cpuinfo") else { return "unknown" }
    // The first processor's block is enough (every core reports the same model and flags); parsing
    // only it keeps a cache hit's start-up short on many-core machines.
    let text = all.utf8.firstRange(of: "\n\n".utf8).map { all[..<$0.lowerBound] } ?? all[...]
    func field(_ name: String) -> String {
      for line in text.split(separator: "\n") where line.hasPrefix(name) {
        if let colon = line.firstIndex(of: ":") {
          return line[line.index(after: colon)...].trimmingCharacters(in: " \t")
        }
      }
      return ""
    }
    let flags = field("flags").split(separator: " ").sorted().joined(separator: " ")
    return "\(field("model name")) (flags \(SHA256.hex(Array(flags.utf8)).prefix(16)))"
  }()

  /// The GEMM path of a library built with `-march=native` here: the widest this CPU has, from
  /// `tt_cpu_features` (not capped by the `TT_ISA` variable, which model libraries ignore: their
  /// build flags pick the path).
  static let kernelPath: tt_isa = {
    let features = tt_cpu_features()
    if features & UInt32(TT_CPU_AVX512.rawValue) != 0 { return TT_ISA_AVX512 }
    if features & UInt32(TT_CPU_AVX2.rawValue) != 0 { return TT_ISA_AVX2 }
    return TT_ISA_PORTABLE
  }()
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> String {
    String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
  }
}
