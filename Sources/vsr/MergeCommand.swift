import ArgumentParser
import Foundation
import VSRMedia
import VSRRun

/// `vsr merge --job DIR -o OUT`: the finished segments joined, with the input's other streams.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join a planned job's segments into the output, with the input's audio, subtitles and chapters.",
        discussion: """
            Checks every segment against its receipt (checksum) and that all share the encoder's headers, copies \
            their video packets in order with the plan's timestamps, and copies audio, subtitles, chapters, \
            attachments and metadata once from the input, as vsr upscale does. The output is written under a \
            temporary name and renamed when complete; the same job always gives the same bytes. Exit status 75 \
            when segments are missing (vsr status says which).
            """
    )

    @Option(help: ArgumentHelp("The job folder made by vsr plan.", valueName: "dir"))
    var job: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The output file; its extension picks the container.", valueName: "file"))
    var output: String

    @Flag(name: [.customShort("y"), .long], help: "Replace the output if it exists.")
    var overwrite = false

    @Flag(help: "Do not copy audio streams.")
    var noAudio = false

    @Flag(help: "Do not copy subtitle streams.")
    var noSubtitles = false

    @Option(help: ArgumentHelp("Audio encoder for every audio stream, or copy (as for vsr upscale).", valueName: "name|copy"))
    var audioCodec: String?

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false

    func run() throws {
        MediaLogging.configure(verbose: verbose)
        var merge = JobMerge(folder: JobFolder(path: job), output: output)
        merge.streams = StreamSelection(audio: !noAudio, subtitles: !noSubtitles, audioCodec: audioCodec)
        merge.overwrite = overwrite
        let result = try merge.run()
        result.warnings.forEach { Console.warning($0) }
        result.notes.forEach { Console.note($0) }
        Console.note("merged \(result.frames) frames into \(output) (\(ByteCount.describe(result.bytes)))")
    }
}
