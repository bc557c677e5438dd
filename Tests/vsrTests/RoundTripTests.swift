import XCTest

/// Each sample through `vsr upscale --model bicubic` at x2 and x4, checked with ffprobe.
final class RoundTripTests: TemporaryDirectoryTestCase {
    func testMP4Scale2() throws { try roundTrip("testsrc2-320x180-h264-aac.mp4", scale: 2) }
    func testMP4Scale4() throws { try roundTrip("testsrc2-320x180-h264-aac.mp4", scale: 4) }
    func testVariableFrameRateMKVScale2() throws { try roundTrip("vfr-mandelbrot-256x144.mkv", scale: 2) }
    func testVariableFrameRateMKVScale4() throws { try roundTrip("vfr-mandelbrot-256x144.mkv", scale: 4) }
    func testTenBitOddSizeScale2() throws { try roundTrip("odd-321x181-yuv422p10.mkv", scale: 2) }
    func testTenBitOddSizeScale4() throws { try roundTrip("odd-321x181-yuv422p10.mkv", scale: 4) }

    private func roundTrip(_ sample: String, scale: Int) throws {
        let input = Tools.sample(sample)
        let ext = (sample as NSString).pathExtension
        let output = path("out-x\(scale).\(ext)")
        let result = try Tools.vsr([
            "upscale", input, "-o", output, "--scale", "\(scale)", "--model", "bicubic",
            "--preset", "veryfast", "--progress", "none",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("upscaled"), "summary line missing: \(result.stderr)")

        let before = try Probe(input), after = try Probe(output)
        XCTAssertEqual(after.videoInt("width"), before.videoInt("width") * scale)
        XCTAssertEqual(after.videoInt("height"), before.videoInt("height") * scale)

        // Every frame keeps its presentation time, so frame counts match too (VFR survives).
        let inputTimes = try before.framePresentationTimes()
        XCTAssertGreaterThan(inputTimes.count, 0)
        XCTAssertEqual(try after.framePresentationTimes(), inputTimes)

        // Audio and subtitles are copied bit for bit, with their timestamps.
        for (selector, type) in [("a", "audio"), ("s", "subtitle")] {
            let inputPackets = try before.packetDigests(selector)
            XCTAssertEqual(after.streams(ofType: type).count, before.streams(ofType: type).count, type)
            XCTAssertEqual(try after.packetDigests(selector), inputPackets, "\(type) packets differ")
        }

        // Colour tags, aspect ratio and bit depth.
        for key in ["color_primaries", "color_transfer", "color_space", "color_range", "sample_aspect_ratio", "pix_fmt"] {
            XCTAssertEqual(after.videoString(key), before.videoString(key), key)
        }
        // H.264 reads an untagged chroma location as "left"; compare only where the input states one.
        let location = before.videoString("chroma_location")
        if !location.isEmpty && location != "unspecified" {
            XCTAssertEqual(after.videoString("chroma_location"), location, "chroma_location")
        }

        XCTAssertEqual(
            after.chapters.map { ($0["tags"] as? [String: String])?["title"] ?? "" },
            before.chapters.map { ($0["tags"] as? [String: String])?["title"] ?? "" })
        // The container's duration field may differ by less than a frame (a trimmed last audio
        // packet reads back at its full length); the frame times above are the exact check.
        let frameInterval = 1.0 / 12.0
        XCTAssertEqual(after.duration, before.duration, accuracy: frameInterval)
        XCTAssertEqual(try listing(), ["out-x\(scale).\(ext)"], "temporary files left behind")
    }

    func testFrameLimitStopsEarlyAndStatisticsAreWritten() throws {
        let output = path("first10.mp4"), json = path("stats.json")
        let result = try Tools.vsr([
            "upscale", Tools.sample(Tools.samples[0]), "-o", output, "--frames", "10", "--model", "bicubic",
            "--preset", "ultrafast", "--progress", "none", "--stats", "--stats-json", json,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Probe(output).framePresentationTimes().count, 10)
        XCTAssertTrue(result.stderr.contains("stage upscale"), result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual(report["frames"] as? Int, 10)
        XCTAssertEqual(report["upscaler"] as? String, "bicubic")
        XCTAssertGreaterThan(report["peak_rss_kb"] as? Int ?? 0, 1000)
        let stages = try XCTUnwrap(report["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.map { $0["name"] as? String ?? "" }, ["decode", "upscale", "encode"])
        XCTAssertEqual(stages.map { $0["frames"] as? Int ?? -1 }, [10, 10, 10])
        XCTAssertEqual(try listing().sorted(), ["first10.mp4", "stats.json"])
    }

    /// A stage counts its own threads' CPU time, so with two threads a frame the upscaler's helper
    /// threads land among the threads no stage owns, and `--stats` says so.
    func testStatisticsNameTheUpscalersHelperThreadsWhenThereAreAny() throws {
        for (threads, expected) in [("1", "encoder and decoder threads ("), ("2", "the 2-thread upscaler's")] {
            let output = path("threads\(threads).mp4")
            let result = try Tools.vsr([
                "upscale", Tools.sample(Tools.samples[0]), "-o", output, "--frames", "3", "--model", "repsr-y-x2-fast",
                "--workers", "1", "--threads", threads, "--preset", "ultrafast", "--progress", "none", "--stats",
            ])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), result.stderr)
            XCTAssertEqual(result.stderr.contains("helper threads"), threads != "1", result.stderr)
        }
        // A classical filter runs no threads of its own, whatever --threads says.
        let classical = try Tools.vsr([
            "upscale", Tools.sample(Tools.samples[0]), "-o", path("classical.mp4"), "--frames", "3", "--model", "bicubic",
            "--threads", "2", "--preset", "ultrafast", "--progress", "none", "--stats",
        ])
        XCTAssertEqual(classical.status, 0, classical.stderr)
        XCTAssertTrue(classical.stderr.contains("encoder and decoder threads ("), classical.stderr)
    }

    func testPixelFormatOverrideAndLosslessCodec() throws {
        let output = path("eight-bit.mkv")
        let result = try Tools.vsr([
            "upscale", Tools.sample("odd-321x181-yuv422p10.mkv"), "-o", output, "--model", "bicubic",
            "--codec", "ffv1", "--pix-fmt", "yuv420p", "--progress", "none",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let probe = try Probe(output)
        XCTAssertEqual(probe.videoString("codec_name"), "ffv1")
        XCTAssertEqual(probe.videoString("pix_fmt"), "yuv420p")
        XCTAssertEqual(probe.videoInt("width"), 642)
    }
}
