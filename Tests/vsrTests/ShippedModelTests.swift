import Foundation
import XCTest

/// The shipped models: they load, they are the defaults, and `vsr eval` reproduces the Set5 Y-PSNR
/// that Training/evaluate.py (PyTorch, an independent implementation) recorded in quality.json.
final class ShippedModelTests: TemporaryDirectoryTestCase {
    private var binary: String { ProcessInfo.processInfo.environment["VSR_RELEASE_BIN"] ?? Tools.vsr }

    /// One shipped model's row in quality.json: its scale (names like repsr-y-x4-fast do not end in
    /// it) and its Y-PSNR per dataset.
    private struct Recorded {
        let scale: Int
        let psnr: [String: Double]
    }

    private func recorded() throws -> [String: Recorded] {
        let url = Tools.packageRoot.appendingPathComponent("Training/models/quality.json")
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let models = try XCTUnwrap(report["models"] as? [String: [String: Any]])
        return models.mapValues { Recorded(scale: $0["scale"] as? Int ?? 0, psnr: $0["psnr_y"] as? [String: Double] ?? [:]) }
    }

    func testShippedModelsReproduceTheirRecordedSet5PSNR() throws {
        let set5 = Tools.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/Set5").path
        guard FileManager.default.fileExists(atPath: set5) else {
            throw XCTSkip("SKIPPED: \(set5) not found; the shipped-model PSNR check needs ../shared/data")
        }
        let models = try recorded()
        XCTAssertTrue(models.keys.contains("repsr-y-x2"))
        for (name, model) in models.sorted(by: { $0.key < $1.key }) {
            let scale = String(model.scale)
            XCTAssertTrue(["2", "4"].contains(scale), "\(name): scale \(scale) in quality.json")
            let json = path("\(name).json")
            let run = try Tools.run(binary, ["eval", "--model", name, "--dataset", set5, "--scale", scale, "--json", json])
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
            let mean = try XCTUnwrap((report["mean"] as? [String: Double])?["psnr"])
            let expected = try XCTUnwrap(model.psnr["Set5"])
            XCTAssertEqual(mean, expected, accuracy: 0.005, "\(name): vsr eval \(mean) dB, recorded \(expected) dB")
        }
    }

    func testDefaultModelIsTheShippedOneForTheScale() throws {
        let sample = Tools.sample(Tools.samples[0])
        let shipped = try recorded()
        for (scale, name) in [("2", "repsr-y-x2"), ("4", "repsr-y-x4")] where shipped.keys.contains(name) {
            let output = path("x\(scale).mkv")
            let run = try Tools.run(
                binary,
                [
                    "upscale", sample, "-o", output, "--scale", scale, "--frames", "2",
                    "--codec", "ffv1", "--progress", "none",
                ])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stderr.contains("(\(name), ffv1"), run.stderr)
            XCTAssertEqual(try Probe(output).videoInt("width"), 320 * Int(scale)!)
        }
        let listing = try Tools.vsr(["models"])
        let rows = listing.stdoutText.split(separator: "\n").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        for (name, shape) in [
            ("repsr-y-x2", "M6C16"), ("repsr-y-x2-fast", "M4C8"), ("repsr-y-x2-quality", "M6C32"), ("repsr-y-x4", "M4C16"),
            ("repsr-y-x4-fast", "M4C8"), ("repsr-y-x4-quality", "M4C32"),
        ] {
            XCTAssertTrue(rows.contains("\(name) plainsr \(shape)"), listing.stdoutText)
        }
    }
}
