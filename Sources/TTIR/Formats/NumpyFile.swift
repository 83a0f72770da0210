import Foundation

/// A NumPy `.npy` array: its shape and its elements, decoded from or encoded to the `.npy`
/// format (versions 1–3). Only little-endian `float32`, `float64`, `int32` and `int64` arrays
/// in C (row-major) order are supported; anything else is rejected with a ``NumpyFileError``
/// that says why.
///
/// ```swift
/// let images = try NumpyFile(contentsOf: url)      // e.g. shape [1000, 8, 8], .float32
/// let values = images.floats()
/// try NumpyFile(shape: [2, 2], elements: .float32([1, 2, 3, 4])).write(to: out)
/// ```
public struct NumpyFile: Equatable, Sendable {
  /// The typed elements of an array, row-major.
  public enum Elements: Equatable, Sendable {
    case float32([Float])
    case float64([Double])
    case int32([Int32])
    case int64([Int64])

    /// The number of elements.
    public var count: Int {
      switch self {
      case .float32(let v): v.count
      case .float64(let v): v.count
      case .int32(let v): v.count
      case .int64(let v): v.count
      }
    }

    /// The NumPy type descriptor, e.g. `"<f4"`.
    public var descriptor: String {
      switch self {
      case .float32: "<f4"
      case .float64: "<f8"
      case .int32: "<i4"
      case .int64: "<i8"
      }
    }
  }

  /// The extent of each axis (`[]` for a scalar).
  public let shape: [Int]
  /// The elements, row-major.
  public let elements: Elements

  /// Creates an array. Throws when the element count does not match the shape.
  public init(shape: [Int], elements: Elements) throws(NumpyFileError) {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw NumpyFileError("negative dimension in shape \(shape)") }
    let expected = shape.reduce(1, *)
    guard expected == elements.count else {
      throw NumpyFileError("shape \(shape) needs \(expected) elements, got \(elements.count)")
    }
    self.shape = shape
    self.elements = elements
  }

  /// The elements converted to `Float` (rounded for `float64` and large integers).
  public func floats() -> [Float] {
    switch elements {
    case .float32(let v): v
    case .float64(let v): v.map { Float($0) }
    case .int32(let v): v.map { Float($0) }
    case .int64(let v): v.map { Float($0) }
    }
  }

  /// The elements converted to `Int64` (floats truncated toward zero; non-finite become 0).
  public func int64s() -> [Int64] {
    func truncate(_ x: Double) -> Int64 {
      x.isFinite && Swift.abs(x) < 9.2e18 ? Int64(x) : 0
    }
    switch elements {
    case .float32(let v): return v.map { truncate(Double($0)) }
    case .float64(let v): return v.map(truncate)
    case .int32(let v): return v.map { Int64($0) }
    case .int64(let v): return v
    }
  }

  // MARK: Reading

  private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads and decodes a `.npy` file; errors name the file.
  public init(contentsOf url: URL) throws(NumpyFileError) {
    let data: Data
    do {
      data = try InputFile.read(url)
    } catch {
      throw NumpyFileError("\(url.path): \(error.reason)")
    }
    do {
      try self.init(data: data)
    } catch {
      throw NumpyFileError("\(url.path): \(error.description)")
    }
  }

  /// Decodes the bytes of a `.npy` file.
  public init(data: Data) throws(NumpyFileError) {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, Array(bytes[0..<6]) == NumpyFile.magic else {
      throw NumpyFileError("not a .npy file (bad magic; expected \\x93NUMPY)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw NumpyFileError("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw NumpyFileError("unsupported .npy format version \(major).\(bytes[7])")
    }
    guard headerStart + headerLength <= bytes.count else {
      throw NumpyFileError(
        "truncated header: it declares \(headerLength) bytes, the file has \(bytes.count - headerStart)")
    }
    let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
    guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
      throw NumpyFileError("header is not valid text")
    }
    let fields = try NumpyHeader.parse(header)
    guard case .string(let descriptor)? = fields["descr"] else {
      throw NumpyFileError("header has no 'descr' string: \(header)")
    }
    guard case .bool(let fortranOrder)? = fields["fortran_order"] else {
      throw NumpyFileError("header has no 'fortran_order' flag: \(header)")
    }
    guard case .tuple(let shape)? = fields["shape"] else {
      throw NumpyFileError("header has no 'shape' tuple: \(header)")
    }
    if fortranOrder {
      throw NumpyFileError(
        "Fortran-order arrays are not supported; save a C-order array (np.ascontiguousarray)")
    }
    if descriptor.hasPrefix(">") {
      throw NumpyFileError("big-endian dtype '\(descriptor)' is not supported; save as little-endian ('<')")
    }
    let supported = ["<f4": 4, "<f8": 8, "<i4": 4, "<i8": 8]
    guard let width = supported[descriptor] else {
      throw NumpyFileError(
        "unsupported dtype '\(descriptor)'; supported are float32 '<f4', float64 '<f8', "
          + "int32 '<i4', int64 '<i8'")
    }
    guard shape.allSatisfy({ $0 >= 0 }) else { throw NumpyFileError("negative dimension in shape \(shape)") }
    let (count, overflow) = shape.reduce((1, false)) { acc, d in
      let (p, o) = acc.0.multipliedReportingOverflow(by: d)
      return (p, acc.1 || o)
    }
    let dataStart = headerStart + headerLength
    let available = bytes.count - dataStart
    let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: width)
    guard !overflow, !byteOverflow, byteCount == available else {
      let needed = overflow || byteOverflow ? "more than Int.max" : "\(byteCount)"
      throw NumpyFileError(
        "data size mismatch: shape \(shape) of \(descriptor) needs \(needed) bytes, the file has \(available)"
      )
    }
    let elements: Elements = bytes.withUnsafeBytes { raw in
      func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
        (0..<count).map {
          T(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + $0 * width, as: T.self))
        }
      }
      switch descriptor {
      case "<f4": return .float32(load(UInt32.self).map(Float.init(bitPattern:)))
      case "<f8": return .float64(load(UInt64.self).map(Double.init(bitPattern:)))
      case "<i4": return .int32(load(Int32.self))
      default: return .int64(load(Int64.self))
      }
    }
    self.shape = shape
    self.elements = elements
  }

  // MARK: Writing

  /// The `.npy` (version 1.0) encoding: the header padded with spaces to a multiple of 64 bytes,
  /// then the little-endian elements.
  public func encoded() -> Data {
    let dims = shape.map(String.init)
    let shapeText = "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
    var header = "{'descr': '\(elements.descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = NumpyFile.magic.count + 4 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var data = Data(NumpyFile.magic + [1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    func append<T: FixedWidthInteger>(_ values: [T]) {
      data.reserveCapacity(data.count + values.count * MemoryLayout<T>.size)
      values.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
    }
    switch elements {
    case .float32(let v): append(v.map(\.bitPattern))
    case .float64(let v): append(v.map(\.bitPattern))
    case .int32(let v): append(v)
    case .int64(let v): append(v)
    }
    return data
  }

  /// Writes the `.npy` encoding to `url` (atomically).
  public func write(to url: URL) throws(NumpyFileError) {
    do {
      try encoded().write(to: url, options: .atomic)
    } catch {
      throw NumpyFileError("\(url.path): cannot write file (\(error.localizedDescription))")
    }
  }
}

/// A malformed or unsupported `.npy` file, or a failed read/write.
public struct NumpyFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A one-line explanation.
  public let description: String

  /// Creates an error with a one-line explanation.
  public init(_ description: String) { self.description = description }
}

/// A parser for the Python dict literal of a `.npy` header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
enum NumpyHeader {
  enum Value: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
  }

  static func parse(_ text: String) throws(NumpyFileError) -> [String: Value] {
    var chars = Substring(text)
    func fail(_ what: String) -> NumpyFileError {
      NumpyFileError("malformed header (\(what)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    func skipSpace() { chars = chars.drop(while: \.isWhitespace) }
    func take(_ c: Character) -> Bool {
      skipSpace()
      guard chars.first == c else { return false }
      chars.removeFirst()
      return true
    }
    func string() throws(NumpyFileError) -> String {
      skipSpace()
      guard let quote = chars.first, quote == "'" || quote == "\"" else { throw fail("expected a string") }
      chars.removeFirst()
      guard let end = chars.firstIndex(of: quote) else { throw fail("unterminated string") }
      let value = String(chars[..<end])
      chars = chars[chars.index(after: end)...]
      return value
    }
    func value() throws(NumpyFileError) -> Value {
      skipSpace()
      if chars.hasPrefix("True") {
        chars.removeFirst(4)
        return .bool(true)
      }
      if chars.hasPrefix("False") {
        chars.removeFirst(5)
        return .bool(false)
      }
      if take("(") {
        var dims: [Int] = []
        while !take(")") {
          skipSpace()
          let digits = chars.prefix(while: { $0.isNumber || $0 == "-" })
          guard let dim = Int(digits) else { throw fail("expected an integer dimension") }
          dims.append(dim)
          chars.removeFirst(digits.count)
          if !take(",") {
            guard take(")") else { throw fail("expected ',' or ')' in shape") }
            break
          }
        }
        return .tuple(dims)
      }
      return .string(try string())
    }
    guard take("{") else { throw fail("expected '{'") }
    var fields: [String: Value] = [:]
    while !take("}") {
      let key = try string()
      guard take(":") else { throw fail("expected ':' after '\(key)'") }
      fields[key] = try value()
      if !take(",") {
        guard take("}") else { throw fail("expected ',' or '}'") }
        break
      }
    }
    return fields
  }
}
