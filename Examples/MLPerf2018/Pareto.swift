import TTCharts

/// The Pareto summary of an olympics: which configurations are worth having.
struct ParetoSummary {
  /// How far below the baseline's accuracy a configuration may be and still qualify.
  var tolerance: Double
  /// The fastest compiled configuration whose compiled accuracy is within ``tolerance`` of the
  /// baseline's (the first measurement).
  var fastest: Measurement
  /// The configuration with the fewest weight bytes within the same tolerance.
  var smallest: Measurement
  /// Indices of the configurations no other one beats in both compiled latency and accuracy,
  /// fastest first (``TTCharts/ParetoFront``).
  var frontIndices: [Int]
  /// Those configurations.
  var front: [Measurement]

  /// The summary of `measurements`; the first is the fp32 baseline, which always qualifies.
  init(_ measurements: [Measurement], tolerance: Double = 0.01) {
    self.tolerance = tolerance
    let floor = measurements[0].compiledAccuracy - tolerance - 1e-9
    let eligible = measurements.filter { $0.compiledAccuracy >= floor }
    fastest = eligible.min { $0.compiledSeconds < $1.compiledSeconds }!
    smallest = eligible.min { $0.weightBytes < $1.weightBytes }!
    frontIndices = ParetoFront.indices(
      of: measurements.map { ($0.compiledSeconds, $0.compiledAccuracy) }, x: .lower, y: .higher)
    front = frontIndices.map { measurements[$0] }
  }
}
