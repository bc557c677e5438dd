/// Every failure the tool reports. Each case has a one-line message naming the file or option and
/// what was expected, and an exit code from BSD's sysexits.h so that scripts can tell failures apart.
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
        }
    }

    /// The process exit status for this error (documented in the README and the man page).
    public var exitCode: Int32 {
        switch self {
        case .usage: return ExitStatus.usage
        case .invalidInput: return ExitStatus.dataError
        case .inputNotFound: return ExitStatus.noInput
        case .unsupported: return ExitStatus.unavailable
        case .outputExists, .outputUnwritable: return ExitStatus.cannotCreate
        case .processing: return ExitStatus.failure
        case .outputClosed: return ExitStatus.brokenPipe
        }
    }
}

/// Exit statuses of the `vsr` tool.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Failure while processing (decode, encode, mux or model error).
    public static let failure: Int32 = 1
    /// Bad command line (EX_USAGE).
    public static let usage: Int32 = 64
    /// Input is not usable media (EX_DATAERR).
    public static let dataError: Int32 = 65
    /// Input missing or unreadable (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// Codec, format or feature unavailable (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// Output cannot be created, or exists without --overwrite (EX_CANTCREAT).
    public static let cannotCreate: Int32 = 73
    /// Interrupted by SIGINT or SIGTERM; the partial output was finalized (128 + SIGINT).
    public static let interrupted: Int32 = 130
    /// The reader of stdout closed the pipe; vsr stops quietly, as a tool killed by SIGPIPE would (128 + 13).
    public static let brokenPipe: Int32 = 141
}
