/// Index arithmetic for reference implementations in kernel tests.
enum Indexing {
  /// Every multi-index of `shape`, in row-major order.
  static func all(_ shape: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for extent in shape {
      result = result.flatMap { prefix in (0..<extent).map { prefix + [$0] } }
    }
    return result
  }

  /// The flat row-major offset of `index` in `shape`, reading broadcast (size-1 or missing
  /// leading) axes at 0.
  static func offset(_ index: [Int], in shape: [Int]) -> Int {
    let lead = index.count - shape.count
    var offset = 0
    for (axis, extent) in shape.enumerated() {
      offset = offset * extent + (extent == 1 ? 0 : index[lead + axis])
    }
    return offset
  }
}
