import TinyTorch

extension GPT.Configuration {
  /// The 2017 TinyTalks character model: 2 layers of width 128 with 4 heads, a 96-character
  /// context (a whole question/answer pair: most are 40–70 characters) and dropout 0.3.
  public static func tinyTalks(vocabularySize: Int) -> GPT.Configuration {
    GPT.Configuration(
      vocabularySize: vocabularySize, dimension: 128, layerCount: 2, headCount: 4, maxSequenceLength: 96,
      dropout: 0.3)
  }
}
