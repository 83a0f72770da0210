import Foundation
import Glibc
import TTCodegen
import TTIR
import XCTest

/// The compile cache deletes only what is recognisably its own (issue 13, item 2).
final class CacheSafetyTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  private func compileSmallModel() throws {
    var builder = GraphBuilder(name: "small")
    builder.output(builder.add(.relu, [builder.input("x", .f32, [4])]))
    _ = try ModelCompiler.compile(try builder.build(), options: CompileOptions(cacheDirectory: cache))
  }

  private func make(_ name: String, age seconds: Int = 0) throws {
    let path = cache + "/" + name
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try Data("keep".utf8).write(to: URL(fileURLWithPath: path + "/file"))
    let past = time(nil) - seconds
    var times = [timeval(tv_sec: past, tv_usec: 0), timeval(tv_sec: past, tv_usec: 0)]
    XCTAssertEqual(utimes(path, &times), 0)
  }

  private func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: cache + "/" + name) }

  func testAFolderThatIsNotACacheIsNeverCleared() throws {
    try make("Documents")
    try Data("notes".utf8).write(to: URL(fileURLWithPath: cache + "/notes.txt"))
    XCTAssertThrowsError(try CompileCache(root: cache).clear()) { error in
      XCTAssertTrue("\(error)".contains("is not a ttc compile cache"), "\(error)")
      XCTAssertTrue("\(error)".contains("nothing was deleted"), "\(error)")
    }
    XCTAssertTrue(exists("Documents/file") && exists("notes.txt"))
    // Compiling into such a folder works, but does not mark it (it was not created by ttc).
    try compileSmallModel()
    XCTAssertFalse(exists(CompileCache.markerName))
    XCTAssertThrowsError(try CompileCache(root: cache).clear())
    XCTAssertTrue(exists("Documents/file") && exists("notes.txt"))
  }

  func testClearRemovesOnlyTheCacheLayout() throws {
    try compileSmallModel()
    XCTAssertTrue(CompileCache(root: cache).isMarked)
    try make("failed-0123456789abcdef")
    try make("my-notes")  // put there by someone else
    let report = try CompileCache(root: cache).clear()
    XCTAssertEqual(report.entries, 1)
    XCTAssertEqual(report.kept, ["my-notes"])
    XCTAssertEqual(
      Set(try FileManager.default.contentsOfDirectory(atPath: cache)), ["my-notes", "CACHEDIR.TAG"])
    XCTAssertEqual(try CompileCache(root: cache + "/missing").clear().removed, 0)
  }

  func testNativeBuildsAreKeyedByTheHostCPU() throws {
    var builder = GraphBuilder(name: "small")
    builder.output(builder.add(.relu, [builder.input("x", .f32, [4])]))
    let graph = try builder.build()
    var options = CompileOptions(cacheDirectory: cache)
    let native = try ModelCompiler.cacheKey(graph, options: options).explanation
    // A cache shared by an AVX-512 and an AVX2 machine must not hand one's library to the other.
    XCTAssertTrue(native.contains { $0.hasPrefix("cpu: ") && $0.contains("(flags ") }, "\(native)")
    options.compiler = CCompiler(executable: try CCompiler.locateExecutable(), targetCPU: "x86-64-v2")
    XCTAssertFalse(
      try ModelCompiler.cacheKey(graph, options: options).explanation.contains { $0.hasPrefix("cpu: ") })
  }

  func testOrphanedBuildsAreRemovedButNotLiveOrRecentOnes() throws {
    try compileSmallModel()
    try make("build-Orphan", age: 2 * CompileCache.orphanAge)
    try make("build-Recent", age: 10)
    try make("build-Locked", age: 2 * CompileCache.orphanAge)
    // A live compile holds its build folder's lock.
    let lock = open(cache + "/build-Locked/.lock", O_CREAT | O_WRONLY, 0o644)
    defer { close(lock) }
    XCTAssertEqual(flock(lock, LOCK_EX), 0)
    try make("build-Locked", age: 2 * CompileCache.orphanAge)
    XCTAssertEqual(CompileCache(root: cache).removeOrphanedBuilds(), 1)
    XCTAssertFalse(exists("build-Orphan"))
    XCTAssertTrue(exists("build-Recent") && exists("build-Locked"))
    // A compile that misses the cache cleans orphans on its way.
    try make("build-Orphn2", age: 2 * CompileCache.orphanAge)
    var builder = GraphBuilder(name: "other")
    builder.output(builder.add(.neg, [builder.input("x", .f32, [4])]))
    _ = try ModelCompiler.compile(try builder.build(), options: CompileOptions(cacheDirectory: cache))
    XCTAssertFalse(exists("build-Orphn2"))
    // clear leaves the live build alone.
    let report = try CompileCache(root: cache).clear()
    XCTAssertEqual(report.kept, ["build-Locked"])
    XCTAssertFalse(exists("build-Recent"))
  }
}
