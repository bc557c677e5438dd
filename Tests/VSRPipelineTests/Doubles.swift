import Foundation
import VSRCore
import VSRPipeline

/// Test doubles: an in-memory source, a recording sink, and nearest-neighbour upscalers.
final class ArraySource: FrameSource, @unchecked Sendable {
    let streamInfo: VideoStreamInfo
    private var frames: [VideoFrame]
    var onRead: ((Int) -> Void)?
    var failAt: Int?
    private let lock = NSLock()
    private var readCount = 0
    /// How many times `nextFrame` was called (read from other threads in tests).
    var reads: Int { lock.lock(); defer { lock.unlock() }; return readCount }

    init(count: Int, width: Int = 5, height: Int = 3, format: PixelFormat = .yuv420p) {
        streamInfo = VideoStreamInfo(
            width: width, height: height, format: format, timeBase: Rational(1, 25),
            frameRate: Rational(25, 1), sampleAspectRatio: Rational(1, 1),
            color: ColorInfo(), estimatedFrameCount: count, sourceFormatName: format.rawValue)
        frames = (0..<count).map { index in
            let planes = (0..<format.planeCount).map { plane -> Plane in
                let size = format.planeSize(plane, width: width, height: height)
                return Plane(width: size.width, height: size.height, bitDepth: format.bitDepth, filledWith: 16 + index)
            }
            return VideoFrame(index: index, pts: Int64(index * 2), duration: 2, format: format, planes: planes)
        }
        frames.reverse()
    }

    func nextFrame() throws -> VideoFrame? {
        lock.lock()
        readCount += 1
        let count = readCount
        lock.unlock()
        onRead?(count)
        if let failAt, count > failAt { throw TestFailure(stage: "source") }
        return frames.popLast()
    }
}

/// Records what it is given. Tests read it from their own thread while the pipeline writes (the
/// stalled-sink test), so the state is behind a lock (ThreadSanitizer found the unguarded version).
final class RecordingSink: FrameSink, @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [VideoFrame] = []
    private var didFinish = false, didAbort = false
    var failAt: Int?
    /// When set, each write waits for a signal (a stalled consumer).
    var gate: DispatchSemaphore?

    var written: [VideoFrame] { lock.withLock { frames } }
    var finished: Bool { lock.withLock { didFinish } }
    var aborted: Bool { lock.withLock { didAbort } }

    func write(_ frame: VideoFrame) throws {
        gate?.wait()
        try lock.withLock {
            if let failAt, frames.count >= failAt { throw TestFailure(stage: "sink") }
            frames.append(frame)
        }
    }
    func finish() throws -> Int64? { lock.withLock { didFinish = true }; return 42 }
    func abort() { lock.withLock { didAbort = true } }
}

/// Nearest-neighbour resampling: exact and easy to predict.
final class NearestResizer: PlaneResizer {
    let name = "nearest"
    func resize(_ plane: Plane, toWidth width: Int, height: Int) throws -> Plane {
        var out = Plane(width: width, height: height, bitDepth: plane.bitDepth)
        for y in 0..<height {
            for x in 0..<width { out[x, y] = plane[x * plane.width / width, y * plane.height / height] }
        }
        return out
    }
}

/// Returns planes of the wrong size, or throws, to exercise error paths.
final class BrokenUpscaler: LumaUpscaler {
    let scale = 2
    let name = "broken"
    var throwing = false
    struct Failure: Error {}
    func upscale(_ luma: Plane) throws -> Plane {
        if throwing { throw Failure() }
        return luma
    }
}
