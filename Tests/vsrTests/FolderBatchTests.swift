import Foundation
import XCTest

/// `vsr upscale DIR -o OUTDIR`: every video and picture, one report each, failures do not stop the rest.
final class FolderBatchTests: TemporaryDirectoryTestCase {
    func testAFolderWithOneDamagedFileGivesTheOthersAndANonZeroExit() throws {
        let input = path("in"), output = path("out")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        for sample in Tools.samples {
            try FileManager.default.copyItem(atPath: Tools.sample(sample), toPath: input + "/" + sample)
        }
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", input + "/picture.png"])
        let whole = try Data(contentsOf: URL(fileURLWithPath: Tools.sample(Tools.samples[0])))
        try whole.prefix(5000).write(to: URL(fileURLWithPath: input + "/broken.mp4"))
        try Data("not media".utf8).write(to: URL(fileURLWithPath: input + "/notes.txt"))

        let arguments = ["upscale", input, "-o", output, "--model", "bicubic", "--frames", "3", "--progress", "none"]
        let first = try Tools.vsr(arguments)
        XCTAssertEqual(first.status, 65, first.stderr)
        XCTAssertTrue(first.stderr.contains("vsr: [1/5] broken.mp4"), first.stderr)
        XCTAssertTrue(first.stderr.contains("batch: 4 upscaled, 1 failed (broken.mp4), 0 skipped, of 5"), first.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        XCTAssertEqual(written, (Tools.samples + ["picture.png"]).sorted())
        for name in Tools.samples {
            let before = try Probe(input + "/" + name), after = try Probe(output + "/" + name)
            XCTAssertEqual(after.videoInt("width"), before.videoInt("width") * 2, name)
        }

        // Again: the finished outputs are skipped, the damaged file still fails.
        let second = try Tools.vsr(arguments)
        XCTAssertEqual(second.status, 65, second.stderr)
        XCTAssertTrue(second.stderr.contains("batch: 0 upscaled, 1 failed (broken.mp4), 4 skipped, of 5"), second.stderr)

        let intoFile = try Tools.vsr(["upscale", input, "-o", output + "/picture.png", "--model", "bicubic"])
        XCTAssertEqual(intoFile.status, 64, intoFile.stderr)
        XCTAssertTrue(intoFile.stderr.contains("need an output folder"), intoFile.stderr)
    }

    func testSeveralInputsGoToAnOutputFolder() throws {
        let inputs = Tools.samples.prefix(2).map { Tools.sample($0) }
        let output = path("several")
        let result = try Tools.vsr(["upscale"] + inputs + ["-o", output, "--model", "bicubic", "--frames", "2", "--progress", "none"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("batch: 2 upscaled, 0 failed, 0 skipped, of 2"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output).sorted(), Array(Tools.samples.prefix(2)).sorted())
        let same = try Tools.vsr(["upscale", inputs[0], inputs[0], "-o", output, "--model", "bicubic"])
        XCTAssertEqual(same.status, 64, same.stderr)
        XCTAssertTrue(same.stderr.contains("would collide"), same.stderr)
    }
}
