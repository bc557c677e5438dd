import Foundation
import VSRCore
import VSRMedia
import VSRPipeline

/// `vsr upscale IN -o OUT --resumable`: a planned job on one machine. Plans if the job folder has no
/// plan (or keeps the one there), upscales the segments not done yet, merges, and removes the job
/// folder when it was the default one. Running the same command again after a crash or Ctrl-C
/// resumes at the first segment without a receipt.
public struct ResumableUpscale {
    public var endpoints: UpscaleEndpoints
    public var planner: JobPlanner
    public var folder: JobFolder
    /// True for the default folder (`OUT.vsr-job`), which is removed after the merge.
    public var removeFolderWhenDone: Bool
    public var restart = false
    public var cancellation = CancellationFlag()
    public var note: (String) -> Void = { _ in }
    public var warning: (String) -> Void = { _ in }

    /// The folder `--resumable` uses without `--job`: beside the output.
    public static func defaultFolder(for output: String) -> String { output + ".vsr-job" }

    public init(endpoints: UpscaleEndpoints, planner: JobPlanner, folder: JobFolder, removeFolderWhenDone: Bool) {
        (self.endpoints, self.planner, self.folder, self.removeFolderWhenDone) = (endpoints, planner, folder, removeFolderWhenDone)
    }

    public func run() throws -> JobMerge.Result {
        guard endpoints.input != "-", endpoints.output != "-", endpoints.inputFormat == nil, endpoints.outputFormat == nil else {
            throw VSRError.usage("--resumable needs a video file as input and an encoded file as output, not pipes or raw frames")
        }
        guard try endpoints.timeRange() == nil else { throw VSRError.usage("--resumable does not take --start, --end or --duration yet") }
        try SafeOutput.check(endpoints.output, overwrite: endpoints.overwrite, notSameAs: [endpoints.input])
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let made = try planner.planOrReuse(in: folder, restart: restart)
        let done = made.plan.segments.filter { folder.receipt($0.index, checkContent: false) != nil }.count
        note(
            made.reused
                ? "resuming \(folder.path): \(done) of \(made.plan.segments.count) segments done"
                : "planned \(made.plan.frames) frames in \(made.plan.segments.count) segments in \(folder.path)")
        var task = try JobTask(folder: folder, given: planner.settings, catalog: planner.catalog)
        (task.cancellation, task.note, task.warning) = (cancellation, note, warning)
        for number in made.plan.tasks.indices { try task.run(task: number) }
        var merge = JobMerge(folder: folder, output: endpoints.output)
        merge.streams = endpoints.streamSelection
        merge.overwrite = endpoints.overwrite
        let result = try merge.run()
        if removeFolderWhenDone {
            try folder.discard()
            try? FileManager.default.removeItem(atPath: folder.segmentFolder)
            try? FileManager.default.removeItem(atPath: folder.path)
        }
        return result
    }
}
