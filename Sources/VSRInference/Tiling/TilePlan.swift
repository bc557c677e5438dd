/// How a frame is cut into tiles for inference. Each tile has an interior (the output it is
/// responsible for) and a padded region (the interior plus `halo` pixels each way, clamped to the
/// frame). Interiors partition the frame, so every output pixel comes from exactly one tile and no
/// seam blending is needed. At frame borders the padded region stops at the frame edge, so the
/// model sees the same zero padding as in whole-frame inference.
public struct TilePlan: Sendable, Equatable {
    public struct Rect: Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
    }

    public struct Tile: Sendable, Equatable {
        /// The pixels this tile produces (input coordinates).
        public var interior: Rect
        /// The pixels the model reads: the interior plus the halo, within the frame.
        public var padded: Rect
    }

    /// The tile size of models that do not choose their own (`SRModel.tileSize`): plain nets tile
    /// exactly with a one-pixel-per-layer halo and stream rows in full-height strips this wide. 320
    /// keeps a 16-channel net's row rings (7 layers x 3 rows x 336 columns, 451 KB) in a 512 KB L2
    /// and cuts fewer strips than 256: `vsr bench` repsr-y-x2, one thread, 640x360 84.5 -> 78.5 ms,
    /// 960x540 186 -> 177, 1920x1080 747 -> 698 (480 measured between the two; AMD EPYC Zen 3).
    /// Strips are cut on the micro-kernel's blocks (`columnBlock`): AVX2's 24 pixels divide 336, but
    /// AVX-512's 64 do not, and cutting 960 columns into padded widths 384 / 320 / 288 instead of
    /// 328 / 336 / 328 took `vsr bench` repsr-y-x2 960x540 from 182 to 162 ms on one thread and 97 to
    /// 85 on two (AMD EPYC Zen 4, 1 MB L2, which holds the 384-column rings).
    public static let defaultTileSize = 320

    public let width: Int
    public let height: Int
    public let tileSize: Int
    public let halo: Int
    public let tiles: [Tile]

    /// Tiles of at most `tileSize` x `tileHeight` (default `tileSize`) interior pixels, spread evenly
    /// (so the last tile is not a sliver), each padded by `halo`.
    /// With `alignment` > 1, tile boundaries fall on multiples of it (and the halo should be one),
    /// so every padded region starts on the frame's grid (RLFN's ESA pools on a 6-pixel grid).
    /// With `columnBlock` > 1 (the width the model's kernels compute in whole units,
    /// `SRModel.tileColumnBlock`: the convolution micro-kernel's pixels per block for models that
    /// stream rows, a quad of F(4x4) tiles for plain nets run by Winograd, 48 pixels for RLFN), the
    /// columns are cut so that every padded width but the last is a whole number of blocks: the
    /// kernel computes whole blocks, so a 336-pixel strip costs 384 pixels' work with AVX-512's
    /// 64-pixel blocks. With `wholeLastColumn` (RLFN, whose blocks are whole cache lines rather than
    /// units of work) the last column's padded region reaches further left, into its neighbour's
    /// interior, which it reads and does not keep, until it too spans whole blocks (where that start
    /// stays on the grid). The tile count stays `width / tileSize` rounded up; interiors may then
    /// pass `tileSize` by less than a block. Blocks apply where the grid (`alignment`) divides both
    /// the block and the halo, so that the cuts stay on it.
    public init(
        width: Int, height: Int, tileSize: Int, tileHeight: Int? = nil, halo: Int, alignment: Int = 1,
        columnBlock: Int = 1, wholeLastColumn: Bool = false
    ) {
        let tileHeight = tileHeight ?? tileSize
        precondition(width > 0 && height > 0 && tileSize > 0 && tileHeight > 0 && halo >= 0, "invalid tile plan")
        self.width = width
        self.height = height
        self.tileSize = tileSize
        self.halo = halo
        let onBlocks = columnBlock > 1 && columnBlock % alignment == 0 && halo % alignment == 0
        let columns =
            onBlocks
            ? TilePlan.splitInBlocks(width, into: tileSize, halo: halo, block: columnBlock, alignment: alignment)
            : TilePlan.split(width, into: tileSize, alignment: alignment)
        let rows = TilePlan.split(height, into: tileHeight, alignment: alignment)
        // Each column's padded span, the same for every row of tiles.
        let paddedColumns = columns.map { x, w -> (x: Int, width: Int) in
            var px = max(0, x - halo)
            if wholeLastColumn && onBlocks && columns.count > 1 && x + w == width {
                let whole = width - (width - px + columnBlock - 1) / columnBlock * columnBlock
                if whole >= 0 && whole % alignment == 0 { px = whole }
            }
            return (px, min(width, x + w + halo) - px)
        }
        var tiles: [Tile] = []
        for (y, h) in rows {
            let py = max(0, y - halo), ph = min(height, y + h + halo) - py
            for ((x, w), padded) in zip(columns, paddedColumns) {
                tiles.append(
                    Tile(
                        interior: Rect(x: x, y: y, width: w, height: h),
                        padded: Rect(x: padded.x, y: py, width: padded.width, height: ph)))
            }
        }
        self.tiles = tiles
    }

    /// (start, length) segments covering 0..<length, as many as `split` makes, cut so that each
    /// segment but the last, padded by `halo` on the sides that have a neighbour, spans a whole number
    /// of `block`s (the blocks shared out as evenly as possible). Falls back to `split` (on `alignment`)
    /// when a segment would be no wider than the halo.
    static func splitInBlocks(_ length: Int, into size: Int, halo: Int, block: Int, alignment: Int = 1) -> [(Int, Int)] {
        let count = (length + size - 1) / size
        let evenly = { split(length, into: size, alignment: alignment) }
        guard count > 1 else { return evenly() }
        let padded = length + 2 * halo * (count - 1)
        let blocks = (padded + block - 1) / block
        var segments: [(Int, Int)] = [], start = 0
        for i in 0..<(count - 1) {
            let share = blocks / count + (i < blocks % count ? 1 : 0)
            let interior = share * block - halo * (i == 0 ? 1 : 2)
            guard interior > halo else { return evenly() }
            segments.append((start, interior))
            start += interior
        }
        guard length - start > halo else { return evenly() }
        return segments + [(start, length - start)]
    }

    /// (start, length) segments covering 0..<length, as equal as possible, none longer than `size`.
    static func split(_ length: Int, into size: Int, alignment: Int = 1) -> [(Int, Int)] {
        let count = (length + size - 1) / size
        let cuts = (0...count).map { i -> Int in
            guard i > 0 && i < count else { return i == 0 ? 0 : length }
            return min(length, (length * i / count + alignment / 2) / alignment * alignment)
        }
        return (0..<count).compactMap { i in cuts[i + 1] > cuts[i] ? (cuts[i], cuts[i + 1] - cuts[i]) : nil }
    }
}
