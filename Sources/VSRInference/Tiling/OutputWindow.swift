/// Where a forward pass writes its result: a window of a larger [channels, H, W] buffer, and the
/// part of the pass's full result that lands there (the rest, a tile's halo, is dropped). Tiles
/// write straight into the frame's output this way, instead of into a tile tensor copied in
/// afterwards (`TiledInference`). The buffer holds floats, or a video plane's samples: then each row
/// is converted as it is stored (scaled, clamped, rounded), and no float frame exists at all.
///
/// A view, not an owner: whoever owns the buffer keeps it alive and unread during the pass, and
/// passes (or threads) writing at the same time are given disjoint windows.
public struct OutputWindow: @unchecked Sendable {
    /// What the buffer holds.
    enum Format {
        case floats
        /// Plane samples of `bitDepth` bits (one byte up to 8, two little-endian bytes above), each
        /// value times `scale`, as `PlaneConversion.store` converts them.
        case samples(bitDepth: Int, scale: Float)

        /// Bytes per value in the buffer.
        var size: Int {
            switch self {
            case .floats: MemoryLayout<Float>.size
            case .samples(let bitDepth, _): bitDepth > 8 ? 2 : 1
            }
        }
    }

    /// Where the kept part's top-left pixel of channel 0 goes.
    let origin: UnsafeMutableRawPointer
    /// Values from one row of the buffer to the next, and from one channel to the next.
    let rowStride: Int, planeStride: Int
    /// The part of the full result that is kept, in the result's pixels.
    let kept: TilePlan.Rect
    let format: Format

    init(origin: UnsafeMutableRawPointer, rowStride: Int, planeStride: Int, kept: TilePlan.Rect, format: Format = .floats) {
        self.origin = origin
        self.rowStride = rowStride
        self.planeStride = planeStride
        self.kept = kept
        self.format = format
    }

    /// The whole of a dense [channels, `height`, `width`] buffer, every pixel kept.
    init(whole base: UnsafeMutableRawPointer, height: Int, width: Int, format: Format = .floats) {
        self.init(
            origin: base, rowStride: width, planeStride: height * width, kept: TilePlan.Rect(x: 0, y: 0, width: width, height: height),
            format: format)
    }

    /// The kept rows, in the result's pixels.
    var rows: Range<Int> { kept.y..<(kept.y + kept.height) }

    /// The kept columns, in the result's pixels.
    var columns: Range<Int> { kept.x..<(kept.x + kept.width) }

    /// Stores result row `y` (one of `rows`) of `channel`: `body` fills `kept.width` floats, the
    /// values of result columns `columns`, in place for a float buffer and through a row of scratch
    /// converted afterwards for samples.
    func write(row y: Int, channel: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let destination = origin + (channel * planeStride + (y - kept.y) * rowStride) * format.size
        switch format {
        case .floats: body(destination.assumingMemoryBound(to: Float.self))
        case .samples(let bitDepth, let scale):
            withUnsafeTemporaryAllocation(of: Float.self, capacity: kept.width) { row in
                body(row.baseAddress!)
                PlaneConversion.store(
                    UnsafePointer(row.baseAddress!), count: kept.width, scale: scale, bitDepth: bitDepth, into: destination)
            }
        }
    }

    /// A window of the same buffer whose kept part `kept` (in the pixels of another result) lands
    /// `x` columns and `y` rows into this window's part: a tile's interior in the frame.
    func part(x: Int, y: Int, kept: TilePlan.Rect) -> OutputWindow {
        OutputWindow(
            origin: origin + (y * rowStride + x) * format.size, rowStride: rowStride, planeStride: planeStride, kept: kept,
            format: format)
    }

    /// This window with only the result rows in `range` kept (those also kept here).
    func keeping(rows range: Range<Int>) -> OutputWindow {
        let top = max(kept.y, range.lowerBound), bottom = max(top, min(kept.y + kept.height, range.upperBound))
        return part(x: 0, y: top - kept.y, kept: TilePlan.Rect(x: kept.x, y: top, width: kept.width, height: bottom - top))
    }

    /// This window for a part of the result that starts `rows` rows down: the same pixels, counted
    /// from the part's first row.
    func counting(fromRow rows: Int) -> OutputWindow {
        part(x: 0, y: 0, kept: TilePlan.Rect(x: kept.x, y: kept.y - rows, width: kept.width, height: kept.height))
    }

    /// Stores the kept part of `result` (the whole result).
    func store(_ result: Tensor) {
        result.data.withUnsafeBufferPointer { data in
            for c in 0..<result.channels {
                for y in rows {
                    write(row: y, channel: c) {
                        $0.update(from: data.baseAddress! + (c * result.height + y) * result.width + kept.x, count: kept.width)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// A `channels` x (`factor` x `input`'s height) x (`factor` x its width) tensor filled by
    /// `body`, which is given a window over all of it and must write every value: an upscaling
    /// pass's result.
    static func filled(
        channels: Int, upscaling input: Tensor, by factor: Int, _ body: (OutputWindow) throws -> Void
    ) rethrows -> Tensor {
        let height = input.height * factor, width = input.width * factor
        var tensor = Tensor.uninitialized(channels: channels, height: height, width: width)
        try tensor.data.withUnsafeMutableBufferPointer { try body(OutputWindow(whole: $0.baseAddress!, height: height, width: width)) }
        return tensor
    }
}
