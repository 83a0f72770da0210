@testable import TinyTorch

/// Seeded random shapes for property-style gradient tests.
struct RandomShapes {
  var generator: RandomGenerator

  init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

  /// A shape of rank `0...maxRank` with dimensions `1...maxDim`.
  mutating func shape(maxRank: Int = 3, maxDim: Int = 3) -> [Int] {
    let rank = Int.random(in: 0...maxRank, using: &generator)
    return (0..<rank).map { _ in Int.random(in: 1...maxDim, using: &generator) }
  }

  /// Two shapes that broadcast together: the second is derived from the first by dropping
  /// leading axes and setting random axes of either operand to 1.
  mutating func broadcastPair(maxRank: Int = 4) -> ([Int], [Int]) {
    var a = shape(maxRank: maxRank)
    var b = Array(a.dropFirst(Int.random(in: 0...a.count, using: &generator)))
    for i in b.indices where Bool.random(using: &generator) { b[i] = 1 }
    for i in a.indices where Int.random(in: 0..<4, using: &generator) == 0 { a[i] = 1 }
    return Bool.random(using: &generator) ? (a, b) : (b, a)
  }

  /// A random subset of the axes of a rank-`rank` tensor (some given as negative numbers), or nil.
  mutating func axes(rank: Int) -> [Int]? {
    if rank == 0 || Int.random(in: 0..<5, using: &generator) == 0 { return nil }
    var axes = (0..<rank).filter { _ in Bool.random(using: &generator) }
    if axes.isEmpty { axes = [Int.random(in: 0..<rank, using: &generator)] }
    return axes.map { Bool.random(using: &generator) ? $0 - rank : $0 }
  }

  mutating func bool() -> Bool { Bool.random(using: &generator) }
}
