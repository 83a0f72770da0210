import TTIR
import TTRuntime

/// A node with the types of its inputs and output.
struct NodeContext {
  let node: Node
  let index: Int
  let inputTypes: [TensorType]
  let outputType: TensorType
  /// The weight an int8 layer reads packed (``TTIR/Node/int8WeightPacking(in:)``), which an
  /// embedded weights blob holds packed (``WeightsLayout``; only packed, unless another node or an
  /// output reads it): `tt_qlinear_packed` and `tt_qconv2d_packed` multiply it without packing it
  /// or computing row sums per call, in register blocks that need no horizontal sums.
  let int8Packing: Int8WeightPacking?
  /// The f32 weight a `conv2d` reads packed for its geometry (``TTIR/Graph/packedConvolutionWeight(of:)``),
  /// when the library embeds its weights pre-packed (``CEmitter/emit(_:graphHash:weights:packingPath:)``
  /// with a path): `tt_conv2d_packed` then needs only `tt_conv2d_packed_scratch`.
  var convolutionPacking: ConvolutionPacking? = nil

  /// An error naming this node, e.g. `node 'fc1' (linear): f16 is not supported by the C backend`.
  func unsupported(_ message: String) -> CodegenError {
    .unsupported("node '\(node.name)' (\(node.op)): \(message)")
  }

  /// Requires every input to be `f32`, except an attention mask (input 3 of
  /// `scaled_dot_product_attention`), gather indices (input 1 of `gather`) and CSR or sliced
  /// indices (inputs 2 and 3 of `sparse_linear`).
  func requireF32() throws(CodegenError) {
    for (index, type) in inputTypes.enumerated() where type.dtype != .f32 {
      if node.op == .scaledDotProductAttention && index == 3 { continue }  // masks may be integers
      if node.op == .gather && index == 1 { continue }  // indices
      if node.op == .sparseLinear && (index == 2 || index == 3) { continue }  // CSR or sliced indices
      if node.op == .linear && index == 1 && type.dtype == .f16 { continue }  // f16 weights (tt_hgemm)
      throw unsupported(
        "the C backend computes this op in f32 only, input \(index) is \(type.dtype) (cast it first)")
    }
  }

  /// Floats of scratch the node's kernel needs while it runs, as the runtime itself computes it
  /// (`tt_sgemm_scratch`, `tt_conv2d_scratch`, `tt_attention_scratch` of the TTRuntime library: one formula, in C). The
  /// library's answer covers every instruction-set path, so it is enough for the one a model
  /// library compiles.
  func scratchFloats() throws(CodegenError) -> Int {
    switch node.op {
    case .matmul, .linear:
      let (a, y) = (inputTypes[0].shape, outputType.shape)
      let (k, n) = (a.last ?? 0, y.last ?? 0)
      // All output rows: the emitter may fold a batch into the rows of one product, and scratch only
      // grows with m, so this covers the per-batch products too.
      let m = y.dropLast().reduce(1, *)
      if node.op == .linear && inputTypes[1].dtype == .f16 {
        return Int(tt_hgemm_scratch(Int64(m), Int64(n), Int64(k)))
      }
      return Int(tt_sgemm_scratch(Int64(m), Int64(n), Int64(k)))
    case .sparseLinear:
      let inFeatures = Int64(inputTypes[0].shape.last ?? 0)
      return Int(
        node.string("layout") == "sliced"
          ? tt_sparse_sliced_scratch(inFeatures) : tt_sparse_linear_scratch(inFeatures))
    case .conv2d:
      var shape = node.convolutionShape(
        x: inputTypes[0].shape, weight: inputTypes[1].shape, y: outputType.shape)
      return Int(convolutionPacking == nil ? tt_conv2d_scratch(&shape) : tt_conv2d_packed_scratch(&shape))
    case .scaledDotProductAttention:
      let (q, k, v) = (inputTypes[0].shape, inputTypes[1].shape, inputTypes[2].shape)
      let heads = node.int("heads") ?? 1
      let (sq, d, sk, dv) = (q[q.count - 2], q[q.count - 1] / heads, k[k.count - 2], v[v.count - 1] / heads)
      return Int(tt_attention_scratch(Int64(sq), Int64(sk), Int64(d), Int64(dv)))
    case .quantizedLinear, .quantizedConv2d:
      // The kernel's scratch, then an f32 x quantized (see Emission.quantized()).
      return quantizedKernelScratch + (inputTypes[0].dtype == .f32 ? (inputTypes[0].elementCount + 3) / 4 : 0)
    default:
      return 0
    }
  }
}

extension NodeContext {
  /// The 4-byte units of scratch the int8 kernel of a `quantized_linear` (the accumulators m·n and
  /// weight row sums n, or `tt_qlinear_packed_scratch`) or `quantized_conv2d`
  /// (`tt_qconv2d_scratch`) needs.
  var quantizedKernelScratch: Int {
    if node.op == .quantizedConv2d {
      var shape = node.convolutionShape(
        x: inputTypes[0].shape, weight: inputTypes[1].shape, y: outputType.shape)
      return (Int(tt_qconv2d_scratch(&shape)) + 3) / 4
    }
    let (m, n, k) = (inputTypes[0].rowCount, inputTypes[1].shape[0], inputTypes[1].shape[1])
    return max(m * n + n, (Int(tt_qlinear_packed_scratch(Int64(m), Int64(n), Int64(k))) + 3) / 4)
  }

}

/// A `conv2d` weight packed by `tt_conv2d_pack_isa` for one geometry (the packed form depends on it,
/// so a weight two convolutions of different shapes read is packed once for each).
public struct ConvolutionPacking: Sendable, Hashable {
  /// The weight's value name.
  public var weight: String
  /// The geometry's fields in `tt_conv2d_shape` order, the batch (not part of the packed form) as 0.
  public var geometry: [Int64]

  /// The packing of `weight` for the geometry of `shape` (its batch ignored).
  public init(weight: String, shape: tt_conv2d_shape) {
    self.weight = weight
    let s = shape
    geometry = [0, s.c, s.h, s.w, s.o, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, s.groups, s.oh, s.ow]
  }

  /// Name order, then geometry order (the blob's order).
  static func precedes(_ a: Self, _ b: Self) -> Bool {
    a.weight != b.weight ? a.weight < b.weight : a.geometry.lexicographicallyPrecedes(b.geometry)
  }

  /// The geometry as the runtime's shape (batch 0).
  public var shape: tt_conv2d_shape {
    let g = geometry
    return tt_conv2d_shape(
      n: g[0], c: g[1], h: g[2], w: g[3], o: g[4], kh: g[5], kw: g[6], sh: g[7], sw: g[8], ph: g[9],
      pw: g[10],
      dh: g[11], dw: g[12], groups: g[13], oh: g[14], ow: g[15])
  }
}

extension Node {
  /// A `conv2d`'s geometry as the runtime's `tt_conv2d_shape`, given the input, weight and output
  /// shapes (the verifier has checked them).
  func convolutionShape(x: [Int], weight w: [Int], y: [Int]) -> tt_conv2d_shape {
    let pair: (String, Int) -> [Int64] = { name, fallback in
      let values = (self.ints(name) ?? [fallback]).map(Int64.init)
      return values.count == 1 ? [values[0], values[0]] : values
    }
    let (stride, padding, dilation) = (pair("stride", 1), pair("padding", 0), pair("dilation", 1))
    return tt_conv2d_shape(
      n: Int64(x[0]), c: Int64(x[1]), h: Int64(x[2]), w: Int64(x[3]), o: Int64(w[0]), kh: Int64(w[2]),
      kw: Int64(w[3]), sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0],
      dw: dilation[1], groups: Int64(int("groups") ?? 1), oh: Int64(y[2]), ow: Int64(y[3]))
  }
}
