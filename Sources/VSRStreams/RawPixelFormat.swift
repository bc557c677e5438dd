import VSRCore

/// Pixel formats of headerless rawvideo: vsr's planar formats, plus packed rgb24, which is converted
/// to and from yuv444p with BT.601 limited-range coefficients (what FFmpeg assumes for RGB).
public enum RawPixelFormat: Equatable, Sendable, CustomStringConvertible {
    case planar(PixelFormat)
    case rgb24

    /// Parses an FFmpeg-style name: yuv420p, yuv420p10le, gray, rgb24, ...
    public init?(name: String) {
        if name == "rgb24" { self = .rgb24 } else if let format = PixelFormat(rawValue: name) { self = .planar(format) } else { return nil }
    }

    public static var names: [String] { PixelFormat.allCases.map(\.rawValue) + ["rgb24"] }

    public var description: String {
        switch self {
        case .planar(let format): return format.rawValue
        case .rgb24: return "rgb24"
        }
    }

    /// The planar format frames have inside vsr.
    public var planarFormat: PixelFormat {
        switch self {
        case .planar(let format): return format
        case .rgb24: return .yuv444p
        }
    }

    /// The colour description frames in this format carry: RGB becomes BT.601 limited-range YUV.
    var impliedColor: ColorInfo {
        self == .rgb24 ? ColorInfo(primaries: 2, transfer: 2, matrix: 6, range: .limited) : ColorInfo()
    }

    /// Bytes in one frame of `width` x `height`.
    func frameBytes(width: Int, height: Int) -> Int {
        switch self {
        case .planar(let format): return FrameLayout(format: format, width: width, height: height).frameBytes
        case .rgb24: return width * height * 3
        }
    }

    static let rgbMatrix = ColorMatrix(color: ColorInfo(matrix: 6, range: .limited), height: 0, bitDepth: 8)

    /// Packed RGB to yuv444p planes.
    static func planes(fromRGB rgb: [UInt8], width: Int, height: Int) -> [Plane] {
        var y = Plane(width: width, height: height, bitDepth: 8), u = y, v = y
        for i in 0..<(width * height) {
            let (luma, cb, cr) = rgbMatrix.ycbcr(r: Float(rgb[3 * i]), g: Float(rgb[3 * i + 1]), b: Float(rgb[3 * i + 2]))
            y.bytes[i] = codeValue(luma)
            u.bytes[i] = codeValue(cb)
            v.bytes[i] = codeValue(cr)
        }
        return [y, u, v]
    }

    /// yuv444p planes to packed RGB.
    static func rgb(fromPlanes planes: [Plane]) -> [UInt8] {
        let count = planes[0].width * planes[0].height
        var rgb = [UInt8](repeating: 0, count: count * 3)
        for i in 0..<count {
            let (r, g, b) = rgbMatrix.rgb(y: Float(planes[0].bytes[i]), cb: Float(planes[1].bytes[i]), cr: Float(planes[2].bytes[i]))
            rgb[3 * i] = codeValue(r)
            rgb[3 * i + 1] = codeValue(g)
            rgb[3 * i + 2] = codeValue(b)
        }
        return rgb
    }

    private static func codeValue(_ value: Float) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
}
