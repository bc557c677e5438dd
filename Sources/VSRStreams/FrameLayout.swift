import VSRCore

/// How the planes of one picture lie in a raw frame (y4m frame payload or rawvideo): planes one
/// after another, rows tightly packed, 10-bit samples as 16-bit little-endian words. That is exactly
/// `Plane`'s storage, so reading and writing are plain copies.
struct FrameLayout {
    let format: PixelFormat
    let width: Int
    let height: Int

    var planeSizes: [(width: Int, height: Int)] {
        (0..<format.planeCount).map { format.planeSize($0, width: width, height: height) }
    }

    /// Bytes in one frame.
    var frameBytes: Int {
        planeSizes.reduce(0) { $0 + $1.width * $1.height * format.bytesPerSample }
    }

    /// Reads one frame's planes. Returns nil when the input ends exactly at a frame boundary and
    /// `endAllowed`; throws naming frame `number` (1-based) when it ends inside the frame.
    func readPlanes(from input: ByteInput, frameNumber number: Int, endAllowed: Bool) throws -> [Plane]? {
        var planes: [Plane] = [], received = 0
        for size in planeSizes {
            var plane = Plane(width: size.width, height: size.height, bitDepth: format.bitDepth)
            let count = try plane.bytes.withUnsafeMutableBytes { try input.read(into: $0) }
            received += count
            if count < plane.bytes.count {
                if received == 0 && endAllowed { return nil }
                throw VSRError.invalidInput(
                    path: input.name,
                    reason:
                        "frame \(number) is truncated: expected \(frameBytes) bytes, got \(received)")
            }
            planes.append(plane)
        }
        return planes
    }

    /// Writes a frame's planes, which must have this layout.
    func write(_ planes: [Plane], to output: ByteOutput) throws {
        for plane in planes { try output.write(plane.bytes) }
    }
}
