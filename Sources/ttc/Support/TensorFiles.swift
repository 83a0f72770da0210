import Foundation
import TTIR
import TTInterpreter

/// Reading graph inputs from and writing graph outputs to NumPy `.npy` files.
enum TensorFiles {
  /// The `.npy` element type that holds a value of `dtype`: `f32` and `f16` as `float32`,
  /// `i32` and `i8` as `int32`, `i64` as `int64`.
  static func descriptor(for dtype: DType) -> String {
    switch dtype {
    case .f32, .f16: "<f4"
    case .i8, .i32: "<i4"
    case .i64: "<i8"
    }
  }

  /// Assigns each `--input` argument (`name=path` or a bare `path`, which fills the next
  /// unnamed input in declaration order) to a graph input and reads it.
  ///
  /// - Parameter fill: when true, inputs not given get deterministic synthetic values
  ///   (floats uniform in `[0, 1)`, integers 0); otherwise a missing input is an error.
  static func readInputs(
    _ arguments: [String], graph: Graph, modelPath: String, fill: Bool = false
  ) throws -> [String: InterpreterTensor] {
    let names = graph.inputs.map(\.name)
    var paths: [String: String] = [:]
    var unnamed: [String] = []
    for argument in arguments {
      if let equals = argument.firstIndex(of: "="),
        !FileManager.default.fileExists(atPath: argument)
      {
        let name = String(argument[..<equals])
        guard names.contains(name) else {
          throw CommandFailure(
            "\(modelPath): the model has no input '\(name)' (its inputs: \(names.joined(separator: ", ")))")
        }
        guard paths[name] == nil else {
          throw CommandFailure("--input: input '\(name)' is given twice")
        }
        paths[name] = String(argument[argument.index(after: equals)...])
      } else {
        unnamed.append(argument)
      }
    }
    for path in unnamed {
      guard let name = names.first(where: { paths[$0] == nil }) else {
        throw CommandFailure(
          "--input \(path): the model has only \(names.count) input(s): \(names.joined(separator: ", "))")
      }
      paths[name] = path
    }
    var inputs: [String: InterpreterTensor] = [:]
    for info in graph.inputs {
      if let path = paths[info.name] {
        inputs[info.name] = try read(path, as: info)
      } else if fill {
        inputs[info.name] = synthetic(info.type)
      } else {
        throw CommandFailure(
          "\(modelPath): input '\(info.name)' (\(info.type)) is not given; pass --input \(info.name)=FILE.npy"
        )
      }
    }
    return inputs
  }

  /// Reads `path` as the value of graph input `info`, requiring its exact shape and dtype.
  static func read(_ path: String, as info: ValueInfo) throws -> InterpreterTensor {
    let file: NumpyFile
    let url = URL(fileURLWithPath: path)
    do {
      file = try NumpyFile(contentsOf: url)
    } catch {
      // Name the file as the user wrote it, not by its absolute path.
      let message = "\(error)"
      let prefix = "\(url.path): "
      throw CommandFailure(
        message.hasPrefix(prefix) ? "\(path): \(message.dropFirst(prefix.count))" : message)
    }
    let expected = descriptor(for: info.type.dtype)
    guard file.elements.descriptor == expected else {
      throw CommandFailure(
        "\(path): input '\(info.name)' expects \(info.type) (a '\(expected)' array), got a "
          + "'\(file.elements.descriptor)' array; convert it with .astype(np.\(numpyName(expected)))")
    }
    guard file.shape == info.type.shape else {
      let batchOnly =
        file.shape.count == info.type.rank && file.shape.dropFirst() == info.type.shape.dropFirst()
      let hint = batchOnly ? "; pass --batch \(file.shape[0]) to run at that batch size" : ""
      throw CommandFailure(
        "\(path): input '\(info.name)' expects shape \(info.type.shape) (\(info.type)), "
          + "got shape \(file.shape)\(hint)")
    }
    let storage: InterpreterTensor.Storage
    switch (info.type.dtype, file.elements) {
    case (.f32, .float32(let values)): storage = .f32(values)
    case (.f16, .float32(let values)): storage = .f16(values.map(HalfConversion.halfBits(from:)))
    case (.i32, .int32(let values)): storage = .i32(values)
    case (.i64, .int64(let values)): storage = .i64(values)
    case (.i8, .int32(let values)):
      if let bad = values.first(where: { !(-128...127).contains($0) }) {
        throw CommandFailure("\(path): input '\(info.name)' is i8 but holds \(bad)")
      }
      storage = .i8(values.map { Int8($0) })
    default:
      preconditionFailure("descriptor checked above")
    }
    do {
      return try InterpreterTensor(shape: file.shape, storage: storage)
    } catch {
      throw CommandFailure("\(path): \(error)")
    }
  }

  /// Deterministic stand-in values: floats uniform in `[0, 1)`, integers 0.
  static func synthetic(_ type: TensorType) -> InterpreterTensor {
    let count = type.elementCount
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let floats = (0..<count).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24)
    }
    let storage: InterpreterTensor.Storage =
      switch type.dtype {
      case .f32: .f32(floats)
      case .f16: .f16(floats.map(HalfConversion.halfBits(from:)))
      case .i8: .i8(Array(repeating: 0, count: count))
      case .i32: .i32(Array(repeating: 0, count: count))
      case .i64: .i64(Array(repeating: 0, count: count))
      }
    return try! InterpreterTensor(shape: type.shape, storage: storage)
  }

  /// Decides where each graph output goes from the `--output` arguments: `name=path`, a
  /// directory (an existing one, or a path ending in `/`) that receives `<name>.npy` for every
  /// output, or a bare path for a single-output graph.
  static func outputPaths(_ arguments: [String], graph: Graph) throws -> [String: String] {
    let names = graph.outputs.map(\.name)
    var paths: [String: String] = [:]
    for argument in arguments {
      var isDirectory: ObjCBool = false
      if let equals = argument.firstIndex(of: "="),
        names.contains(String(argument[..<equals]))
      {
        paths[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
      } else if argument.hasSuffix("/")
        || (FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
          && isDirectory.boolValue)
      {
        for name in names {
          // An output name becomes a file name: it must not leave the folder.
          guard !name.contains("/"), name != ".", name != ".." else {
            throw CommandFailure(
              "--output \(argument): output '\(name)' is not a plain file name; use --output NAME=PATH")
          }
          paths[name] = URL(fileURLWithPath: argument).appendingPathComponent("\(name).npy").path
        }
      } else if names.count == 1 {
        paths[names[0]] = argument
      } else {
        throw CommandFailure(
          "--output \(argument): the model has \(names.count) outputs (\(names.joined(separator: ", "))); "
            + "use --output NAME=PATH or --output DIRECTORY/")
      }
    }
    return paths
  }

  /// Writes `tensor` to `path` as `.npy` (atomically: temporary file, then rename).
  static func write(_ tensor: InterpreterTensor, to path: String) throws {
    let elements: NumpyFile.Elements =
      switch tensor.storage {
      case .f32(let values): .float32(values)
      case .f16: .float32(tensor.floats())
      case .i8(let values): .int32(values.map(Int32.init))
      case .i32(let values): .int32(values)
      case .i64(let values): .int64(values)
      }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    do {
      try NumpyFile(shape: tensor.shape, elements: elements).write(to: URL(fileURLWithPath: path))
    } catch {
      throw CommandFailure("\(error)")
    }
  }

  private static func numpyName(_ descriptor: String) -> String {
    switch descriptor {
    case "<f4": "float32"
    case "<i4": "int32"
    default: "int64"
    }
  }
}
