/// The failures of the media, streams and pipeline layers. Each case has a one-line message naming the
/// file or option and what was expected; the executable maps each case to an exit status
/// (`ExitStatusMapping` in VSRRun) so that scripts can tell failures apart.
public enum VSRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input path does not exist or cannot be opened for reading.
    case inputNotFound(path: String)
    /// The input exists but is not usable media: not a media file, no video stream, corrupt data.
    case invalidInput(path: String, reason: String)
    /// A requested codec, pixel format or feature is not available in this build of FFmpeg.
    case unsupported(String)
    /// The output exists and `--overwrite` was not given.
    case outputExists(path: String)
    /// The output cannot be created or written.
    case outputUnwritable(path: String, reason: String)
    /// A bad combination of options found after parsing.
    case usage(String)
    /// A failure while decoding, processing, encoding or muxing.
    case processing(String)
    /// The reader of a pipe went away (EPIPE), e.g. `vsr ... -o - | head -c 1000`.
    case outputClosed(String)
    /// A failure that running the same command again may not meet: a signal, an I/O error, memory.
    case retryable(String)
    /// A planned job was made with another model or other options than this command gives.
    case planMismatch(String)

    public var description: String {
        switch self {
        case .inputNotFound(let path): return "\(path): no such file or not readable"
        case .invalidInput(let path, let reason): return "\(path): \(reason)"
        case .unsupported(let what): return what
        case .outputExists(let path): return "\(path): output exists (use -y/--overwrite to replace it)"
        case .outputUnwritable(let path, let reason): return "\(path): cannot write output: \(reason)"
        case .usage(let message): return message
        case .processing(let message): return message
        case .outputClosed(let name): return "\(name): the reader closed the pipe"
        case .retryable(let message): return message
        case .planMismatch(let message): return message
        }
    }
}
