import ArgumentParser
import Foundation
import TTProfiler

extension MachinePeak.Path: ExpressibleByArgument {}

/// `ttc peak`: this machine's fp32 peak and memory bandwidth, measured once and cached.
struct PeakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "peak",
    abstract: "Measure this machine's fp32 peak and memory bandwidth (cached).",
    discussion: """
      fp32 peak: one thread running independent chains of vector multiply-adds on the widest \
      instruction-set path the CPU runs (AVX-512, AVX2+FMA or portable C; --isa picks another, \
      e.g. portable for the figure of a CPU without AVX2); memory: one thread summing a 256 MiB \
      buffer. Each repetition is timed by the thread's CPU time \
      (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), so time spent waiting for a core on a busy \
      machine does not count, and each figure is the best of the repetitions that fit in \
      --seconds. The result is cached per machine (CPU model, cores, CPU features, path) in \
      <cache>/peak/<machine>-<path>-<hash>.json, where <cache> is --cache-dir, else \
      $XDG_CACHE_HOME/ttc, else ~/.cache/ttc (the compile cache), and reused by later calls, by \
      `ttc bench` (GFLOP/s as a share of the peak) and by `ttc profile` (the roofline); \
      --remeasure measures again and replaces the cached file (so does deleting it).

      Examples:
        ttc peak
        ttc peak --remeasure --seconds 3
        ttc peak --isa portable --json
      """)

  @Flag(help: "Measure even if a cached measurement exists (and replace it).")
  var remeasure = false

  @Option(help: "Seconds to spend measuring.")
  var seconds = 1.5

  @Option(
    help: "The multiply-add path: best, avx512, avx2+fma or portable (a path the CPU lacks runs its best).")
  var isa: MachinePeak.Path = .best

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @OptionGroup var location: CacheLocation

  func validate() throws {
    guard seconds > 0 else { throw ValidationError("--seconds must be positive (got \(seconds))") }
  }

  func run() throws {
    try reportingErrors {
      let root = location.cache.root
      let cached = remeasure ? nil : MachinePeak.cached(root: root, path: isa)
      let peak = cached ?? MachinePeak.measure(seconds: seconds, path: isa)
      if cached == nil { try peak.store(root: root) }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(peak), as: UTF8.self))
        return
      }
      let file = MachinePeak.cachePath(root: root, path: isa)
      print(peak.machine)
      print(String(format: "fp32 peak, 1 thread (%@): %.1f GFLOP/s", peak.path, peak.fp32GFLOPS))
      print(String(format: "memory read, 1 thread: %.1f GB/s", peak.readGBPerSecond))
      print(
        cached != nil
          ? "cached \(peak.measured) in \(file) (--remeasure to measure again)"
          : "measured now; cached in \(file)")
    }
  }
}
