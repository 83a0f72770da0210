import XCTest

@testable import TinyTorch

final class BPETokenizerTests: XCTestCase {
  func testTrainingLearnsFrequentPairsDeterministically() throws {
    let corpus = "low low low lower lowest newer newest"
    let a = try BPETokenizer(corpus: corpus, vocabularySize: 270)
    let b = try BPETokenizer(corpus: corpus, vocabularySize: 270)
    XCTAssertEqual(a.merges.map { [$0.left, $0.right] }, b.merges.map { [$0.left, $0.right] })
    XCTAssertGreaterThan(a.merges.count, 3)
    // "lo" (or " l"/"ow") is among the first merges and "low" becomes a single token.
    let low = try a.encode("low")
    XCTAssertEqual(low.count, 1)
    XCTAssertEqual(a.tokenBytes[low[0]], Array("low".utf8))
    // Encoding compresses the training text.
    XCTAssertLessThan(try a.encode(corpus).count, corpus.utf8.count / 2)
  }

  func testStopsWhenNoPairIsFrequentEnough() throws {
    let t = try BPETokenizer(corpus: "abcd", vocabularySize: 1000)
    XCTAssertEqual(t.vocabularySize, 256)
    XCTAssertEqual(try t.encode("abcd"), [97, 98, 99, 100])
  }

  func testRoundTripOnTrainingCorpusAndUnseenText() throws {
    let train = try String(contentsOfFile: tinyTalksPath("train.txt"), encoding: .utf8)
    let t = try BPETokenizer(corpus: train, vocabularySize: 400)
    XCTAssertEqual(t.vocabularySize, 400)
    let ids = try t.encode(train)
    XCTAssertEqual(try t.decode(ids), train)
    XCTAssertLessThan(ids.count, train.utf8.count * 2 / 3)
    let val = try String(contentsOfFile: tinyTalksPath("val.txt"), encoding: .utf8)
    XCTAssertEqual(try t.decode(t.encode(val)), val)
    for s in ["", " ", "Ünïcödé ✓ 🙂👩‍👩‍👧", "tab\tand\r\nCRLF", "日本語のテキスト"] {
      XCTAssertEqual(try t.decode(t.encode(s)), s)
    }
  }

  func testRoundTripPropertyOnRandomStrings() throws {
    let corpus = "the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs!\n"
    let t = try BPETokenizer(corpus: String(repeating: corpus, count: 4), vocabularySize: 320)
    let alphabet: [Character] =
      Array("the quick brown fox.\n\t ;!xyzQ") + ["é", "ß", "✓", "🙂", "中", "\u{0301}", "\r\n"]
    var rng = RandomGenerator(seed: 42)
    for _ in 0..<300 {
      let length = Int(rng.next() % 40)
      let s = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
      let ids = try t.encode(s)
      XCTAssertTrue(ids.allSatisfy { $0 >= 0 && $0 < t.vocabularySize })
      XCTAssertEqual(try t.decode(ids), s)
    }
  }

  func testBadInput() {
    XCTAssertThrowsError(try BPETokenizer(corpus: "abc", vocabularySize: 100))
    XCTAssertThrowsError(try BPETokenizer(corpus: "abc", vocabularySize: 300, minimumFrequency: 0))
    let t = try! BPETokenizer(corpus: "aaaa", vocabularySize: 257)
    XCTAssertThrowsError(try t.decode([257])) { error in
      XCTAssertEqual(error as? TokenizerError, .invalidTokenID(257, vocabularySize: 257))
    }
    // A lone continuation byte is not UTF-8.
    XCTAssertThrowsError(try t.decode([0x80])) { error in
      XCTAssertEqual(error as? TokenizerError, .invalidUTF8(ids: [0x80]))
    }
  }
}
