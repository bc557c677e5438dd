import CFFmpeg

/// Process-wide FFmpeg settings the CLI chooses once at start-up.
public enum MediaLogging {
    /// Shows FFmpeg's own log on stderr when `verbose`; silences it otherwise.
    public static func configure(verbose: Bool) { FFmpeg.configureLogging(verbose: verbose) }
}
