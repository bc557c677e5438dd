import VSRCore
import VSRPipeline

/// Test doubles: an in-memory source, a recording sink, and nearest-neighbour upscalers.
final class ArraySource: FrameSource {
    let streamInfo: VideoStreamInfo
    private var frames: [VideoFrame]
    var onRead: ((Int) -> Void)?
    private var reads = 0

    init(count: Int, width: Int = 5, height: Int = 3, format: PixelFormat = .yuv420p) {
        streamInfo = VideoStreamInfo(width: width, height: height, format: format, timeBase: Rational(1, 25),
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
        reads += 1
        onRead?(reads)
        return frames.popLast()
    }
}

final class RecordingSink: FrameSink {
    var written: [VideoFrame] = []
    var finished = false
    var aborted = false

    func write(_ frame: VideoFrame) throws { written.append(frame) }
    func finish() throws -> Int64? { finished = true; return 42 }
    func abort() { aborted = true }
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
