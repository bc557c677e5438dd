import Foundation
import VSRCore
import VSRInference
import VSRRun

/// One model at one thread count: the timings and the figures derived from them.
struct BenchResult {
    let name: String
    let choice: ModelChoice
    let scale: Int
    let threads: Int
    let frame: VideoFrame
    /// Seconds per timed frame.
    let seconds: [Double]
    /// The FMA peak at this thread count, GFLOP/s.
    let peak: Double
    /// Mean Y-PSNR on the dataset, when one was given.
    let psnr: Double?

    var kind: String { choice.scale == nil ? "classical" : "network" }
    var medianSeconds: Double { BenchTiming.percentile(seconds, 0.5) }
    var p90Seconds: Double { BenchTiming.percentile(seconds, 0.9) }
    var fps: Double { 1 / medianSeconds }
    var outputMegapixelsPerSecond: Double { Double(frame.width * frame.height * scale * scale) / medianSeconds / 1e6 }

    var parameters: Int {
        if case .network(_, let model) = choice { return model.parameterCount }
        return 0
    }

    /// GFLOP of the network's graph on the whole frame (tile halos not counted); nil for filters.
    var gigaflopPerFrame: Double? {
        if case .network(_, let model) = choice { return model.flops(height: frame.height, width: frame.width) / 1e9 }
        return nil
    }

    var achievedGigaflops: Double? { gigaflopPerFrame.map { $0 / medianSeconds } }
    var percentOfPeak: Double? { achievedGigaflops.map { 100 * $0 / peak } }

    var json: [String: Any] {
        var entry: [String: Any] = [
            "name": name, "kind": kind, "scale": scale, "threads": threads, "parameters": parameters,
            "input_size": "\(frame.width)x\(frame.height)",
            "median_ms": medianSeconds * 1e3, "p90_ms": p90Seconds * 1e3, "fps": fps,
            "output_megapixels_per_second": outputMegapixelsPerSecond, "frame_ms": seconds.map { $0 * 1e3 },
            "fma_peak_gflops": peak,
        ]
        entry["gflop_per_frame"] = gigaflopPerFrame ?? NSNull()
        entry["achieved_gflops"] = achievedGigaflops ?? NSNull()
        entry["percent_of_peak"] = percentOfPeak ?? NSNull()
        entry["psnr_y"] = psnr ?? NSNull()
        if case .network(_, let model) = choice {
            entry["arch"] = model.descriptor.hyperParameters["variant"] ?? model.descriptor.arch
            entry["colors"] = model.descriptor.colors
        }
        return entry
    }
}

/// The human-readable table of `vsr bench`.
enum BenchTable {
    static func print(_ rows: [BenchResult], dataset: String?) {
        var table = [
            [
                "model", "scale", "threads", "params", "GFLOP/frame", "median ms", "p90 ms", "fps", "out MP/s",
                "GFLOP/s", "% peak",
            ] + (dataset == nil ? [] : ["Y-PSNR"])
        ]
        for row in rows {
            var cells: [String] = [row.name, "x\(row.scale)", "\(row.threads)"]
            cells.append(row.parameters == 0 ? "-" : "\(row.parameters)")
            cells.append(row.gigaflopPerFrame.map { String(format: "%.2f", $0) } ?? "-")
            cells.append(String(format: "%.1f", row.medianSeconds * 1e3))
            cells.append(String(format: "%.1f", row.p90Seconds * 1e3))
            cells.append(String(format: "%.2f", row.fps))
            cells.append(String(format: "%.2f", row.outputMegapixelsPerSecond))
            cells.append(row.achievedGigaflops.map { String(format: "%.1f", $0) } ?? "-")
            cells.append(row.percentOfPeak.map { String(format: "%.0f%%", $0) } ?? "-")
            if dataset != nil { cells.append(row.psnr.map { String(format: "%.2f", $0) } ?? "-") }
            table.append(cells)
        }
        let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max()! }
        for line in table {
            Swift.print(
                zip(line, widths).enumerated().map { index, cell in
                    index == 0
                        ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
                }.joined(separator: "  "))
        }
    }
}
