import VSRCore
import VSRInference
import VSRMedia
import VSRRun

/// The quality column of `vsr bench`: mean Y-PSNR over a dataset.
enum BenchQuality {
    /// Networks are scored exactly as `vsr eval` scores them (whole images). Classical filters get
    /// what a video sees: the low-resolution Y rounded to 8 bits, resized by swscale, scored on Y.
    static func psnr(_ choice: ModelChoice, dataset: String, scale: Int, tile: Int?) throws -> Double {
        let items = try DatasetManifest.load(directory: dataset, scale: scale)
        var total = 0.0
        for item in items {
            let lr = try ImageReader.readRGB(path: item.lowResolution)
            let hr = try ImageReader.readRGB(path: item.highResolution)
            switch choice {
            case .network(_, let model):
                total += try Evaluation.score(
                    model, lowResolution: lr, highResolution: hr,
                    context: InferenceContext(kernels: .optimized, threads: InferenceContext.defaultThreads)
                ).psnr
            case .classical(let filter):
                let luma = ImageQuality.luma(lr).map { UInt8(min(max($0.rounded(), 0), 255)) }
                let plane = Plane(width: lr.width, height: lr.height, bitDepth: 8, bytes: luma)
                let out = try SwscalePlaneResizer(filter: filter).resize(plane, toWidth: lr.width * scale, height: lr.height * scale)
                let reference = ImageQuality.luma(hr)
                // The high-resolution image cropped to the output's size ("modcrop").
                var cropped: [Double] = []
                cropped.reserveCapacity(out.width * out.height)
                for y in 0..<out.height { cropped += reference[(y * hr.width)..<(y * hr.width + out.width)] }
                let a = ImageQuality.crop(out.bytes.map(Double.init), width: out.width, height: out.height, border: scale)
                let b = ImageQuality.crop(cropped, width: out.width, height: out.height, border: scale)
                total += ImageQuality.psnr(a.values, b.values)
            }
        }
        return total / Double(items.count)
    }
}
