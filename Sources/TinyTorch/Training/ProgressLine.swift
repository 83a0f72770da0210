import Foundation

/// A one-line progress display for long loops (a training epoch): on a terminal it shows
/// `label: 120/500 (24%), loss 0.4123, 1.9 s, about 6.0 s left`, rewritten in place; in a log
/// file or pipe it writes nothing, so logs keep one line per epoch.
///
/// Nothing is shown for loops that finish within `delay` seconds (2 by default), and the line is
/// redrawn at most every `refreshInterval` seconds. ``finish()`` erases it.
///
/// ```swift
/// let progress = ProgressLine(label: "epoch 3", total: loader.count)
/// for (i, batch) in loader.enumerated() {
///   …
///   progress.update(completed: i + 1, loss: loss.item)
/// }
/// progress.finish()
/// ```
public final class ProgressLine {
  /// Where the line is written, and whether that is a terminal.
  public struct Output: Sendable {
    /// Whether the destination is a terminal (only then is anything written).
    public let isTerminal: Bool
    /// Writes text without a newline.
    public let write: @Sendable (String) -> Void

    /// An output; tests pass a closure that records the text.
    public init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
      self.isTerminal = isTerminal
      self.write = write
    }

    /// Standard error, a terminal when `isatty(2)` says so.
    public static var standardError: Output {
      Output(isTerminal: isatty(STDERR_FILENO) != 0) { FileHandle.standardError.write(Data($0.utf8)) }
    }
  }

  /// The text in front of the counts, e.g. `"epoch 3"`.
  public let label: String
  /// The number of steps of the loop.
  public let total: Int
  let output: Output
  let delay: Double
  let refreshInterval: Double
  let now: () -> Double
  let start: Double
  var lastDraw: Double?

  /// - Parameters:
  ///   - label: the text in front of the counts, e.g. `"epoch 3"`.
  ///   - total: the number of steps of the loop.
  ///   - output: where the line is written.
  ///   - delay: seconds before the line first appears (short loops stay quiet).
  ///   - refreshInterval: the least seconds between two redraws.
  ///   - now: the clock in seconds (monotonic by default; tests pass their own).
  public init(
    label: String, total: Int, output: Output = .standardError, delay: Double = 2,
    refreshInterval: Double = 0.1, now: @escaping () -> Double = ProgressLine.monotonicSeconds
  ) {
    self.label = label
    self.total = total
    self.output = output
    self.delay = delay
    self.refreshInterval = refreshInterval
    self.now = now
    start = now()
  }

  /// Seconds since an arbitrary start, from the monotonic clock.
  public static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  /// Reports that `completed` of ``total`` steps are done, with the latest loss when known.
  public func update(completed: Int, loss: Float? = nil) {
    guard output.isTerminal else { return }
    let time = now()
    let elapsed = time - start
    guard elapsed >= delay else { return }
    if let lastDraw, time - lastDraw < refreshInterval, completed < total { return }
    lastDraw = time
    var text = "\(label): \(completed)/\(total)"
    if total > 0 { text += " (\(completed * 100 / total)%)" }
    if let loss { text += ", loss \(String(format: "%.4f", loss))" }
    text += ", \(String(format: "%.1f", elapsed)) s"
    if completed > 0 && completed < total {
      let left = elapsed / Double(completed) * Double(total - completed)
      text += ", about \(String(format: "%.1f", left)) s left"
    }
    output.write("\r\u{1B}[2K" + text)
  }

  /// Erases the line (when one was shown), so the next output starts on a clean line.
  public func finish() {
    guard lastDraw != nil else { return }
    output.write("\r\u{1B}[2K")
    lastDraw = nil
  }
}
