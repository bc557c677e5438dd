/// The largest frame any reader accepts. Headers claiming more are refused before a frame buffer,
/// a decoder or an upscaler is allocated, so a hostile header cannot make vsr ask for gigabytes.
public enum FrameSizeLimit {
    /// 8192 x 8192 pixels (67 MP): 8K UHD (7680x4320) and DCI 8K (8192x4320) fit.
    public static let maxPixels = 8192 * 8192
    /// The longest side accepted (with the pixel limit, e.g. 16384 x 4096).
    public static let maxSide = 16384

    /// True for a size within both limits (sides are checked first, so the product cannot overflow).
    public static func accepts(width: Int, height: Int) -> Bool {
        width > 0 && height > 0 && width <= maxSide && height <= maxSide && width * height <= maxPixels
    }

    /// "frame size WxH is over the limit of ...", for error messages.
    public static func refusal(width: Int, height: Int) -> String {
        "frame size \(width)x\(height) is over the limit of \(maxPixels) pixels (8192x8192, sides up to \(maxSide))"
    }
}
