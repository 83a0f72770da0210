import Foundation
import TTIR

/// The tinydigits split the suite measures accuracy on (test) and calibrates static int8 on
/// (the first 100 training images): 8×8 float32 images with labels 0–9, from `<data>/tinydigits/`.
struct DigitsData {
  /// Test images, 64 pixels each, row-major.
  let testImages: [[Float]]
  let testLabels: [Int]
  /// Calibration images, 64 pixels each.
  let calibrationImages: [[Float]]

  /// Pixels per image.
  static let pixels = 64

  /// Reads `<folder>/tinydigits/{test_images,test_labels,train_images}.npy`.
  ///
  /// - Throws: ``CommandFailure`` naming the file that is missing or malformed.
  init(folder: String) throws {
    func read(_ name: String) throws -> NumpyFile {
      let path = (folder as NSString).appendingPathComponent("tinydigits/\(name).npy")
      do {
        return try NumpyFile(contentsOf: URL(fileURLWithPath: path))
      } catch {
        throw CommandFailure("\(path): \(error)")
      }
    }
    func images(_ file: NumpyFile, _ name: String) throws -> [[Float]] {
      guard case .float32(let values) = file.elements, file.shape.count >= 2,
        file.shape.dropFirst().reduce(1, *) == DigitsData.pixels
      else {
        throw CommandFailure("tinydigits/\(name).npy: expected float32 [N, 8, 8], got shape \(file.shape)")
      }
      return stride(from: 0, to: values.count, by: DigitsData.pixels).map {
        Array(values[$0..<$0 + DigitsData.pixels])
      }
    }
    testImages = try images(read("test_images"), "test_images")
    let labels = try read("test_labels")
    testLabels = labels.int64s().map { Int($0) }
    guard testLabels.count == testImages.count else {
      throw CommandFailure("tinydigits: \(testLabels.count) test labels for \(testImages.count) test images")
    }
    calibrationImages = Array(try images(read("train_images"), "train_images").prefix(100))
  }

  /// The calibration images shaped as the samples of `input` (`[100, …input without batch]`).
  func calibrationSamples(for input: ValueInfo) throws -> NumpyFile {
    let sampleShape = Array(input.type.shape.dropFirst())
    guard sampleShape.reduce(1, *) == DigitsData.pixels else {
      throw CommandFailure("input '\(input.name)' \(input.type) does not take 8×8 digits")
    }
    do {
      return try NumpyFile(
        shape: [calibrationImages.count] + sampleShape, elements: .float32(calibrationImages.flatMap { $0 }))
    } catch {
      throw CommandFailure("\(error)")
    }
  }

  /// The share of test images whose largest output of `classify` is their label. `classify`
  /// takes `batch` images (64 pixels each, flattened) and returns `batch` rows of class scores;
  /// the last batch is filled up with blank images whose results are ignored.
  func accuracy(batch: Int, _ classify: ([Float]) throws -> [Float]) throws -> Double {
    var correct = 0
    for start in stride(from: 0, to: testImages.count, by: batch) {
      let count = min(batch, testImages.count - start)
      var pixels = testImages[start..<start + count].flatMap { $0 }
      pixels += [Float](repeating: 0, count: (batch - count) * DigitsData.pixels)
      let scores = try classify(pixels)
      guard scores.count % batch == 0, scores.count > 0 else {
        throw CommandFailure("expected \(batch) rows of class scores, got \(scores.count) values")
      }
      let classes = scores.count / batch
      for row in 0..<count {
        let slice = scores[row * classes..<(row + 1) * classes]
        if slice.indices.max(by: { slice[$0] < slice[$1] })! - row * classes == testLabels[start + row] {
          correct += 1
        }
      }
    }
    return Double(correct) / Double(testImages.count)
  }
}
