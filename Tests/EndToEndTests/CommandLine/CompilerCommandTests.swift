import Foundation
import TTCodegen
import TTIR
import TTLoader
import TTPasses
import XCTest

/// `ttc compile`, `run --compiled`, `bench`, `diff` and `cache`, run as the built binary (with
/// the compile cache in the test's folder).
final class CompilerCommandTests: CommandLineTestCase {
  var cacheRoot: URL { directory.appendingPathComponent("xdg/ttc") }

  func testCompileReportsStagesCopiesTheLibraryAndHitsTheCacheNextTime() throws {
    let model = try writeSmallModel("small", in: directory)
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
    let miss = try ttc(["compile", model, "-o", "out/small.so", "--explain-key"], in: directory)
    XCTAssertEqual(miss.status, 0, miss.stderr)
    for stage in ["load", "passes", "codegen", "check", "clang", "total"] {
      XCTAssertTrue(miss.stdout.contains("\n  \(stage) "), "stage \(stage) in\n\(miss.stdout)")
    }
    for line in ["cache: miss", "library: ", "arena: ", "  graph ", "  compiler ", "  flags ", "= key "] {
      XCTAssertTrue(miss.stdout.contains(line), "'\(line)' in\n\(miss.stdout)")
    }
    let library = directory.appendingPathComponent("out/small.so").path
    // The library holds the graph after the default pipeline (-O2).
    let graph = try PassManager(pipeline: .level(.O2))
      .run(try ModelFile.load(from: directory.appendingPathComponent(model))).graph
    XCTAssertEqual(try CompiledModel(path: library, expecting: graph.contentHash).name, "small")
    let hit = try ttc(["compile", model, "-o", "out/small.so"], in: directory)
    XCTAssertTrue(hit.stdout.contains("cache: hit"), hit.stdout)
    XCTAssertTrue(hit.stdout.contains("arena: "), hit.stdout)
    let rebuilt = try ttc(
      ["compile", model, "-o", "out/small.so", "--no-cache", "--cc-opt", "O1"], in: directory)
    XCTAssertTrue(rebuilt.stdout.contains("cache: miss"), rebuilt.stdout)
    let noFolder = try ttc(["compile", model, "-o", "missing/small.so"], in: directory)
    XCTAssertEqual(noFolder.status, 1)
    XCTAssertTrue(noFolder.stderr.hasPrefix("error: cannot write missing/small.so"), noFolder.stderr)
  }

  func testUnwritableOutputIsOneClearLineAndTheModelIsNeverOverwritten() throws {
    let model = try writeSmallModel("small", in: directory)
    let before = try Data(contentsOf: directory.appendingPathComponent(model))
    let unwritable = try ttc(["compile", model, "-o", "/proc/ttc-nowhere/small.so"], in: directory)
    XCTAssertEqual(unwritable.status, 1)
    XCTAssertEqual(unwritable.stderr.split(separator: "\n").count, 1, unwritable.stderr)
    XCTAssertTrue(
      unwritable.stderr.hasPrefix("error: cannot write /proc/ttc-nowhere/small.so"), unwritable.stderr)
    for target in [model, "small.safetensors"] {
      let clash = try ttc(["compile", model, "-o", target], in: directory)
      XCTAssertEqual(clash.status, 1)
      XCTAssertTrue(clash.stderr.contains("refusing to overwrite"), clash.stderr)
    }
    XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent(model)), before)
  }

  func testMissingCompilerIsNamed() throws {
    let model = try writeSmallModel("small", in: directory)
    let result = try ttc(["compile", model, "--cc", "/nonexistent/clang"], in: directory)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("/nonexistent/clang"), result.stderr)
  }

  func testFailingCompilerShowsItsDiagnosticsAndKeepsTheGeneratedC() throws {
    let model = try writeSmallModel("small", in: directory)
    let clang = try CCompiler.locateExecutable()
    let script = directory.appendingPathComponent("broken-cc")
    try writeScript(
      """
      #!/bin/sh
      for argument in "$@"; do
        if [ "$argument" = model.c ]; then echo "model.c:1:1: error: injected failure" >&2; exit 1; fi
      done
      exec \(clang) "$@"
      """, to: script)
    let result = try ttc(["compile", model, "--cc", script.path], in: directory)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("injected failure"), result.stderr)
    let kept = try XCTUnwrap(result.stderr.firstMatch(of: /kept at (\S+)\)/)).1
    XCTAssertTrue(FileManager.default.fileExists(atPath: String(kept)), "kept C at \(kept)")
  }

  func testAMisbehavingCompilerIsContained() throws {
    let model = try writeSmallModel("small", in: directory)
    // Succeeds but writes garbage where the library should be: nothing may be cached.
    let garbage = directory.appendingPathComponent("garbage-cc")
    try writeScript(
      """
      #!/bin/sh
      if [ "$1" = --version ]; then echo "garbage-cc 1.0"; exit 0; fi
      while [ "$1" != -o ]; do shift; done
      head -c 4096 /dev/urandom > "$2"
      """, to: garbage)
    let loaded = try ttc(["compile", model, "--cc", garbage.path], in: directory)
    XCTAssertEqual(loaded.status, 1)
    XCTAssertTrue(loaded.stderr.contains("does not load"), loaded.stderr)
    XCTAssertEqual(CompileCache(root: cacheRoot.path).entries().count, 0)
    XCTAssertFalse(exists("small.so"))
    // Fails with 20 MB of output: the error shows the start, the log keeps everything.
    let noisy = directory.appendingPathComponent("noisy-cc")
    try writeScript(
      """
      #!/bin/sh
      if [ "$1" = --version ]; then echo "noisy-cc 1.0"; exit 0; fi
      yes "model.c:1:1: error: noise" | head -c 20000000
      exit 1
      """, to: noisy)
    let failed = try ttc(["compile", model, "--cc", noisy.path], in: directory)
    XCTAssertEqual(failed.status, 1)
    XCTAssertLessThan(failed.stderr.utf8.count, 6000)
    let log = try XCTUnwrap(failed.stderr.firstMatch(of: /the full output is in ([^\s)]+)/)).1
    XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: String(log))[.size] as? Int, 20_000_000)
  }

  func testAHangingCompilerIsStoppedAfterTheTimeout() throws {
    let model = try writeSmallModel("small", in: directory)
    let script = directory.appendingPathComponent("hanging-cc")
    let marker = directory.appendingPathComponent("still-running").path
    // Answers --version, then hangs in a child process (as clang's cc1 would).
    try writeScript(
      """
      #!/bin/sh
      if [ "$1" = --version ]; then echo "hanging-cc 1.0"; exit 0; fi
      (sleep 3; touch \(marker)) &
      wait
      """, to: script)
    let start = Date()
    let result = try ttc(["compile", model, "--cc", script.path, "--compile-timeout", "0.5"], in: directory)
    XCTAssertEqual(result.status, 1)
    XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    XCTAssertTrue(result.stderr.contains("did not finish within 0.5 seconds and was stopped"), result.stderr)
    sleep(4)
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the compiler's children were not stopped")
    let invalid = try ttc(["compile", model, "--compile-timeout", "-1"], in: directory)
    XCTAssertTrue(invalid.stderr.contains("--compile-timeout must be a positive number"), invalid.stderr)
  }

  func testNumericOptionsTakeNegativeValuesAndAreValidated() throws {
    let model = try writeSmallModel("small", in: directory)
    let cases = [
      (["bench", model, "--threads", "100000"], "--threads must be between 1 and 256 (got 100000)"),
      (["bench", model, "--callers", "0"], "--callers must be between 1 and 256 (got 0)"),
      (["bench", model, "--thread-speedup"], "--thread-speedup compares --threads N (N > 1) with 1 thread"),
      (["bench", model, "--batch", "-3"], "--batch must be positive (got -3)"),
      (["compile", model, "--batch", "-1"], "--batch must be positive (got -1)"),
      (["diff", model, "--tolerance", "-1e-3"], "--tolerance must not be negative"),
      (["profile", model, "--runs", "-5"], "--runs must be at least 1"),
    ]
    for (arguments, message) in cases {
      let result = try ttc(arguments, in: directory)
      XCTAssertNotEqual(result.status, 0, "\(arguments)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }

  func testCorruptedCacheEntryIsRebuilt() throws {
    let model = try writeSmallModel("small", in: directory)
    XCTAssertEqual(try ttc(["compile", model, "-o", "small.so"], in: directory).status, 0)
    let entry = try XCTUnwrap(CompileCache(root: cacheRoot.path).entries().first)
    XCTAssertEqual(truncate(entry.library, 64), 0)
    let again = try ttc(["compile", model, "-o", "small.so"], in: directory)
    XCTAssertTrue(again.stdout.contains("cache: miss"), again.stdout)
    try writeNumpy((0..<8).map(Float.init), shape: [2, 4], to: "x.npy")
    let run = try ttc(["run", model, "--compiled", "small.so", "--input", "x.npy"], in: directory)
    XCTAssertEqual(run.status, 0, run.stderr)
  }

  func testRunCompiledMatchesTheInterpreterAndRefusesForeignLibrariesAndBadShapes() throws {
    let model = try writeSmallModel("small", in: directory)
    let other = try writeSmallModel("other", in: directory, bias: 0.25)
    try writeNumpy((0..<8).map { Float($0) / 4 - 1 }, shape: [2, 4], to: "x.npy")
    XCTAssertEqual(try ttc(["run", model, "--input", "x.npy", "--output", "i.npy"], in: directory).status, 0)
    let onTheFly = try ttc(
      ["run", model, "--compiled", "--input", "x.npy", "--output", "c.npy"], in: directory)
    XCTAssertEqual(onTheFly.status, 0, onTheFly.stderr)
    let interpreted = try NumpyFile(contentsOf: directory.appendingPathComponent("i.npy")).floats()
    let compiled = try NumpyFile(contentsOf: directory.appendingPathComponent("c.npy")).floats()
    XCTAssertEqual(interpreted.count, 6)
    for (a, b) in zip(compiled, interpreted) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(b))) }

    XCTAssertEqual(try ttc(["compile", other, "-o", "other.so"], in: directory).status, 0)
    let foreign = try ttc(["run", model, "--compiled", "other.so", "--input", "x.npy"], in: directory)
    XCTAssertEqual(foreign.status, 1)
    XCTAssertTrue(foreign.stderr.contains("was not compiled from small.json"), foreign.stderr)

    try writeNumpy(Array(repeating: 0, count: 12), shape: [3, 4], to: "bad.npy")
    let badShape = try ttc(["run", model, "--compiled", "--input", "bad.npy"], in: directory)
    XCTAssertEqual(badShape.status, 1)
    XCTAssertTrue(badShape.stderr.contains("[2, 4]") && badShape.stderr.contains("[3, 4]"), badShape.stderr)
    let notALibrary = try ttc(["run", model, "--compiled", "x.npy", "--input", "x.npy"], in: directory)
    XCTAssertEqual(notALibrary.status, 1)
    XCTAssertTrue(notALibrary.stderr.contains("not a loadable ttc model library"), notALibrary.stderr)
  }

  func testDiffAgreesAndThenLocatesTheFirstDivergingNode() throws {
    let model = try writeSmallModel("small", in: directory)
    let agree = try ttc(["diff", model, "-O0"], in: directory)
    XCTAssertEqual(agree.status, 0, agree.stderr)
    XCTAssertTrue(agree.stdout.contains("all 4 nodes agree"), agree.stdout)
    // -O2 (the default) fuses exp, log and relu into one node.
    let fused = try ttc(["diff", model], in: directory)
    XCTAssertEqual(fused.status, 0, fused.stderr)
    XCTAssertTrue(fused.stdout.contains("all 2 nodes agree"), fused.stdout)

    // A compiler that silently computes log(1 + x) for logf(x): the 'log' node diverges first.
    let clang = try CCompiler.locateExecutable()
    let script = directory.appendingPathComponent("miscompiling-cc")
    try writeScript("#!/bin/sh\nexec \(clang) -Dlogf=log1pf \"$@\"\n", to: script)
    let diverge = try ttc(["diff", model, "-O0", "--cc", script.path], in: directory)
    XCTAssertEqual(diverge.status, 1, diverge.stderr)
    let marked = diverge.stdout.split(separator: "\n").filter { $0.hasPrefix(">>") }
    XCTAssertEqual(marked.count, 2, diverge.stdout)
    XCTAssertTrue(marked[0].contains(" log "), diverge.stdout)
    XCTAssertTrue(marked[1].contains("first divergence at node 1 'log'"), diverge.stdout)
  }

  func testBenchReportsBothEnginesAndThreadCountsAsJSON() throws {
    let model = try writeSmallModel("small", in: directory)
    let result = try ttc(
      ["bench", model, "--runs", "5", "--callers", "2", "--threads", "2", "--thread-speedup", "--json"],
      in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let machine = try XCTUnwrap(object["machine"] as? [String: Any])
    XCTAssertFalse((machine["cpu"] as? String ?? "").isEmpty)
    XCTAssertGreaterThan(machine["cores"] as? Int ?? 0, 0)
    for engine in ["interpreter", "compiled", "compiled_one_thread"] {
      let stats = try XCTUnwrap(object[engine] as? [String: Any], engine)
      XCTAssertEqual(stats["runs"] as? Int, 5)
      XCTAssertGreaterThan(stats["median"] as? Double ?? 0, 0)
      XCTAssertGreaterThanOrEqual(stats["p90"] as? Double ?? 0, stats["median"] as? Double ?? 1)
    }
    XCTAssertEqual((object["concurrent"] as? [String: Any])?["runs"] as? Int, 10)
    XCTAssertGreaterThan(object["speedup"] as? Double ?? 0, 0)
    XCTAssertGreaterThan(object["thread_speedup"] as? Double ?? 0, 0)
    XCTAssertGreaterThan(object["threaded_cores_busy"] as? Double ?? 0, 0)
    XCTAssertLessThanOrEqual(try XCTUnwrap(object["max_abs_diff"] as? Double), 1e-4)
    XCTAssertEqual(object["batch"] as? Int, 2)
    XCTAssertEqual(object["threads"] as? Int, 2)
    XCTAssertEqual(object["callers"] as? Int, 2)
  }

  func testCacheListAndClear() throws {
    let model = try writeSmallModel("small", in: directory)
    XCTAssertEqual(try ttc(["compile", model, "-o", "small.so"], in: directory).status, 0)
    let list = try ttc(["cache", "list"], in: directory)
    XCTAssertTrue(list.stdout.contains(": 1 entry"), list.stdout)
    XCTAssertTrue(list.stdout.contains("libsmall-"), list.stdout)
    let clear = try ttc(["cache", "clear"], in: directory)
    XCTAssertTrue(clear.stdout.contains("cleared"), clear.stdout)
    XCTAssertTrue(try ttc(["cache", "list"], in: directory).stdout.contains(": 0 entries"))

    // A folder ttc did not create as its cache (here: the test folder with the model) is refused.
    let refused = try ttc(["cache", "clear", "--cache-dir", "."], in: directory)
    XCTAssertEqual(refused.status, 1)
    XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("is not a ttc compile cache"), refused.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(model).path))
  }

  func testARelativeCompilerPathIsTakenFromTheCurrentDirectory() throws {
    try saveDigitsMLP("mlp.json")
    try FileManager.default.createDirectory(at: url("bin"), withIntermediateDirectories: false)
    try FileManager.default.createSymbolicLink(
      atPath: url("bin/mycc").path, withDestinationPath: try CCompiler.locateExecutable())
    let compiled = try ttc(["compile", "mlp.json", "-o", "mlp.so", "--cc", "bin/mycc"], in: directory)
    XCTAssertEqual(compiled.status, 0, compiled.stderr)
    XCTAssertTrue(exists("mlp.so"))
    let missing = try ttc(["compile", "mlp.json", "-o", "other.so", "--cc", "./no-such-cc"], in: directory)
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(
      missing.stderr.contains("the C compiler './no-such-cc' is not an executable file"), missing.stderr)
  }
}
