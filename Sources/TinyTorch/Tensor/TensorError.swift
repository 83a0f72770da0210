/// Errors thrown by tensor operations. Every message names the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  /// Two shapes that had to agree (or broadcast) did not.
  case shapeMismatch(op: String, [Int], [Int])
  /// An index or axis outside its valid range.
  case indexOutOfRange(op: String, index: Int, bound: Int)
  /// Any other invalid argument, with a full explanation.
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .shapeMismatch(let op, let a, let b):
      return "\(op): shapes \(a) and \(b) are not compatible"
    case .indexOutOfRange(let op, let index, let bound):
      return "\(op): index \(index) is out of range for size \(bound)"
    case .invalidArgument(let message):
      return message
    }
  }
}
