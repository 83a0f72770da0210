/// Splits a dataset into batches, optionally in a shuffled order, and collates each batch into
/// one tensor per field.
///
/// The shuffled order of an epoch depends only on `seed` and the epoch number, so a run
/// resumed at epoch `e` sees exactly the batches an uninterrupted run would. The loader is a
/// `Sequence`: each `for` loop over it uses ``epoch`` and then advances it, so each pass is
/// reshuffled:
///
/// ```swift
/// manualSeed(1)                                  // also seeds the loader's shuffling
/// let loader = try DataLoader(TensorDataset(images, labels), batchSize: 32, shuffle: true)
/// for epoch in 0..<10 {
///   for batch in loader {                        // epoch's order; loader.epoch advances
///     let (x, y) = (batch[0], batch[1])
///   }
/// }
/// ```
///
/// A `for` loop cannot throw, so a batch that fails to collate stops the program with the
/// dataset's error; with datasets that can fail (files, custom ``Dataset/batch(at:)``), use
/// ``BatchIterator/nextBatch()``, which throws instead.
public final class DataLoader: Sequence {
  /// The examples.
  public let dataset: any Dataset
  /// The number of examples per batch.
  public let batchSize: Int
  /// Whether each epoch visits the examples in a fresh random order.
  public let shuffle: Bool
  /// The seed the epochs' orders are derived from (drawn from the global generator, which
  /// ``manualSeed(_:)`` seeds, when none is given).
  public let seed: UInt64
  /// Whether a last batch smaller than ``batchSize`` is dropped (by default it is kept).
  public let dropLast: Bool
  /// The epoch whose order the next ``makeIterator()`` uses.
  public var epoch = 0

  /// - Throws: when the dataset is empty, `batchSize` is not positive, or `dropLast` leaves no
  ///   batch at all.
  public init(
    _ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, seed: UInt64? = nil,
    dropLast: Bool = false
  ) throws {
    guard dataset.count > 0 else {
      throw TensorError.invalidArgument("DataLoader: the dataset is empty")
    }
    guard batchSize > 0 else {
      throw TensorError.invalidArgument("DataLoader: batch size must be positive, got \(batchSize)")
    }
    guard !dropLast || dataset.count >= batchSize else {
      throw TensorError.invalidArgument(
        "DataLoader: dropLast leaves no batch (\(dataset.count) examples, batch size \(batchSize))")
    }
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.seed = seed ?? (shuffle ? RandomGenerator.withGlobal { $0.next() } : 0)
    self.dropLast = dropLast
  }

  /// The number of batches per epoch.
  public var count: Int {
    dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
  }

  /// The order in which `epoch` visits the examples: `0 ..< n`, or a permutation drawn from a
  /// generator seeded by `seed` and `epoch` (Fisher–Yates).
  public func order(epoch: Int) -> [Int] {
    var indices = Array(0..<dataset.count)
    guard shuffle else { return indices }
    var generator = RandomGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15))
    for i in stride(from: indices.count - 1, to: 0, by: -1) {
      let j = Int(generator.next().multipliedFullWidth(by: UInt64(i + 1)).high)
      indices.swapAt(i, j)
    }
    return indices
  }

  /// The batches of ``epoch``, advancing ``epoch`` by one.
  public func makeIterator() -> BatchIterator {
    defer { epoch += 1 }
    return makeIterator(epoch: epoch)
  }

  /// The batches of `epoch` (``epoch`` is not changed).
  public func makeIterator(epoch: Int) -> BatchIterator {
    BatchIterator(loader: self, order: order(epoch: epoch))
  }

  /// Produces one epoch's batches in order.
  public struct BatchIterator: IteratorProtocol {
    let loader: DataLoader
    let order: [Int]
    var position = 0

    /// The next batch, or nil after the last; a batch the dataset cannot collate stops the
    /// program with the dataset's error (``nextBatch()`` throws it instead).
    public mutating func next() -> [Tensor]? {
      ArgumentCheck.orStop { try nextBatch() }
    }

    /// The next batch, one tensor per field with a leading batch axis, or nil after the last.
    ///
    /// - Throws: when the dataset cannot collate the batch.
    public mutating func nextBatch() throws -> [Tensor]? {
      let end = Swift.min(position + loader.batchSize, order.count)
      guard position < end, !(loader.dropLast && end - position < loader.batchSize) else { return nil }
      defer { position = end }
      return try loader.dataset.batch(at: Array(order[position..<end]))
    }
  }
}
