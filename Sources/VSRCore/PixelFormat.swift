/// The planar pixel formats vsr processes natively. Every other input format is converted to the
/// nearest of these when decoded (see `PixelFormat.nearest(...)` in VSRMedia).
public enum PixelFormat: String, CaseIterable, Sendable, Codable {
    case yuv420p, yuv422p, yuv444p
    case yuv420p10le, yuv422p10le, yuv444p10le
    case gray, gray10le
    case yuv420p12le, yuv422p12le, yuv444p12le, gray12le
    /// With an alpha (transparency) plane after V, at the luma's size.
    case yuva420p, yuva422p, yuva444p
    case yuva420p10le, yuva422p10le, yuva444p10le

    /// Bits per sample: 8, 10 or 12.
    public var bitDepth: Int {
        switch self {
        case .yuv420p, .yuv422p, .yuv444p, .gray, .yuva420p, .yuva422p, .yuva444p: return 8
        case .yuv420p10le, .yuv422p10le, .yuv444p10le, .gray10le, .yuva420p10le, .yuva422p10le, .yuva444p10le: return 10
        case .yuv420p12le, .yuv422p12le, .yuv444p12le, .gray12le: return 12
        }
    }

    /// Bytes per stored sample: 1 for 8-bit, 2 (little-endian) for 10- and 12-bit.
    public var bytesPerSample: Int { bitDepth > 8 ? 2 : 1 }

    /// The largest sample value, `2^bitDepth - 1`.
    public var maxSampleValue: Int { (1 << bitDepth) - 1 }

    /// True for luma-only formats.
    public var isGray: Bool { self == .gray || self == .gray10le || self == .gray12le }

    /// True for the formats with an alpha plane (the fourth).
    public var hasAlpha: Bool {
        switch self {
        case .yuva420p, .yuva422p, .yuva444p, .yuva420p10le, .yuva422p10le, .yuva444p10le: return true
        default: return false
        }
    }

    /// Number of planes: 1 for gray, 3 for YUV, 4 with alpha.
    public var planeCount: Int { isGray ? 1 : hasAlpha ? 4 : 3 }

    /// The same layout without its alpha plane.
    public var withoutAlpha: PixelFormat {
        switch self {
        case .yuva420p: return .yuv420p
        case .yuva422p: return .yuv422p
        case .yuva444p: return .yuv444p
        case .yuva420p10le: return .yuv420p10le
        case .yuva422p10le: return .yuv422p10le
        case .yuva444p10le: return .yuv444p10le
        default: return self
        }
    }

    /// The same layout with an alpha plane (gray becomes 4:4:4; 12-bit becomes 10-bit, as vsr has
    /// no 12-bit formats with alpha).
    public var withAlpha: PixelFormat {
        switch self {
        case .yuv420p12le, .yuv422p12le, .yuv444p12le, .gray12le: return withBitDepth(10).withAlpha
        case .yuv420p: return .yuva420p
        case .yuv422p: return .yuva422p
        case .yuv444p, .gray: return .yuva444p
        case .yuv420p10le: return .yuva420p10le
        case .yuv422p10le: return .yuva422p10le
        case .yuv444p10le, .gray10le: return .yuva444p10le
        default: return self
        }
    }

    /// log2 of the horizontal and vertical chroma subsampling factors.
    public var chromaShift: (x: Int, y: Int) {
        switch self {
        case .yuv420p, .yuv420p10le, .yuv420p12le, .yuva420p, .yuva420p10le: return (1, 1)
        case .yuv422p, .yuv422p10le, .yuv422p12le, .yuva422p, .yuva422p10le: return (1, 0)
        case .yuv444p, .yuv444p10le, .yuv444p12le, .gray, .gray10le, .gray12le, .yuva444p, .yuva444p10le: return (0, 0)
        }
    }

    /// The size of plane `index` for a picture of `width` x `height`. Chroma sizes round up, as in
    /// FFmpeg (`AV_CEIL_RSHIFT`), so odd picture sizes keep their last column and row; alpha (plane
    /// 3) is the luma's size.
    public func planeSize(_ index: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        guard index > 0, index < 3 else { return (width, height) }
        let shift = chromaShift
        return ((width + (1 << shift.x) - 1) >> shift.x, (height + (1 << shift.y) - 1) >> shift.y)
    }

    /// The same chroma layout at another bit depth.
    /// Depths over 10 give 12 bits (with alpha: 10).
    public func withBitDepth(_ depth: Int) -> PixelFormat {
        let tenBit = depth > 8, twelveBit = depth > 10
        if hasAlpha { return withoutAlpha.withBitDepth(min(depth, 10)).withAlpha }
        switch self {
        case .yuv420p, .yuv420p10le, .yuv420p12le: return twelveBit ? .yuv420p12le : tenBit ? .yuv420p10le : .yuv420p
        case .yuv422p, .yuv422p10le, .yuv422p12le: return twelveBit ? .yuv422p12le : tenBit ? .yuv422p10le : .yuv422p
        case .yuv444p, .yuv444p10le, .yuv444p12le: return twelveBit ? .yuv444p12le : tenBit ? .yuv444p10le : .yuv444p
        case .gray, .gray10le, .gray12le: return twelveBit ? .gray12le : tenBit ? .gray10le : .gray
        default: return self
        }
    }
}
