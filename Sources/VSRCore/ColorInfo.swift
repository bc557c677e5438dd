/// Colour description of a stream, carried from the decoder to the encoder unchanged.
///
/// Primaries, transfer and matrix hold ITU-T H.273 code points (which FFmpeg's `AVColorPrimaries`,
/// `AVColorTransferCharacteristic` and `AVColorSpace` use too); 2 means unspecified.
public struct ColorInfo: Sendable, Equatable, Codable {
    public var primaries: Int32
    public var transfer: Int32
    public var matrix: Int32
    public var range: ColorRange
    public var chromaLocation: ChromaLocation

    public init(
        primaries: Int32 = 2, transfer: Int32 = 2, matrix: Int32 = 2,
        range: ColorRange = .unspecified, chromaLocation: ChromaLocation = .unspecified
    ) {
        self.primaries = primaries
        self.transfer = transfer
        self.matrix = matrix
        self.range = range
        self.chromaLocation = chromaLocation
    }
}

/// Sample value range; raw values equal FFmpeg's `AVColorRange`.
public enum ColorRange: Int32, Sendable, Codable {
    case unspecified = 0, limited = 1, full = 2
}

/// Where chroma samples sit relative to luma; raw values equal FFmpeg's `AVChromaLocation`.
public enum ChromaLocation: Int32, Sendable, Codable {
    case unspecified = 0, left = 1, center = 2, topLeft = 3, top = 4, bottomLeft = 5, bottom = 6
}
