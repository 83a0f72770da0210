#if TT_LIBFUZZER
  import Foundation
  import TTFuzzing

  /// libFuzzer's entry point when it is linked without its own `main`
  /// (`libclang_rt.fuzzer_no_main`, see scripts/fuzz.sh).
  @_silgen_name("LLVMFuzzerRunDriver")
  private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// Runs libFuzzer on one target.
  enum LibFuzzer {
    /// The target the C callback feeds (set once, before libFuzzer starts).
    nonisolated(unsafe) private static var target = FuzzTarget.modelJSON

    static func run(_ target: FuzzTarget, arguments: [String]) -> CInt {
      Self.target = target
      var argc = CInt(arguments.count)
      var argv = arguments.map { strdup($0) } + [nil]
      return argv.withUnsafeMutableBufferPointer { buffer in
        var base = buffer.baseAddress!
        return LLVMFuzzerRunDriver(&argc, &base) { start, count in
          _ = LibFuzzer.target.run(Array(UnsafeBufferPointer(start: start, count: count)))
          return 0
        }
      }
    }
  }
#endif
