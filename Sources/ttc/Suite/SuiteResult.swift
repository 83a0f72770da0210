/// What one entry of the suite measured.
struct SuiteMeasurement {
  /// Which memory `activationBytes` counts.
  enum ActivationMemory: String, Encodable {
    /// The compiled library's workspace (one arena planned by liveness).
    case arena
    /// The interpreter's most bytes of live intermediate buffers.
    case peak
  }

  let latency: Latency
  /// `--callers N` concurrent callers of a compiled library.
  let concurrent: Latency?
  let weightsBytes: Int
  let activationBytes: Int
  let activationMemory: ActivationMemory
  /// tinydigits test accuracy (models that classify digits, when the data was found).
  let accuracy: Double?
  /// The largest absolute difference of the outputs from the unoptimized graph interpreted.
  let maxAbsoluteDifference: Double?
}

/// One entry of the suite and how it went.
struct SuiteResult {
  let entry: SuiteEntry
  let outcome: Result<SuiteMeasurement, CommandFailure>

  /// The measurement, if the entry ran.
  var measurement: SuiteMeasurement? { try? outcome.get() }

  /// `12.3 µs` or `failed: <reason>`, for the progress line.
  var summary: String {
    switch outcome {
    case .success(let measurement): Format.duration(measurement.latency.median)
    case .failure(let failure): "failed: \(oneLine(failure.description))"
    }
  }
}
