import Foundation
import VSRCore

/// Keeps the frames a run holds at once (2 x queue depth + workers, each decoded and upscaled) within
/// a share of the machine's memory: `--queue-depth 100000` once decoded a whole input into memory.
public struct FrameMemoryBudget {
    /// The bytes frames in flight may take: a quarter of physical memory.
    public var bytes: UInt64 = ProcessInfo.processInfo.physicalMemory / 4

    public init() {}

    public init(bytes: UInt64) { self.bytes = bytes }

    /// Bytes of one frame of `info` as the pipeline holds it (planar, 1 or 2 bytes a sample).
    public static func frameBytes(_ info: VideoStreamInfo) -> UInt64 {
        let format = info.format
        return (0..<format.planeCount).reduce(UInt64(0)) { total, plane in
            let size = format.planeSize(plane, width: info.width, height: info.height)
            return total + UInt64(size.width * size.height * format.bytesPerSample)
        }
    }

    /// `requested`, or the largest depth whose frames fit (with a note); throws when even a depth
    /// of 1 with these workers does not fit.
    public func queueDepth(
        requested: Int, workers: Int, input: VideoStreamInfo, output: VideoStreamInfo, note: (String) -> Void
    ) throws -> Int {
        let perFrame = Self.frameBytes(input) + Self.frameBytes(output)
        func need(_ depth: Int) -> UInt64 { UInt64(2 * depth + workers) * perFrame }
        if need(requested) <= bytes { return requested }
        let gigabytes = { (value: UInt64) in String(format: "%.1f GB", Double(value) / 1e9) }
        guard need(1) <= bytes else {
            throw VSRError.usage(
                "--workers \(workers) holds \(gigabytes(need(1))) of \(input.width)x\(input.height) frames at once, more than "
                    + "the \(gigabytes(bytes)) (a quarter of this machine's memory) vsr allows; lower --workers")
        }
        let depth = max(1, Int((bytes / perFrame - UInt64(workers)) / 2))
        note(
            "--queue-depth \(requested) would hold \(gigabytes(need(requested))) of frames at once; using \(depth) "
                + "(\(gigabytes(need(depth))), within a quarter of this machine's memory)")
        return depth
    }
}
