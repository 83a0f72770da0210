import TTIR

/// A value that a chain of data-movement ops (`reshape`, `flatten`, `transpose`, `slice`) reads
/// out of another value without computing anything: element `i` (a multi-index over `shape`) is
/// element `offset + Σ i[a] · strides[a]` of `source`'s row-major storage.
struct StridedView: Equatable {
  /// The value the chain starts from (the first one not written by a data-movement op).
  var source: String
  /// The shape of the viewed value.
  var shape: [Int]
  /// The step in `source`'s storage per index of each axis.
  var strides: [Int]
  /// Where element `[0, 0, …]` lies in `source`'s storage.
  var offset: Int

  /// The most data-movement ops a chain may have (so looking through chains stays linear).
  static let maximumChain = 16

  /// `value` read as itself: row-major strides.
  init(contiguous value: String, shape: [Int]) {
    source = value
    self.shape = shape
    strides = Self.rowMajorStrides(shape)
    offset = 0
  }

  /// Row-major strides of `shape`.
  static func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    return strides
  }

  /// The strides of this view reshaped to `newShape` without moving data, or nil when the
  /// reshape merges axes that are not adjacent in storage (PyTorch's `view` rule).
  func reshaped(to newShape: [Int]) -> StridedView? {
    var view = self
    view.shape = newShape
    guard shape.reduce(1, *) == newShape.reduce(1, *) else { return nil }
    if shape.isEmpty || newShape.contains(0) {  // one element or none: any strides will do
      view.strides = Self.rowMajorStrides(newShape)
      return view
    }
    // Walk chunks of old axes that are contiguous among themselves, from the last, and give the
    // new axes covering the same elements strides inside that chunk.
    var newStrides = [Int](repeating: 0, count: newShape.count)
    var newAxis = newShape.count - 1
    var chunkBase = strides.last!
    var (oldCount, newCount) = (1, 1)
    for oldAxis in shape.indices.reversed() {
      oldCount *= shape[oldAxis]
      let chunkEnds =
        oldAxis == 0 || (shape[oldAxis - 1] != 1 && strides[oldAxis - 1] != oldCount * chunkBase)
      guard chunkEnds else { continue }
      while newAxis >= 0 && (newCount < oldCount || newShape[newAxis] == 1) {
        newStrides[newAxis] = newCount * chunkBase
        newCount *= newShape[newAxis]
        newAxis -= 1
      }
      guard newCount == oldCount else { return nil }
      if oldAxis > 0 { (chunkBase, oldCount, newCount) = (strides[oldAxis - 1], 1, 1) }
    }
    guard newAxis == -1 else { return nil }
    view.strides = newStrides
    return view
  }
}

extension GraphEditor {
  /// `value` as a strided view of the value its chain of data-movement ops starts from (at most
  /// ``StridedView/maximumChain`` ops; a longer chain starts the view part-way), or nil when a
  /// `reshape` in the chain moves data.
  func stridedView(of value: String) -> StridedView? {
    var chain: [NodeID] = []
    var source = value
    while chain.count < StridedView.maximumChain, let id = producer(of: source),
      [.reshape, .flatten, .transpose, .slice].contains(self[id].op)
    {
      chain.append(id)
      source = self[id].inputs[0]
    }
    guard let sourceType = type(of: source) else { return nil }
    var view = StridedView(contiguous: source, shape: sourceType.shape)
    for id in chain.reversed() {
      let node = self[id]
      guard let outputShape = type(of: node.outputs[0])?.shape else { return nil }
      switch node.op {
      case .transpose:
        let perm = (node.ints("perm") ?? []).map { $0 < 0 ? $0 + view.shape.count : $0 }
        guard perm.count == view.shape.count else { return nil }
        (view.shape, view.strides) = (perm.map { view.shape[$0] }, perm.map { view.strides[$0] })
      case .slice:
        let (starts, ends) = (node.ints("starts") ?? [], node.ints("ends") ?? [])
        let steps = node.ints("steps") ?? Array(repeating: 1, count: view.shape.count)
        guard starts.count == view.shape.count, ends.count == starts.count, steps.count == starts.count else {
          return nil
        }
        for axis in view.shape.indices {
          let range = ShapeInference.sliceRange(
            start: starts[axis], end: ends[axis], step: steps[axis], length: view.shape[axis])
          view.offset += range.start * view.strides[axis]
          view.strides[axis] *= steps[axis]
        }
        view.shape = outputShape
      default:  // reshape, flatten
        guard let reshaped = view.reshaped(to: outputShape) else { return nil }
        view = reshaped
      }
      guard view.shape == outputShape else { return nil }
    }
    return view
  }
}
