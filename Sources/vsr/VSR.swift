import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRRun

/// The `vsr` command. Every error leaves through `main()`, which prints it as one line
/// `vsr: error: ...` on stderr and exits with the code documented in the README and man page.
@main
struct VSR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsr",
        abstract: "Upscale video with lightweight super-resolution networks on the CPU.",
        discussion: """
            Exit status: 0 success, 1 processing failure (or any other error), 64 bad command line, 65 input is not \
            usable media (or a job's input changed), 66 input missing, 69 codec or format unavailable, 73 output \
            cannot be created or exists, 75 a job task was interrupted (run it again), 78 a job task's options \
            differ from its plan, 130 interrupted (partial output finalized), 141 the reader of stdout \
            closed the pipe.
            """,
        version: VSRVersion.string,
        subcommands: [
            UpscaleCommand.self, ProbeCommand.self, BenchCommand.self, RecipesCommand.self, ImportCommand.self, ModelsCommand.self,
            EvalCommand.self, PlanCommand.self, StatusCommand.self, MergeCommand.self, JobTaskCommand.self,
        ]
    )

    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot(JobTaskCommand.routed(CommandLine.arguments))
        } catch {
            exitForParseError(error)
        }
        // Layers free and allocate buffers of the same sizes frame after frame: keep them (MemoryReuse).
        MemoryReuse.keepFreedBuffers()
        do {
            var runnable = command
            try runnable.run()
        } catch VSRError.outputClosed {
            // The reader of our stdout is gone (e.g. `| head`): stop quietly, as SIGPIPE would.
            Foundation.exit(ExitStatus.brokenPipe)
        } catch let error as ValidationError {
            exitForParseError(error)
        } catch  where exitCode(for: error) == .success {
            // `vsr help upscale` runs ArgumentParser's help command, which "fails" with the help text.
            exitForParseError(error)
        } catch {
            // One mapping for every error (ExitStatusMapping): unknown kinds exit 1, never 64.
            if let message = ExitStatusMapping.message(for: error) { Console.error(message) }
            Foundation.exit(ExitStatusMapping.status(for: error))
        }
    }

    /// Help and version go to stdout with status 0; usage errors become one line plus a hint.
    private static func exitForParseError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        let trimmed = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        Console.error("\(trimmed) (see 'vsr help')")
        Foundation.exit(ExitStatus.usage)
    }
}

extension JobTaskCommand {
    /// `vsr upscale --job DIR --task T` (or `--segment-from-env`) is a task of a planned job, which has
    /// no INPUT or -o: routed to this command. Other arguments are returned as they are.
    static func routed(_ arguments: [String]) -> [String]? {
        let rest = Array(arguments.dropFirst())
        guard rest.first == "upscale", rest.contains(where: { $0 == "--task" || $0.hasPrefix("--task=") || $0 == "--segment-from-env" })
        else { return nil }
        return ["job-task"] + rest.dropFirst()
    }
}

enum VSRVersion {
    static let string = "0.1.0"
}
