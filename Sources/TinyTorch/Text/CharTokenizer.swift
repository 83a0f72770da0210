/// A character-level tokenizer whose vocabulary is the sorted set of characters of a corpus.
///
/// Id 0 is the unknown token; the corpus characters follow in sorted order (ids `1...`), so the
/// same corpus always gives the same ids. Characters are Swift `Character`s (grapheme clusters).
///
/// ```swift
/// let tokenizer = CharTokenizer(corpus: "hello world")
/// let ids = try tokenizer.encode("hello")       // [4, 3, 5, 5, 6]
/// try tokenizer.decode(ids) == "hello"           // true
/// ```
public struct CharTokenizer: Tokenizer, Sendable {
  /// What ``encode(_:)`` does with a character that is not in the vocabulary.
  public enum UnknownPolicy: Sendable {
    /// Encode it as ``CharTokenizer/unknownID``.
    case mapToUnknown
    /// Throw ``TokenizerError/unknownCharacter(_:offset:)``.
    case throwError
  }

  /// The id of the unknown token.
  public static let unknownID = 0
  /// The corpus characters, sorted; character `characters[i]` has id `i + 1`.
  public let characters: [Character]
  /// The policy for characters outside the vocabulary.
  public let unknownPolicy: UnknownPolicy
  /// The text ``decode(_:)`` writes for the unknown token.
  public let unknownText: String
  private let ids: [Character: Int]

  /// Builds the vocabulary from every distinct character of `corpus`.
  /// - Parameters:
  ///   - corpus: the text whose characters form the vocabulary.
  ///   - unknownPolicy: map unknown characters to ``unknownID`` (default) or throw.
  ///   - unknownText: what the unknown token decodes to (default U+FFFD, "�").
  public init(corpus: String, unknownPolicy: UnknownPolicy = .mapToUnknown, unknownText: String = "\u{FFFD}")
  {
    characters = Set(corpus).sorted()
    self.unknownPolicy = unknownPolicy
    self.unknownText = unknownText
    var ids: [Character: Int] = [:]
    for (i, c) in characters.enumerated() { ids[c] = i + 1 }
    self.ids = ids
  }

  /// The unknown token plus one token per corpus character.
  public var vocabularySize: Int { characters.count + 1 }

  /// One id per character. Unknown characters follow ``unknownPolicy``.
  public func encode(_ text: String) throws -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(text.count)
    for (offset, c) in text.enumerated() {
      if let id = ids[c] {
        out.append(id)
      } else if unknownPolicy == .mapToUnknown {
        out.append(Self.unknownID)
      } else {
        throw TokenizerError.unknownCharacter(c, offset: offset)
      }
    }
    return out
  }

  /// The characters of `ids` (the unknown token becomes ``unknownText``).
  public func decode(_ ids: [Int]) throws -> String {
    var out = ""
    for id in ids {
      guard id >= 0, id < vocabularySize else {
        throw TokenizerError.invalidTokenID(id, vocabularySize: vocabularySize)
      }
      if id == Self.unknownID { out += unknownText } else { out.append(characters[id - 1]) }
    }
    return out
  }
}
