import ArgumentParser
import Foundation
import VSRRun

/// `vsr status --job DIR`: what is done, what is missing, and the time left.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a planned job's done and missing tasks, its rate and time left.",
        discussion: """
            --format slurm prints the tasks as an array spec (0-9; with --missing 3,7-9) for resubmission: \
            sbatch --array=$(vsr status --job DIR --missing --format slurm) ... (nothing when none is missing). \
            --format list prints them one per line, for GNU parallel and shell loops.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case human, json, slurm, list }

    @Option(help: ArgumentHelp("The job folder made by vsr plan.", valueName: "dir"))
    var job: String

    @Flag(help: "Only the missing tasks.")
    var missing = false

    @Option(
        help: ArgumentHelp("human (default), json, slurm (an array spec of the tasks) or list (one per line).", valueName: "format"))
    var format: Format = .human

    func run() throws {
        let status = try JobStatus(folder: JobFolder(path: job))
        switch format {
        case .human:
            print(missing ? "missing tasks: \(TaskRanges.describe(status.missingTasks))" : status.human)
        case .slurm:
            let spec = TaskRanges.describe(missing ? status.missingTasks : Array(0..<status.tasks))
            if !spec.isEmpty { print(spec) }
        case .list:
            for task in missing ? status.missingTasks : Array(0..<status.tasks) { print(task) }
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            if missing {
                print(String(decoding: try encoder.encode(status.missingTasks), as: UTF8.self))
            } else {
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            }
        }
    }
}
