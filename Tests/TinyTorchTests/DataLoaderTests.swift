import XCTest

@testable import TinyTorch

final class DataLoaderTests: XCTestCase {
  /// 10 examples: x[i] = [i, 10 + i], y[i] = i.
  func makeDataset() throws -> TensorDataset {
    let x = try Tensor(shape: [10, 2], scalars: (0..<10).flatMap { [Float($0), Float(10 + $0)] })
    let y = Tensor((0..<10).map(Float.init))
    return try TensorDataset(x, y)
  }

  func allBatches(_ loader: DataLoader) throws -> [[Tensor]] {
    var batches: [[Tensor]] = []
    var iterator = loader.makeIterator()
    while let batch = try iterator.nextBatch() { batches.append(batch) }
    return batches
  }

  func testBatchesInOrderKeepingTheLastPartialBatch() throws {
    let loader = try DataLoader(makeDataset(), batchSize: 4)
    XCTAssertEqual(loader.count, 3)
    let batches = try allBatches(loader)
    XCTAssertEqual(batches.map { $0[0].shape }, [[4, 2], [4, 2], [2, 2]])
    XCTAssertEqual(batches.map { $0[1].scalars }, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    XCTAssertEqual(batches[2][0].scalars, [8, 18, 9, 19])
  }

  func testDropLast() throws {
    let loader = try DataLoader(makeDataset(), batchSize: 4, dropLast: true)
    XCTAssertEqual(loader.count, 2)
    XCTAssertEqual(try allBatches(loader).map { $0[1].scalars }, [[0, 1, 2, 3], [4, 5, 6, 7]])
  }

  func testShuffleIsAPermutationReshuffledEachEpochAndDeterministicPerSeed() throws {
    let loader = try DataLoader(makeDataset(), batchSize: 3, shuffle: true, seed: 42)
    let epoch0 = try allBatches(loader).flatMap { $0[1].scalars }
    let epoch1 = try allBatches(loader).flatMap { $0[1].scalars }
    XCTAssertEqual(loader.epoch, 2)
    XCTAssertEqual(epoch0.sorted(), (0..<10).map(Float.init))
    XCTAssertEqual(epoch1.sorted(), (0..<10).map(Float.init))
    XCTAssertNotEqual(epoch0, epoch1)
    XCTAssertNotEqual(epoch0, (0..<10).map(Float.init))

    // A fresh loader with the same seed repeats the sequence; one set to epoch 1 resumes it.
    let twin = try DataLoader(makeDataset(), batchSize: 3, shuffle: true, seed: 42)
    XCTAssertEqual(try allBatches(twin).flatMap { $0[1].scalars }, epoch0)
    let resumed = try DataLoader(makeDataset(), batchSize: 3, shuffle: true, seed: 42)
    resumed.epoch = 1
    XCTAssertEqual(try allBatches(resumed).flatMap { $0[1].scalars }, epoch1)
    let other = try DataLoader(makeDataset(), batchSize: 3, shuffle: true, seed: 43)
    XCTAssertNotEqual(try allBatches(other).flatMap { $0[1].scalars }, epoch0)

    // Rows stay paired across fields.
    for batch in try allBatches(loader) {
      XCTAssertEqual(
        batch[0].scalars.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), batch[1].scalars)
    }
  }

  func testEmptyDatasetIsAnError() throws {
    let empty = try TensorDataset(Tensor.zeros([0, 3]))
    XCTAssertThrowsError(try DataLoader(empty, batchSize: 2)) { error in
      XCTAssertTrue("\(error)".contains("the dataset is empty"), "\(error)")
    }
    XCTAssertThrowsError(try DataLoader(makeDataset(), batchSize: 0))
    XCTAssertThrowsError(try DataLoader(makeDataset(), batchSize: 11, dropLast: true)) { error in
      XCTAssertTrue("\(error)".contains("dropLast leaves no batch"), "\(error)")
    }
  }

  func testTensorDatasetValidatesItsTensors() {
    XCTAssertThrowsError(try TensorDataset(Tensor.zeros([3, 2]), Tensor.zeros([4]))) { error in
      XCTAssertTrue("\(error)".contains("tensor 1 has 4 examples"), "\(error)")
    }
    XCTAssertThrowsError(try TensorDataset([]))
    XCTAssertThrowsError(try TensorDataset(Tensor(1)))
  }

  /// A custom dataset uses the default collation (stacking examples).
  struct Squares: Dataset {
    var count: Int { 5 }
    func example(at index: Int) throws -> [Tensor] {
      [Tensor([Float(index), Float(index * index)]), Tensor(Float(index))]
    }
  }

  func testCustomDatasetIsCollatedByStacking() throws {
    let batches = try allBatches(DataLoader(Squares(), batchSize: 2))
    XCTAssertEqual(batches.count, 3)
    XCTAssertEqual(batches[1][0].shape, [2, 2])
    XCTAssertEqual(batches[1][0].scalars, [2, 4, 3, 9])
    XCTAssertEqual(batches[2][1].shape, [1])
  }

  func testForInLoopsOverOneEpochAndAdvancesIt() throws {
    let loader = try DataLoader(makeDataset(), batchSize: 4, shuffle: true, seed: 9)
    var seen: [[Float]] = []
    for batch in loader { seen.append(batch[1].scalars) }
    XCTAssertEqual(loader.epoch, 1)
    XCTAssertEqual(seen.flatMap { $0 }, loader.order(epoch: 0).map(Float.init))
    XCTAssertEqual(loader.map { $0[1].count }, [4, 4, 2])  // any Sequence method works
    XCTAssertEqual(loader.epoch, 2)
  }

  func testManualSeedSeedsTheShufflingOfLoadersWithoutASeed() throws {
    func order() throws -> [Int] {
      try DataLoader(makeDataset(), batchSize: 2, shuffle: true).order(epoch: 0)
    }
    manualSeed(123)
    let first = try order()
    manualSeed(123)
    XCTAssertEqual(try order(), first)
    manualSeed(124)
    XCTAssertNotEqual(try order(), first)
  }
}
