import ArgumentParser
import VSRCore
import XCTest

@testable import VSRInference
@testable import VSRRun

final class RunOutcomeTests: XCTestCase {
    private let damage = VSRError.invalidInput(path: "in.mp4", reason: "truncated")

    func testClassification() {
        XCTAssertEqual(RunOutcome.classify(frames: 10, interrupted: false, damage: nil, input: "in.mp4"), .completed(frames: 10))
        XCTAssertEqual(RunOutcome.classify(frames: 10, interrupted: true, damage: nil, input: "in.mp4"), .interrupted(frames: 10))
        XCTAssertEqual(
            RunOutcome.classify(frames: 10, interrupted: true, damage: damage, input: "in.mp4"),
            .inputDamaged(frames: 10, error: damage), "damage outranks an interruption")
        XCTAssertEqual(
            RunOutcome.classify(frames: 0, interrupted: true, damage: damage, input: "in.mp4"),
            .interruptedBeforeFirstFrame)
        XCTAssertEqual(RunOutcome.classify(frames: 0, interrupted: false, damage: damage, input: "in.mp4"), .unreadable(error: damage))
        XCTAssertEqual(RunOutcome.classify(frames: 0, interrupted: false, damage: nil, input: "in.mp4"), .noVideoFrames(input: "in.mp4"))
    }

    func testOutcomesExitStatusesAndKeptOutput() {
        let expectations: [(RunOutcome, Int32, Bool)] = [
            (.completed(frames: 1), 0, true), (.interrupted(frames: 1), 130, true), (.interruptedBeforeFirstFrame, 130, false),
            (.inputDamaged(frames: 1, error: damage), 65, true), (.unreadable(error: damage), 65, false),
            (.noVideoFrames(input: "x"), 65, false),
        ]
        for (outcome, status, kept) in expectations {
            XCTAssertEqual(ExitStatusMapping.status(for: outcome), status, "\(outcome)")
            XCTAssertEqual(outcome.keptOutput, kept, "\(outcome)")
        }
    }

    func testEveryErrorKindHasItsStatusAndUnknownErrorsAreFailuresNotUsage() {
        struct Unexpected: Error {}
        let expectations: [(Error, Int32)] = [
            (VSRError.usage("x"), 64), (VSRError.invalidInput(path: "a", reason: "b"), 65), (VSRError.inputNotFound(path: "a"), 66),
            (VSRError.unsupported("x"), 69), (VSRError.outputExists(path: "a"), 73),
            (VSRError.outputUnwritable(path: "a", reason: "b"), 73),
            (VSRError.processing("x"), 1), (VSRError.outputClosed("stdout"), 141),
            (WeightsError.malformed(source: "m", reason: "r"), 65), (WeightsError.mismatch(source: "m", problems: ["p"]), 65),
            (WeightsError.unknownArchitecture(source: "m", arch: "a"), 64),
            (ModelInputError(description: "RLFN needs at least 15 pixels"), 65),
            (ValidationError("bad"), 64), (ExitCode(130), 130), (Unexpected(), 1),
        ]
        for (error, status) in expectations {
            XCTAssertEqual(ExitStatusMapping.status(for: error), status, "\(error)")
        }
        XCTAssertNil(ExitStatusMapping.message(for: ExitCode(130)))
        XCTAssertEqual(ExitStatusMapping.message(for: VSRError.inputNotFound(path: "a.mp4")), "a.mp4: no such file or not readable")
    }
}
