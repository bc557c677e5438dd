import ArgumentParser
import Foundation

/// How progress is shown on stderr.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// A live line when stderr is a terminal; nothing otherwise.
    case auto
    /// A plain line every few seconds, for logs.
    case plain
    case none
}

/// Prints frames done of total, fps, elapsed and ETA. Not thread-safe: called from the run loop.
final class ProgressReporter {
    private let mode: ProgressMode
    private let total: Int?
    private var lastPrinted = -Double.infinity
    private var drewLiveLine = false

    init(mode: ProgressMode, total: Int?) {
        self.mode = mode == .auto && !Console.isTerminal ? .none : mode
        self.total = total
    }

    func update(frames: Int, elapsed: Double) {
        let interval = mode == .plain ? 5.0 : 0.1
        guard mode != .none, elapsed - lastPrinted >= interval else { return }
        lastPrinted = elapsed
        let text = ProgressReporter.describe(frames: frames, total: total, elapsed: elapsed)
        if mode == .plain {
            Console.note(text)
        } else {
            Console.write("\r\u{1B}[K" + text)
            drewLiveLine = true
        }
    }

    /// Ends the live line so the next message starts on a fresh line.
    func end() {
        if drewLiveLine { Console.write("\r\u{1B}[K") }
    }

    static func describe(frames: Int, total: Int?, elapsed: Double) -> String {
        let fps = elapsed > 0 ? Double(frames) / elapsed : 0
        var text = "frame \(frames)"
        if let total, total > 0 {
            let percent = min(100, 100 * frames / total)
            text += "/\(total) (\(percent)%)"
        }
        text += String(format: "  %.1f fps  elapsed %@", fps, clock(elapsed))
        if let total, total > frames, fps > 0 {
            text += "  ETA " + clock(Double(total - frames) / fps)
        }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
