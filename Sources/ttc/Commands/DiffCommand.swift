import ArgumentParser
import TTIR
import TTInterpreter
import TTLoader

/// `ttc diff`: runs the interpreter and the compiled library side by side and compares every
/// node's output, naming the first node that diverges.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Compare the compiled library with the interpreter node by node.",
    discussion: """
      Runs both engines on the same inputs (--input files, else seeded random values) and prints, \
      for every node, the largest absolute and relative difference between the compiled output \
      (seen through the library's observer) and the interpreter's. A node diverges when some \
      element has |compiled − interpreted| > tolerance · max(1, |interpreted|). The first \
      diverging node is marked with >> and named on the last line; the exit status is then 1.

      Examples:
        ttc diff mlp.json
        ttc diff cnn.json --input x.npy --tolerance 1e-5
        ttc diff cnn.json --batch 8 --cc-opt O0
        ttc diff mlp.json --compiled mlp.so
      """)

  @Argument(help: "The model file (model.json).")
  var model: String

  @Option(
    name: .customLong("input"),
    help: ArgumentHelp(
      "An input as NAME=FILE.npy, or FILE.npy for the next input in declaration order (default: random).",
      valueName: "input"))
  var inputs: [String] = []

  @Option(
    parsing: .unconditional, help: "The largest accepted |compiled − interpreted| / max(1, |interpreted|).")
  var tolerance = 1e-4

  @Option(
    parsing: .unconditional,
    help: "Compare at this batch size (re-specializes the leading dimension of every input).")
  var batch: Int?

  @Option(parsing: .unconditional, help: "Seed of the random inputs.")
  var seed: UInt64 = 0

  @Option(
    help: ArgumentHelp(
      "A library built by ttc compile from this model (default: compile through the cache).",
      valueName: "path"))
  var compiled: String?

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup var modelFile: ModelFileFlags

  @OptionGroup var compiler: CompilerFlags

  func validate() throws {
    guard tolerance >= 0 else { throw ValidationError("--tolerance must not be negative") }
    if let batch, batch <= 0 { throw ValidationError("--batch must be positive (got \(batch))") }
  }

  func run() throws {
    try reportingErrors(diff)
  }

  private func diff() throws {
    let loaded = try LoadedModel(path: model, modelFile: modelFile, batch: batch, passes: passes)
    let graph = loaded.graph
    let values =
      inputs.isEmpty
      ? try RandomInputs.make(for: graph, seed: seed)
      : try TensorFiles.readInputs(inputs, graph: graph, modelPath: model)
    let library = try loadCompiledModel(loaded, library: compiled, flags: compiler, modelPath: model)

    // The interpreter keeps a value only if it is a graph output: expose every node's output.
    var probe = graph
    let types = try graph.valueTypes()
    probe.outputs = graph.nodes.compactMap { node in
      node.outputs.first.flatMap { name in types[name].map { ValueInfo(name: name, type: $0) } }
    }
    let reference = try interpret(probe, values, modelPath: model)
    var observed: [Int: TensorData] = [:]
    do {
      _ = try library.run(orderedInputs(values, of: graph)) { index, _, value in
        observed[index] = value
      }
    } catch {
      throw CommandFailure("\(library.path): \(error)")
    }

    var table = TextTable([
      ("", .left), ("#", .right), ("node", .left), ("op", .left), ("output", .left), ("max abs", .right),
      ("max rel", .right),
    ])
    var first: (index: Int, node: Node, difference: Difference)?
    for (index, node) in graph.nodes.enumerated() {
      guard let output = node.outputs.first, let expected = reference[output] else { continue }
      guard let actual = observed[index] else {
        table.append([
          "", "\(index)", node.name, node.op.rawValue, expected.type.description, "not observed", "",
        ])
        continue
      }
      let difference = Difference(actual.floats(), expected.floats())
      let diverges = difference.diverges(tolerance: tolerance)
      if diverges && first == nil { first = (index, node, difference) }
      table.append([
        diverges && first?.index == index ? ">>" : (diverges ? "!" : ""), "\(index)", node.name,
        node.op.rawValue, expected.type.description,
        difference.mismatched ? "mismatch" : Format.scientific(difference.maxAbsolute),
        Format.scientific(difference.maxRelative),
      ])
    }
    print("\(graph.name): compiled vs interpreter, \(graph.nodes.count) nodes, tolerance \(tolerance)")
    print(table.rendered, terminator: "")
    guard let first else {
      print("all \(graph.nodes.count) nodes agree within tolerance \(tolerance)")
      return
    }
    print(
      ">> first divergence at node \(first.index) '\(first.node.name)' (\(first.node.op.rawValue)): "
        + "max abs \(Format.scientific(first.difference.maxAbsolute)), "
        + "max rel \(Format.scientific(first.difference.maxRelative)) (tolerance \(tolerance))")
    throw ExitCode(1)
  }
}
