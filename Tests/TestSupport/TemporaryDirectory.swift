import Foundation
import XCTest

/// A fresh directory under the system's temporary folder; remove it with ``removeDirectory(_:)``.
public func makeTemporaryDirectory(_ prefix: String = "tinytorch-test") throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Removes `url` and everything below it, ignoring a missing directory.
public func removeDirectory(_ url: URL) { try? FileManager.default.removeItem(at: url) }

/// A fresh temporary directory that is removed when `testCase` ends.
public func temporaryDirectory(for testCase: XCTestCase, prefix: String = "tinytorch-test") throws -> URL {
  let url = try makeTemporaryDirectory(prefix)
  testCase.addTeardownBlock { removeDirectory(url) }
  return url
}
