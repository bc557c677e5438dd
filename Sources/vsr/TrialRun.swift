import Foundation
import VSRCore
import VSRMedia
import VSRPipeline

/// The real pipeline on a file's frames (decode, upscale, encode into a temporary .mkv that is
/// removed afterwards): what `vsr bench --input` and `vsr probe`'s ETA time.
struct TrialRun {
    var input: String
    var choice: ModelChoice
    var scale: Int
    var tile = 256
    var halo: Int? = nil
    var chromaScaler = ResamplingFilter.lanczos
    var encoder = EncoderSettings()
    var workers = 1
    var threads = 1
    var queueDepth = 4
    var frameLimit: Int? = nil
    var cancellation = CancellationFlag()

    /// The run's summary, the encoder's name and the upscaler's name.
    func run() throws -> (summary: RunSummary, encoder: String, upscaler: String) {
        let reader = try MediaFileReader(path: input)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-trial-\(UUID().uuidString).mkv").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let writer = try MediaFileWriter(path: output, video: reader.streamInfo.scaled(by: scale), source: nil,
                                         streams: StreamSelection(audio: false, subtitles: false), settings: encoder,
                                         overwrite: true)
        let factory = UpscalerFactory(scale: scale, tile: tile, halo: halo, chromaScaler: chromaScaler,
                                      color: reader.streamInfo.color)
        var name = ""
        let summary = try UpscalePipeline(queueDepth: queueDepth, workers: workers, frameLimit: frameLimit,
                                          cancellation: cancellation)
            .run(source: reader, makeUpscaler: {
                let upscaler = factory.make(choice, threads: threads)
                name = upscaler.name
                return upscaler
            }, sink: writer)
        return (summary, writer.codecName, name)
    }
}
