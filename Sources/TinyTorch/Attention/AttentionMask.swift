/// Builders of keep-masks (1 = attend, 0 = blocked) for ``attentionWeights(query:key:mask:isCausal:scale:)``.
public enum AttentionMask {
  /// The lower-triangular mask `[queryLength, keyLength]`: query `i` attends to key `j` iff
  /// `j ≤ i + keyLength − queryLength` (queries are the last `queryLength` positions).
  public static func causal(queryLength: Int, keyLength: Int? = nil) -> Tensor {
    let keys = keyLength ?? queryLength
    var values = [Float](repeating: 0, count: queryLength * keys)
    for i in 0..<queryLength {
      for j in 0..<keys where j <= i + keys - queryLength { values[i * keys + j] = 1 }
    }
    return Tensor(uncheckedShape: [queryLength, keys], scalars: values)
  }

  /// A key-padding mask `[batch, 1, 1, length]`: in sequence `b`, keys `0..<validLengths[b]`
  /// are real tokens and the rest padding. It broadcasts over heads and queries.
  /// - Throws: when a valid length is negative or exceeds `length`.
  public static func padding(validLengths: [Int], length: Int) throws -> Tensor {
    var values = [Float](repeating: 0, count: validLengths.count * length)
    for (b, valid) in validLengths.enumerated() {
      guard (0...length).contains(valid) else {
        throw TensorError.invalidArgument(
          "padding mask: valid length \(valid) of sequence \(b) is not in 0...\(length)")
      }
      for j in 0..<valid { values[b * length + j] = 1 }
    }
    return Tensor(uncheckedShape: [validLengths.count, 1, 1, length], scalars: values)
  }
}
