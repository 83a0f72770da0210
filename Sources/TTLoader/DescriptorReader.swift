import Glibc
import TTIR

/// Reads the C structs of `tt_model.h` field by field (LP64 layout; TTCodegenTests checks the
/// offsets against clang's `offsetof`), validating everything before it is used: a library whose
/// hash matches may still carry a malformed descriptor, which must be refused, not crash the
/// loader.
///
/// Every pointer must point into the library's own image (checked with `dladdr`), strings must
/// end within ``stringLimit`` bytes, counts and ranks must be small, dtypes known, and shapes
/// within ``TTIR/TensorType/byteLimit``.
struct DescriptorReader {
  let base: UnsafeRawPointer
  /// The load address of the library the descriptor belongs to.
  let image: UnsafeMutableRawPointer?

  /// The most inputs, outputs or weights a descriptor may list.
  static let countLimit = 1 << 20
  /// The highest rank a descriptor may declare.
  static let rankLimit = 64
  /// The longest name a descriptor may hold, in bytes.
  static let stringLimit = 1 << 20

  init(_ base: UnsafeRawPointer, image: UnsafeMutableRawPointer?) {
    self.base = base
    self.image = image
  }

  /// The load address of the library containing `pointer`, or `nil` if it is in none.
  static func image(containing pointer: UnsafeRawPointer) -> UnsafeMutableRawPointer? {
    // Dl_info is four pointers: file name, file base, symbol name, symbol address.
    var info: (UnsafeRawPointer?, UnsafeMutableRawPointer?, UnsafeRawPointer?, UnsafeRawPointer?) = (
      nil, nil, nil, nil
    )
    guard let dladdr = dladdrFunction, withUnsafeMutablePointer(to: &info, { dladdr(pointer, $0) }) != 0
    else { return nil }
    return info.1
  }

  private typealias AddressInfo =
    @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32

  /// glibc's `dladdr`, which Swift's Glibc module does not expose (it needs `_GNU_SOURCE`).
  private static let dladdrFunction: AddressInfo? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "dladdr")
    .map { unsafeBitCast($0, to: AddressInfo.self) }

  /// Throws unless `pointer` (through `pointer + bytes − 1`) lies in the library's image.
  func requireInImage(_ pointer: UnsafeRawPointer, bytes: Int, _ what: String) throws(LoaderError) {
    guard let image, Self.image(containing: pointer) == image,
      Self.image(containing: pointer + Swift.max(bytes - 1, 0)) == image
    else { throw Self.malformed("\(what) points outside the library") }
  }

  static func malformed(_ reason: String) -> LoaderError {
    .notALibrary(path: "", reason: "malformed model descriptor: \(reason)")
  }

  /// The `const char *` field at `offset`.
  func string(at offset: Int, _ what: String) throws(LoaderError) -> String {
    guard let pointer = base.load(fromByteOffset: offset, as: UnsafePointer<CChar>?.self) else {
      throw Self.malformed("\(what) is NULL")
    }
    try requireInImage(UnsafeRawPointer(pointer), bytes: 1, what)
    let length = strnlen(pointer, Self.stringLimit)
    guard length < Self.stringLimit else { throw Self.malformed("\(what) is not a string") }
    try requireInImage(UnsafeRawPointer(pointer), bytes: length + 1, what)
    return String(cString: pointer)
  }

  /// A byte count field (`uint64_t`) at `offset`, at most `limit`.
  func byteCount(at offset: Int, limit: Int, _ what: String) throws(LoaderError) -> Int {
    let value = base.load(fromByteOffset: offset, as: UInt64.self)
    guard value <= UInt64(limit) else { throw Self.malformed("\(what) is \(value) bytes") }
    return Int(value)
  }

  /// The table of `tt_tensor_desc`-prefixed records whose count (`int32_t`) is at `count` and
  /// pointer at `table`, records `stride` bytes apart.
  func tensors(count: Int, table: Int, stride: Int, _ what: String) throws(LoaderError)
    -> [(info: ValueInfo, raw: UnsafeRawPointer)]
  {
    let n = Int(base.load(fromByteOffset: count, as: Int32.self))
    guard (0...Self.countLimit).contains(n) else { throw Self.malformed("\(what) count is \(n)") }
    guard n > 0 else { return [] }
    guard let records = base.load(fromByteOffset: table, as: UnsafeRawPointer?.self) else {
      throw Self.malformed("the \(what) table is NULL")
    }
    try requireInImage(records, bytes: n * stride, "the \(what) table")
    var result: [(ValueInfo, UnsafeRawPointer)] = []
    for index in 0..<n {
      let record = records + index * stride
      let reader = DescriptorReader(record, image: image)
      let label = "\(what) \(index)"
      guard let dtype = Self.dtype(record.load(fromByteOffset: 8, as: Int32.self)) else {
        throw Self.malformed("\(label) has an unknown dtype")
      }
      let rank = Int(record.load(fromByteOffset: 12, as: Int32.self))
      guard (0...Self.rankLimit).contains(rank) else { throw Self.malformed("\(label) has rank \(rank)") }
      var shape: [Int] = []
      if rank > 0 {
        guard let dims = record.load(fromByteOffset: 16, as: UnsafePointer<Int64>?.self) else {
          throw Self.malformed("\(label) has no shape")
        }
        try requireInImage(UnsafeRawPointer(dims), bytes: rank * 8, "the shape of \(label)")
        shape = (0..<rank).map { Int(dims[$0]) }
      }
      let info = ValueInfo(try reader.string(at: 0, "the name of \(label)"), dtype, shape)
      guard info.type.checkedByteCount != nil else {
        throw Self.malformed("\(label) has invalid shape \(shape)")
      }
      result.append((info, record))
    }
    return result
  }

  /// The `DType` of a `tt_dtype` value.
  static func dtype(_ value: Int32) -> DType? {
    switch value {
    case 0: .f32
    case 1: .f16
    case 2: .i8
    case 3: .i32
    case 4: .i64
    default: nil
    }
  }
}
