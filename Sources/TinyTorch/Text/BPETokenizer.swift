/// A byte-level byte-pair-encoding tokenizer.
///
/// The base vocabulary is the 256 byte values (ids `0..<256`), so any string — including text
/// with characters never seen in training — encodes without an unknown token, and
/// `decode(encode(s)) == s` for every string `s`. Training learns merges of the most frequent
/// adjacent token pairs of a corpus; merge `r` creates token `256 + r`.
///
/// Text is first cut into chunks that start at a whitespace byte (a word with its leading space
/// or newline), and merges never cross a chunk boundary.
///
/// ```swift
/// let bpe = try BPETokenizer(corpus: text, vocabularySize: 512)
/// let ids = try bpe.encode("Hello there")
/// try bpe.decode(ids) == "Hello there"   // true for any string
/// ```
public struct BPETokenizer: Tokenizer, Sendable {
  /// The learned merges in order: merge `r` joins tokens `(left, right)` into token `256 + r`.
  public let merges: [(left: Int, right: Int)]
  /// The bytes of every token, indexed by id.
  public let tokenBytes: [[UInt8]]
  private let ranks: [Pair: Int]

  private struct Pair: Hashable, Comparable {
    let left: Int
    let right: Int
    static func < (a: Pair, b: Pair) -> Bool { (a.left, a.right) < (b.left, b.right) }
  }

  /// Learns merges on `corpus` until the vocabulary has `vocabularySize` tokens or no adjacent
  /// pair occurs at least `minimumFrequency` times. Ties between equally frequent pairs go to the
  /// smallest `(left, right)` ids, so training is deterministic.
  /// - Throws: ``TokenizerError/invalidConfiguration(_:)`` when `vocabularySize < 256` or
  ///   `minimumFrequency < 1`.
  public init(corpus: String, vocabularySize: Int, minimumFrequency: Int = 2) throws {
    guard vocabularySize >= 256 else {
      throw TokenizerError.invalidConfiguration(
        "a byte-level BPE vocabulary needs at least the 256 byte tokens, got vocabularySize \(vocabularySize)"
      )
    }
    guard minimumFrequency >= 1 else {
      throw TokenizerError.invalidConfiguration(
        "minimumFrequency must be at least 1, got \(minimumFrequency)")
    }
    var wordCounts: [[Int]: Int] = [:]
    for chunk in Self.chunks(Array(corpus.utf8)) { wordCounts[chunk.map(Int.init), default: 0] += 1 }
    var words = wordCounts.map { (tokens: $0.key, count: $0.value) }
    var merges: [(left: Int, right: Int)] = []
    var tokenBytes = (0..<256).map { [UInt8($0)] }
    while tokenBytes.count < vocabularySize {
      var pairCounts: [Pair: Int] = [:]
      for word in words where word.tokens.count > 1 {
        for i in 0..<(word.tokens.count - 1) {
          pairCounts[Pair(left: word.tokens[i], right: word.tokens[i + 1]), default: 0] += word.count
        }
      }
      guard
        let (best, count) = pairCounts.min(by: { a, b in
          a.value != b.value ? a.value > b.value : a.key < b.key
        }),
        count >= minimumFrequency
      else { break }
      let newID = tokenBytes.count
      merges.append((best.left, best.right))
      tokenBytes.append(tokenBytes[best.left] + tokenBytes[best.right])
      for w in words.indices where words[w].tokens.count > 1 {
        words[w].tokens = Self.merge(words[w].tokens, best, into: newID)
      }
    }
    self.merges = merges
    self.tokenBytes = tokenBytes
    var ranks: [Pair: Int] = [:]
    for (r, m) in merges.enumerated() { ranks[Pair(left: m.left, right: m.right)] = r }
    self.ranks = ranks
  }

  /// 256 byte tokens plus one token per merge.
  public var vocabularySize: Int { tokenBytes.count }

  /// The token ids of `text`: its UTF-8 bytes with the learned merges applied, lowest rank first.
  /// Never throws; every string is encodable.
  public func encode(_ text: String) throws -> [Int] {
    var out: [Int] = []
    for chunk in Self.chunks(Array(text.utf8)) {
      var tokens = chunk.map(Int.init)
      while tokens.count > 1 {
        var best: (rank: Int, pair: Pair)? = nil
        for i in 0..<(tokens.count - 1) {
          let pair = Pair(left: tokens[i], right: tokens[i + 1])
          if let r = ranks[pair], r < best?.rank ?? .max { best = (r, pair) }
        }
        guard let best else { break }
        tokens = Self.merge(tokens, best.pair, into: 256 + best.rank)
      }
      out += tokens
    }
    return out
  }

  /// The text of `ids`. Throws for an id outside the vocabulary, or for ids whose bytes are not
  /// valid UTF-8 (which no output of ``encode(_:)`` produces).
  public func decode(_ ids: [Int]) throws -> String {
    var bytes: [UInt8] = []
    for id in ids {
      guard id >= 0, id < tokenBytes.count else {
        throw TokenizerError.invalidTokenID(id, vocabularySize: tokenBytes.count)
      }
      bytes += tokenBytes[id]
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw TokenizerError.invalidUTF8(ids: ids)
    }
    return text
  }

  /// Cuts bytes into chunks, each starting at a whitespace byte or at the start of the text.
  private static func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    for i in bytes.indices where i > start && isWhitespace(bytes[i]) {
      result.append(bytes[start..<i])
      start = i
    }
    if start < bytes.count { result.append(bytes[start...]) }
    return result
  }

  private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }

  /// Replaces every non-overlapping occurrence of `pair` (left to right) by `id`.
  private static func merge(_ tokens: [Int], _ pair: Pair, into id: Int) -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(tokens.count)
    var i = 0
    while i < tokens.count {
      if i + 1 < tokens.count && tokens[i] == pair.left && tokens[i + 1] == pair.right {
        out.append(id)
        i += 2
      } else {
        out.append(tokens[i])
        i += 1
      }
    }
    return out
  }
}
