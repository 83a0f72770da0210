import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTKernels
import TTLoader
import TTPasses
import TinyTorch

/// The sequence length of the engine comparison and of `--export`.
let comparisonLength = 128

/// Token ids and attention mask of one batch, as tensors and as the graph's inputs.
struct EncoderBatch {
  let ids: Tensor
  let mask: Tensor

  /// `texts` (cycled to `count`) padded to `length` tokens, so the mask blocks padding.
  init(padded texts: [String], count: Int, length: Int, tokenizer: WordPieceTokenizer) throws {
    let batch = tokenizer.encodeBatch((0..<count).map { texts[$0 % texts.count] }, paddingTo: length)
    (ids, mask) = (try batch.idTensor(), try batch.maskTensor())
  }

  /// `count` sequences of exactly `length` real tokens (no padding): `[CLS]`, the pieces of
  /// `texts` from the `i`-th one on, cycled, `[SEP]`.
  init(full texts: [String], count: Int, length: Int, tokenizer: WordPieceTokenizer) throws {
    let pieces = texts.map { Array(tokenizer.encode($0).dropFirst().dropLast()) }
    let rows = (0..<count).map { row in
      let stream = (0..<texts.count).flatMap { pieces[(row + $0) % texts.count] }
      let body = (0..<length - 2).map { stream.isEmpty ? tokenizer.unknownID : stream[$0 % stream.count] }
      return [tokenizer.classID] + body + [tokenizer.separatorID]
    }
    ids = try Tensor.tokenIDs(rows)
    mask = Tensor.ones([count, length])
  }

  var interpreterInputs: [String: InterpreterTensor] {
    [
      "ids": InterpreterTensor(ids.scalars, shape: ids.shape),
      "attention_mask": InterpreterTensor(mask.scalars, shape: mask.shape),
    ]
  }

  var compiledInputs: [TensorData] {
    [TensorData(ids.scalars, shape: ids.shape), TensorData(mask.scalars, shape: mask.shape)]
  }
}

/// Traces the sentence embeddings on a padded batch of `count` × ``comparisonLength`` and writes
/// `minilm.json` (+ weights) with its example inputs `minilm-ids.npy` and
/// `minilm-attention_mask.npy` into `directory`, for `ttc`.
func exportEncoder(
  _ model: BertModel, tokenizer: WordPieceTokenizer, sentences: [String], count: Int, to directory: String
)
  throws
{
  let folder = URL(fileURLWithPath: directory, isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let batch = try EncoderBatch(
    padded: sentences, count: count, length: comparisonLength, tokenizer: tokenizer)
  let graph = try model.traceSentenceEmbeddings(ids: batch.ids, attentionMask: batch.mask, name: "minilm")
  let url = folder.appendingPathComponent("minilm.json")
  try ModelFile.save(graph, to: url)
  try batch.ids.saveNumpy(to: folder.appendingPathComponent("minilm-ids.npy"))
  try batch.mask.saveNumpy(to: folder.appendingPathComponent("minilm-attention_mask.npy"))
  print("exported \(graph.nodes.count) nodes (inputs ids, attention_mask \(batch.ids.shape)) → \(url.path)")
  print(
    "  ttc run \(url.path) --input ids=\(folder.path)/minilm-ids.npy --input attention_mask=\(folder.path)/minilm-attention_mask.npy"
  )
}

/// Runs the sentence embeddings eager, interpreted and compiled (`-O2`, one kernel thread) at
/// batch 1 and 8 of ``comparisonLength`` tokens: checks that the three agree on a padded batch
/// (max |Δ| ≤ 1e-4, else throws), then prints the median time, tokens/s and the median CPU time
/// of the thread (what the work costs on a shared machine, without other processes' time slices)
/// of each, measured side by side in `rounds` interleaved rounds on unpadded sequences.
func compareEngines(_ model: BertModel, tokenizer: WordPieceTokenizer, sentences: [String], rounds: Int)
  throws
{
  KernelThreads.set(1)
  print(
    "engines at 1 kernel thread, \(comparisonLength) tokens per sequence; compile cache \(CompileCache.defaultRoot)"
  )
  var rows = [
    [
      "batch", "engine", "median ms", "tokens/s", "vs eager", "CPU ms", "CPU vs eager",
      "max |Δ| vs eager (padded batch)",
    ]
  ]
  for count in [1, 8] {
    let padded = try EncoderBatch(
      padded: sentences, count: count, length: comparisonLength, tokenizer: tokenizer)
    let graph = try model.traceSentenceEmbeddings(
      ids: padded.ids, attentionMask: padded.mask, name: "minilm-b\(count)")
    let optimized = try PassManager(
      pipeline: .level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
    ).run(graph).graph
    let interpreter = try Interpreter(graph: optimized)
    let start = Date()
    let artifact = try ModelCompiler.compile(optimized, options: CompileOptions(passes: ["O2"]))
    let session = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).makeSession()
    print(
      "batch \(count): -O2 graph of \(optimized.nodes.count) nodes; library "
        + (artifact.cacheHit
          ? "from the cache" : "compiled in \(String(format: "%.1f", Date().timeIntervalSince(start))) s"))

    let engines: [(name: String, run: (EncoderBatch) throws -> [Float])] = [
      (
        "eager",
        { batch in
          try withNoGrad { try model.sentenceEmbeddings(ids: batch.ids, attentionMask: batch.mask).scalars }
        }
      ),
      ("interpreted", { batch in try interpreter.run(batch.interpreterInputs)["embeddings"]!.floats() }),
      ("compiled", { batch in try session.run(batch.compiledInputs)[0].floats() }),
    ]
    let reference = try engines[0].run(padded)
    var differences = [0.0]
    for engine in engines.dropFirst() {
      let difference = zip(try engine.run(padded), reference).map { Double(abs($0 - $1)) }.max() ?? 0
      guard difference <= 1e-4 else {
        throw TensorError.invalidArgument(
          "\(engine.name) embeddings differ from eager by \(difference) (> 1e-4)")
      }
      differences.append(difference)
    }

    let full = try EncoderBatch(full: sentences, count: count, length: comparisonLength, tokenizer: tokenizer)
    let medians = try interleavedMedianTimes(
      engines.map { engine in { _ = try engine.run(full) } }, rounds: rounds, roundSeconds: 0)
    for (index, engine) in engines.enumerated() {
      let (wall, cpu) = medians[index]
      rows.append([
        "\(count)", engine.name, String(format: "%.1f", wall * 1e3),
        String(format: "%.0f", Double(count * comparisonLength) / wall),
        String(format: "%.2f×", medians[0].wall / wall), String(format: "%.1f", cpu * 1e3),
        String(format: "%.2f×", medians[0].cpu / cpu), String(format: "%.1e", differences[index]),
      ])
    }
  }
  let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
  for row in rows {
    print(
      row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
        separator: "  "))
  }
}
