/// Turns text into integer token ids and back.
public protocol Tokenizer {
  /// Number of distinct token ids; valid ids are `0..<vocabularySize`.
  var vocabularySize: Int { get }
  /// The token ids of `text`.
  func encode(_ text: String) throws -> [Int]
  /// The text of a sequence of token ids. Throws for ids outside the vocabulary.
  func decode(_ ids: [Int]) throws -> String
}

/// Errors of tokenizers: bad input text or ids, and unusable training corpora.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
  /// A character that is not in the vocabulary, found at `offset` (in characters) of the text.
  case unknownCharacter(Character, offset: Int)
  /// A token id outside `0..<vocabularySize`.
  case invalidTokenID(Int, vocabularySize: Int)
  /// Decoded bytes that are not valid UTF-8 (an id sequence that no encoding produced).
  case invalidUTF8(ids: [Int])
  /// A training setting that cannot be honoured, explained.
  case invalidConfiguration(String)

  public var description: String {
    switch self {
    case .unknownCharacter(let c, let offset):
      return
        "tokenizer: character \(String(reflecting: String(c))) at offset \(offset) is not in the vocabulary"
    case .invalidTokenID(let id, let size):
      return "tokenizer: token id \(id) is out of range for a vocabulary of \(size) tokens"
    case .invalidUTF8(let ids):
      return "tokenizer: token ids \(ids.prefix(16)) do not decode to valid UTF-8"
    case .invalidConfiguration(let message):
      return "tokenizer: \(message)"
    }
  }
}
