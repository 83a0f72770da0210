import Foundation

/// BERT's "basic tokenizer", as Hugging Face's `BertNormalizer` + `BertPreTokenizer` define it:
/// cleans the text, splits it into words and punctuation, before ``WordPieceTokenizer`` cuts
/// each word into vocabulary pieces.
///
/// Normalization, in order: control characters (Unicode Cc, Cf, Cn, Co, Cs other than tab and
/// newlines), NUL and U+FFFD are removed and every whitespace character becomes a space; CJK
/// ideographs get spaces around them; with `lowercase`, accents are stripped (NFD, then
/// non-spacing marks removed) and each character is lower-cased on its own (no final-sigma
/// context rule, as in Rust's `char::to_lowercase`). Pre-tokenization splits at whitespace and
/// isolates every punctuation character (ASCII punctuation and Unicode P* categories).
public struct BertBasicTokenizer: Sendable {
  /// Whether text is lower-cased and stripped of accents (uncased models).
  public let lowercase: Bool

  /// A basic tokenizer; `lowercase` for uncased models such as all-MiniLM-L6-v2.
  public init(lowercase: Bool = true) { self.lowercase = lowercase }

  /// The words and punctuation marks of `text`, normalized.
  public func words(_ text: String) -> [String] {
    var words: [String] = []
    var current = String.UnicodeScalarView()
    func flush() {
      if !current.isEmpty { words.append(String(current)) }
      current = String.UnicodeScalarView()
    }
    for scalar in normalized(text).unicodeScalars {
      if scalar.properties.isWhitespace {
        flush()
      } else if Self.isPunctuation(scalar) {
        flush()
        words.append(String(scalar))
      } else {
        current.append(scalar)
      }
    }
    flush()
    return words
  }

  /// `text` cleaned, with CJK characters spaced and (when ``lowercase``) accents stripped and
  /// lower-cased.
  public func normalized(_ text: String) -> String {
    var cleaned = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
      if Self.isWhitespace(scalar) {
        cleaned.append(" ")
      } else if Self.isCJK(scalar) {
        cleaned.append(contentsOf: [" ", scalar, " "])
      } else {
        cleaned.append(scalar)
      }
    }
    guard lowercase else { return String(cleaned) }
    var result = String.UnicodeScalarView()
    for scalar in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
    where scalar.properties.generalCategory != .nonspacingMark {
      result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
    }
    return String(result)
  }

  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned: return true
    default: return false
    }
  }

  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      let v = scalar.value
      return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v)
        || (123...126).contains(v)
    }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default: return false
    }
  }

  /// The CJK Unified Ideographs blocks BERT spaces out (not Hangul, Hiragana or Katakana).
  static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
      0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default: return false
    }
  }
}
