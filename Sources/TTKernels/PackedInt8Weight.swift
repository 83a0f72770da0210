import TTRuntime

/// A constant int8 weight packed once by `tt_qpack_grouped` (Runtime/include/tt_qgemm.h), as
/// compiled models embed it: its rows (output channels) in `groups` blocks, each with its row sums,
/// laid out so that ``QuantizedLinear`` and ``QuantizedConvolution`` multiply it without packing it
/// or summing its rows per call (products bitwise those on the unpacked weight). Immutable after
/// creation, so one instance serves concurrent calls.
public final class PackedInt8Weight: @unchecked Sendable {
  /// The weight's rows (output channels), columns (the rest, flattened) and blocks of rows.
  public let rows: Int, columns: Int, groups: Int
  let bytes: UnsafeMutableRawPointer

  /// Packs `weight` (`rows` rows of `columns` values in −127...127, row-major) in `groups` blocks
  /// of rows (`rows` is a multiple of `groups`).
  public init(_ weight: UnsafePointer<Int8>, rows: Int, columns: Int, groups: Int = 1) {
    (self.rows, self.columns, self.groups) = (rows, columns, groups)
    let count = Int(tt_qpack_grouped_bytes(Int64(groups), Int64(rows), Int64(columns)))
    bytes = .allocate(byteCount: max(count, 64), alignment: 64)
    tt_qpack_grouped(weight, Int64(groups), Int64(rows), Int64(columns), bytes)
  }

  deinit { bytes.deallocate() }
}
