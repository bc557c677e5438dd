import Foundation
import VSRCore

/// What a finished run did.
public struct RunSummary: Sendable, Equatable {
    public var frames: Int
    public var seconds: Double
    /// True when the run stopped early because it was cancelled; the output was still finalized.
    public var interrupted: Bool
    public var outputBytes: Int64?

    public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }
}

/// Progress after each frame: frames done and seconds since the start.
public typealias ProgressHandler = (_ frames: Int, _ elapsed: Double) -> Void

/// Pulls frames from a source, upscales them and pushes them to a sink, in order, on the calling
/// thread. Decoding and encoding use FFmpeg's own threads. On any error the sink is aborted (no
/// partial output survives); on cancellation the sink is finished, so what was encoded is kept.
public struct UpscaleRunner {
    public var frameLimit: Int?
    public var cancellation: CancellationFlag

    public init(frameLimit: Int? = nil, cancellation: CancellationFlag = CancellationFlag()) {
        self.frameLimit = frameLimit
        self.cancellation = cancellation
    }

    public func run(source: FrameSource, upscaler: FrameUpscaling, sink: FrameSink,
                    progress: ProgressHandler? = nil) throws -> RunSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var frames = 0
        do {
            while !cancellation.isCancelled, frameLimit.map({ frames < $0 }) ?? true,
                  let frame = try source.nextFrame() {
                try sink.write(try upscaler.upscale(frame))
                frames += 1
                progress?(frames, elapsed())
            }
            let bytes = try sink.finish()
            return RunSummary(frames: frames, seconds: elapsed(), interrupted: cancellation.isCancelled,
                              outputBytes: bytes)
        } catch {
            sink.abort()
            throw error
        }
    }
}
