import TTKernels

/// An n-dimensional array of `Float` values that can record the operations applied to it, so
/// that gradients can flow back through them (reverse-mode automatic differentiation).
///
/// `Tensor` has reference semantics, like a PyTorch tensor: parameters are shared between a
/// module and its optimizer, and `grad` accumulates on the same object. Values are stored
/// contiguously in row-major (C) order.
///
/// ```swift
/// let w = Tensor.randn([3, 2], seed: 0, requiresGrad: true)
/// let x = Tensor([[1, 2, 3]])
/// let loss = try x.matmul(w).relu().sum()
/// try loss.backward()
/// print(w.grad!)
/// ```
public final class Tensor {
  /// The extent of each axis; `[]` for a scalar.
  public let shape: [Int]
  /// The element type. Eager tensors are `Float32`; the IR also knows f16, i8, i32 and i64.
  public var dtype: ScalarType { .float32 }
  /// The values, row-major.
  public internal(set) var scalars: [Float]
  /// Whether gradients are tracked for this tensor.
  public var requiresGrad: Bool
  /// The accumulated gradient after ``backward(seed:)``; same shape as the tensor.
  public var grad: Tensor?
  /// The operation that produced this tensor, when it was produced under gradient tracking.
  var gradFunction: GradFunction?
  /// The gradient collected for this tensor while ``backward(seed:)`` runs (nil otherwise).
  var pendingGrad: Tensor?
  /// The mark of the last graph traversal that visited this tensor.
  var visitMark: UInt64 = 0
  /// The pruning mask (1 keeps a value, 0 holds it at zero) set by ``Pruning``; optimizers
  /// re-apply it after every step. Nil when the tensor is not pruned.
  public internal(set) var pruningMask: [Float]?
  /// The allocation counter this tensor's storage is counted by, and the buffer it counted (see
  /// ``TensorAllocationCounter``); nil when no counter was installed at creation.
  var allocation: (counter: TensorAllocationCounter, address: UnsafeRawPointer)?

  /// Creates a tensor from row-major values and a shape. Throws when the counts differ.
  public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) throws {
    try Tensor.checkShape(shape, op: "Tensor(shape:scalars:)")
    guard ShapeMath.count(shape) == scalars.count else {
      throw TensorError.invalidArgument(
        "shape \(shape) needs \(ShapeMath.count(shape)) values, got \(scalars.count)")
    }
    self.init(uncheckedShape: shape, scalars: scalars, requiresGrad: requiresGrad)
  }

  /// Creates a tensor whose shape is known to match `scalars.count`.
  init(uncheckedShape shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
    self.shape = shape
    self.scalars = scalars
    self.requiresGrad = requiresGrad
    countAllocation()
  }

  /// A scalar (rank-0) tensor.
  public convenience init(_ value: Float, requiresGrad: Bool = false) {
    self.init(uncheckedShape: [], scalars: [value], requiresGrad: requiresGrad)
  }

  /// A vector.
  public convenience init(_ values: [Float], requiresGrad: Bool = false) {
    self.init(uncheckedShape: [values.count], scalars: values, requiresGrad: requiresGrad)
  }

  /// A matrix from rows.
  ///
  /// Rows of different lengths are a programming error: the program stops with a message naming
  /// the first row whose length differs (``init(validatingRows:requiresGrad:)`` throws instead).
  public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) {
    let shape = ArgumentCheck.orStop { try Tensor.matrixShape(rows) }
    self.init(uncheckedShape: shape, scalars: rows.flatMap { $0 }, requiresGrad: requiresGrad)
  }

  /// A rank-3 tensor from nested arrays; ragged arrays stop the program with a message naming the
  /// first part whose length differs (``init(validatingPlanes:requiresGrad:)`` throws instead).
  public convenience init(_ planes: [[[Float]]], requiresGrad: Bool = false) {
    let shape = ArgumentCheck.orStop { try Tensor.nestedShape(planes) }
    self.init(
      uncheckedShape: shape, scalars: planes.flatMap { $0.flatMap { $0 } }, requiresGrad: requiresGrad)
  }

  /// A matrix from rows of values that may come from data (a file, user input).
  /// - Throws: naming the first row whose length differs from the first row's.
  public convenience init(validatingRows rows: [[Float]], requiresGrad: Bool = false) throws {
    let shape = try Tensor.matrixShape(rows)
    self.init(uncheckedShape: shape, scalars: rows.flatMap { $0 }, requiresGrad: requiresGrad)
  }

  /// A rank-3 tensor from nested arrays that may come from data.
  /// - Throws: naming the first part whose length differs.
  public convenience init(validatingPlanes planes: [[[Float]]], requiresGrad: Bool = false) throws {
    let shape = try Tensor.nestedShape(planes)
    self.init(
      uncheckedShape: shape, scalars: planes.flatMap { $0.flatMap { $0 } }, requiresGrad: requiresGrad)
  }

  /// The shape `[rows, width]` of a matrix literal, or an error naming the first ragged row.
  static func matrixShape(_ rows: [[Float]]) throws -> [Int] {
    let width = rows.first?.count ?? 0
    if let r = rows.firstIndex(where: { $0.count != width }) {
      throw TensorError.invalidArgument(
        "Tensor([[Float]]): row \(r) has \(rows[r].count) values, row 0 has \(width) (ragged literal)")
    }
    return [rows.count, width]
  }

  /// The shape `[planes, rows, width]` of a rank-3 literal, or an error naming the first ragged
  /// plane or row.
  static func nestedShape(_ planes: [[[Float]]]) throws -> [Int] {
    let rows = planes.first?.count ?? 0
    let width = planes.first?.first?.count ?? 0
    for (p, plane) in planes.enumerated() {
      try ArgumentCheck.require(
        plane.count == rows,
        "Tensor([[[Float]]]): plane \(p) has \(plane.count) rows, plane 0 has \(rows) (ragged literal)")
      if let r = plane.firstIndex(where: { $0.count != width }) {
        throw TensorError.invalidArgument(
          "Tensor([[[Float]]]): plane \(p), row \(r) has \(plane[r].count) values, "
            + "row 0 of plane 0 has \(width) (ragged literal)")
      }
    }
    return [planes.count, rows, width]
  }

  /// Releases the autograd graph behind this tensor without recursion (see ``GraphRelease``).
  deinit {
    if let allocation { allocation.counter.release(allocation.address) }
    guard gradFunction != nil else { return }
    let mustDrain = GraphRelease.enqueue(gradFunction!)
    gradFunction = nil
    if mustDrain { GraphRelease.drain() }
  }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }
  /// The single value of a one-element tensor (like PyTorch's `.item()`).
  ///
  /// Any other tensor is a programming error: the program stops with a message naming the shape
  /// (``itemValue()`` throws instead).
  public var item: Float { ArgumentCheck.orStop { try itemValue() } }

  /// The single value of a one-element tensor.
  /// - Throws: naming the shape and element count when the tensor has more or fewer elements.
  public func itemValue() throws -> Float {
    try ArgumentCheck.require(
      scalars.count == 1,
      "Tensor.item: needs a one-element tensor, got shape \(shape) with \(scalars.count) elements")
    return scalars[0]
  }
  /// Whether this tensor is a leaf of the autograd graph (created by the user, not an op).
  public var isLeaf: Bool { gradFunction == nil }

  /// A tensor with these values, cut from the autograd graph. Unlike PyTorch's `detach()`, the
  /// values are a (copy-on-write) copy: updating either tensor in place leaves the other as it was.
  public func detached() -> Tensor {
    Tensor(uncheckedShape: shape, scalars: scalars)
  }

  /// Resets the accumulated gradient.
  public func zeroGrad() { grad = nil }

  /// Replaces the values in place (shapes must match), e.g. when loading a state dict.
  public func assign(_ other: Tensor) throws {
    guard other.shape == shape else {
      throw TensorError.shapeMismatch(op: "assign", shape, other.shape)
    }
    scalars = other.scalars
  }

  /// Applies `body` to the values in place; used by optimizers.
  public func updateScalars(_ body: (inout UnsafeMutableBufferPointer<Float>) -> Void) {
    scalars.withUnsafeMutableBufferPointer { body(&$0) }
  }
}

/// Element types a tensor can hold.
public enum ScalarType: String, Sendable {
  case float32 = "f32"
  case float16 = "f16"
  case int8 = "i8"
  case int32 = "i32"
  case int64 = "i64"
}

extension Tensor: CustomStringConvertible {
  /// A NumPy-like rendering, abbreviated for large tensors.
  public var description: String {
    func fmt(_ v: Float) -> String {
      // Round to 4 decimals only where that cannot overflow; large values print as they are.
      guard Swift.abs(v) < 1e7 else { return String(v) }
      let r = (v * 10000).rounded() / 10000
      return r == r.rounded() ? String(Int(r)) + "." : String(r)
    }
    if shape.isEmpty { return "tensor(\(fmt(scalars[0])))" }
    let strides = ShapeMath.strides(shape)
    func render(_ axis: Int, _ offset: Int) -> String {
      let n = shape[axis]
      let shown = n > 8 ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array(0..<n)
      let parts = shown.map { i -> String in
        if i < 0 { return "..." }
        return axis == shape.count - 1
          ? fmt(scalars[offset + i]) : render(axis + 1, offset + i * strides[axis])
      }
      return "[" + parts.joined(separator: axis == shape.count - 1 ? ", " : ",\n ") + "]"
    }
    let grad = requiresGrad ? ", requiresGrad" : ""
    return "tensor(\(count == 0 ? "[]" : render(0, 0)), shape: \(shape)\(grad))"
  }
}
