/// Winograd's minimal filtering for 3x3 convolutions, by output tile: F(2x2, 3x3), F(4x4, 3x3) or
/// F(6x6, 3x3) (Lavin and Gray 2016; F(4x4) with the points 0, ±1, ±2 and infinity, F(6x6) with 0,
/// ±1, ±2, ±1/2 and infinity, as ncnn and NNPACK use).
///
/// A tile of m x m output pixels comes from an (m+2) x (m+2) input patch, at (m+2)² multiply-adds per
/// input and output channel pair where the direct form needs 9m²: 2.25 times fewer for F(2x2) and 4
/// times fewer for F(4x4) and 5.06 times for F(6x6), whose transforms cost more per tile (and whose
/// larger constants, up to 8 and 32, round a little more: the tests hold all three to the direct
/// sum's 1e-4 relative bound). The filter transform G
/// is here, since weights are transformed in Swift once per layer; the input and output transforms
/// Bᵀ and Aᵀ run per tile in the C kernels (`winograd_transforms.h`, `winograd4_transforms.h`, `winograd6_transforms.h`).
public enum WinogradTile: Int, CaseIterable, Sendable, CustomStringConvertible {
    case f2 = 2
    case f4 = 4
    case f6 = 6

    /// Output pixels along each side of a tile.
    var size: Int { rawValue }
    /// Input pixels along each side of a tile's patch.
    var patch: Int { rawValue + 2 }
    /// Positions of the transform: one elementwise product per position.
    var positions: Int { patch * patch }

    /// The multiple of tiles a tile row is numbered up to (`rowTiles`). A transform call's 16 lanes
    /// may end one tile row and begin the next (`split`): F(6x6)'s at any tile, F(4x4)'s, whose lanes
    /// hold the tiles in quads (lane 4L + i: tile 4i + L), at whole quads; F(2x2)'s lie in one tile
    /// row, which is padded to whole groups of 16.
    private var rowTileMultiple: Int {
        switch self {
        case .f2: return 16
        case .f4: return 4
        case .f6: return 1
        }
    }

    /// Tiles a tile row is numbered up to, for rows of `tileColumns` tiles: the padding's tiles read
    /// zeros and are not stored. Rows of F(4x4) under 16 tiles take a whole group, so that no group
    /// spans more than two tile rows.
    func rowTiles(tileColumns: Int) -> Int {
        let rounded = (tileColumns + rowTileMultiple - 1) / rowTileMultiple * rowTileMultiple
        return self == .f4 ? max(16, rounded) : rounded
    }

    /// The output width that rows wider than 16 tiles compute in whole units (`rowTiles`): 32
    /// pixels for F(2x2), 16 for F(4x4), nil for F(6x6), which pads no rows.
    var rowGroupPixels: Int? { rowTileMultiple == 1 ? nil : rowTileMultiple * size }

    public var description: String { "F(\(size)x\(size), 3x3)" }

    /// The filter transform G (patch x 3): a position's weights are `G g Gᵀ`.
    var g: [[Float]] {
        switch self {
        case .f2: return [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        case .f4:
            return [
                [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
            ]
        case .f6:
            return [
                [1, 0, 0], [-2.0 / 9, -2.0 / 9, -2.0 / 9], [-2.0 / 9, 2.0 / 9, -2.0 / 9],
                [1.0 / 90, 1.0 / 45, 2.0 / 45], [1.0 / 90, -1.0 / 45, 2.0 / 45],
                [32.0 / 45, 16.0 / 45, 8.0 / 45], [32.0 / 45, -16.0 / 45, 8.0 / 45], [0, 0, 1],
            ]
        }
    }
}

/// A layer's filters transformed for one Winograd tile, in the micro-kernel's layout.
struct WinogradWeights: Sendable {
    let tile: WinogradTile
    /// [position][coBlock][inChannel][block output channels], zero past the last channel.
    let packed: [Float]
}
