import Foundation
import MilestoneSupport
import TinyTorch

/// The 2017 TinyTalks GPT and a 16-character prompt from the test split. The weights come from
/// `models/tinytalks-gpt.safetensors` (`tinytalks-2017 --export DIR`) when it is there; otherwise
/// the model is trained here for `steps` steps (Adam, batch 16, random windows of the training
/// split: enough for generation speed, which does not depend on the weights, not for its loss).
func tinyTalksModel(dataOption: String?, models: URL, steps: Int) throws -> (GPT, [Int]) {
  let splits = try dataDirectory(explicit: dataOption, required: "tinytalks/splits/train.txt")
    .appendingPathComponent("tinytalks/splits")
  let trainText = try String(contentsOf: splits.appendingPathComponent("train.txt"), encoding: .utf8)
  let testText = try String(contentsOf: splits.appendingPathComponent("test.txt"), encoding: .utf8)
  let tokenizer = CharTokenizer(corpus: trainText)
  let model = GPT(.tinyTalks(vocabularySize: tokenizer.vocabularySize), seed: 2017)
  let weights = models.appendingPathComponent("tinytalks-gpt.safetensors")
  if FileManager.default.fileExists(atPath: weights.path) {
    let report = try model.load(from: weights, strict: false)
    guard report.missingKeys.isEmpty else {
      throw MilestoneError("\(weights.path) lacks \(report.missingKeys.joined(separator: ", "))")
    }
    print("tinytalks-gpt: loaded \(weights.path)")
  } else {
    print("tinytalks-gpt: no export at \(weights.path); training \(steps) steps here")
    let ids = try tokenizer.encode(trainText)
    let context = model.configuration.maxSequenceLength
    let optimizer = Adam(model.parameters(), learningRate: 3e-3)
    var generator = RandomGenerator(seed: 2017)
    model.train()
    for step in 0..<steps {
      var (inputs, targets) = ([[Int]](), [[Int]]())
      for _ in 0..<16 {
        let offset = Int(generator.next() % UInt64(ids.count - context - 1))
        inputs.append(Array(ids[offset..<offset + context]))
        targets.append(Array(ids[offset + 1...offset + context]))
      }
      let loss = try model.loss(inputs: Tensor.tokenIDs(inputs), targets: Tensor.tokenIDs(targets))
      optimizer.zeroGrad()
      try loss.backward()
      try optimizer.step()
      if (step + 1) % 100 == 0 { print("  step \(step + 1): loss \(rounded(Double(loss.item), 3))") }
    }
    model.eval()
  }
  print("tinytalks-gpt: \(model.parameterCount) parameters, context \(model.configuration.maxSequenceLength)")
  return (model, Array(try tokenizer.encode(testText).prefix(16)))
}
