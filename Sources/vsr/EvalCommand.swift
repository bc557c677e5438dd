import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRRun

/// `vsr eval --weights M --dataset DIR --scale N`: Y-PSNR / Y-SSIM on a standard test set.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model's Y-PSNR and Y-SSIM on a test set (Set5, Set14, B100 layout).",
        discussion: """
            The dataset folder holds HR/, LR_bicubic/X2, LR_bicubic/X4 and manifest.csv (columns hr, lr_x2, \
            lr_x4). Each low-resolution image is upscaled whole (no tiling) and scored against its original \
            with the SR literature's convention: BT.601 Y (MATLAB rgb2ycbcr coefficients, unrounded), `scale` border pixels \
            cropped, PSNR on the 0-255 scale, SSIM with an 11x11 Gaussian window (sigma 1.5). Images are \
            decoded with libavcodec's image decoders.
            """
    )

    @Option(help: ArgumentHelp("A model file (.safetensors).", valueName: "file"))
    var weights: String?

    @Option(help: ArgumentHelp("A shipped or installed model, by name (see `vsr models`).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("The dataset folder.", valueName: "dir"))
    var dataset: String

    @Option(help: "The upscaling factor; must match the model's.")
    var scale: Int

    @Option(help: ArgumentHelp("Write every figure to this JSON file.", valueName: "file"))
    var json: String?

    @Option(help: "Threads for inference (default: all cores).")
    var threads: Int = InferenceContext.defaultThreads

    @Option(
        help: ArgumentHelp(
            "Run the model in tiles of this size, as `vsr upscale` does (see its --tile; default: whole images).",
            valueName: "n"))
    var tile: Int?

    @Option(help: ArgumentHelp("Halo around each tile in input pixels (default: the model's).", valueName: "n"))
    var halo: Int?

    @Flag(help: "With --tile, also report PSNR(tiled, whole): how far tiling moves the network's output (0-255 scale).")
    var tilingFidelity = false

    func validate() throws {
        guard (weights == nil) != (model == nil) else { throw ValidationError("give exactly one of --weights and --model") }
        try UpscaleSettings.check(atLeastOne: threads, flag: "--threads")
        try UpscaleSettings.check(scale: scale)
        if let tile { try UpscaleSettings.check(tile: tile) }
        if let halo { try UpscaleSettings.check(halo: halo) }
        if halo != nil && tile == nil { throw ValidationError("--halo needs --tile") }
        if tilingFidelity && tile == nil { throw ValidationError("--tiling-fidelity needs --tile") }
    }

    func run() throws {
        let catalog = ModelCatalog()
        let path = weights ?? model!
        let network = try weights.map { try catalog.network(file: $0) } ?? catalog.network(named: path)
        guard network.descriptor.scale == scale else {
            throw VSRError.usage("\(path) is a x\(network.descriptor.scale) model, but --scale is \(scale)")
        }
        let items = try DatasetManifest.load(directory: dataset, scale: scale)
        let context = InferenceContext(kernels: .optimized, threads: threads)
        var results: [[String: Any]] = []
        var psnrs: [Double] = [], ssims: [Double] = [], fidelities: [Double] = []
        for item in items {
            let lr = try ImageReader.readRGB(path: item.lowResolution)
            let hr = try ImageReader.readRGB(path: item.highResolution)
            let score = try Evaluation.score(
                network, lowResolution: lr, highResolution: hr, context: context,
                tiling: tile.map { ($0, halo ?? network.tileHalo) })
            psnrs.append(score.psnr)
            ssims.append(score.ssim)
            var line =
                item.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " %8.4f dB  %.4f", score.psnr, score.ssim)
            var result: [String: Any] = ["image": item.name, "psnr": score.psnr, "ssim": score.ssim]
            if tilingFidelity, let tile {
                let fidelity = try Evaluation.tilingFidelity(
                    network, lowResolution: lr, context: context, tile: tile,
                    halo: halo ?? network.tileHalo)
                fidelities.append(fidelity)
                line += String(format: "  PSNR(tiled, whole) %.2f dB", fidelity)
                result["tiling_fidelity_psnr"] = fidelity.isFinite ? fidelity : 999
            }
            print(line)
            results.append(result)
        }
        let meanPSNR = psnrs.reduce(0, +) / Double(psnrs.count), meanSSIM = ssims.reduce(0, +) / Double(ssims.count)
        print(
            "mean".padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: " %8.4f dB  %.4f  (%d images, x%d)", meanPSNR, meanSSIM, items.count, scale)
                + (fidelities.isEmpty ? "" : String(format: "  lowest PSNR(tiled, whole) %.2f dB", fidelities.min()!)))
        if let json {
            var report: [String: Any] = [
                "model": path, "dataset": dataset, "scale": scale, "images": results,
                "mean": ["psnr": meanPSNR, "ssim": meanSSIM],
            ]
            if let lowest = fidelities.min() { report["min_tiling_fidelity_psnr"] = lowest.isFinite ? lowest : 999 }
            // Reports are replaced when they exist, as before, but by the same rules as every output.
            try SafeOutput.write(
                JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), to: json, overwrite: true)
        }
    }
}
