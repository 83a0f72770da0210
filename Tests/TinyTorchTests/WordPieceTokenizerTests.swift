import Foundation
import XCTest

@testable import TinyTorch

final class WordPieceTokenizerTests: XCTestCase {
  struct Reference: Decodable {
    struct Sentence: Decodable {
      let text: String
      let ids: [Int]
    }
    let max_length: Int
    let sentences: [Sentence]
  }

  /// Hugging Face's ids for 44 varied sentences, special tokens written in the text among them
  /// (Fixtures/wordpiece/make_reference.py).
  func reference() throws -> Reference {
    try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.url("wordpiece/reference.json")))
  }

  func check(_ tokenizer: WordPieceTokenizer, against reference: Reference) {
    for sentence in reference.sentences {
      XCTAssertEqual(tokenizer.encode(sentence.text), sentence.ids, String(reflecting: sentence.text))
    }
  }

  func testIdsEqualHuggingFaceOnTheCommittedSentences() throws {
    let reference = try reference()
    XCTAssertGreaterThanOrEqual(reference.sentences.count, 30)
    // all-MiniLM-L6-v2's vocab.txt with the lines no sentence reaches blanked (same ids).
    let tokenizer = try WordPieceTokenizer(
      vocabularyFile: Fixtures.url("wordpiece/vocab-subset.txt"), maxLength: reference.max_length)
    XCTAssertEqual(tokenizer.vocabularySize, 30522)
    check(tokenizer, against: reference)
  }

  /// The same check with the model's full vocab.txt, where the model folder is present
  /// (`TINYTORCH_MINILM_DIR`, as scripts/fetch-minilm.sh prints).
  func testIdsEqualHuggingFaceWithTheFullVocabulary() throws {
    guard let folder = ProcessInfo.processInfo.environment["TINYTORCH_MINILM_DIR"] else {
      throw XCTSkip("TINYTORCH_MINILM_DIR is not set (scripts/fetch-minilm.sh fetches the model)")
    }
    let reference = try reference()
    let tokenizer = try WordPieceTokenizer(
      vocabularyFile: URL(fileURLWithPath: folder).appendingPathComponent("vocab.txt"),
      maxLength: reference.max_length)
    check(tokenizer, against: reference)
  }

  func small() throws -> WordPieceTokenizer {
    try WordPieceTokenizer(
      vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "a", "cafe", ",", "!"],
      maxLength: 6)
  }

  func testPiecesAccentsPunctuationAndUnknownWords() throws {
    let tokenizer = try small()
    XCTAssertEqual(tokenizer.pieces("Unaffable, CAFÉ!"), ["un", "##aff", "##able", ",", "cafe", "!"])
    XCTAssertEqual(tokenizer.encode("unknown a"), [2, 1, 7, 3])  // "unknown" cannot be cut
    XCTAssertEqual(tokenizer.encode(""), [2, 3])
    XCTAssertEqual(try tokenizer.decode(tokenizer.encode("unaffable a")), "unaffable a")
    XCTAssertThrowsError(try tokenizer.decode([11]))
  }

  /// Special tokens the vocabulary has are kept whole; one it lacks (`[MASK]` here) is text.
  func testSpecialTokensWrittenInTheText() throws {
    let tokenizer = try small()
    XCTAssertEqual(tokenizer.specialTokens, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"])
    XCTAssertEqual(tokenizer.pieces("a[SEP]cafe [UNK]"), ["a", "[SEP]", "cafe", "[UNK]"])
    // "[", "sep", "]", "[", "mask", "]": six unknown pieces, truncated to four.
    XCTAssertEqual(tokenizer.encode("[sep] [MASK]"), [2, 1, 1, 1, 1, 3])
    let batch = tokenizer.encodeBatch(["a", "a a"], paddingTo: 5)
    XCTAssertEqual(batch.ids, [[2, 7, 3, 0, 0], [2, 7, 7, 3, 0]])
  }

  func testTruncationPaddingAndMasks() throws {
    let tokenizer = try small()
    let (ids, cut) = tokenizer.encodeReportingTruncation("a a a a a")
    XCTAssertEqual(ids, [2, 7, 7, 7, 7, 3])
    XCTAssertTrue(cut)
    let batch = tokenizer.encodeBatch(["a", "a a a a a", ""])
    XCTAssertEqual(batch.ids, [[2, 7, 3, 0, 0, 0], [2, 7, 7, 7, 7, 3], [2, 3, 0, 0, 0, 0]])
    XCTAssertEqual(batch.attentionMask, [[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]])
    XCTAssertEqual(batch.truncated, [1])
    XCTAssertEqual(try batch.maskTensor().shape, [3, 6])
  }

  func testBadVocabularies() throws {
    XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: ["[PAD]", "[CLS]", "[SEP]", "a"])) { error in
      XCTAssertTrue("\(error)".contains("no [UNK] token"), "\(error)")
    }
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("vocab.txt")
    try Data([0x5B, 0x50, 0x41, 0x44, 0x5D, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: url)
    XCTAssertThrowsError(try WordPieceTokenizer(vocabularyFile: url)) { error in
      XCTAssertTrue("\(error)".contains("\(url.path) is not valid UTF-8"), "\(error)")
    }
    XCTAssertThrowsError(try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent("none.txt")))
  }
}
