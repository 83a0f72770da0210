/// The Pareto summary of an olympics: which configurations are worth having.
struct ParetoSummary {
  /// The fastest compiled configuration whose compiled accuracy is within `tolerance` of the
  /// baseline's (the first measurement).
  var fastest: Measurement
  /// The configuration with the fewest weight bytes within the same tolerance.
  var smallest: Measurement
  /// The configurations no other one beats in both compiled latency and accuracy, fastest first.
  var front: [Measurement]

  /// The summary of `measurements`; the first is the fp32 baseline, which always qualifies.
  init(_ measurements: [Measurement], tolerance: Double = 0.01) {
    let floor = measurements[0].compiledAccuracy - tolerance - 1e-9
    let eligible = measurements.filter { $0.compiledAccuracy >= floor }
    fastest = eligible.min { $0.compiledSeconds < $1.compiledSeconds }!
    smallest = eligible.min { $0.weightBytes < $1.weightBytes }!
    front = measurements.filter { m in
      !measurements.contains {
        $0.compiledSeconds <= m.compiledSeconds && $0.compiledAccuracy >= m.compiledAccuracy
          && ($0.compiledSeconds < m.compiledSeconds || $0.compiledAccuracy > m.compiledAccuracy)
      }
    }.sorted { $0.compiledSeconds < $1.compiledSeconds }
  }
}
