import ArgumentParser
import VSRCore
import VSRInference

/// Exit statuses of the `vsr` tool (BSD's sysexits.h where one fits), documented in the README and
/// the man page.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Failure while processing (decode, encode, mux), or any error vsr has no better status for.
    public static let failure: Int32 = 1
    /// Bad command line (EX_USAGE).
    public static let usage: Int32 = 64
    /// Input is not usable media, or a model file is damaged or cannot run on it (EX_DATAERR).
    public static let dataError: Int32 = 65
    /// Input missing or unreadable (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// Codec, format or feature unavailable (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// Output cannot be created, or exists without --overwrite (EX_CANTCREAT).
    public static let cannotCreate: Int32 = 73
    /// A job task stopped by a signal or a transient failure, its temporary files removed: run it
    /// again (EX_TEMPFAIL; Slurm's `RequeueExit=75`).
    public static let retry: Int32 = 75
    /// A job's model or options differ from its plan (EX_CONFIG).
    public static let configuration: Int32 = 78
    /// Interrupted by SIGINT or SIGTERM; the partial output was finalized (128 + SIGINT).
    public static let interrupted: Int32 = 130
    /// The reader of stdout closed the pipe; vsr stops quietly, as a tool killed by SIGPIPE would (128 + 13).
    public static let brokenPipe: Int32 = 141
}

/// The one mapping from every error and outcome to an exit status. Each module's error type is
/// handled exhaustively; an error of any other type exits 1 with its message, never 64.
public enum ExitStatusMapping {
    public static func status(for error: Error) -> Int32 {
        switch error {
        case let error as VSRError: return status(for: error)
        case let error as WeightsError: return status(for: error)
        case is ModelInputError: return ExitStatus.dataError
        case is ValidationError: return ExitStatus.usage
        case let code as ExitCode: return code.rawValue
        default: return ExitStatus.failure
        }
    }

    public static func status(for error: VSRError) -> Int32 {
        switch error {
        case .usage: return ExitStatus.usage
        case .invalidInput: return ExitStatus.dataError
        case .inputNotFound: return ExitStatus.noInput
        case .unsupported: return ExitStatus.unavailable
        case .outputExists, .outputUnwritable: return ExitStatus.cannotCreate
        case .processing: return ExitStatus.failure
        case .outputClosed: return ExitStatus.brokenPipe
        case .retryable: return ExitStatus.retry
        case .planMismatch: return ExitStatus.configuration
        }
    }

    /// A damaged or mismatched model file is bad data; an architecture vsr does not know is a usage error.
    public static func status(for error: WeightsError) -> Int32 {
        switch error {
        case .malformed, .mismatch: return ExitStatus.dataError
        case .unknownArchitecture: return ExitStatus.usage
        }
    }

    public static func status(for outcome: RunOutcome) -> Int32 {
        switch outcome {
        case .completed: return ExitStatus.success
        case .interrupted, .interruptedBeforeFirstFrame: return ExitStatus.interrupted
        case .inputDamaged(_, let error), .unreadable(let error): return status(for: error)
        case .noVideoFrames: return ExitStatus.dataError
        }
    }

    /// The one-line message for `error`; nil for an `ExitCode`, which carries none.
    public static func message(for error: Error) -> String? {
        switch error {
        case is ExitCode: return nil
        case let error as CustomStringConvertible: return error.description
        default: return String(describing: error)
        }
    }
}
