/// Argument checks for calls that cannot throw (initializers of layers, `Tensor.item`, literals).
///
/// Each check is a throwing function with a descriptive ``TensorError``, so tests and callers
/// with untrusted values can run it first; the non-throwing API runs the same check through
/// ``orStop(_:)``, which stops the program with that message. Unlike `precondition`, whose
/// message is dropped in release builds, the message is printed in every build configuration.
enum ArgumentCheck {
  /// The value of `check`, or a stop with the error's message when it throws.
  static func orStop<T>(_ check: () throws -> T) -> T {
    do {
      return try check()
    } catch {
      fatalError("\(error)")
    }
  }

  /// Throws `TensorError.invalidArgument(message())` unless `condition` holds.
  static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    guard condition else { throw TensorError.invalidArgument(message()) }
  }
}
