import Foundation

/// Writes the tool's messages to stderr, so stdout stays free for data (help and version aside).
enum Console {
    static func error(_ message: String) { line("vsr: error: \(message)") }
    static func warning(_ message: String) { line("vsr: warning: \(message)") }
    static func note(_ message: String) { line("vsr: \(message)") }

    static func line(_ text: String) { write(text + "\n") }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when stderr is a terminal (live progress is drawn only there).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
