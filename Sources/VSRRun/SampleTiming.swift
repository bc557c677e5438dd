import Foundation
import VSRCore
import VSRMedia
import VSRPipeline

/// The upscaler's cost on a part of a file's first frame, extrapolated to the whole frame by its
/// pixel count: an ETA that takes well under a second where one whole frame would take minutes
/// (a 4K frame through RLFN).
public struct SampleTiming {
    /// Seconds the upscaler takes for one whole frame, estimated.
    public let secondsPerFrame: Double
    /// The part that was timed.
    public let sampleWidth: Int
    public let sampleHeight: Int

    /// Times `choice` on a centred crop of at most `side` x `side` input pixels of `input`'s first
    /// frame (after one untimed run, which allocates).
    public init(input: String, choice: ModelChoice, factory: UpscalerFactory, threads: Int, side: Int = 192) throws {
        let reader = try MediaFileReader(path: input)
        guard let frame = try reader.nextFrame() else {
            throw VSRError.invalidInput(path: input, reason: "no video frames in the input")
        }
        let format = frame.format
        let stepX = 1 << format.chromaShift.x, stepY = 1 << format.chromaShift.y
        let width = min(frame.width, side) / stepX * stepX, height = min(frame.height, side) / stepY * stepY
        guard width > 0, height > 0 else {
            throw VSRError.invalidInput(path: input, reason: "the frame is too small to time")
        }
        let x = (frame.width - width) / 2 / stepX * stepX, y = (frame.height - height) / 2 / stepY * stepY
        let planes = frame.planes.enumerated().map { index, plane in
            let chroma = index == 1 || index == 2
            return plane.cropped(
                x: chroma ? x / stepX : x, y: chroma ? y / stepY : y,
                width: chroma ? width / stepX : width, height: chroma ? height / stepY : height)
        }
        let sample = frame.replacingPlanes(planes)
        var factory = factory
        factory.color = reader.streamInfo.color
        let upscaler = factory.make(choice, threads: threads)
        _ = try upscaler.upscale(sample)
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try upscaler.upscale(sample)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        secondsPerFrame = seconds * Double(frame.width * frame.height) / Double(width * height)
        (sampleWidth, sampleHeight) = (width, height)
    }
}
