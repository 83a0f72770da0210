import ArgumentParser
import Foundation

/// `ttc peak`: this machine's fp32 peak and memory bandwidth, measured once and cached.
struct PeakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "peak",
    abstract: "Measure this machine's fp32 peak and memory bandwidth (cached).",
    discussion: """
      fp32 peak: one thread running independent chains of vector multiply-adds on the widest \
      instruction-set path the CPU runs (AVX-512, AVX2+FMA or portable); memory: one thread \
      summing a 256 MiB buffer. Each is the best of repeated runs, so interruptions on a busy \
      machine do not count. The result is cached per machine (CPU model, cores, path) under the \
      compile cache and reused by later calls and by `ttc bench`, which reports each model's \
      GFLOP/s as a share of it; --remeasure measures again.

      Examples:
        ttc peak
        ttc peak --remeasure --seconds 3
        ttc peak --json
      """)

  @Flag(help: "Measure even if a cached measurement exists (and replace it).")
  var remeasure = false

  @Option(help: "Seconds to spend measuring.")
  var seconds = 1.5

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @OptionGroup var location: CacheLocation

  func validate() throws {
    guard seconds > 0 else { throw ValidationError("--seconds must be positive (got \(seconds))") }
  }

  func run() throws {
    try reportingErrors {
      let root = location.cache.root
      var peak = remeasure ? nil : Peak.cached(root: root)
      let fromCache = peak != nil
      if peak == nil {
        let measured = Peak.measure(seconds: seconds)
        try measured.store(root: root)
        peak = measured
      }
      guard let peak else { return }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(peak), as: UTF8.self))
        return
      }
      print(peak.machine)
      print(String(format: "fp32 peak, 1 thread (%@): %.1f GFLOP/s", peak.path, peak.fp32GFLOPS))
      print(String(format: "memory read, 1 thread: %.1f GB/s", peak.readGBPerSecond))
      print(
        fromCache
          ? "cached \(peak.measured) in \(Peak.cachePath(root: root)) (--remeasure to measure again)"
          : "measured now; cached in \(Peak.cachePath(root: root))")
    }
  }
}
