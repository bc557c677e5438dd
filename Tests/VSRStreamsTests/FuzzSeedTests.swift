import Foundation
import VSRCore
import XCTest

@testable import VSRStreams

/// The y4m seeds of `fuzz-y4m` (Fuzz/Seeds/y4m, written by ffmpeg) read through the same path the
/// target uses: each holds two whole frames of the size its name gives.
final class FuzzSeedTests: XCTestCase {
    func testY4MSeedsReadAsFFmpegWroteThem() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Seeds/y4m")
        let seeds = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        XCTAssertEqual(seeds.count, 4)
        for seed in seeds {
            // e.g. yuv444p10le-9x7.y4m
            let parts = seed.deletingPathExtension().lastPathComponent.split(separator: "-")
            let size = parts[1].split(separator: "x").compactMap { Int($0) }
            let reader = try Y4MReader(input: ByteInput(path: seed.path))
            var frames: [VideoFrame] = []
            while let frame = try reader.nextFrame() { frames.append(frame) }
            XCTAssertEqual(frames.count, 2, seed.lastPathComponent)
            XCTAssertEqual(frames.first.map { [$0.width, $0.height] }, size, seed.lastPathComponent)
            XCTAssertEqual(frames.first?.format.rawValue, String(parts[0]), seed.lastPathComponent)
        }
    }
}
