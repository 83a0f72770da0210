import TTIR
import TTRuntime

/// Lowers a graph to one C translation unit implementing the ABI of `Runtime/tt_model.h`.
///
/// The C reads like hand-written code: descriptor tables, then functions `tt_part_N` of up to
/// ``nodesPerFunction`` nodes with one block per node, each preceded by a comment naming the node,
/// op and shapes, and `tt_run_ex` calling them in order. Shapes are constants.
/// Intermediates live in the caller's workspace at offsets chosen by ``MemoryPlanner``.
/// Weights are a blob pulled in by the assembler (`.incbin "weights.bin"`, resolved relative to
/// the directory clang runs in), so the library is self-contained and compiles as fast as a
/// model without weights; ``WeightsMode/external`` leaves them out and `tt_run_ex` takes them.
public struct CEmitter {
  /// Where the compiled library gets its weights.
  public enum WeightsMode: String, Sendable, Hashable {
    /// Inside the library (`.incbin` of `weights.bin` next to the C file).
    case embedded
    /// Passed to `tt_run_ex` at run time (e.g. packed from the model's safetensors file).
    case external
  }

  /// The result of lowering a graph.
  public struct Output: Sendable {
    /// The C source and its line → node map.
    public var source: GeneratedSource
    /// The arena layout.
    public var plan: MemoryPlan
    /// The weights layout; ``WeightsLayout/blob(_:)`` gives the bytes for `weights.bin`.
    public var weights: WeightsLayout
  }

  /// The most nodes one generated C function holds (see `tt_part_N` in the generated C).
  public static let nodesPerFunction = 64

  /// The file name the embedded weights are read from at compile time.
  public static let weightsFileName = "weights.bin"

  /// Lowers `graph` (verified, with static shapes). With embedded weights and a `packingPath` (the
  /// GEMM path the library will run), the weights of nodes marked `pack_weight` are embedded
  /// pre-packed for that path (``WeightsLayout``); nil leaves every weight as it is.
  ///
  /// - Throws: ``CodegenError/unsupported(_:)`` naming the node for op/dtype combinations the C
  ///   backend lacks; a graph error's message if shape inference fails.
  public static func emit(
    _ graph: Graph, graphHash: String, weights mode: WeightsMode = .embedded, packingPath: tt_isa? = nil
  ) throws(CodegenError) -> Output {
    let types: [String: TensorType]
    do { types = try graph.valueTypes() } catch { throw .unsupported("\(error)") }
    let convolutionPath = mode == .embedded ? packingPath : nil
    let contexts = graph.nodes.enumerated().map { index, node in
      var context = NodeContext(
        node: node, index: index, inputTypes: node.inputs.map { types[$0]! },
        outputType: types[node.outputs[0]]!, int8Packing: node.int8WeightPacking(in: graph))
      context.convolutionPacking = convolutionPacking(graph, context, path: convolutionPath)
      return context
    }
    var scratchSizes: [Int] = []
    for context in contexts { scratchSizes.append(try context.scratchFloats() * 4) }
    let plan = MemoryPlanner.plan(graph, types: types) { scratchSizes[$0] }
    let packingF32 = f32Packing(graph, contexts, path: mode == .embedded ? packingPath : nil)
    let packingInt8 =
      mode == .embedded
      ? Set(contexts.compactMap(\.int8Packing)) : []
    let packingConvolution = Set(contexts.compactMap(\.convolutionPacking))
    let packed = packingF32.union(packingInt8.map(\.weight)).union(packingConvolution.map(\.weight))
    let layout = WeightsLayout(
      graph, packingInt8: packingInt8, packingF32: packingF32, packingConvolution: packingConvolution,
      onlyPacked: onlyPacked(graph, contexts, packed: packed), path: packingPath ?? TT_ISA_PORTABLE)
    var writer = Writer(graph: graph, types: types, plan: plan, layout: layout)
    try writer.write(contexts: contexts, graphHash: graphHash, mode: mode)
    return Output(
      source: GeneratedSource(text: writer.text, blocks: writer.blocks), plan: plan, weights: layout)
  }
}

extension CEmitter {
  /// The f32 weights embedded pre-packed for `path`: those of nodes marked `pack_weight` that the
  /// path has a packed layout for. Nothing without a path.
  static func f32Packing(_ graph: Graph, _ contexts: [NodeContext], path: tt_isa?) -> Set<String> {
    guard let path else { return [] }
    return Set(
      contexts.compactMap { context in
        guard let name = graph.packedF32Weight(of: context.node), let weight = graph.weights[name] else {
          return nil
        }
        let (k, n) = (Int64(weight.type.shape[0]), Int64(weight.type.shape[1]))
        return tt_sgemm_packed_b_floats_isa(path, k, n) > 0 ? name : nil
      })
  }

  /// The packing of a `conv2d`'s weight for `path` (``TTIR/Graph/packedConvolutionWeight(of:)``), where
  /// the path has a packed form for the node's geometry. Nothing without a path.
  static func convolutionPacking(_ graph: Graph, _ context: NodeContext, path: tt_isa?) -> ConvolutionPacking?
  {
    guard let path, let weight = graph.packedConvolutionWeight(of: context.node) else { return nil }
    var shape = context.node.convolutionShape(
      x: context.inputTypes[0].shape, weight: context.inputTypes[1].shape, y: context.outputType.shape)
    return tt_conv2d_packed_floats_isa(path, &shape) > 0
      ? ConvolutionPacking(weight: weight, shape: shape) : nil
  }

  /// The weights of `packed` that are read packed only, so the blob need not keep them as they
  /// are: no node reads them other than as its packed weight (input 1 of a `linear`, `matmul`,
  /// `conv2d`, `quantized_linear` or `quantized_conv2d` whose weight is packed) and no output
  /// returns them.
  static func onlyPacked(_ graph: Graph, _ contexts: [NodeContext], packed: Set<String>) -> Set<String> {
    var readPlain = Set(graph.outputs.map(\.name))
    for context in contexts {
      let candidates = [
        graph.packedF32Weight(of: context.node), context.int8Packing?.weight,
        context.convolutionPacking?.weight,
      ]
      let weight = candidates.compactMap { $0 }.first { packed.contains($0) }
      for (index, input) in context.node.inputs.enumerated() where !(index == 1 && input == weight) {
        readPlain.insert(input)
      }
    }
    return packed.subtracting(readPlain)
  }
}

/// Accumulates the lines of the translation unit.
private struct Writer {
  let graph: Graph
  let types: [String: TensorType]
  let plan: MemoryPlan
  let layout: WeightsLayout
  var lines: [String] = []
  var blocks: [GeneratedSource.Block] = []
  var names: [String: String] = [:]
  /// Where each value lives, as a C expression (`inputs[0]`, `(w + 64)`, `(arena + 128)`, …).
  var locations: [String: String] = [:]

  init(graph: Graph, types: [String: TensorType], plan: MemoryPlan, layout: WeightsLayout) {
    self.graph = graph
    self.types = types
    self.plan = plan
    self.layout = layout
    var identifiers = NameAllocator()
    let all = graph.inputs.map(\.name) + graph.weights.keys.sorted() + graph.nodes.flatMap(\.outputs)
    for name in all where names[name] == nil {
      names[name] = identifiers.fresh(CSyntax.identifier(name, prefix: "v_"))
    }
    for (index, input) in graph.inputs.enumerated() { locations[input.name] = "inputs[\(index)]" }
    for entry in layout.entries { locations[entry.name] = "(w + \(entry.offset))" }
    let outputIndex = Dictionary(
      graph.outputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    for node in graph.nodes {
      let name = node.outputs[0]
      if let index = outputIndex[name] {
        locations[name] = "outputs[\(index)]"
      } else if let source = plan.aliases[name] {
        locations[name] = locations[source]
      } else if let slot = plan.values[name] {
        locations[name] = "(arena + \(slot.offset))"
      }
    }
  }

  var text: String { lines.joined(separator: "\n") + "\n" }

  mutating func write(contexts: [NodeContext], graphHash: String, mode: CEmitter.WeightsMode)
    throws(CodegenError)
  {
    writePrologue(graphHash: graphHash, mode: mode)
    writeDescriptors(graphHash: graphHash, mode: mode)
    let size = CEmitter.nodesPerFunction
    let parts = stride(from: 0, to: contexts.count, by: size).map {
      contexts[$0..<min($0 + size, contexts.count)]
    }
    for (number, part) in parts.enumerated() { try writePart(number, part) }
    lines += [
      "TT_EXPORT int tt_run_ex(const void *weights, const void *const *inputs, void *const *outputs,",
      "                        void *workspace, tt_observer observe, void *ctx) {",
    ]
    if mode == .embedded {
      lines.append("  const unsigned char *w = weights ? (const unsigned char *)weights : TT_WEIGHTS;")
    } else {
      lines += [
        "  const unsigned char *w = (const unsigned char *)weights;",
        "  if (!w && \(layout.totalBytes) > 0) return TT_ERR_NO_WEIGHTS;",
      ]
    }
    lines += [
      "  unsigned char *arena = (unsigned char *)workspace;",
      "  if (!inputs || !outputs || (!arena && \(plan.arenaBytes) > 0)) return TT_ERR_NULL_ARGUMENT;",
      "  (void)w;",
      "  int status = TT_OK;",
    ]
    for number in parts.indices {
      lines.append(
        "  if ((status = tt_part_\(number)(w, inputs, outputs, arena, observe, ctx)) != TT_OK) return status;"
      )
    }
    writeOutputCopies()
    lines += [
      "  return status;", "}", "",
      "TT_EXPORT int tt_run(const void *const *inputs, void *const *outputs, void *workspace) {",
      "  return tt_run_ex(0, inputs, outputs, workspace, 0, 0);", "}", "",
      "TT_EXPORT int tt_model_set_threads(int threads) { return tt_set_threads(threads); }",
    ]
  }

  /// One function for a run of consecutive nodes, declaring the values they use. Splitting the
  /// model into functions of ``CEmitter/nodesPerFunction`` nodes keeps the C compiler's time and
  /// memory linear in the graph size (one huge function is superlinear to optimize).
  mutating func writePart(_ number: Int, _ contexts: ArraySlice<NodeContext>) throws(CodegenError) {
    lines += [
      "/* Nodes \(contexts.first!.index)–\(contexts.last!.index). */",
      "static __attribute__((noinline)) int tt_part_\(number)(const unsigned char *w, const void *const *inputs,",
      "    void *const *outputs, unsigned char *arena, tt_observer observe, void *ctx) {",
      "  (void)w;",
      "  (void)inputs;",
      "  (void)outputs;",
      "  (void)arena;",
      "  (void)observe;",
      "  (void)ctx;",
    ]
    var declared: Set<String> = []
    for name in contexts.flatMap({ $0.node.inputs + $0.node.outputs }) where declared.insert(name).inserted {
      guard let location = locations[name] else { continue }
      let type = CSyntax.storageType(types[name]!.dtype)
      lines.append("  \(type) *\(names[name]!) = (\(type) *)\(location);")
    }
    lines.append("")
    for context in contexts { try writeBlock(context) }
    lines += ["  return TT_OK;", "}", ""]
  }

  /// Which GEMM path the blob's pre-packed weights are laid out for (tt_sgemm_packed_b multiplies
  /// them on any path, fastest on this one).
  var packingNote: String {
    let counts = [(layout.packedF32.count, "GEMM"), (layout.packedConvolution.count, "convolution")]
      .filter { $0.0 > 0 }
    guard !counts.isEmpty else { return "" }
    let path = [TT_ISA_AVX512: "avx512", TT_ISA_AVX2: "avx2"][layout.packingPath] ?? "portable"
    let weights = counts.map { "\($0.0) \($0.1)" }.joined(separator: " and ")
    return "; \(weights) weights pre-packed for the \(path) path"
  }

  mutating func writePrologue(graphHash: String, mode: CEmitter.WeightsMode) {
    lines += [
      "/* Model '\(CSyntax.comment(graph.name))', generated by ttc. Graph hash \(graphHash).",
      " * \(graph.nodes.count) nodes; \(plan.summary); weights \(layout.totalBytes) bytes (\(mode.rawValue)\(packingNote)).",
      " * ABI: tt_model.h. Build: clang -O3 -march=native -fPIC -shared model.c <runtime objects>. */",
      "#include \"tt_model.h\"", "#include \"tt_runtime.h\"", "#include \"tt_qgemm.h\"", "",
      "#include <float.h>", "",
      "#define TT_EXPORT __attribute__((visibility(\"default\")))", "",
    ]
    if mode == .embedded && layout.totalBytes > 0 {
      lines += [
        "/* The weights blob, read by the assembler from \(CEmitter.weightsFileName) at compile time. */",
        "__asm__(\".section .rodata\\n.balign 64\\n.globl tt_weights_blob\\n.hidden tt_weights_blob\\n\"",
        "        \"tt_weights_blob:\\n.incbin \\\"\(CEmitter.weightsFileName)\\\"\\n.previous\\n\");",
        "extern const unsigned char tt_weights_blob[];",
        "#define TT_WEIGHTS tt_weights_blob", "",
      ]
    } else if mode == .embedded {
      lines += ["#define TT_WEIGHTS ((const unsigned char *)0)", ""]
    }
  }

  mutating func writeDescriptors(graphHash: String, mode: CEmitter.WeightsMode) {
    func shapeArray(_ label: String, _ shape: [Int]) -> String {
      if shape.isEmpty { return "0" }
      lines.append("static const int64_t \(label)[] = {\(shape.map(String.init).joined(separator: ", "))};")
      return label
    }
    func tensor(_ name: String, _ type: TensorType, _ label: String) -> String {
      let shape = shapeArray(label, type.shape)
      return "{\(CSyntax.string(name)), \(CSyntax.enumerator(type.dtype)), \(type.rank), \(shape)}"
    }
    let inputs = graph.inputs.enumerated().map { tensor($1.name, $1.type, "tt_input_shape_\($0)") }
    let outputs = graph.outputs.enumerated().map { tensor($1.name, $1.type, "tt_output_shape_\($0)") }
    let weights = layout.entries.enumerated().map { index, entry in
      "{\(tensor(entry.name, entry.type, "tt_weight_shape_\(index)")), \(entry.offset), \(entry.type.byteCount)}"
    }
    func table(_ type: String, _ label: String, _ rows: [String]) -> String {
      if rows.isEmpty { return "0" }
      lines.append("static const \(type) \(label)[] = {")
      lines += rows.map { "  \($0)," }
      lines.append("};")
      return label
    }
    let inputTable = table("tt_tensor_desc", "tt_inputs", inputs)
    let outputTable = table("tt_tensor_desc", "tt_outputs", outputs)
    let weightTable = table("tt_weight_desc", "tt_weights", weights)
    lines += [
      "static const tt_model_desc tt_description = {",
      "  TT_ABI_VERSION, \(CSyntax.string(graphHash)), \(CSyntax.string(graph.name)),",
      "  \(graph.inputs.count), \(graph.outputs.count), \(inputTable), \(outputTable),",
      "  \(plan.arenaBytes), \(layout.totalBytes), \(mode == .embedded ? 1 : 0), \(layout.entries.count), \(weightTable),",
      "  \(graph.nodes.count),", "};", "",
      "TT_EXPORT const tt_model_desc *tt_describe(void) { return &tt_description; }", "",
    ]
  }

  mutating func writeBlock(_ context: NodeContext) throws(CodegenError) {
    let node = context.node
    let first = lines.count + 1
    let inputs = zip(node.inputs, context.inputTypes).map { "\(CSyntax.comment($0)) \($1)" }
      .joined(separator: ", ")
    let output = "\(CSyntax.comment(node.outputs[0])) \(context.outputType)"
    lines.append(
      "  /* [\(context.index)] \(CSyntax.comment(node.name)): \(node.op)(\(inputs)) -> \(output) */")
    var emission = Emission(
      context: context, inputs: node.inputs.map { names[$0]! }, output: names[node.outputs[0]]!,
      scratch: plan.scratch[context.index].map { "(float *)(arena + \($0.offset))" },
      isView: plan.aliases[node.outputs[0]] != nil,
      packedWeights: (context.int8Packing.flatMap { layout.packedInt8[$0] }
        ?? context.convolutionPacking.flatMap { layout.packedConvolution[$0] }
        ?? graph.packedF32Weight(of: node).flatMap { layout.packedF32[$0] }).map { "(w + \($0))" })
    let body = try emission.body()
    lines.append("  {")
    lines += body.map { "    " + $0 }
    lines.append("  }")
    let count = context.outputType.elementCount
    lines.append(
      "  if (observe) observe(\(context.index), \(CSyntax.string(node.name)), "
        + "\(CSyntax.enumerator(context.outputType.dtype)), \(emission.output), \(count), ctx);")
    blocks.append(GeneratedSource.Block(node: node.name, lines: first...lines.count))
  }

  /// Graph outputs not written by any node (an input or weight returned as is) are copied.
  mutating func writeOutputCopies() {
    let produced = Set(graph.nodes.flatMap(\.outputs))
    for (index, output) in graph.outputs.enumerated() where !produced.contains(output.name) {
      lines.append("  memcpy(outputs[\(index)], \(locations[output.name]!), \(output.type.byteCount));")
    }
  }
}
