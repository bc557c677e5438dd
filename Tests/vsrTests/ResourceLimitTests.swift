import Foundation
import XCTest

/// Runs under a memory limit fail cleanly instead of hanging or dying (issue 20).
final class ResourceLimitTests: TemporaryDirectoryTestCase {
    func testAThreadThatCannotStartFailsTheRunInsteadOfHangingIt() throws {
        if ProcessInfo.processInfo.environment["VSR_SANITIZER"] != nil {
            throw XCTSkip("SKIPPED: a sanitizer's shadow memory does not fit under ulimit -v")
        }
        let output = path("out.mkv")
        // 1,000 workers' stacks (8 MB of address space each) do not fit in 3 GB: pthread_create fails.
        let script =
            "ulimit -v 3000000; exec timeout 60 \"$0\" upscale \"$1\" -o \"$2\" --model bicubic --workers 1000 --frames 10 --progress none"
        let run = try Tools.run("/bin/bash", ["-c", script, Tools.vsr, Tools.sample("testsrc2-320x180-h264-aac.mp4"), output])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("cannot start thread"), run.stderr)
        XCTAssertEqual(try listing(), [], "no output and no temporary file left")
    }

    func testAHugeQueueDepthIsCutToTheMemoryBudget() throws {
        let run = try Tools.vsr([
            "upscale", Tools.sample("testsrc2-320x180-h264-aac.mp4"), "-o", path("out.mkv"), "--model", "bicubic",
            "--queue-depth", "100000000", "--frames", "5", "--progress", "none",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("--queue-depth 100000000 would hold"), run.stderr)
    }
}
