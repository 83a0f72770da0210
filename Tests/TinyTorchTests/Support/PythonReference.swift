import Foundation
import XCTest

/// Runs Python reference scripts (NumPy and `safetensors`), skipping the calling test where
/// `python3` or one of those packages is missing.
enum PythonReference {
  /// Runs `script` with `arguments` and returns its standard output. A script signals a missing
  /// package by exiting with status 3.
  ///
  /// - Throws: `XCTSkip` when python3 or a package is missing; an error with the script's
  ///   standard error when it fails otherwise.
  static func run(_ script: String, arguments: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw XCTSkip("python3 is not available: \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 3 || process.terminationStatus == 127 {
      throw XCTSkip("python3 lacks numpy or safetensors")
    }
    guard process.terminationStatus == 0 else {
      throw NSError(
        domain: "PythonReference", code: Int(process.terminationStatus),
        userInfo: [NSLocalizedDescriptionKey: "python3 failed: \(errorText)"])
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The lines a script starts with: imports that exit with status 3 when a package is missing.
  static let imports = """
    import json, sys
    try:
        import numpy as np
        from safetensors.numpy import load_file, save_file
    except ImportError:
        sys.exit(3)

    """
}
