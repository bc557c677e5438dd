import VSRPipeline

/// What a finished `UpscaleJob` did.
public struct UpscaleReport {
    public let outcome: RunOutcome
    public let summary: RunSummary
    public let upscaler: String
    public let scale: Int
    public let sourceSize: (width: Int, height: Int)
    public let outputSize: (width: Int, height: Int)
    /// "stdout" or the path.
    public let output: String
    /// What was written, e.g. "libx264 yuv420p".
    public let outputDescription: String
    public let workers: Int
    public let threads: Int
    /// Threads the upscaler runs a frame on: `threads` for networks, 1 for classical filters (one
    /// swscale call a plane), which take no threads of their own.
    public let upscalerThreads: Int
    public let queueDepth: Int
    public let recipe: String?
    /// With a frame selection (a job's segment): the listed frames the decoder did not give, and
    /// the frames it gave in the selection's span that are not listed.
    public var missingSelectedFrames: [Int64] = []
    public var unselectedFrames: [Int64] = []
}
