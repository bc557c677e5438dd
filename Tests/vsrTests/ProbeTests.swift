import Foundation
import XCTest

/// `vsr probe` on each sample: its report (without the machine-dependent ETA) against a reviewed
/// snapshot, its facts against ffprobe, and an ETA line from the 2-second benchmark.
final class ProbeTests: TemporaryDirectoryTestCase {
    private let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func testReportsMatchTheirSnapshotsAndFFprobe() throws {
        for name in Tools.samples {
            let result = try Tools.vsr(["probe", Tools.sample(name), "--benchmark-seconds", "0"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = result.stdoutText.replacingOccurrences(of: Tools.packageRoot.path + "/", with: "")
            let expected = try String(contentsOf: snapshots.appendingPathComponent("probe-\(name).txt"), encoding: .utf8)
            XCTAssertEqual(report, expected, "\(name): the report changed; review it and update Tests/vsrTests/Snapshots")
            // Independent facts: ffprobe's packet count and colour tags.
            let probe = try Tools.ffprobe(
                Tools.sample(name),
                [
                    "-select_streams", "v:0", "-count_packets", "-show_entries",
                    "stream=nb_read_packets,color_primaries,color_transfer,color_space",
                ])
            let stream = try XCTUnwrap((probe["streams"] as? [[String: Any]])?.first)
            XCTAssertTrue(report.contains("frames: \(stream["nb_read_packets"] as? String ?? "?") (counted)"), report)
            for key in ["color_primaries", "color_transfer", "color_space"] {
                XCTAssertTrue(report.contains(stream[key] as? String ?? "?"), "\(key) of \(name): \(report)")
            }
        }
    }

    func testETAComesFromABenchmark() throws {
        let result = try Tools.vsr(["probe", Tools.sample(Tools.samples[0]), "--model", "bicubic", "--benchmark-seconds", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let line = try XCTUnwrap(result.stdoutText.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(line.hasPrefix("ETA: bicubic x2, encoder libx264: "), line)
        XCTAssertTrue(line.hasSuffix(" for 50 frames"), line)
        // Frames slower than the benchmark allows: a part of the first frame is timed and scaled.
        let slow = try Tools.vsr(["probe", Tools.sample(Tools.samples[0]), "--benchmark-seconds", "0.001"])
        XCTAssertEqual(slow.status, 0, slow.stderr)
        let estimate = try XCTUnwrap(slow.stdoutText.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(estimate.hasPrefix("ETA: repsr-y-x2 x2: about "), estimate)
        XCTAssertTrue(estimate.contains("from a 192x180 part of the first frame scaled by pixel count"), estimate)
        XCTAssertTrue(estimate.hasSuffix(" for 50 frames"), estimate)
        let missing = try Tools.vsr(["probe", path("missing.mkv")])
        XCTAssertEqual(missing.status, 66, missing.stderr)
    }

    func testInterlacedInputIsFlagged() throws {
        let file = path("tff.mkv")
        _ = try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x48:r=25", "-frames:v", "4", "-field_order", "tt", "-c:v", "ffv1", file])
        let result = try Tools.vsr(["probe", file, "--benchmark-seconds", "0"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stdoutText.contains(
                "interlacing: interlaced, top field first -> deinterlaced with bwdif (one frame per frame) (--deinterlace auto)"),
            result.stdoutText)
        let off = try Tools.vsr(["probe", file, "--benchmark-seconds", "0", "--deinterlace", "off"])
        XCTAssertTrue(
            off.stdoutText.contains("interlacing: interlaced, top field first -> upscaled as it is, combing included (--deinterlace off)"),
            off.stdoutText)
    }

    /// The real files in ../shared/media: each report against its reviewed snapshot, and the facts
    /// the report must state checked against ffprobe (rotation, field order, HDR side data).
    func testRealMediaReportsMatchTheirSnapshotsAndFFprobe() throws {
        let media = URL(fileURLWithPath: try Tools.shared("media"))
        let names = try FileManager.default.contentsOfDirectory(atPath: media.path).filter { !$0.hasSuffix(".md") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 17)
        for name in names {
            let file = media.appendingPathComponent(name).path
            let result = try Tools.vsr(["probe", file, "--benchmark-seconds", "0"])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let report = result.stdoutText.replacingOccurrences(of: media.path + "/", with: "")
            let expected = try String(contentsOf: snapshots.appendingPathComponent("probe-media-\(name).txt"), encoding: .utf8)
            XCTAssertEqual(report, expected, "\(name): the report changed; review it and update Tests/vsrTests/Snapshots")

            let facts = try Tools.ffprobe(
                file, ["-select_streams", "v:0", "-show_entries", "stream=field_order:stream_side_data=side_data_type,rotation"])
            let stream = (facts["streams"] as? [[String: Any]])?.first ?? [:]
            let sideData = (stream["side_data_list"] as? [[String: Any]] ?? []).compactMap { $0["side_data_type"] as? String }
            XCTAssertEqual(sideData.contains("Display Matrix"), report.contains("(display matrix)"), name)
            XCTAssertEqual(sideData.contains("Mastering display metadata"), report.contains("mastering display metadata"), name)
            if stream["field_order"] as? String == "tt" {
                XCTAssertTrue(report.contains("interlacing: interlaced, top field first -> deinterlaced"), name)
            }
        }
    }
}
