import Foundation
import XCTest

/// The shipped presets run on the sample; every kind of bad preset is refused with its key named.
final class PresetTests: TemporaryDirectoryTestCase {
    private var binary: String { ProcessInfo.processInfo.environment["VSR_RELEASE_BIN"] ?? Tools.vsr }
    private var sample: String { Tools.sample(Tools.samples[0]) }

    private func preset(_ name: String) -> String { Tools.packageRoot.appendingPathComponent("Pipelines/\(name).json").path }

    func testEveryShippedPresetRunsOnTheSample() throws {
        // (recipe, output, width, codec, model): quality-x2 and quality-x4 fall back to the shipped
        // repsr-y-x2-quality and repsr-y-x4-quality without RLFN installed.
        let expectations: [(String, String, Int, String, String)] = [
            ("fast-x2", "out.mp4", 640, "h264", "repsr-y-x2-fast"), ("balanced-x2", "out.mkv", 640, "h264", "repsr-y-x2"),
            ("quality-x4", "out.mkv", 1280, "h264", "repsr-y-x4-quality"), ("fast-x4", "out.mp4", 1280, "h264", "repsr-y-x4-fast"),
            ("archive-x2", "out.mkv", 640, "ffv1", "repsr-y-x2"), ("quality-x2", "out.mkv", 640, "h264", "repsr-y-x2-quality"),
        ]
        for (name, file, width, codec, model) in expectations {
            let output = path("\(name)-\(file)")
            let run = try Tools.run(
                binary, ["upscale", sample, "-o", output, "--pipeline", name, "--frames", "2", "--progress", "none"],
                environment: ["XDG_DATA_HOME": path("no-models")])
            XCTAssertEqual(run.status, 0, "\(name): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("(\(model), "), "\(name): \(run.stderr)")
            let probe = try Probe(output)
            XCTAssertEqual(probe.videoInt("width"), width, name)
            XCTAssertEqual(probe.videoString("codec_name"), codec, name)
        }
        // The pipe preset: y4m on stdout, read by ffprobe.
        let pipe = try Tools.run(
            "/bin/bash",
            [
                "-c",
                """
                ffmpeg -nostdin -v error -i '\(sample)' -frames:v 3 -f yuv4mpegpipe - \
                | '\(binary)' upscale - -o - --pipeline pipe-y4m-x2 --progress none > '\(path("pipe.y4m"))'
                """,
            ])
        XCTAssertEqual(pipe.status, 0, pipe.stderr)
        XCTAssertTrue(pipe.stderr.contains("(repsr-y-x2, y4m yuv420p)"), pipe.stderr)
        XCTAssertEqual(try Probe(path("pipe.y4m")).videoInt("width"), 640)
        // A path works as well as a name, and flags override the preset.
        let overridden = try Tools.run(
            binary,
            [
                "upscale", sample, "-o", path("override.mkv"), "--pipeline", preset("archive-x2"),
                "--model", "bicubic", "--codec", "libx264", "--frames", "2", "--progress", "none",
                "--stats-json", path("stats.json"),
            ])
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("stats.json")))) as? [String: Any]
        XCTAssertEqual(stats?["preset"] as? String, preset("archive-x2"))
        XCTAssertTrue(overridden.stderr.contains("(bicubic, libx264"), overridden.stderr)
        XCTAssertEqual(try Probe(path("override.mkv")).videoString("codec_name"), "h264")
    }

    func testWeightsRelativeToThePreset() throws {
        let folder = directory.appendingPathComponent("presets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Tools.packageRoot.appendingPathComponent("Training/models/repsr-y-x2.safetensors"),
            to: folder.appendingPathComponent("mine.safetensors"))
        try #"{"version": 1, "weights": "mine.safetensors", "encoder": {"codec": "ffv1"}}"#
            .write(to: folder.appendingPathComponent("mine.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(
            binary,
            [
                "upscale", sample, "-o", path("w.mkv"), "--pipeline", folder.appendingPathComponent("mine.json").path,
                "--frames", "1", "--progress", "none",
            ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("(mine, ffv1"), run.stderr)
    }

    func testBadPresetsNameWhatIsWrong() throws {
        let cases: [(String, Int32, String)] = [
            (#"{"version": 1, "tiles": 64}"#, 65, "bad preset: unknown key 'tiles'; expected chroma_scaler, description, encoder"),
            (#"{"version": 1, "encoder": {"codec": "ffv1", "bitrate": "1M"}}"#, 65, "unknown key 'encoder.bitrate'"),
            (#"{"version": 2, "model": "repsr-y-x2"}"#, 65, "version 2 is not one this vsr knows (1...1)"),
            (#"{"model": "repsr-y-x2"}"#, 65, "no 'version'"),
            (#"{"version": 1, "tile": "big"}"#, 65, "'tile' has the wrong type, expected a whole number"),
            (#"{"version": 1, "scale": 5}"#, 65, "'scale' is 5, expected 2...4"),
            (#"{"version": 1, "queue_depth": true}"#, 65, "'queue_depth' has the wrong type"),
            (#"{"version": 1, "chroma_scaler": "sinc"}"#, 65, "'chroma_scaler' is 'sinc', expected"),
            (#"{"version": 1, "encoder": {"options": {"tune": 3}}}"#, 65, "'encoder.options.tune' has the wrong type"),
            (#"{"version": 1, "model": ["nope", "also-nope"]}"#, 64, "none of the recipe's models is available (nope, also-nope)"),
            (#"{"version": 1, "model": "repsr-y-x2", "weights": "x.safetensors"}"#, 65, "give 'model' or 'weights', not both"),
            ("[1, 2]", 65, "bad preset: not a JSON object"),
            // Recipes are shared files: only options that cannot name a file (issue 20).
            (
                #"{"version": 1, "encoder": {"options": {"no-such-option": "1"}}}"#, 65,
                "encoder option 'no-such-option' is not one a recipe may set"
            ),
            (#"{"version": 1, "encoder": {"options": {"x264-params": "stats=/tmp/x"}}}"#, 65, "sets 'stats', which names a file"),
        ]
        for (index, (json, status, message)) in cases.enumerated() {
            let file = path("bad\(index).json")
            try json.write(toFile: file, atomically: true, encoding: .utf8)
            // --model bicubic keeps the debug build fast; the model-list case must consult the preset's list.
            let model = json.contains("nope") ? [] : ["--model", "bicubic"]
            let run = try Tools.vsr(
                [
                    "upscale", sample, "-o", path("out\(index).mkv"), "--pipeline", file, "--frames", "1",
                    "--progress", "none",
                ] + model)
            XCTAssertEqual(run.status, status, "\(json): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(message), "\(json): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").filter { $0.hasPrefix("vsr: error:") }.count, 1, run.stderr)
        }
        // The command line's own encoder options are the user's: an unknown one is the encoder's error.
        let flag = try Tools.vsr(["upscale", sample, "-o", path("flag.mkv"), "--model", "bicubic", "--encoder-option", "no-such-option=1"])
        XCTAssertEqual(flag.status, 64, flag.stderr)
        XCTAssertTrue(flag.stderr.contains("encoder libx264 has no option 'no-such-option'"), flag.stderr)
        let unknown = try Tools.vsr(["upscale", sample, "-o", path("x.mkv"), "--pipeline", "nosuchpreset"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("unknown recipe 'nosuchpreset': expected a file or one of archive-x2"), unknown.stderr)
        let missing = try Tools.vsr(["upscale", sample, "-o", path("x.mkv"), "--pipeline", path("missing.json")])
        XCTAssertEqual(missing.status, 66, missing.stderr)
    }

    func testPresetsCommandListsTheShippedOnes() throws {
        let listing = try Tools.vsr(["presets"])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        for name in ["fast-x2", "fast-x4", "balanced-x2", "quality-x2", "quality-x4", "archive-x2", "pipe-y4m-x2"] {
            XCTAssertTrue(listing.stdoutText.contains(name), listing.stdoutText)
        }
    }

    func testRecipeNamesAndEncoderPresetsAreNotMixedUp() throws {
        let mixedUp = try Tools.vsr(["upscale", sample, "-o", path("out.mkv"), "--preset", "fast-x2", "--model", "bicubic"])
        XCTAssertEqual(mixedUp.status, 64, mixedUp.stderr)
        XCTAssertTrue(mixedUp.stderr.contains("'fast-x2' is a recipe: use --recipe fast-x2"), mixedUp.stderr)
        XCTAssertEqual(try listing(), [])

        let vp9 = try Tools.vsr([
            "upscale", sample, "-o", path("slow.webm"), "--preset", "slow", "--model", "bicubic", "--frames", "2", "--progress", "none",
        ])
        XCTAssertEqual(vp9.status, 0, vp9.stderr)
        XCTAssertTrue(vp9.stderr.contains("--encoder-preset slow is libvpx-vp9's cpu-used 2"), vp9.stderr)
        let unknown = try Tools.vsr(["upscale", sample, "-o", path("x.webm"), "--preset", "nosuch", "--model", "bicubic"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("libvpx-vp9 has no preset 'nosuch'"), unknown.stderr)

        // A recipe whose first model is not installed says which one ran.
        let home = path("empty-models")
        let fallback = try Tools.vsr(
            ["upscale", sample, "-o", path("x4.mkv"), "--recipe", "quality-x4", "--frames", "1", "--progress", "none"],
            environment: ["XDG_DATA_HOME": home])
        XCTAssertEqual(fallback.status, 0, fallback.stderr)
        XCTAssertTrue(
            fallback.stderr.contains(
                "recipe quality-x4: rlfn_x4 and rlfn_s_x4 are not installed (vsr import adds them); using repsr-y-x4-quality"),
            fallback.stderr)
    }

    func testAPipeRecipeWithAFileOutputWritesWhatTheExtensionSays() throws {
        let result = try Tools.vsr([
            "upscale", sample, "-o", path("out.mp4"), "--recipe", "pipe-y4m-x2", "--frames", "2", "--progress", "none",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("its y4m output is for stdout; \(path("out.mp4")) is written by its extension"), result.stderr)
        let format = (try Probe(path("out.mp4")).json["format"] as? [String: Any])?["format_name"] as? String ?? ""
        XCTAssertTrue(format.contains("mp4"), format)
    }
}
