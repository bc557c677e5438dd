/// A stream's display matrix (ISO/IEC 14496-12 `tkhd`, FFmpeg's `AV_PKT_DATA_DISPLAYMATRIX`): how a
/// player turns and mirrors the stored picture, as phones record it. Nine 16.16 / 2.30 fixed-point
/// values, row-major, exactly as the container holds them (VSRMedia reads the angle from them).
public struct DisplayMatrix: Sendable, Equatable {
    public let values: [Int32]

    public init?(values: [Int32]) {
        guard values.count == 9 else { return nil }
        self.values = values
    }
}
