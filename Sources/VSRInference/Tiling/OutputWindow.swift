/// Where a forward pass writes its result: a window of a larger [channels, H, W] float buffer, and
/// the part of the pass's full result that lands there (the rest, a tile's halo, is dropped). Tiles
/// write straight into the frame's output this way, instead of into a tile tensor copied in
/// afterwards (`TiledInference`).
///
/// A view, not an owner: whoever owns the buffer keeps it alive and unread during the pass, and
/// passes (or threads) writing at the same time are given disjoint windows.
public struct OutputWindow: @unchecked Sendable {
    /// Where the kept part's top-left pixel of channel 0 goes.
    let origin: UnsafeMutablePointer<Float>
    /// Floats from one row of the buffer to the next, and from one channel to the next.
    let rowStride: Int, planeStride: Int
    /// The part of the full result that is kept, in the result's pixels.
    let kept: TilePlan.Rect

    init(origin: UnsafeMutablePointer<Float>, rowStride: Int, planeStride: Int, kept: TilePlan.Rect) {
        self.origin = origin
        self.rowStride = rowStride
        self.planeStride = planeStride
        self.kept = kept
    }

    /// The whole of a dense [channels, `height`, `width`] buffer, every pixel kept.
    init(whole base: UnsafeMutablePointer<Float>, height: Int, width: Int) {
        self.init(origin: base, rowStride: width, planeStride: height * width, kept: TilePlan.Rect(x: 0, y: 0, width: width, height: height))
    }

    /// The kept rows, in the result's pixels.
    var rows: Range<Int> { kept.y..<(kept.y + kept.height) }

    /// The kept columns, in the result's pixels.
    var columns: Range<Int> { kept.x..<(kept.x + kept.width) }

    /// Where result row `y` (one of `rows`) of `channel` goes, from result column `kept.x` on.
    func row(_ y: Int, channel: Int) -> UnsafeMutablePointer<Float> {
        origin + channel * planeStride + (y - kept.y) * rowStride
    }

    /// This window with only the result rows in `range` kept (those also kept here).
    func keeping(rows range: Range<Int>) -> OutputWindow {
        let top = max(kept.y, range.lowerBound), bottom = max(top, min(kept.y + kept.height, range.upperBound))
        return OutputWindow(
            origin: origin + (top - kept.y) * rowStride, rowStride: rowStride, planeStride: planeStride,
            kept: TilePlan.Rect(x: kept.x, y: top, width: kept.width, height: bottom - top))
    }

    /// This window for a part of the result that starts `rows` rows down: the same pixels, counted
    /// from the part's first row.
    func counting(fromRow rows: Int) -> OutputWindow {
        OutputWindow(
            origin: origin, rowStride: rowStride, planeStride: planeStride,
            kept: TilePlan.Rect(x: kept.x, y: kept.y - rows, width: kept.width, height: kept.height))
    }

    /// Copies the kept part of `result` (the whole result) into the window.
    func store(_ result: Tensor) {
        result.data.withUnsafeBufferPointer { data in
            for c in 0..<result.channels {
                for y in rows {
                    row(y, channel: c).update(from: data.baseAddress! + (c * result.height + y) * result.width + kept.x, count: kept.width)
                }
            }
        }
    }
}

extension Tensor {
    /// A tensor of this shape filled by `body`, which is given a window over all of it and must
    /// write every value.
    static func filled(channels: Int, height: Int, width: Int, _ body: (OutputWindow) throws -> Void) rethrows -> Tensor {
        var tensor = Tensor.uninitialized(channels: channels, height: height, width: width)
        try tensor.data.withUnsafeMutableBufferPointer { try body(OutputWindow(whole: $0.baseAddress!, height: height, width: width)) }
        return tensor
    }
}
