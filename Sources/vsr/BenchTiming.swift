import Dispatch
import Foundation
import VSRCore
import VSRPipeline

/// Times one upscaler frame by frame: 2 warm-up frames, then `frames` timed ones.
enum BenchTiming {
    static let warmupFrames = 2

    /// Seconds per timed frame, in order.
    static func perFrame(_ upscaler: FrameUpscaler, frame: VideoFrame, frames: Int) throws -> [Double] {
        for _ in 0..<warmupFrames { _ = try upscaler.upscale(frame) }
        return try (0..<frames).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try upscaler.upscale(frame)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// The value below which `fraction` of the sorted values lie (nearest rank).
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// A deterministic 8-bit 4:2:0 test frame with texture at many scales, so that networks and
/// filters do realistic work (no flat areas that a cache or a branch could shortcut).
enum SyntheticFrame {
    static func make(width: Int, height: Int) -> VideoFrame {
        var state: UInt32 = 0x9E37_79B9
        func noise() -> Double {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Double(state >> 8) / Double(1 << 24) - 0.5
        }
        var luma = Plane(width: width, height: height, bitDepth: 8)
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(width), v = Double(y) / Double(height)
                let pattern = 0.5 + 0.25 * sin(40 * u * u + 9 * v) + 0.15 * sin(3 * u + 70 * v * v) + 0.1 * noise()
                luma[x, y] = Int(16 + 219 * min(max(pattern, 0), 1))
            }
        }
        let chromaSize = PixelFormat.yuv420p.planeSize(1, width: width, height: height)
        var cb = Plane(width: chromaSize.width, height: chromaSize.height, bitDepth: 8), cr = cb
        for y in 0..<chromaSize.height {
            for x in 0..<chromaSize.width {
                cb[x, y] = 128 + Int(60 * sin(Double(x) / 17 + Double(y) / 29))
                cr[x, y] = 128 + Int(60 * cos(Double(x) / 23 - Double(y) / 13))
            }
        }
        return VideoFrame(index: 0, pts: 0, duration: 1, format: .yuv420p, planes: [luma, cb, cr])
    }
}
