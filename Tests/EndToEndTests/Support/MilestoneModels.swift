import TinyTorch

/// The 1957 perceptron: one linear unit with a sigmoid.
final class Perceptron: Module {
  let unit = Linear(2, 1, seed: 1957)
  override func forward(_ x: Tensor) throws -> Tensor { try unit(x).sigmoid() }
}
