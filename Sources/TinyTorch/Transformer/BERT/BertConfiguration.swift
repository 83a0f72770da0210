import Foundation

/// The sizes of a BERT encoder, as in a Hugging Face `config.json` (`BertConfig`).
public struct BertConfiguration: Sendable, Equatable, Decodable {
  /// Number of token ids.
  public var vocabularySize: Int
  /// Model width.
  public var hiddenSize: Int
  /// Number of encoder layers.
  public var layerCount: Int
  /// Attention heads per layer; `hiddenSize` is a multiple of it.
  public var headCount: Int
  /// Feed-forward width.
  public var intermediateSize: Int
  /// Size of the position table: the longest input.
  public var maxPositions: Int
  /// Number of token types (segments).
  public var typeVocabularySize: Int
  /// Added to the variance in every layer norm.
  public var layerNormEps: Float

  enum CodingKeys: String, CodingKey {
    case vocabularySize = "vocab_size", hiddenSize = "hidden_size", layerCount = "num_hidden_layers"
    case headCount = "num_attention_heads", intermediateSize = "intermediate_size"
    case maxPositions = "max_position_embeddings", typeVocabularySize = "type_vocab_size"
    case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
  }

  /// A configuration (defaults: all-MiniLM-L6-v2's type vocabulary and epsilon).
  public init(
    vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
    maxPositions: Int, typeVocabularySize: Int = 2, layerNormEps: Float = 1e-12
  ) {
    self.vocabularySize = vocabularySize
    self.hiddenSize = hiddenSize
    self.layerCount = layerCount
    self.headCount = headCount
    self.intermediateSize = intermediateSize
    self.maxPositions = maxPositions
    self.typeVocabularySize = typeVocabularySize
    self.layerNormEps = layerNormEps
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let activation = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
    guard activation == "gelu" else {
      throw TensorError.invalidArgument(
        "BERT config: hidden_act '\(activation)' is not supported (only exact 'gelu')")
    }
    self.init(
      vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
      hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
      layerCount: try c.decode(Int.self, forKey: .layerCount),
      headCount: try c.decode(Int.self, forKey: .headCount),
      intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
      maxPositions: try c.decode(Int.self, forKey: .maxPositions),
      typeVocabularySize: try c.decodeIfPresent(Int.self, forKey: .typeVocabularySize) ?? 2,
      layerNormEps: try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12)
  }

  /// Reads a Hugging Face `config.json` and validates it.
  /// - Throws: naming the file for unreadable JSON, a missing field, or invalid sizes.
  public init(contentsOf url: URL) throws {
    do {
      self = try JSONDecoder().decode(BertConfiguration.self, from: Data(contentsOf: url))
      try validate()
    } catch let error as TensorError {
      throw TensorError.invalidArgument("\(url.path): \(error.description)")
    } catch {
      throw TensorError.invalidArgument("\(url.path): not a BERT config.json (\(error))")
    }
  }

  /// Throws, naming the field, unless every size is positive and `hiddenSize` is a multiple of
  /// `headCount`.
  public func validate() throws {
    let sizes = [
      ("vocab_size", vocabularySize), ("num_hidden_layers", layerCount),
      ("intermediate_size", intermediateSize), ("max_position_embeddings", maxPositions),
      ("type_vocab_size", typeVocabularySize),
    ]
    for (name, value) in sizes {
      try ArgumentCheck.require(value > 0, "BERT config: \(name) must be positive, got \(value)")
    }
    try MultiHeadAttention.validate(dimension: hiddenSize, headCount: headCount)
  }
}
