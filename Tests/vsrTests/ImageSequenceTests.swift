import Foundation
import VSRCore
import XCTest

/// Pictures in and out: single images by extension, printf patterns and globs as sequences.
final class ImageSequenceTests: TemporaryDirectoryTestCase {
    func testPatternsAreRecognisedAndNumbered() throws {
        XCTAssertEqual(ImageSequence("a/frame_%03d.png")?.kind, .numbered)
        XCTAssertEqual(ImageSequence("shots/*.png")?.kind, .glob)
        XCTAssertNil(ImageSequence("plain.png"))
        XCTAssertNil(ImageSequence("100%%.png"))
        XCTAssertEqual(ImageSequence("a/frame_%03d.png")?.name(7), "a/frame_007.png")
        XCTAssertEqual(ImageSequence("f%d.png")?.name(12), "f12.png")
        XCTAssertEqual(ImageSequence("x_%05d_%%.png")?.name(3), "x_00003_%.png")
    }

    func testASequenceInAndOutKeepsEveryPictureAtTwiceTheSize() throws {
        let folder = path("in")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-frames:v", "7", folder + "/f_%03d.png"])
        let out = path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let result = try Tools.vsr([
            "upscale", folder + "/f_%03d.png", "-o", out + "/big_%04d.png", "--fps", "10", "--model", "bicubic", "--progress", "none",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(names, (1...7).map { String(format: "big_%04d.png", $0) })
        let picture = try Probe(out + "/big_0007.png")
        XCTAssertEqual([picture.videoInt("width"), picture.videoInt("height")], [128, 96])
        XCTAssertEqual(picture.videoString("codec_name"), "png")

        // Written again without -y: refused before any picture is replaced, and nothing is left behind.
        let again = try Tools.vsr(["upscale", folder + "/f_%03d.png", "-o", out + "/big_%04d.png", "--model", "bicubic"])
        XCTAssertEqual(again.status, 73, again.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).count, 7)

        // A glob reads the same pictures, sorted; --fps sets their rate.
        let glob = try Tools.vsr([
            "upscale", folder + "/*.png", "-o", path("glob.mkv"), "--fps", "5", "--model", "bicubic", "--progress", "none",
        ])
        XCTAssertEqual(glob.status, 0, glob.stderr)
        let video = try Probe(path("glob.mkv"))
        XCTAssertEqual(try video.framePresentationTimes().count, 7)
        XCTAssertEqual(video.videoString("avg_frame_rate"), "5/1")
    }

    func testOnePictureFileRefusesAVideoButTakesOneFrame() throws {
        let sample = Tools.sample(Tools.samples[0])
        let many = try Tools.vsr(["upscale", sample, "-o", path("one.png"), "--model", "bicubic", "--progress", "none"])
        XCTAssertEqual(many.status, 64, many.stderr)
        XCTAssertTrue(many.stderr.contains("holds one picture and the input has more"), many.stderr)
        XCTAssertEqual(try listing(), [])
        let one = try Tools.vsr(["upscale", sample, "-o", path("one.png"), "--frames", "1", "--model", "bicubic", "--progress", "none"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stderr.contains("dropped audio stream #1 (aac)"), one.stderr)
        let picture = try Probe(path("one.png"))
        XCTAssertEqual([picture.videoInt("width"), picture.videoInt("height")], [640, 360])
        let jpeg = try Tools.vsr(["upscale", sample, "-o", path("one.jpg"), "--frames", "1", "--model", "bicubic", "--progress", "none"])
        XCTAssertEqual(jpeg.status, 0, jpeg.stderr)
        XCTAssertEqual(try Probe(path("one.jpg")).videoString("codec_name"), "mjpeg")
    }
}
