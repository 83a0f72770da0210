import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses

/// The compile-and-run fuzzer: graphs from ``GraphGenerator`` run in the interpreter, are compiled
/// to C (alternately at `-O0` and after the `-O2` passes), loaded and run, and every output is
/// compared: integers exactly, floats within `|c − i| ≤ 1e-4 · max(1, |i|)` (infinities exactly;
/// an element that is NaN in either engine is not compared but counted, see
/// ``difference(_:_:slack:)``), widened by the graph's own conditioning where that fails
/// (``sensitivity(of:)``).
///
/// A C compile costs far more than a small graph, so ``graphsPerLibrary`` generated graphs are
/// compiled together as the disjoint parts of one graph (their names prefixed `g<index>_`); each
/// part is still generated, interpreted and compared on its own. A graph the interpreter refuses
/// to run (it cannot happen for the generator's ops, but would not be a bug) is counted and
/// dropped. The same seed gives the same graphs: `ttfuzz graphs --count N --seed S`.
public struct GraphCampaign: Sendable {
  /// What ran.
  public struct Report: Sendable, Equatable {
    /// Graphs compiled, run and compared.
    public var graphs = 0
    /// Libraries compiled (each holds up to ``graphsPerLibrary`` graphs).
    public var libraries = 0
    /// Output tensors compared.
    public var outputs = 0
    /// Graphs the interpreter refused to run.
    public var refused = 0
    /// Output elements not compared because one engine computed NaN.
    public var nanElements = 0
    /// Disagreements found (only with `keepGoing`; else the first one is thrown).
    public var disagreements = 0
    /// Graphs in libraries with a disagreement, not compared past it.
    public var unchecked = 0
  }

  /// A graph whose compiled outputs differ from the interpreter's, or whose library failed.
  public struct Disagreement: Error, CustomStringConvertible {
    /// The generated graph, as generated (unprefixed).
    public var graph: Graph
    /// Its inputs.
    public var inputs: [String: InterpreterTensor]
    /// What differs.
    public var message: String

    public var description: String { "graph '\(graph.name)': \(message)" }
  }

  /// Generated graphs per compiled library.
  public var graphsPerLibrary = 25
  /// The generator.
  public var generator = GraphGenerator()
  /// The compile cache the libraries are built in (a scratch folder).
  public let cacheDirectory: String

  /// Creates a campaign compiling into `cacheDirectory`.
  public init(cacheDirectory: String) { self.cacheDirectory = cacheDirectory }

  /// Generates, compiles and compares `graphs` graphs from `seed`; `progress` sees the report after
  /// each library.
  ///
  /// With `keepGoing`, a disagreement is handed to it and the run goes on with the next library;
  /// the graphs of that library count in ``Report/unchecked``, not in ``Report/graphs``.
  public func run(
    graphs: Int, seed: UInt64, keepGoing: ((Disagreement) -> Void)? = nil, progress: ((Report) -> Void)? = nil
  ) throws(Disagreement) -> Report {
    var draws = Draws(generator: generator, seed: seed)
    var report = Report()
    var library = 0
    while report.graphs + report.unchecked < graphs {
      var parts: [Part] = []
      while parts.count < min(graphsPerLibrary, graphs - report.graphs - report.unchecked) {
        let (graph, inputs) = draws.next()
        guard let expected = try? Interpreter(graph: graph).run(inputs) else {
          report.refused += 1
          continue
        }
        parts.append(Part(graph: graph, inputs: inputs, expected: expected))
      }
      library += 1
      report.libraries += 1
      do {
        report.nanElements += try compareCompiled(
          parts, optimized: library % 2 == 0, name: "fuzz\(seed)_\(library - 1)")
      } catch {
        guard let keepGoing else { throw error }
        keepGoing(error)
        report.disagreements += 1
        report.unchecked += parts.count
        progress?(report)
        continue
      }
      report.graphs += parts.count
      report.outputs += parts.reduce(0) { $0 + $1.graph.outputs.count }
      progress?(report)
    }
    return report
  }

  /// The graphs and inputs a campaign draws from one seed, in order: graph `i` is named
  /// `s<seed>_<i>` (refused graphs count too), so a finding is drawn again from its name alone
  /// (`ttfuzz graphs --redraw`).
  public struct Draws {
    /// The generator.
    public let generator: GraphGenerator
    /// The seed.
    public let seed: UInt64
    /// The index of the next graph.
    public private(set) var index = 0
    private var random: FuzzRandom

    /// The draws of `seed`.
    public init(generator: GraphGenerator, seed: UInt64) {
      (self.generator, self.seed, random) = (generator, seed, FuzzRandom(seed: seed))
    }

    /// The next graph and its inputs.
    public mutating func next() -> (graph: Graph, inputs: [String: InterpreterTensor]) {
      let graph = generator.graph(named: "s\(seed)_\(index)", random: &random)
      let inputs = Dictionary(
        uniqueKeysWithValues: graph.inputs.map { ($0.name, GraphCampaign.input($0.type, random: &random)) })
      index += 1
      return (graph, inputs)
    }
  }

  /// One generated graph with its inputs and the interpreter's outputs.
  struct Part {
    var graph: Graph
    var inputs: [String: InterpreterTensor]
    var expected: [String: InterpreterTensor]

    func disagreement(_ message: String) -> Disagreement {
      Disagreement(graph: graph, inputs: inputs, message: message)
    }
  }

  /// Compiles `parts` as one library and compares each part's outputs; a failure of the whole
  /// library is blamed on the first part that fails alone. Returns the NaN elements not compared.
  @discardableResult
  func compareCompiled(_ parts: [Part], optimized: Bool, name: String) throws(Disagreement) -> Int {
    do {
      return try compileAndCompare(parts, optimized: optimized, name: name)
    } catch {
      guard parts.count > 1 else { throw error }
      for part in parts { _ = try compileAndCompare([part], optimized: optimized, name: name) }
      throw parts[0].disagreement("fails only together with other graphs: \(error.message)")
    }
  }

  private func compileAndCompare(_ parts: [Part], optimized: Bool, name: String) throws(Disagreement) -> Int {
    let level = optimized ? "-O2" : "-O0"
    var graph = Self.union(parts.map(\.graph), name: name)
    do {
      if optimized {
        let pipeline = try Pipeline.level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
        graph = try PassManager(pipeline: pipeline).run(graph).graph
      }
      let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cacheDirectory))
      let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
      let inputs = graph.inputs.map { info in
        let (part, local) = Self.split(info.name)
        return parts[part].inputs[local]!.tensorData
      }
      let outputs = try model.run(inputs)
      var nanElements = 0
      var sensitivities: [Int: [String: [Float]]] = [:]
      for (info, actual) in zip(graph.outputs, outputs) {
        let (part, local) = Self.split(info.name)
        let expected = parts[part].expected[local]!.tensorData
        if Self.difference(actual, expected) != nil {
          if sensitivities[part] == nil { sensitivities[part] = Self.sensitivity(of: parts[part]) }
          if let difference = Self.difference(actual, expected, slack: sensitivities[part]![local]) {
            throw parts[part].disagreement("\(level): output '\(local)' \(difference)")
          }
        }
        if info.type.dtype.isFloatingPoint {
          nanElements += zip(actual.floats(), expected.floats()).count { $0.isNaN || $1.isNaN }
        }
      }
      return nanElements
    } catch let disagreement as Disagreement {
      throw disagreement
    } catch {
      throw parts[0].disagreement("\(level): \(error)")
    }
  }

  /// A random input: mostly in [-3, 3], with exact zeros, ones and a few values up to ±100 (enough
  /// for `exp` to overflow; larger ones make products so ill-conditioned, e.g. attention scores
  /// of 10⁵, that fp32 summation order alone moves outputs past the 1e-4 tolerance).
  static func input(_ type: TensorType, random: inout FuzzRandom) -> InterpreterTensor {
    let values = (0..<type.elementCount).map { _ -> Float in
      switch random.below(40) {
      case 0, 1: 0
      case 2, 3: random.oneIn(2) ? 1 : -1
      case 4: (random.oneIn(2) ? 1 : -1) * Float(1 + random.below(100))
      default: Float(random.below(6001)) / 1000 - 3
      }
    }
    return InterpreterTensor(values, shape: type.shape)
  }

  /// How far the interpreter's own outputs of `part` move when every `f32` value that is not an
  /// integer, the inputs and weights and every node's output, is scaled by 1 ± 2⁻²⁰ (three draws:
  /// all up, all down, random signs), and `mod` results at their wrap point take the other side
  /// (``otherSideOfWrap(_:dividend:divisor:floored:)``): per output, per element, four times the
  /// largest move, 0 where an output or a move is not finite. Integers (indices, masks,
  /// comparison results, the generator's exact 0 and ±1) stay: both engines hold them exactly.
  ///
  /// The two engines round differently (summation order, fused multiply-adds, `libm` against the
  /// runtime's own functions), each by a few ulps per operation. A perturbation of 2⁻²⁰ (8 ulps)
  /// after every node moves an output about as far as such rounding does, times the graph's
  /// condition number there; so a difference within this slack is the graph's ill-conditioning
  /// (a quotient by a cancelling sum, `pow` with a large exponent), not an engine computing
  /// something else. A well-conditioned element gets almost no slack. A discontinuity is reached
  /// only if a perturbation crosses it, which scaling cannot be relied on to do for `mod` (whose
  /// operands may scale together), hence its explicit wrap.
  static func sensitivity(of part: Part) -> [String: [Float]] {
    var slack = part.expected.mapValues { [Float](repeating: 0, count: $0.count) }
    for draw in 0..<3 {
      var random = FuzzRandom(seed: 0x5EED)
      func perturbed(_ data: TensorData) -> TensorData {
        guard data.type.dtype == .f32 else { return data }
        let values = data.floats().map { x in
          let up = draw == 0 || (draw == 2 && random.oneIn(2))
          return x == x.rounded() ? x : x * (up ? 1 + 0x1p-20 : 1 - 0x1p-20)
        }
        return TensorData(values, shape: data.type.shape)
      }
      var values: [String: TensorData] = [:]
      for name in part.graph.weights.keys.sorted() { values[name] = perturbed(part.graph.weights[name]!) }
      for name in part.inputs.keys.sorted() { values[name] = perturbed(part.inputs[name]!.tensorData) }
      do {
        for node in part.graph.nodes {
          let inputs = node.inputs.map { values[$0]! }
          var output = try Interpreter.evaluate(node, inputs: inputs)
          if node.op == .mod, output.type.dtype == .f32 {
            output = try otherSideOfWrap(
              output, dividend: inputs[0], divisor: inputs[1], floored: node.bool("fmod") != true)
          }
          values[node.outputs[0]] = perturbed(output)
        }
      } catch {
        continue
      }
      for (name, expected) in part.expected where expected.dtype == .f32 {
        let (y, moved) = (expected.floats(), values[name]!.floats())
        for index in y.indices where y[index].isFinite && moved[index].isFinite {
          slack[name]![index] = max(slack[name]![index], 4 * abs(moved[index] - y[index]))
        }
      }
    }
    return slack
  }

  /// `remainder` (of `mod`) with each element at its wrap point moved to the other side: the
  /// result lies between 0 and `s` (`s` = the divisor, or for C's `fmod` its magnitude with the
  /// dividend's sign); within `2⁻¹⁴·|dividend|` of 0 it becomes `r + s`, within that of `s` it
  /// becomes `r − s`. Both are right up to rounding: a divisor that the engines round apart by a
  /// relative δ moves the remainder by about `|dividend|·δ` (docs/IR.md, "mod").
  static func otherSideOfWrap(
    _ remainder: TensorData, dividend: TensorData, divisor: TensorData, floored: Bool
  )
    throws -> TensorData
  {
    // The operands broadcast to the result's shape (by adding them to zeros).
    let zeros = TensorData(
      [Float](repeating: 0, count: remainder.type.elementCount), shape: remainder.type.shape)
    let broadcast = Node(name: "broadcast", op: .add, inputs: ["zeros", "x"], outputs: ["y"])
    let (a, b) = (
      try Interpreter.evaluate(broadcast, inputs: [zeros, dividend]).floats(),
      try Interpreter.evaluate(broadcast, inputs: [zeros, divisor]).floats()
    )
    let values = remainder.floats().enumerated().map { index, r -> Float in
      let s = floored ? b[index] : a[index].sign == .minus ? -abs(b[index]) : abs(b[index])
      let near = 0x1p-14 * abs(a[index])
      guard r.isFinite, s.isFinite, s != 0, a[index] != 0 else { return r }
      if abs(r) <= near { return r + s }
      if abs(r - s) <= near { return r - s }
      return r
    }
    return TensorData(values, shape: remainder.type.shape)
  }

  /// Why `actual` (compiled) does not match `expected` (interpreter), or `nil` when it does;
  /// `slack` (per element, see ``sensitivity(of:)``) widens the float tolerance.
  static func difference(_ actual: TensorData, _ expected: TensorData, slack: [Float]? = nil) -> String? {
    guard actual.type == expected.type else { return "has type \(actual.type), expected \(expected.type)" }
    if expected.type.dtype.isInteger {
      let (a, b) = (actual.int64s(), expected.int64s())
      guard let index = a.indices.first(where: { a[$0] != b[$0] }) else { return nil }
      return "element \(index): compiled \(a[index]), interpreter \(b[index])"
    }
    let (a, b) = (actual.floats(), expected.floats())
    for (index, (x, y)) in zip(a, b).enumerated() {
      // A NaN in either engine is counted, not compared: rounding may decide between a finite
      // value and NaN (an overflow in one engine only, then inf − inf; docs/IR.md, "NaN and
      // overflow").
      let tolerance = 1e-4 * max(1, abs(y)) + (slack?[index] ?? 0)
      let agree = x.isNaN || y.isNaN || x == y || (y.isFinite && abs(x - y) <= tolerance)
      if !agree { return "element \(index): compiled \(x), interpreter \(y)" }
    }
    return nil
  }

  /// The disjoint union of `graphs`: every name of graph `i` prefixed with `g<i>_`.
  static func union(_ graphs: [Graph], name: String) -> Graph {
    var union = Graph(name: name, inputs: [], outputs: [], nodes: [])
    for (index, graph) in graphs.enumerated() {
      let prefix = "g\(index)_"
      func renamed(_ value: ValueInfo) -> ValueInfo { ValueInfo(name: prefix + value.name, type: value.type) }
      union.inputs += graph.inputs.map(renamed)
      union.outputs += graph.outputs.map(renamed)
      union.nodes += graph.nodes.map { node in
        Node(
          name: prefix + node.name, op: node.op, inputs: node.inputs.map { prefix + $0 },
          outputs: node.outputs.map { prefix + $0 }, attributes: node.attributes)
      }
      for (weight, data) in graph.weights { union.weights[prefix + weight] = data }
    }
    return union
  }

  /// The part index and local name of a name of ``union(_:name:)``.
  static func split(_ name: String) -> (part: Int, local: String) {
    let separator = name.firstIndex(of: "_")!
    return (Int(name.dropFirst().prefix(upTo: separator))!, String(name[name.index(after: separator)...]))
  }
}
