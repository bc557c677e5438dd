import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPipeline

#if canImport(Glibc)
import Glibc
#endif

/// One task of a planned job (`vsr upscale --job DIR --task T`): upscales each of its segments
/// that has no verified receipt, and commits each one by the job's protocol:
/// 1. write `seg/.K.HOST.PID.tmp.mkv` (video only, the plan's encoder made joinable), fsync;
/// 2. verify it: the planned frame count, first and last timestamps;
/// 3. rename it to `seg/K.mkv`, fsync the folder;
/// 4. write the receipt `seg/K.json` the same way.
/// A segment with a receipt that matches its file is skipped, so running a task twice, or two
/// copies at once, gives the same files. A signal stops it with its temporary files removed
/// (`VSRError.retryable`, exit 75).
public struct JobTask {
    public let folder: JobFolder
    public let plan: JobPlan
    public let timings: [FrameTiming]
    /// The options to run with: the plan's, with this machine's parallelism.
    public let settings: UpscaleSettings
    public var cancellation = CancellationFlag()
    /// A note per segment done or skipped.
    public var note: (String) -> Void = { _ in }
    /// Warnings from the upscale runs.
    public var warning: (String) -> Void = { _ in }

    /// Opens the job for a task: checks that the input is the planned one (else 65) and that the
    /// given options and model are the plan's (else 78). Options left at their defaults take the plan's.
    public init(folder: JobFolder, given: UpscaleSettings, catalog: ModelCatalog = ModelCatalog()) throws {
        self.folder = folder
        (plan, timings) = try folder.loadPlan()
        try Self.checkInput(plan)
        let planned = try UpscaleSettings.parse(plan.settings)
        let chosen = given.outputArguments.isEmpty ? planned : given
        let resolved = try JobPlanner.resolve(chosen, catalog: catalog)
        guard resolved.fingerprint == plan.settingsFingerprint else {
            throw VSRError.planMismatch(
                "\(folder.path): the options differ from the plan's (\(plan.settings.joined(separator: " "))); "
                    + "give the same options or none, or plan again with --restart")
        }
        guard resolved.model == plan.modelFingerprint else {
            throw VSRError.planMismatch("\(folder.path): the model's weights differ from those the job was planned with")
        }
        var settings = resolved.settings
        (settings.threads, settings.workers, settings.queueDepth) = (given.threads, given.workers, given.queueDepth)
        Self.makeJoinable(&settings)
        self.settings = settings
    }

    /// 65 when the input is not the file the plan was made from (size, time or content changed).
    static func checkInput(_ plan: JobPlan) throws {
        let now = try ContentHash.fingerprint(file: plan.input)
        guard now == plan.inputFingerprint else {
            throw VSRError.invalidInput(
                path: plan.input,
                reason: "has changed since the job was planned; plan again with --restart (the segments done are discarded)")
        }
    }

    /// Encoder options that make every segment's headers identical and its GOPs closed.
    static func makeJoinable(_ settings: inout UpscaleSettings) {
        func append(_ key: String, _ value: String) {
            let own = settings.encoderOptions[key]
            settings.encoderOptions[key] = [own, value].compactMap { $0 }.joined(separator: ":")
        }
        switch settings.codec {
        case "libx264": append("x264-params", "stitchable=1")
        case "libx265": append("x265-params", "opt-qp-pps=0:opt-ref-list-length-pps=0:repeat-headers=0")
        default: break
        }
    }

    /// Task `number`'s segments, in order.
    public func segments(ofTask number: Int) throws -> [JobPlan.Segment] {
        guard plan.tasks.indices.contains(number) else {
            throw VSRError.usage("--task \(number): the plan in \(folder.path) has tasks 0 to \(plan.tasks.count - 1)")
        }
        return plan.tasks[number].map { plan.segments[$0] }
    }

    /// Runs task `number`; returns how many segments it upscaled (the rest had receipts).
    @discardableResult
    public func run(task number: Int) throws -> Int {
        // A segment must encode to the same bytes whatever ran before it in this process.
        MemoryReuse.fillAllocatedBlocks()
        folder.sweep()
        var done = 0
        for segment in try segments(ofTask: number) {
            if folder.receipt(segment.index) != nil {
                note("segment \(segment.index): done already")
                continue
            }
            guard !cancellation.isCancelled else { throw interrupted(number) }
            try run(segment, task: number)
            done += 1
        }
        return done
    }

    private func interrupted(_ task: Int) -> VSRError {
        .retryable("task \(task) interrupted; its temporary files are removed and the segments done are kept: run it again")
    }

    /// Upscales one segment and commits it; retries from earlier keyframes when the decoder did not
    /// give every planned frame after the seek (a demuxer that seeks late, an open GOP).
    private func run(_ segment: JobPlan.Segment, task: Int) throws {
        let started = Date()
        let temporary = folder.temporarySegmentPath(segment.index)
        defer { unlink(temporary) }
        let earlier = [nil] + (0..<segment.index).reversed().prefix(2).map { Optional(plan.segments[$0]) }
        var lastProblem = ""
        for seekFrom in earlier {
            var endpoints = try UpscaleEndpoints.parse([plan.input, "-o", temporary, "-y"])
            endpoints.videoOnly = true
            endpoints.selection = plan.selection(for: segment, timings: timings, seekFrom: seekFrom)
            var events = UpscaleJob.Events()
            events.message = { message in
                if case .warning(let text) = message { warning("segment \(segment.index): \(text)") }
            }
            let report = try UpscaleJob(endpoints: endpoints, settings: settings, cancellation: cancellation, events: events).run()
            switch report.outcome {
            case .interrupted, .interruptedBeforeFirstFrame: throw interrupted(task)
            case .inputDamaged(_, let damage), .unreadable(let damage): throw damage
            case .noVideoFrames, .completed: break
            }
            if !report.unselectedFrames.isEmpty {
                throw VSRError.invalidInput(
                    path: plan.input,
                    reason:
                        "segment \(segment.index): the decoder gives frames the plan does not list (pts \(report.unselectedFrames.prefix(3).map(String.init).joined(separator: ", "))); plan again with --restart"
                )
            }
            if report.missingSelectedFrames.isEmpty {
                let seconds = Date().timeIntervalSince(started)
                try commit(segment, temporary: temporary, seconds: seconds)
                note("segment \(segment.index): \(segment.frames) frames in \(String(format: "%.1f", seconds)) s")
                return
            }
            lastProblem = "\(report.missingSelectedFrames.count) planned frame(s) did not come out of the decoder after seeking"
        }
        throw VSRError.invalidInput(path: plan.input, reason: "segment \(segment.index): \(lastProblem), even from earlier keyframes")
    }

    /// Verifies the finished temporary segment, renames it into place and writes its receipt.
    private func commit(_ segment: JobPlan.Segment, temporary: String, seconds: Double) throws {
        try JobFolder.sync(file: temporary)
        TestHook.kill(at: "after-tmp", segment: segment.index)
        let file = try SegmentFile.inspect(temporary)
        let first = file.timeBase.rescale(segment.firstPts, from: plan.timeBase)
        let last = file.timeBase.rescale(timings[segment.firstFrame + segment.frames - 1].pts, from: plan.timeBase)
        guard file.packets == segment.frames, abs(file.firstPts - first) <= 1, abs(file.lastPts - last) <= 1 else {
            throw VSRError.processing(
                "segment \(segment.index): wrote \(file.packets) frames, pts \(file.firstPts)-\(file.lastPts); "
                    + "planned \(segment.frames), \(first)-\(last)")
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: temporary))?[.size] as? NSNumber)?.int64Value ?? 0
        let checksum = try ContentHash.sha256(file: temporary)
        try JobFolder.commit(temporary, to: folder.segmentPath(segment.index))
        TestHook.kill(at: "after-rename", segment: segment.index)
        TestHook.kill(at: "before-receipt", segment: segment.index)
        try folder.saveReceipt(
            SegmentReceipt(
                segment: segment.index, sha256: checksum, bytes: bytes, frames: file.packets, firstPts: segment.firstPts,
                endPts: segment.endPts, headerSha256: file.headerSha256, reorderDepth: file.reorderDepth, seconds: seconds,
                host: JobFolder.host, finishedAt: Date().timeIntervalSince1970))
        TestHook.kill(at: "after-receipt", segment: segment.index)
    }
}

/// `VSR_TEST_KILL_AT=STEP[:SEGMENT]`: SIGKILL this process at a step of a segment's commit, for the
/// crash tests (after-tmp, after-rename, before-receipt, after-receipt). Does nothing unset.
enum TestHook {
    static let point = ProcessInfo.processInfo.environment["VSR_TEST_KILL_AT"]

    static func kill(at step: String, segment: Int) {
        guard let point else { return }
        let parts = point.split(separator: ":")
        guard parts.first.map(String.init) == step else { return }
        if parts.count > 1, Int(parts[1]) != segment { return }
        Glibc.kill(getpid(), SIGKILL)
    }
}
