import Foundation
import XCTest

/// `vsr upscale` with networks: the RGB path (official RLFN-S) and the Y path (a PlainSR luma
/// model), through the optimized binary (VSR_RELEASE_BIN; `make test` sets it) and ../shared.
final class NetworkUpscaleTests: TemporaryDirectoryTestCase {
    private func release() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["VSR_RELEASE_BIN"] else {
            throw XCTSkip("SKIPPED: set VSR_RELEASE_BIN to an optimized vsr binary (make test does) for network runs")
        }
        return path
    }

    private func shared(_ relative: String) throws -> String { try Tools.shared(relative) }

    /// Per-frame means of the Y, U and V planes of a yuv420p file of `width` x `height`.
    private func planeMeans(_ file: String, width: Int, height: Int) throws -> [[Double]] {
        let raw = path(UUID().uuidString + ".yuv")
        try Tools.ffmpeg(["-i", file, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw])
        let data = try Data(contentsOf: URL(fileURLWithPath: raw))
        let luma = width * height, chroma = ((width + 1) / 2) * ((height + 1) / 2), frame = luma + 2 * chroma
        return stride(from: 0, to: data.count, by: frame).map { start in
            [(start, luma), (start + luma, chroma), (start + luma + chroma, chroma)].map { offset, count in
                Double(data[offset..<(offset + count)].reduce(0) { $0 + Int($1) }) / Double(count)
            }
        }
    }

    func testRGBModelKeepsColours() throws {
        let binary = try release()
        let checkpoint = try shared("models/rlfn-official/rlfn_s_x2.pth")
        let model = path("rlfn_s_x2.safetensors")
        XCTAssertEqual(try Tools.run(binary, ["import", checkpoint, "--arch", "rlfn-s", "--scale", "2", "-o", model]).status, 0)
        let sample = Tools.sample("testsrc2-320x180-h264-aac.mp4")
        let sr = path("sr.mkv"), reference = path("bicubic.mkv")
        let run = try Tools.run(
            binary,
            [
                "upscale", sample, "-o", sr, "--weights", model, "--frames", "6", "--codec", "ffv1",
                "--progress", "none",
            ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("rlfn_s_x2"), run.stderr)
        let bicubic = try Tools.run(
            binary,
            [
                "upscale", sample, "-o", reference, "--model", "bicubic", "--frames", "6",
                "--codec", "ffv1", "--progress", "none",
            ])
        XCTAssertEqual(bicubic.status, 0, bicubic.stderr)
        let probe = try Probe(sr)
        XCTAssertEqual([probe.videoInt("width"), probe.videoInt("height")], [640, 360])
        let srMeans = try planeMeans(sr, width: 640, height: 360), refMeans = try planeMeans(reference, width: 640, height: 360)
        XCTAssertEqual(srMeans.count, 6)
        XCTAssertEqual(srMeans.count, refMeans.count)
        for (index, (a, b)) in zip(srMeans, refMeans).enumerated() {
            for (plane, name) in ["Y", "U", "V"].enumerated() {
                XCTAssertEqual(a[plane], b[plane], accuracy: 1.0, "frame \(index) mean \(name): no colour shift")
            }
        }
        print("colour check: frame 0 means SR \(srMeans[0]) vs bicubic \(refMeans[0])")
    }

    /// RLFN's attention pools over 7x7 windows with stride 3, so it needs frames of at least 15 pixels:
    /// a smaller one is bad input for that model (65, as for every model that cannot run on an input),
    /// not a bad command line (it used to exit 64), and leaves no output.
    func testAFrameTooSmallForTheModelIsBadDataNotUsage() throws {
        let binary = try release()
        let checkpoint = try shared("models/rlfn-official/rlfn_s_x2.pth")
        let model = path("rlfn_s_x2.safetensors")
        XCTAssertEqual(try Tools.run(binary, ["import", checkpoint, "--arch", "rlfn-s", "--scale", "2", "-o", model]).status, 0)
        let tiny = path("tiny.mkv"), output = path("out.mkv")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=12x12:rate=5:duration=1", "-c:v", "ffv1", tiny])
        let run = try Tools.run(binary, ["upscale", tiny, "-o", output, "--weights", model, "--progress", "none"])
        XCTAssertEqual(run.status, 65, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("vsr: error: ") && run.stderr.contains("15"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "no output is left")
    }

    func testLumaModelRunsOnTenBitVideo() throws {
        let binary = try release()
        // The PlainSR reference weights (random, x2) as a vsr model file.
        let reference = try shared("reference/plainsr_m4c16_x2.reference.safetensors")
        let model = path("plainsr.safetensors")
        let script = """
            import json, struct, sys
            src, dst = sys.argv[1], sys.argv[2]
            raw = open(src, 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n]); data = raw[8 + n:]
            out, blob = {}, b''
            for name, info in sorted(header.items()):
                if not name.startswith('weights.'): continue
                begin, end = info['data_offsets']
                out[name[len('weights.'):]] = {'dtype': info['dtype'], 'shape': info['shape'],
                                               'data_offsets': [len(blob), len(blob) + end - begin]}
                blob += data[begin:end]
            out['__metadata__'] = {'arch': 'plainsr', 'scale': '2', 'colors': '1', 'input_range': '1',
                                   'channels': '16', 'hidden': '4', 'act': 'prelu'}
            text = json.dumps(out).encode(); text += b' ' * (-len(text) % 8)
            open(dst, 'wb').write(struct.pack('<Q', len(text)) + text + blob)
            """
        let converter = try Tools.run(Tools.which("python3") ?? "/usr/bin/python3", ["-c", script, reference, model])
        XCTAssertEqual(converter.status, 0, converter.stderr)
        let output = path("luma.mkv")
        let run = try Tools.run(
            binary,
            [
                "upscale", Tools.sample("odd-321x181-yuv422p10.mkv"), "-o", output, "--weights", model,
                "--codec", "ffv1", "--progress", "none",
            ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let probe = try Probe(output)
        XCTAssertEqual([probe.videoInt("width"), probe.videoInt("height")], [642, 362])
        XCTAssertEqual(probe.videoString("pix_fmt"), "yuv422p10le")
        XCTAssertEqual(try probe.framePresentationTimes().count, 12)
    }
}
