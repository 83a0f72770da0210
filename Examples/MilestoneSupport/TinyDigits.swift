import Foundation
import TinyTorch

/// The tinydigits set (8×8 grey-scale digits, values in [0, 1]): 1000 training and 200 test
/// images, flattened to 64 features, with labels 0–9.
public struct TinyDigits {
  /// Training images `[1000, 64]` and labels `[1000]`.
  public let train: TensorDataset
  /// Test images `[200, 64]` and labels `[200]`.
  public let test: TensorDataset

  /// Loads the set from the folder given with `--data` (`explicit`), else from the `Data/`
  /// folder that ``dataDirectory(explicit:required:)`` finds.
  ///
  /// - Parameter flatten: whether images become `[N, 64]` (else `[N, 1, 8, 8]`).
  public init(dataOption explicit: String?, flatten: Bool = true) throws {
    try self.init(
      dataDirectory: dataDirectory(explicit: explicit, required: "tinydigits/train_images.npy"),
      flatten: flatten)
  }

  /// Loads `tinydigits/{train,test}_{images,labels}.npy` from a Data folder.
  ///
  /// - Parameter flatten: whether images become `[N, 64]` (else `[N, 1, 8, 8]`).
  public init(dataDirectory: URL, flatten: Bool = true) throws {
    let folder = dataDirectory.appendingPathComponent("tinydigits")
    func split(_ name: String) throws -> TensorDataset {
      let images = try Tensor(npyFile: folder.appendingPathComponent("\(name)_images.npy"))
      let labels = try Tensor(npyFile: folder.appendingPathComponent("\(name)_labels.npy"))
      guard images.rank == 3, images.shape[1] == 8, images.shape[2] == 8 else {
        throw MilestoneError("tinydigits \(name)_images.npy has shape \(images.shape), expected [N, 8, 8]")
      }
      let shaped = try images.reshaped(flatten ? [images.shape[0], 64] : [images.shape[0], 1, 8, 8])
      return try TensorDataset(shaped, labels)
    }
    train = try split("train")
    test = try split("test")
  }
}
