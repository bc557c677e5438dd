import Foundation
import VSRCore
import VSRMedia

/// Makes a job's plan (`vsr plan`): decodes the input once for every frame's timestamp, cuts the
/// frames into segments that start at source keyframes, groups them into tasks and records what
/// every task must agree with (the input, the options, the model).
public struct JobPlanner {
    /// Encoders whose segments can be joined by copying their packets: each segment is a closed
    /// GOP with headers that depend only on the options (x264 with `stitchable=1`, x265 without the
    /// per-picture PPS optimisations), or intra-only (FFV1).
    public static let joinableCodecs = ["libx264", "libx265", "ffv1"]
    public static let defaultCodec = "libx264"
    public static let defaultSegmentFrames = 250

    public var input: String
    public var settings: UpscaleSettings
    public var segmentFrames = JobPlanner.defaultSegmentFrames
    /// `--tasks N`, or `--frames-per-task F`; neither: one task per segment.
    public var tasks: Int?
    public var framesPerTask: Int?
    public var catalog = ModelCatalog()

    public init(input: String, settings: UpscaleSettings) {
        (self.input, self.settings) = (input, settings)
    }

    /// The options and model the plan (and every task) runs with, after the recipe; with their hashes.
    public static func resolve(
        _ given: UpscaleSettings, catalog: ModelCatalog
    ) throws -> (
        settings: UpscaleSettings, fingerprint: String, model: String
    ) {
        var settings = given
        try settings.applyRecipe(catalog: catalog)
        try settings.validate()
        if settings.deinterlaceRate == .field {
            throw VSRError.usage("--deinterlace-rate field makes frames a plan cannot list before decoding; plan with frame rate")
        }
        let codec = settings.codec ?? defaultCodec
        guard joinableCodecs.contains(codec) else {
            throw VSRError.usage(
                "--codec \(codec): a job's segments must be joinable by copying; use one of \(joinableCodecs.joined(separator: ", "))")
        }
        settings.codec = codec
        let options = settings.encoderOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let fingerprint = ContentHash.sha256(Data((settings.outputArguments + ["--"] + options).joined(separator: "\u{0}").utf8))
        return (settings, fingerprint, try settings.modelFingerprint(catalog: catalog))
    }

    /// The plan in `folder`: the one there if it was made from this input with these options, or a
    /// new one. A folder with another plan is refused (65 for another or changed input, 78 for
    /// other options or model) unless `restart`, which removes that plan and its segments first. A
    /// folder with other files in it and no plan is refused, always.
    public func planOrReuse(
        in folder: JobFolder, restart: Bool, progress: (Int) -> Void = { _ in }
    ) throws -> (plan: JobPlan, timings: [FrameTiming], reused: Bool) {
        if folder.hasPlan {
            let existing = try folder.loadPlan()
            if !restart {
                let inputPath = URL(fileURLWithPath: input).standardizedFileURL.path
                guard existing.plan.input == inputPath, try ContentHash.fingerprint(file: input) == existing.plan.inputFingerprint else {
                    throw VSRError.invalidInput(
                        path: input,
                        reason:
                            "\(folder.path) holds a plan of \(existing.plan.input) as it was then; --restart discards it and its segments")
                }
                let resolved = try Self.resolve(settings, catalog: catalog)
                guard resolved.fingerprint == existing.plan.settingsFingerprint, resolved.model == existing.plan.modelFingerprint else {
                    throw VSRError.planMismatch(
                        "\(folder.path) holds a plan with other options or another model (\(existing.plan.settings.joined(separator: " "))); "
                            + "--restart discards it and its segments")
                }
                return (existing.plan, existing.timings, true)
            }
        } else if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
            names.contains(where: { !$0.hasPrefix(".") && $0 != "seg" })
        {
            throw VSRError.outputExists(path: folder.path + " (a folder with files and no vsr plan; name a new or empty folder)")
        }
        let made = try plan(progress: progress)
        if restart { try folder.discard() }
        try folder.savePlan(made.plan, timings: made.timings)
        return (made.plan, made.timings, false)
    }

    /// Decodes the input and makes the plan; `progress` gets the frames scanned so far.
    public func plan(progress: (Int) -> Void = { _ in }) throws -> (plan: JobPlan, timings: [FrameTiming]) {
        guard segmentFrames >= 1 else { throw VSRError.usage("--segment-frames must be at least 1, got \(segmentFrames)") }
        if let tasks, tasks < 1 { throw VSRError.usage("--tasks must be at least 1, got \(tasks)") }
        if let framesPerTask, framesPerTask < 1 { throw VSRError.usage("--frames-per-task must be at least 1, got \(framesPerTask)") }
        if tasks != nil && framesPerTask != nil { throw VSRError.usage("give --tasks or --frames-per-task, not both") }
        guard ImageSequence.input(input) == nil else { throw VSRError.usage("\(input): a plan takes a video file, not an image sequence") }
        let (settings, fingerprint, model) = try Self.resolve(self.settings, catalog: catalog)
        let inputFingerprint = try ContentHash.fingerprint(file: input)
        let reader = try MediaFileReader(path: input)
        var timings: [FrameTiming] = []
        while let timing = try reader.nextTiming() {
            if let last = timings.last, timing.pts <= last.pts {
                throw VSRError.invalidInput(
                    path: input,
                    reason: "frame \(timings.count) has timestamp \(timing.pts), not after \(last.pts): a plan needs increasing timestamps")
            }
            timings.append(timing)
            if timings.count % 100 == 0 { progress(timings.count) }
            if let limit = settings.frames, timings.count == limit { break }
        }
        if let damage = reader.truncation { throw damage }
        guard !timings.isEmpty else { throw VSRError.invalidInput(path: input, reason: "no video frames in the input") }
        let segments = Self.segments(timings, length: segmentFrames)
        let info = reader.streamInfo
        let plan = JobPlan(
            input: URL(fileURLWithPath: input).standardizedFileURL.path, inputFingerprint: inputFingerprint,
            settings: settings.arguments, settingsFingerprint: fingerprint, modelFingerprint: model,
            timeBaseNum: Int32(info.timeBase.num), timeBaseDen: Int32(info.timeBase.den),
            frameRateNum: Int32(info.frameRate.num), frameRateDen: Int32(info.frameRate.den),
            frames: timings.count, codec: settings.codec ?? Self.defaultCodec, segments: segments,
            tasks: Self.tasks(segments, count: tasks, framesPerTask: framesPerTask))
        return (plan, timings)
    }

    /// Segments of about `length` frames, each starting at a keyframe (the first at frame 0).
    static func segments(_ timings: [FrameTiming], length: Int) -> [JobPlan.Segment] {
        var starts = [0]
        for (index, timing) in timings.enumerated() where timing.isKeyframe && index - starts.last! >= length {
            starts.append(index)
        }
        return starts.enumerated().map { number, start in
            let end = number + 1 < starts.count ? starts[number + 1] : timings.count
            let last = timings[end - 1]
            return JobPlan.Segment(
                index: number, firstFrame: start, frames: end - start, seek: number == 0 ? nil : timings[start].pts,
                firstPts: timings[start].pts, endPts: end < timings.count ? timings[end].pts : last.pts + max(1, last.duration))
        }
    }

    /// Consecutive segments per task: `count` tasks of about equal frames, or tasks of at least
    /// `framesPerTask` frames, or one segment each.
    static func tasks(_ segments: [JobPlan.Segment], count: Int?, framesPerTask: Int?) -> [[Int]] {
        let total = segments.reduce(0) { $0 + $1.frames }
        let target: Int
        if let count {
            target = max(1, (total + count - 1) / count)
        } else if let framesPerTask {
            target = framesPerTask
        } else {
            return segments.map { [$0.index] }
        }
        var tasks: [[Int]] = [[]]
        var frames = 0
        for segment in segments {
            if frames >= target, !tasks[tasks.count - 1].isEmpty {
                tasks.append([])
                frames = 0
            }
            tasks[tasks.count - 1].append(segment.index)
            frames += segment.frames
        }
        return tasks
    }
}
