/// Delivers decoded frames in presentation order. Implementations are not thread-safe: one stage
/// owns a source and calls it from one thread at a time.
public protocol FrameSource: AnyObject {
    /// What the frames will look like, known before the first frame is read.
    var streamInfo: VideoStreamInfo { get }
    /// The next frame, or nil at the end of the stream. The caller owns the returned frame.
    func nextFrame() throws -> VideoFrame?
}

/// Consumes frames, in order, and finalizes its output. Not thread-safe: one stage owns a sink.
public protocol FrameSink: AnyObject {
    /// Takes ownership of `frame` and writes it.
    func write(_ frame: VideoFrame) throws
    /// Flushes what is buffered and completes the output; returns the bytes written, if known.
    func finish() throws -> Int64?
    /// Gives up: releases resources and removes any partial output. Safe to call after a failure.
    func abort()
}
