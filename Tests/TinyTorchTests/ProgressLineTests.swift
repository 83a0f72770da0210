import Synchronization
import XCTest

@testable import TinyTorch

final class ProgressLineTests: XCTestCase {
  final class Recorder: Sendable {
    let text = Mutex("")
    func output(isTerminal: Bool) -> ProgressLine.Output {
      ProgressLine.Output(isTerminal: isTerminal) { written in self.text.withLock { $0 += written } }
    }
  }

  /// A clock the test moves by hand.
  final class Clock {
    var seconds = 0.0
  }

  func testOnATerminalTheLineAppearsAfterTheDelayAndIsRewrittenInPlace() {
    let recorder = Recorder()
    let clock = Clock()
    let progress = ProgressLine(
      label: "epoch 0", total: 4, output: recorder.output(isTerminal: true), now: { clock.seconds })
    clock.seconds = 1
    progress.update(completed: 1, loss: 0.5)
    XCTAssertEqual(recorder.text.withLock { $0 }, "", "nothing before the 2 s delay")
    clock.seconds = 2.5
    progress.update(completed: 2, loss: 0.25)
    clock.seconds = 2.55
    progress.update(completed: 3, loss: 0.2)  // within the refresh interval: skipped
    clock.seconds = 3
    progress.update(completed: 4, loss: 0.125)
    progress.finish()
    XCTAssertEqual(
      recorder.text.withLock { $0 },
      "\r\u{1B}[2Kepoch 0: 2/4 (50%), loss 0.2500, 2.5 s, about 2.5 s left"
        + "\r\u{1B}[2Kepoch 0: 4/4 (100%), loss 0.1250, 3.0 s" + "\r\u{1B}[2K")
  }

  func testInALogNothingIsWritten() {
    let recorder = Recorder()
    let clock = Clock()
    let progress = ProgressLine(
      label: "epoch 0", total: 2, output: recorder.output(isTerminal: false), now: { clock.seconds })
    clock.seconds = 10
    progress.update(completed: 1, loss: 1)
    progress.finish()
    XCTAssertEqual(recorder.text.withLock { $0 }, "")
  }
}
