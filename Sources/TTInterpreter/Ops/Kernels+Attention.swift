import TTIR
import TTKernels

extension Kernels {
  /// `scaled_dot_product_attention` with
  /// ``TTKernels/Attention/forward(q:qShape:k:kShape:v:vShape:mask:causal:scale:_:)``: a float
  /// mask is added to the scores, an integer mask keeps positions where it is nonzero, and
  /// `causal` keeps key `j` for query `i` when `j ≤ i + Sk − Sq` (queries aligned with the last
  /// keys, as with a KV cache). A query whose keys are all blocked gets a zero output row. With
  /// `heads`, q, k and v are `[..., S, heads·D]`: they are split into `[..., heads, S, D]`, and the
  /// result merged back into `[..., Sq, heads·Dv]`.
  static func attention(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let node = step.node
    let heads = node.int("heads") ?? 1
    let packed = node.attributes["heads"] != nil
    let shapes = arguments.prefix(3).map { argument in
      let shape = argument.shape
      return packed
        ? shape.dropLast(2) + [heads, shape[shape.count - 2], shape[shape.count - 1] / heads] : shape
    }
    let (q, k, v) = (shapes[0], shapes[1], shapes[2])
    let scale = node.float("scale").map(Float.init) ?? AttentionScale.defaultScale(depth: q[q.count - 1])
    let mask = arguments.count > 3 ? arguments[3] : nil
    let kind: Attention.MaskKind = mask?.dtype.isFloatingPoint ?? true ? .additive : .keep
    var values = arguments.map { $0.floats() }
    for index in 0..<3 where packed { values[index] = movingHeads(values[index], shapes[index], split: true) }
    let outShape = Attention.outputShape(q: q, k: k, v: v)!
    let result = withPointers(values) { inputs in
      [Float](unsafeUninitializedCapacity: max(outShape.reduce(1, *), 1)) { buffer, initialized in
        Attention.forward(
          q: inputs[0], qShape: q, k: inputs[1], kShape: k, v: inputs[2], vShape: v,
          mask: mask.map { Attention.Mask(inputs[3], shape: $0.shape, kind: kind) },
          causalOffset: node.bool("causal") ?? false ? k[k.count - 2] - q[q.count - 2] : nil,
          scale: scale, buffer.baseAddress!)
        initialized = buffer.count
      }
    }
    let merged = packed ? movingHeads(result, outShape, split: false) : result
    return output(step.outputType) { out in
      for index in 0..<step.outputType.elementCount { out[index] = merged[index] }
    }
  }

  /// `[..., S, H, D]` ↔ `[..., H, S, D]` where `shape` is the heads-first form `[..., H, S, D]`:
  /// `split` moves the head axis before the positions, otherwise back after them.
  static func movingHeads(_ values: [Float], _ shape: [Int], split: Bool) -> [Float] {
    let rank = shape.count
    let (heads, positions, size) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
    let block = heads * positions * size
    var moved = values
    for start in stride(from: 0, to: values.count, by: max(block, 1)) {
      for h in 0..<heads {
        for s in 0..<positions {
          let headsFirst = start + (h * positions + s) * size
          let positionsFirst = start + (s * heads + h) * size
          for i in 0..<size {
            if split {
              moved[headsFirst + i] = values[positionsFirst + i]
            } else {
              moved[positionsFirst + i] = values[headsFirst + i]
            }
          }
        }
      }
    }
    return moved
  }
}
