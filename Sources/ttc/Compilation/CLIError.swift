/// A mistake or failure reported to the user as one line, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
