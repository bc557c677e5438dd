import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRPipeline
import VSRRun

/// `vsr upscale --job DIR --task T`: one task of a planned job. `main` routes `vsr upscale` here when
/// `--task` or `--segment-from-env` is given, since that form takes no INPUT and no -o (ArgumentParser
/// cannot make positional arguments depend on a flag).
struct JobTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job-task",
        abstract: "Run one task of a planned job (vsr plan): vsr upscale --job DIR --task T.",
        discussion: """
            Upscales the task's segments that are not done yet into DIR/seg, each committed by writing a \
            temporary file, verifying it, renaming it, then writing its receipt. Running a task again, or two \
            copies at once, is safe: segments with a receipt are skipped. Exit status: 0 done, 75 interrupted \
            or a transient failure (run it again; Slurm's RequeueExit=75), 65 the input changed or the decoder \
            disagrees with the plan, 78 the options or the model differ from the plan's.
            """,
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("The job folder made by vsr plan.", valueName: "dir"))
    var job: String

    @Option(help: ArgumentHelp("The task to run (0 to tasks - 1).", valueName: "n"))
    var task: Int?

    @Flag(
        help: "Take the task number from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes) or VSR_TASK, the first one set.")
    var segmentFromEnv = false

    @OptionGroup(title: "Upscaling and encoding (none: the plan's; any: must be the plan's)")
    var settings: UpscaleSettings

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false

    static let taskVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "VSR_TASK"]

    func validate() throws {
        if task != nil && segmentFromEnv { throw ValidationError("give --task or --segment-from-env, not both") }
        if task == nil && !segmentFromEnv { throw ValidationError("give --task N or --segment-from-env") }
    }

    func run() throws {
        MediaLogging.configure(verbose: verbose)
        let number = try task ?? Self.taskFromEnvironment()
        let cancellation = CancellationFlag()
        let trap = SignalTrap(cancelling: cancellation)
        defer { withExtendedLifetime(trap) {} }
        var runner = try JobTask(folder: JobFolder(path: job), given: settings)
        runner.cancellation = cancellation
        runner.note = { Console.note("task \(number): \($0)") }
        runner.warning = { Console.warning("task \(number): \($0)") }
        let segments = try runner.segments(ofTask: number).count
        let done = try runner.run(task: number)
        Console.note("task \(number): done (\(done) of \(segments) segments upscaled now)")
    }

    static func taskFromEnvironment() throws -> Int {
        let environment = ProcessInfo.processInfo.environment
        for name in taskVariables {
            guard let value = environment[name] else { continue }
            guard let number = Int(value), number >= 0 else {
                throw VSRError.usage("\(name)='\(value)' is not a task number")
            }
            return number
        }
        throw VSRError.usage("--segment-from-env: none of \(taskVariables.joined(separator: ", ")) is set")
    }
}
