/// A tiny command-line parser for the milestone executables: `--flag` switches and
/// `--option value` pairs, with a usage text for `--help` and for mistakes.
public struct Arguments {
  /// The switches that were given.
  public private(set) var flags: Set<String> = []
  /// The options that were given, with their values.
  public private(set) var options: [String: String] = [:]

  /// Parses `arguments` (without the program name; by default the process's own) against the
  /// declared names.
  ///
  /// - Parameters:
  ///   - flags: accepted switches with a one-line help each, e.g. `["bench": "time one step"]`.
  ///   - options: accepted options taking a value, with help, e.g. `["data": "DIR  data folder"]`.
  /// - Throws: ``ArgumentError`` for unknown names, a missing value, or `--help` (whose
  ///   message is the usage text).
  public init(
    _ arguments: [String] = Array(CommandLine.arguments.dropFirst()), program: String,
    flags flagHelp: [String: String] = [:],
    options optionHelp: [String: String] = [:]
  ) throws(ArgumentError) {
    let usage = Arguments.usage(program: program, flags: flagHelp, options: optionHelp)
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
      guard argument.hasPrefix("--") else {
        throw ArgumentError(message: "unexpected argument '\(argument)'\n\(usage)", isHelp: false)
      }
      let name = String(argument.dropFirst(2))
      if name == "help" { throw ArgumentError(message: usage, isHelp: true) }
      if flagHelp[name] != nil {
        flags.insert(name)
      } else if optionHelp[name] != nil {
        guard let value = remaining.popFirst(), !value.hasPrefix("--") else {
          throw ArgumentError(message: "option --\(name) needs a value\n\(usage)", isHelp: false)
        }
        options[name] = value
      } else {
        throw ArgumentError(message: "unknown option '\(argument)'\n\(usage)", isHelp: false)
      }
    }
  }

  /// Whether switch `--name` was given.
  public func has(_ name: String) -> Bool { flags.contains(name) }

  /// The value of `--name` as an integer, or `defaultValue` when absent.
  public func integer(_ name: String, default defaultValue: Int) throws(ArgumentError) -> Int {
    guard let text = options[name] else { return defaultValue }
    guard let value = Int(text) else {
      throw ArgumentError(message: "--\(name) needs an integer, got '\(text)'", isHelp: false)
    }
    return value
  }

  static func usage(program: String, flags: [String: String], options: [String: String]) -> String {
    var lines = ["usage: \(program) [options]"]
    for (name, help) in options.sorted(by: { $0.key < $1.key }) { lines.append("  --\(name) \(help)") }
    for (name, help) in flags.sorted(by: { $0.key < $1.key }) { lines.append("  --\(name)  \(help)") }
    lines.append("  --help  show this text")
    return lines.joined(separator: "\n")
  }
}

/// A command-line mistake, or a request for help.
public struct ArgumentError: Error, CustomStringConvertible {
  /// What to print.
  public let message: String
  /// Whether the user asked for `--help` (exit status 0) rather than made a mistake.
  public let isHelp: Bool

  public var description: String { message }
}
