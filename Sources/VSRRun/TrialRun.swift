import Foundation
import VSRCore
import VSRMedia
import VSRPipeline

/// The real pipeline on a file's frames (decode, upscale, encode into a temporary .mkv that is
/// removed afterwards): what `vsr bench --input` and `vsr probe`'s ETA time.
public struct TrialRun {
    public var input: String
    public var choice: ModelChoice
    /// Its colour is replaced by the file's.
    public var factory: UpscalerFactory
    public var encoder = EncoderSettings()
    public var workers = 1
    public var threads = 1
    public var queueDepth = UpscaleSettings.defaultQueueDepth
    public var frameLimit: Int? = nil
    public var cancellation = CancellationFlag()

    public init(input: String, choice: ModelChoice, factory: UpscalerFactory) {
        (self.input, self.choice, self.factory) = (input, choice, factory)
    }

    /// The run's summary, the encoder's name and the upscaler's name.
    public func run() throws -> (summary: RunSummary, encoder: String, upscaler: String) {
        let reader = try MediaFileReader(path: input)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-trial-\(UUID().uuidString).mkv").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let writer = try MediaFileWriter(
            path: output, video: reader.streamInfo.scaled(by: factory.scale), source: nil,
            streams: StreamSelection(audio: false, subtitles: false), settings: encoder,
            overwrite: true)
        var factory = self.factory
        factory.color = reader.streamInfo.color
        var name = ""
        let summary = try UpscalePipeline(
            queueDepth: queueDepth, workers: workers, frameLimit: frameLimit,
            cancellation: cancellation
        )
        .run(
            source: reader,
            makeUpscaler: {
                let upscaler = factory.make(choice, threads: threads)
                name = upscaler.name
                return upscaler
            }, sink: writer)
        return (summary, writer.codecName, name)
    }
}
