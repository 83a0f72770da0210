/// How many values of a model are zero, per parameter and in total.
///
/// ```swift
/// print(SparsityReport(model))
/// // parameter          shape      values  zeros  sparsity
/// // hidden.weight      [64, 128]    8192   6554     80.0%
/// // ...
/// ```
public struct SparsityReport: CustomStringConvertible, Sendable {
  /// One parameter's figures.
  public struct Entry: Sendable {
    /// The dotted parameter name.
    public let name: String
    /// Its shape.
    public let shape: [Int]
    /// Its number of values.
    public let count: Int
    /// How many of them are exactly zero.
    public let zeros: Int
    /// `zeros / count` (0 for an empty tensor).
    public var sparsity: Double { count == 0 ? 0 : Double(zeros) / Double(count) }
  }

  /// Every trainable parameter, in ``Module/namedParameters()`` order.
  public let entries: [Entry]

  /// Measures every trainable parameter of `model`.
  public init(_ model: Module) {
    entries = model.namedParameters().map { name, tensor in
      Entry(
        name: name, shape: tensor.shape, count: tensor.count,
        zeros: tensor.scalars.reduce(0) { $0 + ($1 == 0 ? 1 : 0) })
    }
  }

  /// All values of all parameters.
  public var count: Int { entries.reduce(0) { $0 + $1.count } }
  /// All zeros of all parameters.
  public var zeros: Int { entries.reduce(0) { $0 + $1.zeros } }
  /// The overall fraction of zeros.
  public var sparsity: Double { count == 0 ? 0 : Double(zeros) / Double(count) }

  /// A table with one line per parameter and a total line.
  public var description: String {
    let rows =
      entries.map { [$0.name, "\($0.shape)", "\($0.count)", "\($0.zeros)", percent($0.sparsity)] }
      + [["total", "", "\(count)", "\(zeros)", percent(sparsity)]]
    let header = ["parameter", "shape", "values", "zeros", "sparsity"]
    let widths = header.indices.map { column in
      ([header] + rows).map { $0[column].count }.max()!
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column < 2 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
  }

  private func percent(_ fraction: Double) -> String {
    let tenths = Int((fraction * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
  }
}
