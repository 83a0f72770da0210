// Sentence embeddings with a pretrained BERT (sentence-transformers/all-MiniLM-L6-v2) loaded
// from its Hugging Face files: WordPiece tokenizer (vocab.txt), BertModel with the checkpoint's
// names (model.safetensors), mean pooling and L2 normalization.
//
//   ./scripts/fetch-minilm.sh                       # prints the model folder
//   swift run -c release sentence-embeddings --model DIR
//   swift run -c release sentence-embeddings --model DIR --sentences lines.txt --output emb.npy
//   swift run -c release sentence-embeddings --model DIR --compare-engines   # eager/interpreted/compiled tokens/s
import Foundation
import MilestoneSupport
import TinyTorch

let defaultSentences = [
  "A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.",
  "A man is riding a horse.", "A woman is playing violin.", "A monkey is playing drums.",
]

func run() throws {
  let arguments = try Arguments(
    program: "sentence-embeddings",
    flags: [
      "compare-engines":
        "run the embeddings eager, interpreted and compiled (-O2) at batch 1 and 8 × 128 tokens, 1 thread: agreement and tokens/s"
    ],
    options: [
      "model": "DIR  folder with config.json, vocab.txt, model.safetensors (scripts/fetch-minilm.sh)",
      "sentences": "FILE  UTF-8 text, one sentence per line (default: six examples)",
      "output": "FILE.npy  write the [n, width] float32 embeddings",
      "batch": "N  sentences per forward pass (default 32)",
      "export":
        "DIR  also trace the embeddings (ids, attention_mask [8, 128] → embeddings) to DIR/minilm.json for ttc",
      "rounds": "N  timing rounds of --compare-engines (default 5; the median counts)",
    ])
  guard let folder = arguments.options["model"].map({ URL(fileURLWithPath: $0) }) else {
    throw TensorError.invalidArgument("--model DIR is required (./scripts/fetch-minilm.sh prints one)")
  }
  let batchSize = try arguments.integer("batch", default: 32)
  guard batchSize > 0 else { throw TensorError.invalidArgument("--batch must be positive, got \(batchSize)") }
  let rounds = try arguments.integer("rounds", default: 5)
  guard rounds > 0 else { throw TensorError.invalidArgument("--rounds must be positive, got \(rounds)") }

  var sentences = defaultSentences
  if let path = arguments.options["sentences"] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let text = String(data: data, encoding: .utf8) else {
      throw TensorError.invalidArgument("\(path) is not valid UTF-8")
    }
    sentences = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    if sentences.last == "" { sentences.removeLast() }
    // An empty line is embedded as the empty sentence ([CLS] [SEP]), keeping rows aligned with lines.
    guard !sentences.isEmpty else { throw TensorError.invalidArgument("\(path) has no lines to embed") }
  }

  let configuration = try BertConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
  // sentence-transformers embeds at most 256 tokens with this model (sentence_bert_config.json).
  let tokenizer = try WordPieceTokenizer(
    vocabularyFile: folder.appendingPathComponent("vocab.txt"),
    maxLength: min(256, configuration.maxPositions))
  let model = BertModel(configuration)
  let report = try model.loadPyTorchStateDict(from: folder)
  print("loaded \(folder.path): \(model.parameterCount) parameters; \(report)")
  model.eval()

  let start = Date()
  var rows: [Float] = []
  var truncated = 0
  try withNoGrad {
    for first in stride(from: 0, to: sentences.count, by: batchSize) {
      let batch = tokenizer.encodeBatch(Array(sentences[first..<min(first + batchSize, sentences.count)]))
      truncated += batch.truncated.count
      rows += try model.sentenceEmbeddings(ids: batch.idTensor(), attentionMask: batch.maskTensor()).scalars
    }
  }
  if truncated > 0 {
    print("note: \(truncated) sentence(s) longer than \(tokenizer.maxLength) tokens were truncated")
  }
  let width = configuration.hiddenSize
  let embeddings = try Tensor(shape: [sentences.count, width], scalars: rows)
  print(
    "embedded \(sentences.count) sentences in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")

  if let directory = arguments.options["export"] {
    try exportEncoder(model, tokenizer: tokenizer, sentences: sentences, count: 8, to: directory)
  }
  if arguments.has("compare-engines") {
    try compareEngines(model, tokenizer: tokenizer, sentences: sentences, rounds: rounds)
  }

  if let output = arguments.options["output"] {
    try embeddings.saveNumpy(to: URL(fileURLWithPath: output))
    print("wrote \(output): [\(sentences.count), \(width)] float32")
  } else {
    print("cosine similarity with \"\(sentences[0])\":")
    for i in 1..<sentences.count {
      let dot = (0..<width).reduce(Float(0)) { $0 + rows[$1] * rows[i * width + $1] }
      print("  \(String(format: "%6.3f", dot))  \(sentences[i])")
    }
  }
}

do {
  try run()
} catch let error as ArgumentError {
  print(error.message)
  exit(error.isHelp ? 0 : 2)
} catch {
  print("error: \(error)")
  exit(1)
}
