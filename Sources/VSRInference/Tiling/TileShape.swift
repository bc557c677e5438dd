/// The interior size of tiles of at most `tileSize` x `tileSize` pixels each (what bounds a tile's
/// tensors), shaped to recompute the fewest halo pixels, for models whose halo is a large share of
/// a tile (RLFN's `SRModel.tilePlan`). A 960x540 frame in tiles of 512 becomes two 480x540 tiles
/// (996 x 540 padded pixels with RLFN's 18-pixel halo) rather than four 480x270 (996 x 576): RLFN-S
/// x2 2049-2052 against 2151-2163 ms on one thread, columns cut evenly in both (`vsr-kernel-bench
/// model --tile`, AMD EPYC Zen 4, AVX-512, two rounds), the whole frame 1764-1809. Plain nets keep
/// square tiles: their halo is under 2% of a 1024 tile's side, and two 960x1080 tiles instead of
/// four 960x540 would double each layer's tensor (max RSS of `vsr upscale` with repsr-y-x2-quality,
/// 8 frames of 1920x1080 to y4m, 745 -> 800 MB).
public enum TileShape {
    /// Columns and rows of equal tiles, from one column up: the shape whose padded tiles cover the
    /// fewest pixels, each interior at most `tileSize`² pixels and no side under half `tileSize`
    /// (or the frame's side, if shorter), so that no tile is a sliver; ties go to fewer tiles.
    public static func fewestPaddedPixels(width: Int, height: Int, tileSize: Int, halo: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && tileSize > 0 && halo >= 0, "invalid tile shape")
        let area = tileSize * tileSize
        let shortestWidth = min(width, max(1, tileSize / 2)), shortestHeight = min(height, max(1, tileSize / 2))
        var best: (pixels: Int, tiles: Int, width: Int, height: Int)?
        var columns = 1
        while true {
            let tileWidth = (width + columns - 1) / columns
            if tileWidth < shortestWidth { break }
            let tallest = min(height, area / tileWidth)
            if tallest >= shortestHeight {
                let rows = (height + tallest - 1) / tallest
                let pixels = (width + 2 * halo * (columns - 1)) * (height + 2 * halo * (rows - 1))
                if best.map({ pixels < $0.pixels || (pixels == $0.pixels && columns * rows < $0.tiles) }) ?? true {
                    best = (pixels, columns * rows, tileWidth, (height + rows - 1) / rows)
                }
            }
            if tileWidth == 1 { break }
            columns += 1
        }
        // None qualified (only a frame far wider than a tile's area is long can lack one): one
        // column of rows as tall as the area allows.
        guard let best else { return (width, max(1, min(height, area / width))) }
        return (best.width, best.height)
    }
}
