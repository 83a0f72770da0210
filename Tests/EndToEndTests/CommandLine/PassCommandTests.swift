import Foundation
import TTIR
import XCTest

/// `ttc passes`, `-O0/-O1/-O2`, `--passes`, `--print-after` and `ttc compile -v`.
final class PassCommandTests: CommandLineTestCase {
  /// x[2, 3] → relu → neg → y, plus a dead exp that alone reads the weight `unused`.
  func writeModelWithDeadCode() throws -> String {
    var b = GraphBuilder(name: "dead")
    let x = b.input("x", .f32, [2, 3])
    let relu = b.add(.relu, [x], name: "relu")
    let unused = b.weight("unused", TensorData([1, 2, 3], shape: [3]))
    b.add(.exp, [b.add(.add, [relu, unused], name: "dead_add")], name: "dead_exp")
    b.output(b.add(.neg, [relu], name: "neg", output: "y"))
    try ModelFile.save(try b.build(), to: url("dead.json"))
    return "dead.json"
  }

  func testPassesListsEveryPassAndLevel() throws {
    let result = try ttc(["passes"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    for line in [
      "dce ", "cse ", "fold-constants ", "specialize-batch ", "-O0: (no passes)", "-O1: fold-constants, ",
    ] {
      XCTAssertTrue(result.stdout.contains(line), "'\(line)' in\n\(result.stdout)")
    }
  }

  func testInspectShowsTheGraphAfterTheChosenPasses() throws {
    let model = try writeModelWithDeadCode()
    let asWritten = try ttc(["inspect", model], in: directory)
    XCTAssertEqual(tableValue(asWritten.stdout, row: "nodes"), "4", asWritten.stdout)
    let optimized = try ttc(["inspect", model, "--passes", "dce", "--print-after", "dce"], in: directory)
    XCTAssertEqual(optimized.status, 0, optimized.stderr)
    XCTAssertEqual(tableValue(optimized.stdout, row: "nodes"), "2", optimized.stdout)
    XCTAssertTrue(optimized.stdout.hasPrefix("// after dce\ngraph 'dead'\n"), optimized.stdout)
    XCTAssertEqual(tableValue(try ttc(["inspect", model, "-O1"], in: directory).stdout, row: "nodes"), "2")
  }

  func testCompileVerboseReportsEveryPassAndTheLevelIsInTheCacheKey() throws {
    let model = try writeModelWithDeadCode()
    let result = try ttc(["compile", model, "-o", "dead.so", "-v", "--explain-key"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    for line in [
      "passes (O2):", "dce ", "4 → 2", "12 B → 0 B", "fuse-elementwise ", "2 → 1", "nodes: 4 → 1",
      "intermediates: ", "O2: fold-constants,",
    ] {
      XCTAssertTrue(result.stdout.contains(line), "'\(line)' in\n\(result.stdout)")
    }
    let o0 = try ttc(["compile", model, "-o", "dead0.so", "-O0", "-v"], in: directory)
    XCTAssertEqual(o0.status, 0, o0.stderr)
    XCTAssertTrue(o0.stdout.contains("passes (O0):\n  (none)\nnodes: 4 → 4"), o0.stdout)
    XCTAssertTrue(o0.stdout.contains("cache: miss"), "another pipeline is another cache entry")
    try writeNumpy(values(6, seed: 1), shape: [2, 3], to: "x.npy")
    let run = try ttc(["run", model, "-O0", "--compiled", "dead0.so", "--input", "x.npy"], in: directory)
    XCTAssertEqual(run.status, 0, run.stderr)
    let mismatch = try ttc(
      ["run", model, "-O2", "--compiled", "dead0.so", "--input", "x.npy"], in: directory)
    XCTAssertEqual(mismatch.status, 1)
    XCTAssertTrue(mismatch.stderr.contains("check --batch and -O/--passes"), mismatch.stderr)
  }

  func testBadPassRequestsAreOneClearLine() throws {
    let model = try writeModelWithDeadCode()
    let cases: [([String], String)] = [
      (
        ["compile", model, "--passes", "dce,fold"],
        "error: unknown pass 'fold' (known passes: specialize-batch, fold-constants"
      ),
      (
        ["run", model, "--print-after", "cse", "--passes", "dce"],
        "error: --print-after: no pass 'cse' in the pipeline"
      ),
      (["bench", model, "-O0", "--passes", "dce"], "give either -O0/-O1/-O2 or --passes, not both"),
      (["inspect", model, "--passes", "specialize-batch"], "pass 'specialize-batch' needs a batch size"),
    ]
    for (arguments, message) in cases {
      let result = try ttc(arguments, in: directory)
      XCTAssertEqual(result.status, arguments.first == "bench" ? 64 : 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }

  func testPruningOptionsPruneSparsifyAndShrinkThroughEveryCommand() throws {
    _ = try saveDigitsMLP(batch: 2)
    try writeNumpy(values(128, seed: 5), shape: [2, 64], to: "x.npy")
    let pruned = try ttc(
      ["inspect", "mlp.json", "--prune", "0.9", "--print-after", "sparsify"], in: directory)
    XCTAssertEqual(pruned.status, 0, pruned.stderr)
    XCTAssertTrue(pruned.stdout.contains("sparse_linear"), pruned.stdout)
    let compiled = try ttc(
      ["compile", "mlp.json", "-o", "mlp.so", "--prune", "0.9", "--prune-scope", "global", "-v"],
      in: directory)
    XCTAssertEqual(compiled.status, 0, compiled.stderr)
    XCTAssertTrue(compiled.stdout.contains("prune-magnitude(sparsity=0.9,scope=global)"), compiled.stdout)
    let run = try ttc(
      [
        "run", "mlp.json", "--prune", "0.9", "--prune-scope", "global", "--compiled", "mlp.so", "--input",
        "x.npy",
      ],
      in: directory)
    XCTAssertEqual(run.status, 0, run.stderr)
    let structured = try ttc(
      [
        "inspect", "mlp.json", "--prune-structured", "0.5", "--prune-norm", "l2", "--print-after",
        "prune-structured",
      ],
      in: directory)
    XCTAssertEqual(structured.status, 0, structured.stderr)
    // fc1 keeps 64 of its 128 neurons.
    XCTAssertTrue(structured.stdout.contains("f32[64, 64]"), structured.stdout)
    let bench = try ttc(["bench", "mlp.json", "--prune", "0.8", "--runs", "3", "--json"], in: directory)
    XCTAssertEqual(bench.status, 0, bench.stderr)
  }

  func testLowRankOptionFactorsTheLinearsAndRefusesBadEnergies() throws {
    _ = try saveDigitsMLP(batch: 2)
    let inspected = try ttc(
      ["inspect", "mlp.json", "--low-rank", "0.5", "--print-after", "low-rank"], in: directory)
    XCTAssertEqual(inspected.status, 0, inspected.stderr)
    XCTAssertTrue(inspected.stdout.contains("low_rank_a"), inspected.stdout)
    let compiled = try ttc(["compile", "mlp.json", "-o", "mlp.so", "--low-rank", "0.5", "-v"], in: directory)
    XCTAssertEqual(compiled.status, 0, compiled.stderr)
    XCTAssertTrue(compiled.stdout.contains("low-rank(energy=0.5)"), compiled.stdout)
    XCTAssertTrue(compiled.stdout.contains("linear → two linears"), compiled.stdout)
    let bad = try ttc(["compile", "mlp.json", "-o", "bad.so", "--low-rank", "0"], in: directory)
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("--low-rank: energy 0.0 is outside (0, 1]"), bad.stderr)
    XCTAssertFalse(exists("bad.so"))
  }

  func testSparsityOutsideTheUnitIntervalIsOneClearLine() throws {
    _ = try saveDigitsMLP()
    for (arguments, message) in [
      (["compile", "mlp.json", "--prune", "1"], "--prune: sparsity 1.0 is outside [0, 1)"),
      (["run", "mlp.json", "--prune=-0.2"], "--prune: sparsity -0.2 is outside [0, 1)"),
      (
        ["bench", "mlp.json", "--prune-structured", "1.5"],
        "--prune-structured: fraction 1.5 is outside [0, 1)"
      ),
    ] {
      let result = try ttc(arguments, in: directory)
      XCTAssertNotEqual(result.status, 0, "\(arguments)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      XCTAssertFalse(exists("mlp.so"))
    }
  }
}
