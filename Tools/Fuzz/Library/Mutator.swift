/// Deterministic mutations of a file's bytes, aimed at the formats the fuzz targets read: besides
/// byte-level changes (bit flips, insertions, deletions, splices from other inputs), numbers
/// written in text (JSON values, the safetensors and `.npy` headers) are replaced by extreme
/// ones, quoted strings by other strings of the same input (names, ops, dtypes), and binary
/// fields by boundary integers (lengths, protobuf varints).
struct Mutator {
  /// Numbers that break arithmetic: zero, signs, 32- and 64-bit limits, beyond them, and
  /// floating point extremes.
  static let numbers = [
    "0", "-1", "1", "2", "-2", "3", "7", "255", "65536", "2147483647", "-2147483648", "4294967296",
    "1099511627776", "4611686018427387904", "9223372036854775807", "-9223372036854775808",
    "18446744073709551616", "1e308", "-1e308", "1e400", "5e-324", "0.5", "-0.0", "1.5",
  ].map { Array($0.utf8) }

  /// Bytes with a meaning in the formats: JSON structure, escapes, NUL, sign bits.
  static let bytes: [UInt8] = [
    0, 0xFF, 0x7F, 0x80, 0x01, UInt8(ascii: "\""), UInt8(ascii: "["), UInt8(ascii: "]"),
    UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "-"),
    UInt8(ascii: "\\"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "e"), UInt8(ascii: "u"),
  ]

  /// Integers written in binary fields (little-endian, 1 to 8 bytes).
  static let integers: [UInt64] = [
    0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF,
    UInt64.max, 1 << 40, 1 << 62,
  ]

  /// Returns `input` with one to four mutations; `others` are the inputs splices take from.
  static func mutate(_ input: [UInt8], others: [[UInt8]], random: inout FuzzRandom) -> [UInt8] {
    var bytes = input
    for _ in 0..<(1 + random.below(4)) {
      mutateOnce(&bytes, others: others, random: &random)
    }
    return bytes
  }

  private static func mutateOnce(_ bytes: inout [UInt8], others: [[UInt8]], random: inout FuzzRandom) {
    guard !bytes.isEmpty else {
      bytes = others.isEmpty ? [0] : others[random.below(others.count)]
      return
    }
    switch random.below(9) {
    case 0:
      bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8))
    case 1:
      bytes[random.below(bytes.count)] = Self.bytes[random.below(Self.bytes.count)]
    case 2:
      let range = randomRange(in: bytes.count, random: &random)
      bytes.removeSubrange(range)
    case 3:
      let range = randomRange(in: bytes.count, random: &random)
      bytes.insert(contentsOf: bytes[range], at: random.below(bytes.count + 1))
    case 4:
      replaceToken(in: &bytes, isNumber: true, random: &random)
    case 5:
      replaceToken(in: &bytes, isNumber: false, random: &random)
    case 6:
      guard !others.isEmpty else { return }
      let other = others[random.below(others.count)]
      guard !other.isEmpty else { return }
      let range = randomRange(in: other.count, random: &random)
      bytes.insert(contentsOf: other[range], at: random.below(bytes.count + 1))
    case 7:
      let value = integers[random.below(integers.count)]
      let width = [1, 2, 4, 8][random.below(4)]
      let start = random.below(bytes.count)
      for offset in 0..<min(width, bytes.count - start) {
        bytes[start + offset] = UInt8(truncatingIfNeeded: value >> (8 * offset))
      }
    default:
      bytes.removeSubrange(random.below(bytes.count)...)
    }
  }

  /// A non-empty range of at most 64 positions inside `0..<count` (`count` > 0).
  private static func randomRange(in count: Int, random: inout FuzzRandom) -> Range<Int> {
    let start = random.below(count)
    return start..<(start + 1 + random.below(min(64, count - start)))
  }

  /// Replaces a random number written in text (digits with an optional sign, fraction and
  /// exponent) by one of ``numbers``, or a random quoted string by another one of the input.
  private static func replaceToken(in bytes: inout [UInt8], isNumber: Bool, random: inout FuzzRandom) {
    let tokens = isNumber ? numberTokens(in: bytes) : stringTokens(in: bytes)
    guard !tokens.isEmpty else { return }
    let target = tokens[random.below(tokens.count)]
    let replacement =
      isNumber ? numbers[random.below(numbers.count)] : Array(bytes[tokens[random.below(tokens.count)]])
    bytes.replaceSubrange(target, with: replacement)
  }

  private static func numberTokens(in bytes: [UInt8]) -> [Range<Int>] {
    var tokens: [Range<Int>] = []
    var index = 0
    let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
    let numberBytes = Set("0123456789.eE+-".utf8)
    while index < bytes.count {
      guard digits.contains(bytes[index]) else {
        index += 1
        continue
      }
      var start = index
      if start > 0 && bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
      while index < bytes.count && numberBytes.contains(bytes[index]) { index += 1 }
      tokens.append(start..<index)
    }
    return tokens
  }

  /// Quoted strings with their quotes, ignoring escapes (a mutation need not be valid JSON).
  private static func stringTokens(in bytes: [UInt8]) -> [Range<Int>] {
    var tokens: [Range<Int>] = []
    var open: Int?
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") {
      if let start = open {
        tokens.append(start..<(index + 1))
        open = nil
      } else {
        open = index
      }
    }
    return tokens
  }
}
