import TinyTorch

/// The 1969 network: 2 → hidden (tanh) → 1 logit, Xavier-initialized.
public final class XORNet: Module {
  public let hidden: Linear
  public let output: Linear

  public init(hiddenUnits: Int, seed: UInt64) {
    hidden = Linear(2, hiddenUnits, initialization: .xavierUniform, seed: seed)
    output = Linear(hiddenUnits, 1, initialization: .xavierUniform, seed: seed + 1)
    super.init()
  }

  public override func forward(_ x: Tensor) throws -> Tensor { try output(hidden(x).tanh()) }
}

/// The 1986 network: 64 → 128 (ReLU) → 10 logits (a smaller hidden layer for distillation
/// students).
public final class DigitMLP: Module {
  public let hidden: Linear
  public let output: Linear

  public init(hiddenUnits: Int = 128, seed: UInt64) {
    hidden = Linear(64, hiddenUnits, seed: seed)
    output = Linear(hiddenUnits, 10, seed: seed + 1)
    super.init()
  }

  public override func forward(_ x: Tensor) throws -> Tensor { try output(hidden(x).relu()) }
}

/// The 1998 LeNet-style network for 1×8×8 digits: two 3×3 convolutions (8 and 16 channels by
/// default) with 2×2 max pooling, then 64 → 32 → 10 (`4·channels.1 → hiddenUnits → 10`).
public final class LeNet: Module {
  public let conv1: Conv2d
  public let conv2: Conv2d
  public let pool = MaxPool2d(2)
  public let fc1: Linear
  public let fc2: Linear

  public init(channels: (Int, Int) = (8, 16), hiddenUnits: Int = 32, seed: UInt64) {
    conv1 = Conv2d(1, channels.0, kernelSize: 3, padding: 1, seed: seed)
    conv2 = Conv2d(channels.0, channels.1, kernelSize: 3, padding: 1, seed: seed + 1)
    fc1 = Linear(4 * channels.1, hiddenUnits, seed: seed + 2)
    fc2 = Linear(hiddenUnits, 10, seed: seed + 3)
    super.init()
  }

  public override func forward(_ x: Tensor) throws -> Tensor {
    let h1 = try pool(conv1(x).relu())  // [N, channels.0, 4, 4]
    let h2 = try pool(conv2(h1).relu())  // [N, channels.1, 2, 2]
    return try fc2(fc1(h2.flattened(startAxis: 1)).relu())
  }
}
