/// The loop nest that visits every element of a broadcast result, with as few axes as possible:
/// axes of extent 1 are dropped and neighbouring axes merged wherever every operand either
/// spans both contiguously or broadcasts along both. The last axis is the inner loop.
///
/// Shared by the interpreter and the C backend for `fused_elementwise` and epilogues, so both
/// walk elements the same way: `[2, 3, 4] + [4]` becomes one loop of 6 rows × 4 elements with
/// strides `[12·…]`; two same-shaped operands become a single flat loop.
public struct BroadcastLoop: Hashable, Sendable {
  /// The extents of the merged axes (at least one axis; `[1]` for a single element).
  public let shape: [Int]
  /// For each operand, its element stride along each merged axis (0 where it broadcasts).
  public let strides: [[Int]]

  /// The loop over `output` reading operands of `operands` shapes, each of which must
  /// broadcast to `output`.
  public init(output: [Int], operands: [[Int]]) {
    let full = operands.map { Self.broadcastStrides($0, to: output) }
    var shape: [Int] = []
    var strides = [[Int]](repeating: [], count: operands.count)
    for axis in output.indices where output[axis] != 1 {
      let extent = output[axis]
      if let last = shape.last,
        full.indices.allSatisfy({ strides[$0].last! == full[$0][axis] * extent })
      {
        // Merge into the previous axis: it steps exactly over this one for every operand.
        shape[shape.count - 1] = last * extent
        for operand in full.indices {
          strides[operand][strides[operand].count - 1] = full[operand][axis]
        }
      } else {
        shape.append(extent)
        for operand in full.indices { strides[operand].append(full[operand][axis]) }
      }
    }
    if shape.isEmpty {
      shape = [1]
      strides = strides.map { _ in [0] }
    }
    self.shape = shape
    self.strides = strides
  }

  /// Row-major strides of `shape` read while iterating over `output` (0 on broadcast axes).
  public static func broadcastStrides(_ shape: [Int], to output: [Int]) -> [Int] {
    var own = [Int](repeating: 0, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
      own[axis] = shape[axis] == 1 ? 0 : running
      running *= shape[axis]
    }
    let offset = output.count - shape.count
    return output.indices.map { $0 < offset ? 0 : own[$0 - offset] }
  }
}
