import Foundation
import VSRCore
import VSRMedia

/// `vsr merge --job DIR -o OUT`: checks that every segment has a receipt its file matches and that
/// all were encoded with the same headers, then joins them (`SegmentJoiner`) with the source's other
/// streams, chapters and metadata copied once.
public struct JobMerge {
    public let folder: JobFolder
    public var output: String
    public var streams = StreamSelection()
    public var overwrite = false

    public init(folder: JobFolder, output: String) {
        (self.folder, self.output) = (folder, output)
    }

    /// What the merge wrote and what it said.
    public struct Result {
        public var frames: Int
        public var bytes: Int64
        public var notes: [String]
        public var warnings: [String]
    }

    public func run() throws -> Result {
        let (plan, timings) = try folder.loadPlan()
        try JobTask.checkInput(plan)
        let receipts = plan.segments.map { folder.receipt($0.index) }
        let missing = plan.segments.filter { receipts[$0.index] == nil }.map(\.index)
        guard missing.isEmpty else {
            let tasks = plan.tasks.indices.filter { !Set(plan.tasks[$0]).isDisjoint(with: missing) }
            throw VSRError.retryable(
                "\(folder.path): \(missing.count) of \(plan.segments.count) segments are not done (tasks \(TaskRanges.describe(tasks))); "
                    + "run them, then merge")
        }
        let done = receipts.compactMap { $0 }
        let headers = Set(done.map(\.headerSha256))
        guard headers.count == 1 else {
            throw VSRError.invalidInput(
                path: folder.segmentFolder,
                reason:
                    "the segments were encoded with different headers (\(headers.count) kinds): another vsr, FFmpeg or encoder option; run the job again with --restart"
            )
        }
        let joiner = try SegmentJoiner(
            output: output, source: plan.input, firstSegment: folder.segmentPath(0), timings: timings,
            reorderDepth: done.map(\.reorderDepth).max() ?? 0, streams: streams, overwrite: overwrite)
        for segment in plan.segments { try joiner.append(segment: folder.segmentPath(segment.index), frames: segment.frames) }
        let bytes = try joiner.finish()
        return Result(frames: timings.count, bytes: bytes, notes: joiner.notes, warnings: joiner.warnings)
    }
}
