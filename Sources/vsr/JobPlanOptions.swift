import ArgumentParser
import VSRRun

/// How `vsr plan` (and `vsr upscale --resumable`) cut a job into segments and tasks.
struct JobPlanOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Frames per segment, about: each starts at a source keyframe.",
            valueName: "n"))
    var segmentFrames = JobPlanner.defaultSegmentFrames

    @Option(help: ArgumentHelp("Group the segments into this many tasks (default: one task per segment).", valueName: "n"))
    var tasks: Int?

    @Option(help: ArgumentHelp("Group the segments into tasks of at least this many frames.", valueName: "n"))
    var framesPerTask: Int?

    @Flag(help: "Discard a plan of another input or other options in the job folder, and its segments, and plan anew.")
    var restart = false

    func planner(input: String, settings: UpscaleSettings) -> JobPlanner {
        var planner = JobPlanner(input: input, settings: settings)
        (planner.segmentFrames, planner.tasks, planner.framesPerTask) = (segmentFrames, tasks, framesPerTask)
        return planner
    }
}
