import Foundation

/// A set of named tensors in the safetensors format, the weights format shared with Python.
///
/// Layout: an 8-byte little-endian header length `n`; `n` bytes of JSON
/// `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}`
/// padded with spaces to a multiple of 8; then the raw little-endian tensor data, with offsets
/// relative to its start.
///
/// Writing follows the reference implementation (Rust `safetensors`, which Python's
/// `safetensors.numpy.save_file` calls), so the bytes are identical to Python's for the same
/// tensors and metadata: tensors are ordered by dtype alignment, largest first
/// (I64, F32, I32, F16, I8), then by name; the header is compact JSON; data is packed
/// without gaps. Metadata keys are written sorted (Python's order for several keys is not
/// deterministic).
///
/// Reading supports F32, F16, I8, I32, I64, F64 and BF16 (F64 and BF16 tensors are converted to
/// `f32`, the IR having neither; ``convertedDTypes`` records which) and rejects malformed files: truncated data, header length past the end,
/// invalid JSON, unknown dtypes, byte counts that do not match the shape, offsets out of
/// range, overlapping or leaving gaps.
public struct SafeTensors: Hashable, Sendable {
  /// The tensors by name.
  public var tensors: [String: TensorData]
  /// Free-form string metadata (`__metadata__`).
  public var metadata: [String: String]
  /// The file's element type of each tensor that was converted on reading (`"F64"` or `"BF16"`,
  /// now `f32`), so loaders can report conversions; empty for tensor sets built in memory.
  public var convertedDTypes: [String: String] = [:]

  /// Creates a tensor set.
  public init(tensors: [String: TensorData], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Reads and decodes the file at `url`.
  public init(contentsOf url: URL) throws(SafeTensorsError) {
    let data: Data
    do {
      data = try InputFile.read(url, mapped: true)
    } catch {
      throw SafeTensorsError(path: url.path, error.reason)
    }
    do {
      try self.init(bytes: [UInt8](data))
    } catch {
      throw SafeTensorsError(path: url.path, error.message)
    }
  }

  /// Decodes a safetensors byte buffer.
  public init(bytes: [UInt8]) throws(SafeTensorsError) {
    self = try SafeTensorsReader(bytes: bytes).read()
  }

  /// The encoded file contents.
  public func encoded() -> [UInt8] {
    SafeTensorsWriter.encode(self)
  }

  /// Writes the encoded file to `url` atomically (temporary file, then rename), each tensor's
  /// bytes as they are (the file is not assembled in memory first).
  public func write(to url: URL) throws(SafeTensorsError) {
    let (header, ordered) = SafeTensorsWriter.layout(self)
    do {
      try AtomicFile.write(chunks: [header] + ordered.map(\.bytes), to: url)
    } catch {
      throw SafeTensorsError(path: url.path, "cannot write file (\(Self.reason(error)))")
    }
  }

  static func reason(_ error: any Error) -> String {
    if let problem = error as? FileWriteProblem { return problem.reason }
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
      return underlying.localizedDescription
    }
    return nsError.localizedDescription
  }
}

/// The element types of the safetensors format that TTIR understands.
enum SafeTensorsDType: String, CaseIterable {
  case i64 = "I64"
  case f64 = "F64"
  case f32 = "F32"
  case i32 = "I32"
  case f16 = "F16"
  case bf16 = "BF16"
  case i8 = "I8"

  init(_ dtype: DType) {
    switch dtype {
    case .f32: self = .f32
    case .f16: self = .f16
    case .i8: self = .i8
    case .i32: self = .i32
    case .i64: self = .i64
    }
  }

  var byteSize: Int {
    switch self {
    case .i64, .f64: 8
    case .f32, .i32: 4
    case .f16, .bf16: 2
    case .i8: 1
    }
  }

  /// The position in the reference implementation's `Dtype` enum, whose descending order
  /// decides the order tensors are written in.
  var sortRank: Int {
    switch self {
    case .i8: 5
    case .f16: 11
    case .bf16: 12
    case .i32: 13
    case .f32: 15
    case .f64: 16
    case .i64: 17
    }
  }
}
