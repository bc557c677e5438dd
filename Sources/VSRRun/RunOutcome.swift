import VSRCore

/// How an upscale run ended, decided from what the pipeline and the reader report. The CLI turns it
/// into a message and an exit status (`ExitStatusMapping`); other callers can act on it directly.
public enum RunOutcome: Equatable, Sendable {
    /// Every frame was upscaled and the output finished.
    case completed(frames: Int)
    /// SIGINT/SIGTERM: the frames done so far were finalized into the output.
    case interrupted(frames: Int)
    /// Interrupted before the first frame: no output was left.
    case interruptedBeforeFirstFrame
    /// The input is damaged or truncated: the frames before the damage were kept.
    case inputDamaged(frames: Int, error: VSRError)
    /// The input is damaged before its first frame: no output was left.
    case unreadable(error: VSRError)
    /// The input has no video frames at all: no output was left.
    case noVideoFrames(input: String)

    /// Damage wins over an interruption (a damaged file stays damaged on the next run); a run with
    /// no frame leaves no file, whatever the cause.
    public static func classify(frames: Int, interrupted: Bool, damage: VSRError?, input: String) -> RunOutcome {
        if frames == 0 {
            if interrupted { return .interruptedBeforeFirstFrame }
            if let damage { return .unreadable(error: damage) }
            return .noVideoFrames(input: input)
        }
        if let damage { return .inputDamaged(frames: frames, error: damage) }
        if interrupted { return .interrupted(frames: frames) }
        return .completed(frames: frames)
    }

    /// Whether an output file was left.
    public var keptOutput: Bool {
        switch self {
        case .completed, .interrupted, .inputDamaged: return true
        case .interruptedBeforeFirstFrame, .unreadable, .noVideoFrames: return false
        }
    }
}
