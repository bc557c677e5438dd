import Foundation
import XCTest

/// `--width`, `--height`, `--output-size`: the network's integer scale, then lanczos to the size.
final class OutputSizeTests: TemporaryDirectoryTestCase {
    func testHeightGivesTheExactSizeWithTheAspectRatio() throws {
        let input = path("s360.mp4")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-frames:v", "2", "-c:v", "libx264", input])
        let result = try Tools.vsr(["upscale", input, "-o", path("h1080.mp4"), "--height", "1080", "--progress", "none"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("x4, then lanczos to 1920x1080"), result.stderr)
        let out = try Probe(path("h1080.mp4"))
        XCTAssertEqual([out.videoInt("width"), out.videoInt("height")], [1920, 1080])
        XCTAssertEqual(try out.framePresentationTimes().count, 2)
    }

    func testWidthRoundsTheOtherSideToEvenAndSizesAreChecked() throws {
        let sample = Tools.sample(Tools.samples[0])
        let result = try Tools.vsr([
            "upscale", sample, "-o", path("w500.mkv"), "--width", "500", "--frames", "2", "--model", "bicubic", "--progress", "none",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = try Probe(path("w500.mkv"))
        XCTAssertEqual([out.videoInt("width"), out.videoInt("height")], [500, 282])  // 180 x 500 / 320 = 281.25
        let exact = try Tools.vsr([
            "upscale", sample, "-o", path("exact.mkv"), "--output-size", "640x360", "--frames", "1", "--model", "bicubic",
            "--progress", "none",
        ])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertFalse(exact.stderr.contains("lanczos"), "x2 reaches 640x360 exactly: no resize. \(exact.stderr)")
        for (arguments, message) in [
            (["--output-size", "100x100", "--width", "5"], "not both"), (["--width", "0"], "at least 1x1"),
            (["--output-size", "100"], "--output-size"),
        ] {
            let bad = try Tools.vsr(["upscale", sample, "-o", path("bad.mkv")] + arguments)
            XCTAssertEqual(bad.status, 64, bad.stderr)
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
        }
    }

    func testAFractionalScaleRunsTheNetworkThenLanczos() throws {
        let sample = Tools.sample(Tools.samples[0])
        let result = try Tools.vsr(["upscale", sample, "-o", path("f.mkv"), "--scale", "1.5", "--frames", "2", "--progress", "none"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("x2, then lanczos to 480x270"), result.stderr)
        let out = try Probe(path("f.mkv"))
        XCTAssertEqual([out.videoInt("width"), out.videoInt("height")], [480, 270])
        for bad in [["--scale", "0.5"], ["--scale", "1.5", "--width", "100"]] {
            let refused = try Tools.vsr(["upscale", sample, "-o", path("bad.mkv")] + bad)
            XCTAssertEqual(refused.status, 64, refused.stderr)
        }
    }

    func testPadAndCropMakeOddSizesEven() throws {
        let odd = Tools.sample("odd-321x181-yuv422p10.mkv")
        let refused = try Tools.vsr(["upscale", odd, "-o", path("odd.mkv"), "--scale", "3", "--model", "bicubic"])
        XCTAssertEqual(refused.status, 69, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("use --pad or --crop"), refused.stderr)
        for (flag, size) in [("--pad", [964, 544]), ("--crop", [962, 542])] {
            let result = try Tools.vsr([
                "upscale", odd, "-o", path("\(flag).mkv"), "--scale", "3", "--model", "bicubic", flag, "--frames", "2",
                "--progress", "none",
            ])
            XCTAssertEqual(result.status, 0, result.stderr)
            let out = try Probe(path("\(flag).mkv"))
            XCTAssertEqual([out.videoInt("width"), out.videoInt("height")], size, flag)
        }
    }
}
