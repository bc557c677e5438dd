import Foundation
import XCTest

/// `vsr bench` prints its table and writes the JSON documented in the README (schema vsr-bench/1).
final class BenchTests: TemporaryDirectoryTestCase {
    func testTableAndJSONSchema() throws {
        let json = path("bench.json")
        let result = try Tools.vsr([
            "bench", "--models", "bicubic,lanczos", "--size", "96x54", "--frames", "3",
            "--threads", "1,2", "--input", Tools.sample(Tools.samples[0]), "--json", json,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        for word in [
            "fp32 FMA peak, 1 thread(s)", "fp32 FMA peak, 2 thread(s)", "median ms", "p90 ms", "% peak",
            "bicubic", "lanczos", "pipeline on", "efficiency",
        ] {
            XCTAssertTrue(result.stdoutText.contains(word), "'\(word)' not in:\n\(result.stdoutText)")
        }
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual(report["schema"] as? String, "vsr-bench/1")
        let machine = try XCTUnwrap(report["machine"] as? [String: Any])
        XCTAssertNotNil(machine["cpu_model"] as? String)
        XCTAssertNotNil(machine["cpu_flags"] as? [String])
        XCTAssertNotNil(machine["cores"] as? Int)
        let build = try XCTUnwrap(machine["build"] as? [String: Any])
        for key in ["configuration", "target_cpu", "git_revision", "vsr_version"] { XCTAssertNotNil(build[key] as? String, key) }
        let kernels = try XCTUnwrap(machine["kernels"] as? [String: Any])
        XCTAssertTrue(["baseline", "avx2", "avx512"].contains(kernels["level"] as? String ?? ""), "\(kernels)")
        XCTAssertNotNil(kernels["conv_microkernel"] as? String)
        XCTAssertTrue(result.stdoutText.contains("kernels: \(kernels["level"]!)"), result.stdoutText)
        let peaks = try XCTUnwrap(report["fma_peak_gflops"] as? [String: Double])
        XCTAssertEqual(Set(peaks.keys), ["1", "2"])
        XCTAssertTrue(peaks.values.allSatisfy { $0 > 0 })
        let settings = try XCTUnwrap(report["settings"] as? [String: Any])
        XCTAssertEqual(settings["size"] as? String, "320x180", "--input's frame size wins over --size")
        XCTAssertEqual(settings["frames"] as? Int, 3)
        XCTAssertEqual(settings["threads"] as? [Int], [1, 2])
        let models = try XCTUnwrap(report["models"] as? [[String: Any]])
        XCTAssertEqual(models.map { "\($0["name"]!)/\($0["threads"]!)" }, ["bicubic/1", "bicubic/2", "lanczos/1", "lanczos/2"])
        for model in models {
            XCTAssertEqual(model["kind"] as? String, "classical")
            XCTAssertEqual(model["scale"] as? Int, 2)
            XCTAssertEqual((model["frame_ms"] as? [Double])?.count, 3)
            let median = try XCTUnwrap(model["median_ms"] as? Double), p90 = try XCTUnwrap(model["p90_ms"] as? Double)
            XCTAssertGreaterThan(median, 0)
            XCTAssertGreaterThanOrEqual(p90, median)
            XCTAssertEqual(try XCTUnwrap(model["fps"] as? Double), 1000 / median, accuracy: 1e-6 * 1000 / median)
            XCTAssertEqual(
                try XCTUnwrap(model["output_megapixels_per_second"] as? Double), 640 * 360 / (median / 1000) / 1e6,
                accuracy: 1e-3)
            for key in ["gflop_per_frame", "achieved_gflops", "percent_of_peak", "psnr_y"] {
                XCTAssertTrue(model[key] is NSNull, "\(key) is null for a classical filter")
            }
        }
        let pipeline = try XCTUnwrap(report["pipeline"] as? [[String: Any]])
        XCTAssertEqual(pipeline.count, 2)
        for run in pipeline {
            XCTAssertEqual(run["frames"] as? Int, 3)
            XCTAssertEqual((run["stages"] as? [[String: Any]])?.map { $0["name"] as? String }, ["decode", "upscale", "encode"])
            let fps = try XCTUnwrap(run["fps"] as? Double), srOnly = try XCTUnwrap(run["sr_only_fps"] as? Double)
            // Null exactly when end to end came out faster than SR alone (a load change between the timings).
            if let efficiency = run["efficiency"] as? Double {
                XCTAssertEqual(efficiency, fps / srOnly, accuracy: 1e-9)
                XCTAssertLessThanOrEqual(efficiency, 1.05)
            } else {
                XCTAssertGreaterThan(fps / srOnly, 1.05)
            }
        }
        XCTAssertNotNil(report["fma_peak_after_gflops"] as? [String: Double])
        XCTAssertNotNil(report["noisy"] as? Bool)
    }

    /// VSR_CPU caps the kernels' level: baseline runs everywhere, and the bench says which ran.
    func testForcedBaselineKernels() throws {
        let result = try Tools.vsr(
            ["bench", "--models", "repsr-y-x2", "--size", "64x36", "--frames", "1", "--threads", "1"],
            environment: ["VSR_CPU": "baseline"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdoutText.contains("kernels: baseline ("), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("VSR_CPU=baseline"), result.stdoutText)
        let unknown = try Tools.vsr(
            ["bench", "--models", "bicubic", "--size", "64x36", "--frames", "1", "--threads", "1"],
            environment: ["VSR_CPU": "avx9"])
        XCTAssertEqual(unknown.status, 0, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("VSR_CPU=avx9 is not baseline, avx2 or avx512"), unknown.stderr)
    }

    func testBadOptions() throws {
        for (arguments, message) in [
            (["--threads", "0,2"], "--threads must be a list"), (["--frames", "0"], "--frames must be at least 1"),
            (["--models", "nope"], "unknown model 'nope'"), (["--size", "12"], "--size '12' is not a frame size"),
        ] {
            let result = try Tools.vsr(["bench"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
