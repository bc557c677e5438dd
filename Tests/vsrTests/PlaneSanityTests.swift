import Foundation
import XCTest

/// Upscale, then downscale back with the same filter: a shifted, swapped or mis-strided plane would
/// wreck the PSNR. Output is lossless (ffv1) so the check sees the planes, not the encoder.
final class PlaneSanityTests: TemporaryDirectoryTestCase {
    func testBicubicUpAndDownKeepsLumaAndChromaMeans() throws {
        let sample = Tools.sample("testsrc2-320x180-h264-aac.mp4")
        let upscaled = path("up.mkv")
        let run = try Tools.vsr([
            "upscale", sample, "-o", upscaled, "--scale", "2", "--model", "bicubic",
            "--codec", "ffv1", "--progress", "none",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)

        let original = try frames(sample, width: 320, height: 180)
        let back = try frames(upscaled, width: 320, height: 180, filter: "scale=320:180:flags=bicubic")
        let big = try frames(upscaled, width: 640, height: 360)
        XCTAssertEqual(original.count, 50)
        XCTAssertEqual(back.count, original.count)
        XCTAssertEqual(big.count, original.count)

        let psnr = lumaPSNR(original, back, lumaBytes: 320 * 180)
        XCTAssertGreaterThan(psnr, 35, "luma PSNR after up/down is \(psnr) dB")
        print("plane sanity: luma PSNR up x2 then down (bicubic) = \(String(format: "%.2f", psnr)) dB")

        // Each frame's mean U and V match the input's within one code value.
        for (index, (a, b)) in zip(original, big).enumerated() {
            for (name, planeA, planeB) in [
                ("U", chroma(a, 320, 180, 0), chroma(b, 640, 360, 0)),
                ("V", chroma(a, 320, 180, 1), chroma(b, 640, 360, 1)),
            ] {
                XCTAssertEqual(mean(planeB), mean(planeA), accuracy: 1.0, "frame \(index) mean \(name)")
            }
        }
    }

    /// The decoded frames as yuv420p, after an optional filter, one Data per frame.
    private func frames(_ file: String, width: Int, height: Int, filter: String? = nil) throws -> [Data] {
        let raw = path(UUID().uuidString + ".yuv")
        var arguments = ["-i", file]
        if let filter { arguments += ["-vf", filter] }
        arguments += ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough", raw]
        try Tools.ffmpeg(arguments)
        let data = try Data(contentsOf: URL(fileURLWithPath: raw))
        let frameBytes = width * height * 3 / 2
        return stride(from: 0, to: data.count, by: frameBytes).map { data.subdata(in: $0..<min($0 + frameBytes, data.count)) }
    }

    private func chroma(_ frame: Data, _ width: Int, _ height: Int, _ index: Int) -> Data {
        let luma = width * height, size = luma / 4
        return frame.subdata(in: (luma + index * size)..<(luma + (index + 1) * size))
    }

    private func mean(_ plane: Data) -> Double {
        Double(plane.reduce(0) { $0 + Int($1) }) / Double(plane.count)
    }

    private func lumaPSNR(_ a: [Data], _ b: [Data], lumaBytes: Int) -> Double {
        var squared = 0.0, count = 0.0
        for (x, y) in zip(a, b) {
            x.withUnsafeBytes { px in
                y.withUnsafeBytes { py in
                    for i in 0..<lumaBytes {
                        let d = Double(px[i]) - Double(py[i])
                        squared += d * d
                    }
                }
            }
            count += Double(lumaBytes)
        }
        return 10 * log10(255 * 255 / max(squared / count, 1e-12))
    }
}
