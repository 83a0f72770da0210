import Foundation
import TTIR

extension Tensor {
  /// A tensor with the shape and values of a NumPy array (integers and `float64` are converted
  /// to `Float`).
  public convenience init(_ array: NumpyFile) {
    self.init(uncheckedShape: array.shape, scalars: array.floats())
  }

  /// Reads a `.npy` file (little-endian f32/f64/i32/i64, C order).
  ///
  /// - Throws: `TTIR.NumpyFileError` naming the file and the problem (bad magic or header,
  ///   Fortran order, big-endian or unsupported dtype, truncated data).
  public convenience init(npyFile url: URL) throws {
    self.init(try NumpyFile(contentsOf: url))
  }

  /// The values as a `float32` NumPy array.
  public var numpyFile: NumpyFile {
    // The count always matches the shape, so this cannot fail.
    try! NumpyFile(shape: shape, elements: .float32(scalars))
  }

  /// Writes the values as a `float32` `.npy` file.
  public func saveNumpy(to url: URL) throws {
    try numpyFile.write(to: url)
  }
}
