import TTIR

/// Sets the leading (batch) dimension of every graph input and re-derives every type.
///
/// The tracer writes reshapes that keep the batch axis in place with `0` ("copy this
/// dimension") and slices over the whole leading batch axis with an open end, but it bakes the
/// traced batch size into shape attributes wherever the batch axis has moved (the q/k/v split of
/// an attention: `reshape → transpose → slice → reshape`). So the pass walks the graph once in
/// order and, at each node whose input shapes change, rewrites the shape attributes that span a
/// changed axis:
/// - `reshape`: the target dimension that holds the changed input axis (found by the element
///   offsets of the row-major layout, so merged and moved batch axes work) is scaled by the
///   same factor;
/// - `slice`: a slice over the whole of a changed axis (step 1) covers the whole new axis;
/// - `resize`: an axis kept at its size (scale 1) keeps the new size.
///
/// A graph that cannot take the new batch size (a slice of some batch rows, a reshape splitting
/// the batch axis, a weight broadcast against it) fails shape inference, and the error names the
/// first node that cannot.
public struct SpecializeBatch: Pass {
  public static let name = "specialize-batch"
  public static let purpose = "Sets the leading (batch) dimension of every input and re-derives all types."

  /// The batch size to specialize to (positive).
  public var batchSize: Int

  /// A pass specializing to `batchSize`.
  public init(batchSize: Int) { self.batchSize = batchSize }

  public var options: String { "batch=\(batchSize)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    guard batchSize > 0 else {
      throw GraphError(graph: graph.name, "batch size must be positive, got \(batchSize)")
    }
    guard let current = graph.batchSize else {
      throw GraphError(
        graph: graph.name, "inputs do not share a leading batch dimension; cannot re-specialize")
    }
    if current == batchSize { return false }
    let traced = try ShapeInference.valueTypes(of: graph)
    var types: [String: TensorType] = [:]
    for (name, data) in graph.weights { types[name] = data.type }
    graph.inputs = graph.inputs.map { input in
      var shape = input.type.shape
      shape[0] = batchSize
      let specialized = ValueInfo(name: input.name, type: TensorType(input.type.dtype, shape))
      types[input.name] = specialized.type
      return specialized
    }
    for index in graph.nodes.indices {
      let node = graph.nodes[index]
      let before = node.inputs.map { traced[$0]! }  // the traced graph inferred: all defined
      let after = node.inputs.map { types[$0]! }  // defined in the same order
      if before != after {
        graph.nodes[index] = try Self.respecialized(node, from: before[0], to: after[0])
      }
      let outputs = try ShapeInference.outputTypes(of: graph.nodes[index], inputTypes: after)
      for (name, type) in zip(node.outputs, outputs) { types[name] = type }
    }
    graph.outputs = graph.outputs.map { ValueInfo(name: $0.name, type: types[$0.name]!) }
    return true
  }

  /// `node` with the shape attributes that span an axis of its first input that changed from
  /// `before` to `after` rewritten for the new size.
  static func respecialized(_ node: Node, from before: TensorType, to after: TensorType)
    throws(GraphError) -> Node
  {
    guard before.rank == after.rank else { return node }
    let changed = before.shape.indices.filter { before.shape[$0] != after.shape[$0] }
    guard !changed.isEmpty else { return node }
    guard !before.shape.contains(0) else {
      throw GraphError(node: node, "cannot re-specialize the empty input \(before)")
    }
    var node = node
    switch node.op {
    case .reshape:
      guard var target = node.ints("shape") else { return node }
      let traced = try ShapeInference.outputTypes(of: node, inputTypes: [before])[0].shape
      for axis in changed {
        guard let holder = holdingAxis(of: axis, in: before.shape, reshapedTo: traced) else {
          throw GraphError(
            node: node, "reshape \(target) splits axis \(axis) of \(before), which the batch size changes")
        }
        guard target[holder] > 0 else { continue }  // 0 copies it, -1 infers it
        let scaled = target[holder] / before.shape[axis]
        guard target[holder] % before.shape[axis] == 0,
          case (let size, false) = scaled.multipliedReportingOverflow(by: after.shape[axis])
        else { throw GraphError(node: node, "cannot rescale reshape \(target) to \(after)") }
        target[holder] = size
      }
      node.attributes["shape"] = .ints(target)
    case .slice:
      guard var starts = node.ints("starts"), var ends = node.ints("ends"), starts.count == before.rank,
        ends.count == before.rank
      else { return node }
      let steps = node.ints("steps") ?? Array(repeating: 1, count: before.rank)
      for axis in changed where steps.indices.contains(axis) && steps[axis] == 1 {
        let range = ShapeInference.sliceRange(
          start: starts[axis], end: ends[axis], step: 1, length: before.shape[axis])
        guard range.start == 0, range.count == before.shape[axis] else { continue }
        (starts[axis], ends[axis]) = (0, after.shape[axis])
      }
      node.attributes["starts"] = .ints(starts)
      node.attributes["ends"] = .ints(ends)
    case .resize:
      guard var sizes = node.ints("sizes"), let scales = node.floats("scales"), sizes.count == before.rank,
        scales.count == before.rank
      else { return node }
      for axis in changed where sizes[axis] == before.shape[axis] && scales[axis] == 1 {
        sizes[axis] = after.shape[axis]
      }
      node.attributes["sizes"] = .ints(sizes)
    case .neg, .exp, .log, .sqrt, .abs, .relu, .sigmoid, .tanh, .erf, .gelu, .leakyRelu, .clamp,
      .add, .sub, .mul, .div, .pow, .maximum, .minimum, .equal, .less, .greater, .mod, .where,
      .matmul, .linear, .sparseLinear, .quantizedLinear, .conv2d, .maxPool2d, .avgPool2d,
      .batchNorm, .softmax, .logSoftmax, .layerNorm, .transpose, .flatten, .concat, .gather,
      .reduceSum, .reduceMean, .reduceMax, .reduceMin, .argmax, .scaledDotProductAttention,
      .cast, .quantizeLinear, .dequantizeLinear, .fusedElementwise, .quantizedConv2d:
      break  // no attribute holds a dimension size: types follow from the inputs
    }
    return node
  }

  /// The axis of `output` (a row-major reshape of `input`) that holds all of axis `axis` of
  /// `input`: its span of element offsets lies within that axis's span; nil when the axis is
  /// split over several output axes.
  static func holdingAxis(of axis: Int, in input: [Int], reshapedTo output: [Int]) -> Int? {
    let outer = input[..<axis].reduce(1, *)  // elements count: no overflow
    let span = outer * input[axis]
    var before = 1
    for (index, size) in output.enumerated() {
      let through = before * size
      if before <= outer, span <= through, outer % before == 0, through % span == 0 { return index }
      before = through
    }
    return nil
  }
}
