import TTIR
import TTRuntime

/// How weights are packed into the blob a library embeds (or is given at run time): each tensor
/// at a 64-byte-aligned offset, in name order, bytes exactly as in the graph (little-endian);
/// then, for an embedded blob, the int8 weights that `quantized_linear` and `quantized_conv2d`
/// layers read re-laid out by `tt_qpack_grouped` (Runtime/include/tt_qgemm.h; ``TTIR/Int8WeightPacking``), and the f32 weight matrices of
/// `linear`/`matmul` nodes marked `pack_weight` in the layout of the library's GEMM path
/// (`tt_sgemm_pack_b_isa`), and the f32 weights of `conv2d` nodes in the layout their geometry's
/// convolution algorithm reads on that path (`tt_conv2d_pack_isa`), which the descriptor does not list. A weight only read packed is
/// stored packed only (its bytes grow by the padding of the packed layout).
public struct WeightsLayout: Sendable, Hashable {
  /// One placed weight.
  public struct Entry: Sendable, Hashable {
    /// The value name.
    public var name: String
    /// Its type.
    public var type: TensorType
    /// The byte offset in the blob.
    public var offset: Int
  }

  /// The weights, in name order.
  public var entries: [Entry]
  /// The offsets of the `tt_qpack_grouped` forms of int8 weights, by weight and grouping.
  public var packedInt8: [Int8WeightPacking: Int]
  /// The offsets of the `tt_sgemm_pack_b_isa` forms of f32 `[k, n]` weights, by weight name.
  public var packedF32: [String: Int]
  /// The offsets of the `tt_conv2d_pack_isa` forms of `conv2d` weights, by weight and geometry.
  public var packedConvolution: [ConvolutionPacking: Int]
  /// The GEMM path the f32 weights are packed for.
  public var packingPath: tt_isa
  /// The blob size in bytes.
  public var totalBytes: Int

  /// Lays out every weight of `graph` (the `drop-unused-weights` pass removes unused ones first)
  /// but those in `onlyPacked`, then the packed forms of the int8 weights in `packingInt8`
  /// and of the f32 weights named in `packingF32` and `packingConvolution` (for path `path`).
  public init(
    _ graph: Graph, packingInt8: Set<Int8WeightPacking> = [], packingF32: Set<String> = [],
    packingConvolution: Set<ConvolutionPacking> = [], onlyPacked: Set<String> = [],
    path: tt_isa = TT_ISA_PORTABLE
  ) {
    var offset = 0
    entries = []
    for name in graph.weights.keys.sorted() where !onlyPacked.contains(name) {
      let type = graph.weights[name]!.type
      entries.append(Entry(name: name, type: type, offset: offset))
      offset = MemoryPlanner.aligned(offset + type.byteCount)
    }
    packedInt8 = [:]
    for packing in packingInt8.sorted(by: { ($0.weight, $0.groups) < ($1.weight, $1.groups) }) {
      let (rows, columns) = Int8WeightPacking.matrix(graph.weights[packing.weight]!.type.shape)
      packedInt8[packing] = offset
      offset = MemoryPlanner.aligned(
        offset + Int(tt_qpack_grouped_bytes(Int64(packing.groups), Int64(rows), Int64(columns))))
    }
    packedF32 = [:]
    packingPath = path
    for name in packingF32.sorted() {
      let shape = graph.weights[name]!.type.shape
      packedF32[name] = offset
      offset = MemoryPlanner.aligned(
        offset + 4 * Int(tt_sgemm_packed_b_floats_isa(path, Int64(shape[0]), Int64(shape[1]))))
    }
    packedConvolution = [:]
    for packing in packingConvolution.sorted(by: ConvolutionPacking.precedes) {
      var shape = packing.shape
      packedConvolution[packing] = offset
      offset = MemoryPlanner.aligned(offset + 4 * Int(tt_conv2d_packed_floats_isa(path, &shape)))
    }
    totalBytes = offset
  }

  /// The packed blob for `graph`'s weights.
  public func blob(_ graph: Graph) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: totalBytes)
    for entry in entries {
      let data = graph.weights[entry.name]!.bytes
      bytes.replaceSubrange(entry.offset..<entry.offset + data.count, with: data)
    }
    bytes.withUnsafeMutableBytes { blob in
      for (packing, offset) in packedInt8 {
        let weight = graph.weights[packing.weight]!
        let (rows, columns) = Int8WeightPacking.matrix(weight.type.shape)
        weight.bytes.withUnsafeBytes {
          tt_qpack_grouped(
            $0.bindMemory(to: Int8.self).baseAddress!, Int64(packing.groups), Int64(rows), Int64(columns),
            blob.baseAddress! + offset)
        }
      }
      for (name, offset) in packedF32 {
        let weight = graph.weights[name]!
        let (k, n) = (Int64(weight.type.shape[0]), Int64(weight.type.shape[1]))
        let packed = (blob.baseAddress! + offset).bindMemory(
          to: Float.self, capacity: Int(tt_sgemm_packed_b_floats_isa(packingPath, k, n)))
        let status = weight.floats().withUnsafeBufferPointer {
          tt_sgemm_pack_b_isa(packingPath, k, n, $0.baseAddress!, n, packed)
        }
        precondition(status == 0, "weight '\(name)': path \(packingPath.rawValue) has no packed layout here")
      }
      for (packing, offset) in packedConvolution {
        var shape = packing.shape
        let packed = (blob.baseAddress! + offset).bindMemory(
          to: Float.self, capacity: Int(tt_conv2d_packed_floats_isa(packingPath, &shape)))
        let status = graph.weights[packing.weight]!.floats().withUnsafeBufferPointer {
          tt_conv2d_pack_isa(packingPath, &shape, $0.baseAddress!, packed)
        }
        precondition(status == 0, "weight '\(packing.weight)': no packed convolution layout for its geometry")
      }
    }
    return bytes
  }
}
