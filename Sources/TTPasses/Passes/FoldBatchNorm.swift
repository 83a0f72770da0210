import TTIR

/// Folds an inference `batch_norm` into the `conv2d` or `linear` that feeds it:
/// `bn(conv(x, W, b))` becomes `conv(x, W·s, (b − mean)·s + beta)` with
/// `s = scale / √(var + eps)` per output channel.
///
/// Applies when the producer's only reader is the batch norm, its weight (and bias, if any) and
/// all four batch-norm tensors are `f32` constants, and the channel axis 1 of the batch norm is
/// the producer's output channel: always for `conv2d`, for `linear` only with a rank-2 output
/// (`[N, out]`). The scaled tensors are new weights; the old ones are left to
/// `drop-unused-weights`. The factors are computed in `Double` and rounded once, so outputs stay
/// within float rounding of the unfolded graph.
public struct FoldBatchNorm: Pass {
  public static let name = "fold-batch-norm"
  public static let purpose = "Folds an inference batch norm into the conv2d or linear before it."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    var folded = 0
    for id in editor.nodeIDs where editor.contains(id) && editor[id].op == .batchNorm {
      if try fold(id, &editor) { folded += 1 }
    }
    guard folded > 0 else { return false }
    editor.removeDeadNodes()
    context.count("folded", by: folded)
    graph = editor.graph
    return true
  }

  private func fold(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let norm = editor[id]
    let hidden = norm.inputs[0]
    guard let producerID = editor.producer(of: hidden), editor.consumers(of: hidden) == [id],
      !editor.isGraphOutput(hidden), editor.canReplaceAllUses(of: norm.outputs[0], with: hidden)
    else { return false }
    let producer = editor[producerID]
    guard producer.op == .conv2d || (producer.op == .linear && editor.type(of: hidden)?.rank == 2),
      let weight = editor.constant(producer.inputs[1]), weight.dtype == .f32
    else { return false }
    let bias = producer.inputs.count > 2 ? editor.constant(producer.inputs[2]) : nil
    if producer.inputs.count > 2, bias?.dtype != .f32 { return false }
    let statistics = norm.inputs[1...4].compactMap { editor.constant($0) }
    guard statistics.count == 4, statistics.allSatisfy({ $0.dtype == .f32 }) else { return false }
    let (scale, beta, mean, variance) = (
      statistics[0].floats(), statistics[1].floats(), statistics[2].floats(), statistics[3].floats()
    )
    let epsilon = norm.float("eps") ?? 1e-5
    let factors = zip(scale, variance).map { Double($0) / (Double($1) + epsilon).squareRoot() }
    let channels = factors.count

    var scaled = weight.floats()
    if producer.op == .conv2d {
      let perChannel = scaled.count / channels  // weight [O, C/groups, kh, kw]
      for index in scaled.indices {
        scaled[index] = Float(Double(scaled[index]) * factors[index / perChannel])
      }
    } else {
      for index in scaled.indices { scaled[index] = Float(Double(scaled[index]) * factors[index % channels]) }
    }
    let oldBias = bias?.floats() ?? [Float](repeating: 0, count: channels)
    let newBias = (0..<channels).map { channel in
      Float((Double(oldBias[channel]) - Double(mean[channel])) * factors[channel] + Double(beta[channel]))
    }
    let weightName = editor.addWeight(
      TensorData(scaled, shape: weight.shape), named: "\(norm.name).folded_weight")
    let biasName = editor.addWeight(TensorData(newBias, shape: [channels]), named: "\(norm.name).folded_bias")
    editor.setInputs(of: producerID, to: [producer.inputs[0], weightName, biasName])
    return editor.replaceAllUses(of: norm.outputs[0], with: hidden)
  }
}
