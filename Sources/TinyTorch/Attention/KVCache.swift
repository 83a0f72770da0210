/// Keys and values of already processed positions, kept across generation steps so that each
/// new token costs one position's work instead of a pass over the whole context.
///
/// Memory is allocated once: per layer, a key and a value buffer of shape
/// `[batchSize, headCount, maxLength, headDimension]` (see ``memoryBytes``). Each attention
/// layer appends its new keys/values at position ``length`` with
/// ``append(layer:key:value:)``; once every layer has run, the model calls ``advance(by:)``.
public final class KVCache {
  /// Number of attention layers with their own buffers.
  public let layerCount: Int
  /// Sequences processed side by side.
  public let batchSize: Int
  /// Attention heads per layer.
  public let headCount: Int
  /// Capacity in positions.
  public let maxLength: Int
  /// Width of one head's keys and values.
  public let headDimension: Int
  /// Number of positions stored so far.
  public private(set) var length = 0
  private var keys: [[Float]]
  private var values: [[Float]]

  /// Preallocates zeroed buffers for `layerCount` layers.
  public init(layerCount: Int, batchSize: Int, headCount: Int, maxLength: Int, headDimension: Int) {
    ArgumentCheck.orStop {
      try KVCache.validate(
        layerCount: layerCount, batchSize: batchSize, headCount: headCount, maxLength: maxLength,
        headDimension: headDimension)
    }
    (self.layerCount, self.batchSize, self.headCount) = (layerCount, batchSize, headCount)
    (self.maxLength, self.headDimension) = (maxLength, headDimension)
    let size = batchSize * headCount * maxLength * headDimension
    keys = Array(repeating: [Float](repeating: 0, count: size), count: layerCount)
    values = keys
  }

  /// Throws unless every size is positive.
  static func validate(
    layerCount: Int, batchSize: Int, headCount: Int, maxLength: Int, headDimension: Int
  ) throws {
    try ArgumentCheck.require(
      [layerCount, batchSize, headCount, maxLength, headDimension].allSatisfy { $0 > 0 },
      "KVCache(layerCount: \(layerCount), batchSize: \(batchSize), headCount: \(headCount), "
        + "maxLength: \(maxLength), headDimension: \(headDimension)): every size must be positive")
  }

  /// Bytes held by the key and value buffers of all layers (Float32).
  public var memoryBytes: Int {
    2 * layerCount * batchSize * headCount * maxLength * headDimension * MemoryLayout<Float>.stride
  }

  /// Positions still free.
  public var remaining: Int { maxLength - length }

  /// Writes `key`/`value` (`[batchSize, headCount, newLength, headDimension]`) at positions
  /// `length..<length + newLength` of `layer`, and returns all keys and values of that layer up
  /// to and including them (`[batchSize, headCount, length + newLength, headDimension]`).
  /// - Throws: for a wrong layer index or shape, or when the new positions do not fit.
  public func append(layer: Int, key: Tensor, value: Tensor) throws -> (key: Tensor, value: Tensor) {
    guard (0..<layerCount).contains(layer) else {
      throw TensorError.indexOutOfRange(op: "KVCache layer", index: layer, bound: layerCount)
    }
    let newLength = key.rank == 4 ? key.shape[2] : 0
    let expected = [batchSize, headCount, newLength, headDimension]
    guard key.shape == expected, value.shape == expected else {
      throw TensorError.invalidArgument(
        "KVCache: key \(key.shape) and value \(value.shape) must both be "
          + "[\(batchSize), \(headCount), new, \(headDimension)]")
    }
    try checkFits(newLength)
    let total = length + newLength
    return (
      Self.write(
        key, into: &keys[layer], at: length, total: total, maxLength: maxLength, depth: headDimension),
      Self.write(
        value, into: &values[layer], at: length, total: total, maxLength: maxLength, depth: headDimension)
    )
  }

  /// Throws unless `newLength` more positions fit.
  private func checkFits(_ newLength: Int) throws {
    guard newLength <= remaining else {
      throw TensorError.invalidArgument(
        "KVCache: \(newLength) new positions do not fit (\(length) of \(maxLength) used); "
          + "crop the context or reset the cache")
    }
  }

  /// Writes the keys and values of `newLength` new positions of every sequence at positions
  /// `length..<length + newLength` of `layer`, read in place from a fused query/key/value
  /// projection's output `projected` (`[batchSize, newLength, 3 · headCount · headDimension]`:
  /// queries, keys, values), then calls `body` with the layer's key and value buffers: sequence
  /// `b`, head `h` holds its positions at rows `(b · headCount + h) · maxLength …`, one row of
  /// `headDimension` floats each. The inference path of ``MultiHeadAttention`` attends to them
  /// there, without the copies of ``append(layer:key:value:)``.
  /// - Throws: for a wrong layer index or width, or when the new positions do not fit.
  func withAppended<Result>(
    layer: Int, projected: Tensor, body: (UnsafePointer<Float>, UnsafePointer<Float>) throws -> Result
  ) throws -> Result {
    guard (0..<layerCount).contains(layer) else {
      throw TensorError.indexOutOfRange(op: "KVCache layer", index: layer, bound: layerCount)
    }
    let width = headCount * headDimension
    guard projected.rank == 3, projected.shape[0] == batchSize, projected.shape[2] == 3 * width else {
      throw TensorError.invalidArgument(
        "KVCache: projected \(projected.shape) must be [\(batchSize), new, \(3 * width)]")
    }
    let newLength = projected.shape[1]
    try checkFits(newLength)
    let (depth, heads, start, capacity) = (headDimension, headCount, length, maxLength)
    func write(_ buffer: inout [Float], from offset: Int) {
      buffer.withUnsafeMutableBufferPointer { buffer in
        projected.scalars.withUnsafeBufferPointer { source in
          for b in 0..<batchSize {
            for s in 0..<newLength {
              let row = source.baseAddress! + (b * newLength + s) * 3 * width + offset
              for h in 0..<heads {
                (buffer.baseAddress! + ((b * heads + h) * capacity + start + s) * depth)
                  .update(from: row + h * depth, count: depth)
              }
            }
          }
        }
      }
    }
    write(&keys[layer], from: width)
    write(&values[layer], from: 2 * width)
    return try keys[layer].withUnsafeBufferPointer { keys in
      try values[layer].withUnsafeBufferPointer { values in try body(keys.baseAddress!, values.baseAddress!) }
    }
  }

  /// Marks `count` more positions as stored (after every layer has appended them).
  public func advance(by count: Int) throws {
    guard count >= 0, count <= remaining else {
      throw TensorError.invalidArgument(
        "KVCache: cannot advance by \(count) with \(remaining) positions free")
    }
    length += count
  }

  /// Forgets every stored position (the buffers stay allocated).
  public func reset() { length = 0 }

  /// Copies `new` into the per-(batch, head) rows of `buffer` at `start`, and returns the first
  /// `total` positions of every row as a tensor.
  private static func write(
    _ new: Tensor, into buffer: inout [Float], at start: Int, total: Int, maxLength: Int, depth: Int
  ) -> Tensor {
    let rows = new.shape[0] * new.shape[1]
    let newLength = new.shape[2]
    var out = [Float](repeating: 0, count: rows * total * depth)
    buffer.withUnsafeMutableBufferPointer { buf in
      new.scalars.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
          for r in 0..<rows {
            let row = buf.baseAddress! + r * maxLength * depth
            (row + start * depth).update(
              from: src.baseAddress! + r * newLength * depth, count: newLength * depth)
            (dst.baseAddress! + r * total * depth).update(from: row, count: total * depth)
          }
        }
      }
    }
    return Tensor(uncheckedShape: [new.shape[0], new.shape[1], total, depth], scalars: out)
  }
}
