import TinyTorch

/// The 1957 perceptron: one linear unit with a sigmoid.
final class Perceptron: Module {
  let unit = Linear(2, 1, seed: 1957)
  override func forward(_ x: Tensor) throws -> Tensor { try unit(x).sigmoid() }
}

/// The 1969 XOR network: 2 → 4 (tanh) → 1 (sigmoid).
final class XORNetwork: Module {
  let hidden = Linear(2, 4, seed: 1969)
  let output = Linear(4, 1, seed: 1970)
  override func forward(_ x: Tensor) throws -> Tensor { try output(hidden(x).tanh()).sigmoid() }
}

/// The 1986 digits MLP: 64 → 128 (ReLU) → 10.
final class DigitsMLP: Module {
  let hidden: Linear
  let output: Linear
  init(seed: UInt64) {
    hidden = Linear(64, 128, seed: seed)
    output = Linear(128, 10, seed: seed + 1)
    super.init()
  }
  override func forward(_ x: Tensor) throws -> Tensor { try output(hidden(x).relu()) }
}

/// The 1998 LeNet-style CNN for 1×8×8 digits, from TinyTorch's Conv2d, MaxPool2d, Flatten, Linear.
final class LeNet: Module {
  let conv1: Conv2d
  let conv2: Conv2d
  let pool = MaxPool2d(2)
  let flatten = Flatten()
  let fc1 = Linear(64, 32, seed: 3)
  let fc2 = Linear(32, 10, seed: 4)
  init(seed: UInt64) throws {
    conv1 = try Conv2d(1, 8, kernelSize: 3, padding: 1, seed: seed)
    conv2 = try Conv2d(8, 16, kernelSize: 3, padding: 1, seed: seed + 1)
    super.init()
  }
  override func forward(_ x: Tensor) throws -> Tensor {
    let h = try pool(conv2(pool(conv1(x).relu())).relu())
    return try fc2(fc1(flatten(h)).relu())
  }
}
