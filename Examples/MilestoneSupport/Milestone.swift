#if canImport(Glibc)
  @preconcurrency import Glibc  // for setvbuf(stdout, …)
#else
  @preconcurrency import Darwin
#endif
// swift-format-ignore: OrderedImports
import Foundation

/// Runs a milestone's body, turning argument mistakes and thrown errors into a message on
/// standard error and a non-zero exit status (`--help` exits 0). The body returns whether the
/// milestone met its target; a miss exits with status 1 after the metrics line.
public func runMilestone(_ body: () throws -> Bool) -> Never {
  // Progress lines show up as they are printed, also when the output is piped to a file.
  setvbuf(stdout, nil, _IOLBF, 0)
  do {
    exit(try body() ? 0 : 1)
  } catch let error as ArgumentError {
    if error.isHelp {
      print(error.message)
      exit(0)
    }
    FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
    exit(2)
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
}

/// Seconds elapsed while running `body`, with its result.
public func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = DispatchTime.now().uptimeNanoseconds
  let result = try body()
  return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
