import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRRun

/// `vsr plan INPUT --job DIR [options]`: decodes the input once and writes the job's plan.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a job that many machines (or one, resumably) upscale in segments.",
        discussion: """
            Decodes the input once and writes DIR/plan.json and DIR/timestamps.bin: the input's identity, the \
            options and model, every frame's timestamp, segments of about --segment-frames frames that start at \
            source keyframes, and tasks. Then run each task, on any machine that sees DIR and the input at the \
            same paths: vsr upscale --job DIR --task T (or --segment-from-env under Slurm job arrays, Kubernetes \
            Indexed Jobs or with VSR_TASK), check with vsr status --job DIR, and join with vsr merge --job DIR -o OUT. \
            Planning again with the same input and options keeps the plan; a folder with another plan is refused \
            (65 for another input, 78 for other options) unless --restart. Segments use --codec libx264 (default), \
            libx265 or ffv1 (lossless), whose segments join without re-encoding. Prints the number of tasks \
            on stdout, for scripts (sbatch --array=0-$((N - 1))).
            """
    )

    @Argument(help: ArgumentHelp("The video to upscale.", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("The job folder (created; shared by every machine that runs a task).", valueName: "dir"))
    var job: String

    @OptionGroup(title: "Segments and tasks")
    var planning: JobPlanOptions

    @OptionGroup(title: "Upscaling and encoding (as for vsr upscale; every task uses these)")
    var settings: UpscaleSettings

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false

    func run() throws {
        MediaLogging.configure(verbose: verbose)
        try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
        let folder = JobFolder(path: job)
        let made = try planning.planner(input: input, settings: settings).planOrReuse(in: folder, restart: planning.restart) { frames in
            if Console.isTerminal { Console.write("\rvsr: planning: \(frames) frames decoded") }
        }
        if Console.isTerminal { Console.write("\r\u{1B}[K") }
        let plan = made.plan
        Console.note(
            "\(made.reused ? "kept the plan" : "planned") \(plan.frames) frames of \(plan.input) in \(plan.segments.count) segments, "
                + "\(plan.tasks.count) tasks (\(plan.codec)); in \(job)")
        Console.note(
            "next: vsr upscale --job \(job) --task T for T in 0...\(plan.tasks.count - 1) (Slurm: sbatch --array=0-\(plan.tasks.count - 1)), "
                + "then vsr merge --job \(job) -o OUT")
        print(plan.tasks.count)
    }
}
