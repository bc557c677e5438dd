import CFFmpeg
import VSRCore

/// The outcome of an FFmpeg call that did not fail. EAGAIN and EOF from the send/receive API are
/// states of a codec, not errors (as in libavfilter), so they come back as values.
enum FFmpegStatus: Equatable {
    case ok(Int32)
    case again
    case endOfStream
}

/// The one place FFmpeg return codes are interpreted.
enum FFmpeg {
    /// Classifies `code`: non-negative is `.ok`, EAGAIN and EOF are states, any other negative value
    /// throws `failure(message)` where `message` is FFmpeg's text for the code.
    @discardableResult
    static func status(_ code: Int32, _ failure: (String) -> VSRError) throws -> FFmpegStatus {
        if code >= 0 { return .ok(code) }
        if code == vsr_averror_eagain() { return .again }
        if code == vsr_averror_eof() { return .endOfStream }
        throw failure(message(for: code))
    }

    /// Like `status`, for calls where EAGAIN and EOF are failures too. Returns the non-negative code.
    @discardableResult
    static func check(_ code: Int32, _ failure: (String) -> VSRError) throws -> Int32 {
        guard case .ok(let value) = try status(code, failure) else { throw failure(message(for: code)) }
        return value
    }

    /// Shorthand for processing failures: "`what`: FFmpeg's message".
    @discardableResult
    static func check(_ code: Int32, _ what: @autoclosure () -> String) throws -> Int32 {
        try check(code) { VSRError.processing("\(what()): \($0)") }
    }

    /// FFmpeg's text for an error code, in lowercase as FFmpeg's own messages are.
    static func message(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = buffer.count
        return buffer.withUnsafeMutableBufferPointer { String(cString: vsr_err2str(code, $0.baseAddress, count)) }
            .lowercased()
    }

    /// Silences FFmpeg's own logging unless `verbose`: vsr reports errors itself, once, in one line.
    static func configureLogging(verbose: Bool) {
        av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_QUIET)
    }
}
