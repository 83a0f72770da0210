import Foundation

/// Finds the repository's `Data/` folder: the `--data DIR` value when given, else `Data/` in
/// the current directory, else the one next to this source file's package (so `swift run`
/// works from anywhere inside the checkout).
///
/// - Throws: when none of the candidates contains `required` (a path relative to Data/).
public func dataDirectory(explicit: String?, required: String) throws -> URL {
  let fileManager = FileManager.default
  var candidates: [URL] = []
  if let explicit {
    candidates = [URL(fileURLWithPath: explicit)]
  } else {
    candidates.append(URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Data"))
    // Examples/MilestoneSupport/DataDirectory.swift → repository root.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(root.appendingPathComponent("Data"))
  }
  for candidate in candidates
  where fileManager.fileExists(atPath: candidate.appendingPathComponent(required).path) {
    return candidate
  }
  throw MilestoneError(
    "cannot find \(required) in " + candidates.map(\.path).joined(separator: " or ")
      + "; pass --data DIR (the folder that holds \(required))")
}

/// The help text of the `--data DIR` option for a data set in `folder` (e.g. `"tinydigits/"`),
/// describing where ``dataDirectory(explicit:required:)`` looks.
public func dataOptionHelp(holding folder: String) -> String {
  "DIR  folder holding \(folder) (default: ./Data, else the repository's Data/)"
}

/// A milestone setup problem with a one-line explanation.
public struct MilestoneError: Error, CustomStringConvertible {
  public let description: String
  /// An error that prints as `description`.
  public init(_ description: String) { self.description = description }
}
