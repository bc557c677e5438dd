import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPipeline

/// One `vsr upscale` run, put together from its endpoints and settings: applies the recipe, resolves
/// the model, opens the input and the output, runs the pipeline and classifies how it ended. It prints
/// nothing; what a user should hear arrives through `events`, and the result is an `UpscaleReport`.
public struct UpscaleJob {
    public var endpoints: UpscaleEndpoints
    public var settings: UpscaleSettings
    public var catalog: ModelCatalog
    public var recipes: RecipeLibrary
    public var cancellation: CancellationFlag
    public var events: Events

    /// What the job tells its caller while it runs (all on the calling thread).
    public struct Events {
        /// A warning (something was dropped or damaged) or a note (what vsr chose).
        public var message: (RunMessage) -> Void = { _ in }
        /// Called once before the first frame, with the frame count when it is known.
        public var started: (_ totalFrames: Int?) -> Void = { _ in }
        /// Frames done and seconds elapsed, after each frame.
        public var progress: (_ frames: Int, _ elapsed: Double) -> Void = { _, _ in }
        public init() {}
    }

    public init(
        endpoints: UpscaleEndpoints, settings: UpscaleSettings, catalog: ModelCatalog = ModelCatalog(),
        recipes: RecipeLibrary = RecipeLibrary(), cancellation: CancellationFlag = CancellationFlag(),
        events: Events = Events()
    ) {
        (self.endpoints, self.settings, self.catalog, self.recipes) = (endpoints, settings, catalog, recipes)
        (self.cancellation, self.events) = (cancellation, events)
    }

    /// Runs to the end, an interruption or damage. Throws for failures that leave no output (bad
    /// options, unreadable files, encoder errors); damage after the first frame is an outcome.
    public func run() throws -> UpscaleReport {
        var settings = self.settings
        try settings.applyRecipe(library: recipes, catalog: catalog)
        try settings.validate()
        var endpoints = self.endpoints
        if let format = settings.recipeOutputFormat, endpoints.outputFormat == nil {
            if endpoints.output == "-" {
                endpoints.outputFormat = format
            } else if case .encoded = OutputKind.choose(path: endpoints.output, format: nil) {
                events.message(
                    .note(
                        "recipe \(settings.recipe ?? ""): its \(format.rawValue) output is for stdout; "
                            + "\(endpoints.output) is written by its extension"))
            }
        }
        let opened = try UpscaleInput.open(endpoints, pixFmt: settings.pixFmt)
        let correction = settings.frameCorrection(
            source: opened.source.streamInfo, firstFrame: try opened.firstFrameFields(),
            outputCarriesDisplayMatrix: UpscaleOutput.carriesDisplayMatrix(endpoints))
        let (input, correctionSummary) = try opened.corrected(by: correction)
        let sourceInfo = input.source.streamInfo
        let target = try settings.targetSize(width: sourceInfo.width, height: sourceInfo.height)
        if let target { settings.chooseScale(for: target, sourceWidth: sourceInfo.width, sourceHeight: sourceInfo.height) }
        let (choice, scale, note) = try settings.resolveModel(catalog: catalog)
        var outputInfo = sourceInfo.scaled(by: scale)
        // A target the scale does not give exactly is reached by a final resize.
        let resize: (width: Int, height: Int)? = target.flatMap { $0 != (outputInfo.width, outputInfo.height) ? $0 : nil }
        if let resize {
            (outputInfo.width, outputInfo.height) = resize
            events.message(.note("x\(scale), then lanczos to \(resize.width)x\(resize.height)"))
        }
        let resized = (outputInfo.width, outputInfo.height)
        let even = settings.evenSize(width: resized.0, height: resized.1)
        if even != resized {
            (outputInfo.width, outputInfo.height) = even
            events.message(
                .note("\(settings.pad ? "padded" : "cropped") \(resized.0)x\(resized.1) to \(even.width)x\(even.height)"))
        }
        let output = try UpscaleOutput.open(endpoints, settings: settings, video: outputInfo, input: input)
        output.warnings.forEach { events.message(.warning($0)) }
        output.notes.forEach { events.message(.note($0)) }
        if let note { events.message(.note(note)) }
        if let recipeNote = settings.recipeNote { events.message(.note(recipeNote)) }
        input.media?.conversionWarnings.forEach { events.message(.warning($0)) }
        if let correctionSummary { events.message(.note("\(input.name): \(correctionSummary)")) }

        events.started([settings.frames, sourceInfo.estimatedFrameCount].compactMap { $0 }.min())
        let (workers, threads) = settings.parallelism(isNetwork: choice.isNetwork)
        let queueDepth = try FrameMemoryBudget().queueDepth(
            requested: settings.queueCapacity, workers: workers, input: sourceInfo, output: outputInfo
        ) { events.message(.note($0)) }
        let pipeline = UpscalePipeline(
            queueDepth: queueDepth, workers: workers, frameLimit: settings.frames,
            cancellation: cancellation)
        let factory = settings.factory(scale: scale, color: sourceInfo.color)
        var upscalerName = ""
        let summary = try pipeline.run(
            source: input.source,
            makeUpscaler: {
                var upscaler = factory.make(choice, threads: threads)
                if let resize {
                    upscaler = ExactSizeUpscaler(
                        upscaler, width: resize.width, height: resize.height, resizer: SwscalePlaneResizer(filter: .lanczos))
                }
                if even != resized { upscaler = EvenSizeUpscaler(upscaler, width: even.width, height: even.height) }
                upscalerName = upscaler.name
                return upscaler
            }, sink: output.sink, progress: events.progress)
        if let corrupt = input.media?.corruptPackets, corrupt > 0 {
            events.message(.warning("\(input.name): skipped \(corrupt) damaged video packet(s)"))
        }
        if let writer = output.sink as? MediaFileWriter, writer.droppedCaptionFrames > 0 {
            events.message(
                .warning(
                    "\(input.name): the closed captions (A53) of \(writer.droppedCaptionFrames) frame(s) are dropped: "
                        + "encoder \(writer.codecName) cannot carry them (libx264 can)"))
        }
        if let writer = output.sink as? MediaFileWriter, writer.reorderedTimestamps > 0 {
            events.message(
                .warning(
                    "\(input.name): \(writer.reorderedTimestamps) frame(s) had timestamps that did not increase (damaged data); "
                        + "each was placed one frame after the one before"))
        }
        if let missing = input.media?.missingFrames, missing > 0 {
            events.message(
                .warning(
                    "\(input.name): the timestamps skip about \(missing) frame(s): data the demuxer passed over, or a pause in "
                        + "a variable-rate recording; every frame keeps its timestamp"))
        }
        let outcome = RunOutcome.classify(
            frames: summary.frames, interrupted: summary.interrupted,
            damage: summary.inputError ?? input.media?.truncation, input: input.name)
        var report = UpscaleReport(
            outcome: outcome, summary: summary, upscaler: upscalerName, scale: scale,
            sourceSize: (sourceInfo.width, sourceInfo.height), outputSize: (outputInfo.width, outputInfo.height),
            output: output.name, outputDescription: output.description, workers: workers, threads: threads,
            upscalerThreads: choice.isNetwork ? threads : 1, queueDepth: queueDepth, recipe: settings.recipe)
        report.missingSelectedFrames = input.media?.missingSelectedFrames ?? []
        report.unselectedFrames = input.media?.unselectedFrames ?? []
        return report
    }
}
