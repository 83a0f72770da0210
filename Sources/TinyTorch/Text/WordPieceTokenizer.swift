import Foundation

/// BERT's WordPiece tokenizer, reading a `vocab.txt` (one token per line; the line number is
/// the id), giving the same ids as Hugging Face's `BertTokenizerFast` for uncased BERT models
/// such as all-MiniLM-L6-v2.
///
/// ``encode(_:)`` runs the ``BertBasicTokenizer`` (clean-up, lower-casing, accent stripping,
/// punctuation and CJK splitting), cuts each word into the longest vocabulary pieces from the
/// left (continuations prefixed `##`; a word that cannot be cut, or longer than 100
/// characters, becomes `[UNK]`), wraps the pieces in `[CLS]` … `[SEP]` and truncates to
/// ``maxLength`` tokens. ``encodeBatch(_:paddingTo:)`` pads a batch with `[PAD]` and gives the attention
/// mask.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabularyFile: modelFolder.appendingPathComponent("vocab.txt"))
/// let batch = tokenizer.encodeBatch(["A man is eating food.", "A man rides a horse."])
/// let ids = try batch.idTensor()          // [2, 9]; batch.maskTensor() is 1 for tokens, 0 for padding
/// ```
///
/// Special tokens written in the text (`"[CLS]"`, `"[MASK]"`, …; see ``specialTokens``) are kept
/// whole, as Hugging Face's tokenizers do: they are matched case-sensitively in the raw text,
/// also inside a word (`"x[MASK]y"` is `x`, `[MASK]`, `y`), and the text between them is
/// tokenized as usual; look-alikes such as `"[mask]"` or `"[ MASK ]"` are ordinary text.
public struct WordPieceTokenizer: Tokenizer, Sendable {
  /// The tokens by id (an empty string for a blank line of the file).
  public let tokens: [String]
  /// The most tokens of one encoded text, `[CLS]` and `[SEP]` included.
  public let maxLength: Int
  /// The normalization and word splitting in front of WordPiece.
  public let basic: BertBasicTokenizer
  /// Longer words become `[UNK]` (100, as in BERT).
  public let maxCharactersPerWord = 100
  let ids: [String: Int]
  /// The ids of `[UNK]`, `[CLS]`, `[SEP]` and `[PAD]`.
  public let unknownID: Int, classID: Int, separatorID: Int, paddingID: Int
  /// The special tokens kept whole where the text spells them out: those of BERT's `[PAD]`,
  /// `[UNK]`, `[CLS]`, `[SEP]` and `[MASK]` that the vocabulary has.
  public let specialTokens: [String]
  /// ``specialTokens`` as Unicode scalars with their ids, longest first (a longer match wins).
  let specialScalars: [(scalars: [Unicode.Scalar], id: Int)]

  /// Reads `vocab.txt`.
  /// - Throws: naming the file when it cannot be read, is not UTF-8, or lacks one of `[UNK]`,
  ///   `[CLS]`, `[SEP]`, `[PAD]`.
  public init(vocabularyFile url: URL, lowercase: Bool = true, maxLength: Int = 512) throws {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw TokenizerError.invalidConfiguration("cannot read \(url.path): \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TokenizerError.invalidConfiguration("\(url.path) is not valid UTF-8")
    }
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    do {
      try self.init(vocabulary: lines, lowercase: lowercase, maxLength: maxLength)
    } catch let error as TokenizerError {
      throw TokenizerError.invalidConfiguration("\(url.path): \(error.description)")
    }
  }

  /// A tokenizer over `vocabulary` (id = index; trailing whitespace is trimmed, as BERT does; a
  /// later duplicate wins).
  /// - Throws: when one of `[UNK]`, `[CLS]`, `[SEP]`, `[PAD]` is missing, or `maxLength < 2`.
  public init(vocabulary: [String], lowercase: Bool = true, maxLength: Int = 512) throws {
    tokens = vocabulary.map { line in
      var token = Substring(line)
      while let last = token.unicodeScalars.last, last.properties.isWhitespace {
        token.unicodeScalars.removeLast()
      }
      return String(token)
    }
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() where !token.isEmpty { ids[token] = id }
    func special(_ token: String) throws -> Int {
      guard let id = ids[token] else {
        throw TokenizerError.invalidConfiguration("the vocabulary has no \(token) token")
      }
      return id
    }
    guard maxLength >= 2 else {
      throw TokenizerError.invalidConfiguration("maxLength \(maxLength) leaves no room for [CLS] and [SEP]")
    }
    (unknownID, classID, separatorID, paddingID) = (
      try special("[UNK]"), try special("[CLS]"), try special("[SEP]"), try special("[PAD]")
    )
    specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter { ids[$0] != nil }
    specialScalars = specialTokens.map { (Array($0.unicodeScalars), ids[$0]!) }
      .sorted { $0.scalars.count > $1.scalars.count }
    self.ids = ids
    self.maxLength = maxLength
    basic = BertBasicTokenizer(lowercase: lowercase)
  }

  public var vocabularySize: Int { tokens.count }

  /// The WordPiece tokens of `text`, without `[CLS]`/`[SEP]` and without truncation.
  public func pieces(_ text: String) -> [String] { bodyIDs(text).map { tokens[$0] } }

  /// The ids of `text` without `[CLS]`/`[SEP]` and without truncation: special tokens spelled
  /// out in the text as their ids, the text between them normalized, split into words and cut
  /// into pieces.
  func bodyIDs(_ text: String) -> [Int] {
    let scalars = Array(text.unicodeScalars)
    var ids: [Int] = []
    var segmentStart = 0
    func flushSegment(upTo end: Int) {
      guard segmentStart < end else { return }
      let segment = String(String.UnicodeScalarView(scalars[segmentStart..<end]))
      ids += basic.words(segment).flatMap(wordPieces)
    }
    var position = 0
    while position < scalars.count {
      let match = specialScalars.first { special in
        scalars.count - position >= special.scalars.count
          && scalars[position..<position + special.scalars.count].elementsEqual(special.scalars)
      }
      guard let match else {
        position += 1
        continue
      }
      flushSegment(upTo: position)
      ids.append(match.id)
      position += match.scalars.count
      segmentStart = position
    }
    flushSegment(upTo: scalars.count)
    return ids
  }

  /// The ids of `text`: `[CLS]`, the pieces (truncated to fit), `[SEP]`.
  public func encode(_ text: String) -> [Int] { encodeReportingTruncation(text).ids }

  /// Like ``encode(_:)``, also telling whether pieces were cut off to fit ``maxLength``.
  public func encodeReportingTruncation(_ text: String) -> (ids: [Int], wasTruncated: Bool) {
    let body = bodyIDs(text)
    let room = maxLength - 2
    return ([classID] + body.prefix(room) + [separatorID], body.count > room)
  }

  /// The ids of one word: the longest vocabulary pieces from the left, or `[UNK]`.
  func wordPieces(_ word: String) -> [Int] {
    let scalars = Array(word.unicodeScalars)
    guard scalars.count <= maxCharactersPerWord else { return [unknownID] }
    var result: [Int] = []
    var start = 0
    while start < scalars.count {
      var end = scalars.count
      var found: Int?
      while start < end {
        var piece = String(String.UnicodeScalarView(scalars[start..<end]))
        if start > 0 { piece = "##" + piece }
        if let id = ids[piece] {
          found = id
          break
        }
        end -= 1
      }
      guard let found else { return [unknownID] }
      result.append(found)
      start = end
    }
    return result
  }

  /// The text of `ids`: special tokens dropped, `##` continuations joined to their word.
  /// - Throws: ``TokenizerError/invalidTokenID(_:vocabularySize:)`` for an id outside the vocabulary.
  public func decode(_ ids: [Int]) throws -> String {
    var text = ""
    for id in ids {
      guard tokens.indices.contains(id) else {
        throw TokenizerError.invalidTokenID(id, vocabularySize: tokens.count)
      }
      if [classID, separatorID, paddingID].contains(id) { continue }
      let token = tokens[id]
      if token.hasPrefix("##") {
        text += token.dropFirst(2)
      } else {
        text += (text.isEmpty ? "" : " ") + token
      }
    }
    return text
  }

  /// Encodes `texts` and pads them with `[PAD]` to the longest one, or to `minimumLength` tokens when
  /// that is longer (a fixed shape, as for a compiled model; Hugging Face's
  /// `padding="max_length"`).
  public func encodeBatch(_ texts: [String], paddingTo minimumLength: Int = 0) -> TokenizedBatch {
    let encoded = texts.map(encodeReportingTruncation)
    let length = max(minimumLength, encoded.map(\.ids.count).max() ?? 0)
    return TokenizedBatch(
      ids: encoded.map { $0.ids + Array(repeating: paddingID, count: length - $0.ids.count) },
      attentionMask: encoded.map {
        Array(repeating: 1, count: $0.ids.count) + Array(repeating: 0, count: length - $0.ids.count)
      },
      truncated: encoded.indices.filter { encoded[$0].wasTruncated })
  }
}

/// Token ids of several texts padded to one length, with the attention mask.
public struct TokenizedBatch: Sendable, Equatable {
  /// `[texts][length]` ids, padded with `[PAD]`.
  public let ids: [[Int]]
  /// `[texts][length]`: 1 for a token, 0 for padding.
  public let attentionMask: [[Int]]
  /// The indices of the texts that were cut to the tokenizer's ``WordPieceTokenizer/maxLength``.
  public let truncated: [Int]

  /// The ids as a `[texts, length]` tensor (see ``Tensor/tokenIDs(_:)``).
  public func idTensor() throws -> Tensor { try Tensor.tokenIDs(ids) }

  /// The mask as a `[texts, length]` tensor of ones and zeros.
  public func maskTensor() throws -> Tensor { try Tensor.tokenIDs(attentionMask) }
}
