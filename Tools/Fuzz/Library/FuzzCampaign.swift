/// A deterministic fuzz run without coverage feedback: every seed as it is, then mutations of
/// seeds and of earlier accepted mutants (``Mutator``), chosen by a seeded ``FuzzRandom``.
///
/// It needs no sanitizer build, so the test suite runs a short campaign per target; the same
/// targets run under libFuzzer with `scripts/fuzz.sh`. The same seed and execution count give
/// the same inputs, so a crash is reproduced with `ttfuzz TARGET --runs N --seed S`.
public struct FuzzCampaign: Sendable {
  /// What was fed and how much of it the target accepted.
  public struct Report: Sendable, Equatable {
    /// Inputs fed to the target.
    public var executions = 0
    /// Inputs the target accepted (the rest were refused with an error).
    public var accepted = 0
  }

  /// The reader under test.
  public let target: FuzzTarget
  /// The inputs mutations start from.
  public let seeds: [[UInt8]]
  /// Inputs longer than this are cut, so one input cannot make a run slow.
  public var maximumLength = 1 << 16

  /// Creates a campaign over `seeds`.
  public init(target: FuzzTarget, seeds: [[UInt8]]) {
    self.target = target
    self.seeds = seeds
  }

  /// Feeds `executions` inputs to the target; `willRun` sees each input first (to save it).
  public func run(executions: Int, seed: UInt64, willRun: (([UInt8]) -> Void)? = nil) -> Report {
    var random = FuzzRandom(seed: seed)
    var pool = seeds.isEmpty ? [[UInt8]()] : seeds
    let poolLimit = pool.count + 256
    var report = Report()
    for index in 0..<executions {
      var input: [UInt8]
      if index < seeds.count {
        input = seeds[index]
      } else {
        input = Mutator.mutate(pool[random.below(pool.count)], others: pool, random: &random)
      }
      if input.count > maximumLength { input.removeSubrange(maximumLength...) }
      willRun?(input)
      report.executions += 1
      guard target.run(input) else { continue }
      report.accepted += 1
      if index >= seeds.count {
        if pool.count < poolLimit {
          pool.append(input)
        } else {
          pool[seeds.count + random.below(poolLimit - seeds.count)] = input
        }
      }
    }
    return report
  }
}
