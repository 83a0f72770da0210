import Foundation

/// A numeric CSV table: optional column names and a `[rows, columns]` tensor of values.
///
/// ```swift
/// let table = try CSVFile(contentsOf: url, hasHeader: true)
/// let labels = try table.values.slice(axis: 1, start: 0, end: 1)
/// ```
public struct CSVFile {
  /// The header row's cells, or `[]` when the file has no header.
  public let columnNames: [String]
  /// The values, shape `[rows, columns]`.
  public let values: Tensor

  /// Parses CSV text. Every non-blank line must have the same number of numeric cells; blank
  /// lines are skipped.
  ///
  /// - Parameters:
  ///   - text: the CSV text.
  ///   - hasHeader: whether the first non-blank line names the columns.
  ///   - separator: the cell separator.
  /// - Throws: ``CSVError`` with the 1-based line number for a non-numeric cell, a row with
  ///   the wrong number of cells, or a file without data rows.
  public init(text: String, hasHeader: Bool = false, separator: Character = ",") throws {
    var names: [String] = []
    var values: [Float] = []
    var columns: Int? = nil
    var rows = 0
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)  // also drops "\r"
      if trimmed.isEmpty { continue }
      let cells = trimmed.split(separator: separator, omittingEmptySubsequences: false)
      if hasHeader && columns == nil && names.isEmpty {
        names = cells.map {
          $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        columns = names.count
        continue
      }
      if let columns, cells.count != columns {
        throw CSVError(
          line: lineNumber,
          "row has \(cells.count) cells, expected \(columns)\(hasHeader ? " (as in the header)" : "")")
      }
      columns = cells.count
      for (column, cell) in cells.enumerated() {
        let text = cell.trimmingCharacters(in: .whitespaces)
        guard let value = Float(text) else {
          throw CSVError(line: lineNumber, "cell \(column + 1) '\(text)' is not a number")
        }
        values.append(value)
      }
      rows += 1
    }
    guard rows > 0, let columns else {
      throw CSVError(line: lineNumber, "no data rows")
    }
    self.columnNames = names
    self.values = Tensor(uncheckedShape: [rows, columns], scalars: values)
  }

  /// Reads and parses a CSV file; see ``init(text:hasHeader:separator:)``.
  public init(contentsOf url: URL, hasHeader: Bool = false, separator: Character = ",") throws {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw CSVError(line: 0, "\(url.path): cannot read file as UTF-8 text (\(error.localizedDescription))")
    }
    do {
      try self.init(text: text, hasHeader: hasHeader, separator: separator)
    } catch let error as CSVError {
      throw CSVError(line: error.line, "\(url.path): \(error.message)")
    }
  }
}

/// A malformed CSV file: the 1-based line number (0 when not tied to a line) and the problem.
public struct CSVError: Error, Equatable, CustomStringConvertible {
  /// The 1-based line of the problem, or 0.
  public let line: Int
  /// What is wrong.
  public let message: String

  /// A problem on `line` (0 when it concerns no single line).
  public init(line: Int, _ message: String) {
    self.line = line
    self.message = message
  }

  public var description: String { line > 0 ? "CSV line \(line): \(message)" : "CSV: \(message)" }
}
