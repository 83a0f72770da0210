import Foundation
import XCTest

@testable import TTIR

/// Loads a thousand corrupted files of each kind: each must be rejected with an error or load as a valid
/// graph, never crash.
final class MutationTests: XCTestCase {
  private struct Mutator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }

    mutating func mutate(_ bytes: [UInt8], alphabet: [UInt8]) -> [UInt8] {
      var copy = bytes
      switch next(4) {
      case 0: copy = Array(copy.prefix(next(copy.count)))
      case 1: copy[next(copy.count)] = UInt8(next(256))
      case 2: copy[next(copy.count)] = alphabet[next(alphabet.count)]
      default: copy.insert(alphabet[next(alphabet.count)], at: next(copy.count))
      }
      return copy
    }
  }

  func testCorruptedModelJSON() throws {
    let graph = try TestModels.attention()
    let document = ModelEncoder.document(for: graph, weights: .inline)
    let original = Array(JSONWriter.string(document, style: .readable).utf8)
    let alphabet = Array("0123456789-[]{}\":,e.".utf8)
    var mutator = Mutator(state: 42)
    var loaded = 0
    for _ in 0..<1_000 {
      let bytes = mutator.mutate(original, alphabet: alphabet)
      do {
        var (decoded, weights) = try ModelDecoder(path: "m.json").decode(bytes)
        if case .inline(let tensors) = weights { decoded.weights = tensors }
        try decoded.verify()
        _ = try decoded.analysis()
        _ = decoded.dot()
        loaded += 1
      } catch {
        XCTAssertFalse(String(describing: error).contains("\n"))
      }
    }
    XCTAssertGreaterThan(loaded, 0, "some mutations (e.g. in base64 data) still load")
  }

  func testCorruptedSafeTensors() throws {
    let original = SafeTensors(tensors: try TestModels.cnn().weights, metadata: ["k": "v"])
      .encoded()
    let alphabet = Array("0123456789-[]{}\":,".utf8)
    var mutator = Mutator(state: 7)
    for _ in 0..<1_000 {
      let bytes = mutator.mutate(original, alphabet: alphabet)
      if let file = try? SafeTensors(bytes: bytes) {
        XCTAssertEqual(file.tensors.count, 7)
      }
    }
  }
}
