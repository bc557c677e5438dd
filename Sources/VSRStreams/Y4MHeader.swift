import VSRCore

/// The stream header of a YUV4MPEG2 (y4m) file: `YUV4MPEG2 W320 H180 F25:1 Ip A1:1 C420jpeg ...`.
///
/// Parsing honours W, H, F (frame rate), I (interlacing: p, t, b and ?; m, mixed per frame, is
/// refused), A (sample
/// aspect ratio), C (chroma layout and bit depth) and X (`XCOLORRANGE=FULL|LIMITED`; other X tags are
/// kept and written back out). Every problem is reported with what was found and what was expected.
public struct Y4MHeader: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var sampleAspectRatio: Rational
    public var format: PixelFormat
    /// Where 4:2:0 chroma sits: C420jpeg (center), C420mpeg2 (left), C420paldv (top left).
    public var chromaLocation: ChromaLocation
    public var range: ColorRange
    /// X tags other than XCOLORRANGE and XYSCSS, without the leading X, in their order.
    public var extensions: [String]
    /// `Ip` (and `I?`, read as progressive), `It` or `Ib`.
    public var fieldOrder: FieldOrder = .progressive

    public static let magic = "YUV4MPEG2"
    /// The chroma tags understood, and the format each means.
    static let chromaTags: [(tag: String, format: PixelFormat, location: ChromaLocation)] = [
        ("420jpeg", .yuv420p, .center), ("420", .yuv420p, .center), ("420mpeg2", .yuv420p, .left),
        ("420paldv", .yuv420p, .topLeft), ("422", .yuv422p, .unspecified), ("444", .yuv444p, .unspecified),
        ("mono", .gray, .unspecified), ("420p10", .yuv420p10le, .center), ("422p10", .yuv422p10le, .unspecified),
        ("444p10", .yuv444p10le, .unspecified), ("mono10", .gray10le, .unspecified),
        ("444alpha", .yuva444p, .unspecified), ("420p12", .yuv420p12le, .center), ("422p12", .yuv422p12le, .unspecified),
        ("444p12", .yuv444p12le, .unspecified), ("mono12", .gray12le, .unspecified),
    ]

    /// True when a y4m header can state `format` (of the alpha formats, only 4:4:4 8-bit: C444alpha).
    public static func holds(_ format: PixelFormat) -> Bool { !format.hasAlpha || format == .yuva444p }

    public init(
        width: Int, height: Int, frameRate: Rational, sampleAspectRatio: Rational, format: PixelFormat,
        chromaLocation: ChromaLocation = .unspecified, range: ColorRange = .unspecified,
        extensions: [String] = []
    ) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.sampleAspectRatio = sampleAspectRatio
        self.format = format
        self.chromaLocation = chromaLocation
        self.range = range
        self.extensions = extensions
    }

    /// Parses the header line (without its newline). `source` names the input in errors.
    public init(line: [UInt8], source: String) throws {
        func bad(_ reason: String) -> VSRError { .invalidInput(path: source, reason: "bad y4m header: \(reason)") }
        let text = String(decoding: line, as: UTF8.self)
        var fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.first == Self.magic else {
            let found = String(text.prefix(16).map { $0.isASCII && !$0.isNewline && ($0.asciiValue ?? 0) >= 32 ? $0 : "." })
            throw bad("found '\(found)', expected it to start with '\(Self.magic)'")
        }
        fields.removeFirst()
        var width: Int?, height: Int?, rate: Rational?
        var aspect = Rational(0, 1), chroma = ("420jpeg", PixelFormat.yuv420p, ChromaLocation.center)
        var range = ColorRange.unspecified, extensions: [String] = []
        var fieldOrder = FieldOrder.progressive
        for field in fields {
            let value = String(field.dropFirst())
            switch field.first! {
            case "W":
                width = Int(value)
                guard let w = width, w > 0 else { throw bad("found W'\(value)', expected a positive width") }
            case "H":
                height = Int(value)
                guard let h = height, h > 0 else { throw bad("found H'\(value)', expected a positive height") }
            case "F":
                guard let r = Self.ratio(value), r.num > 0, r.den > 0 else {
                    throw bad("found F'\(value)', expected a frame rate such as F30000:1001")
                }
                rate = r
            case "A":
                guard let r = Self.ratio(value), r.num >= 0, r.den >= 0 else {
                    throw bad("found A'\(value)', expected a sample aspect ratio such as A1:1 (A0:0 if unknown)")
                }
                aspect = r.num == 0 || r.den == 0 ? Rational(0, 1) : r
            case "I":
                switch value {
                case "p", "?": break
                case "t": fieldOrder = .topFieldFirst
                case "b": fieldOrder = .bottomFieldFirst
                case "m":
                    throw VSRError.invalidInput(
                        path: source,
                        reason:
                            "y4m with mixed interlacing (Im, flagged per frame) is not supported; deinterlace first (e.g. ffmpeg -vf bwdif)"
                    )
                default: throw bad("found I'\(value)', expected Ip, It, Ib or I?")
                }
            case "C":
                guard let known = Self.chromaTags.first(where: { $0.tag == value }) else {
                    throw bad("found C'\(value)', expected one of " + Self.chromaTags.map { "C" + $0.tag }.joined(separator: ", "))
                }
                chroma = known
            case "X":
                if value.hasPrefix("COLORRANGE=") {
                    switch value.dropFirst("COLORRANGE=".count) {
                    case "FULL": range = .full
                    case "LIMITED": range = .limited
                    default: break
                    }
                } else if !value.hasPrefix("YSCSS=") {
                    extensions.append(value)
                }
            default:
                throw bad("found unknown tag '\(field)', expected W, H, F, I, A, C or X tags")
            }
        }
        guard let width, let height else { throw bad("found no \(width == nil ? "W (width)" : "H (height)") tag") }
        guard let rate else { throw bad("found no F (frame rate) tag") }
        guard FrameSizeLimit.accepts(width: width, height: height) else {
            throw VSRError.invalidInput(path: source, reason: FrameSizeLimit.refusal(width: width, height: height))
        }
        self.init(
            width: width, height: height, frameRate: rate, sampleAspectRatio: aspect, format: chroma.1,
            chromaLocation: chroma.2, range: range, extensions: extensions)
        self.fieldOrder = fieldOrder
    }

    /// The header line, newline included.
    public var line: String {
        var tag: String
        switch format {
        case .yuv420p:
            tag = chromaLocation == .left ? "420mpeg2" : chromaLocation == .topLeft ? "420paldv" : "420jpeg"
        case .yuv422p: tag = "422"
        case .yuv444p: tag = "444"
        case .gray: tag = "mono"
        case .yuv420p10le: tag = "420p10"
        case .yuv422p10le: tag = "422p10"
        case .yuv444p10le: tag = "444p10"
        case .gray10le: tag = "mono10"
        case .yuva444p: tag = "444alpha"
        case .yuv420p12le: tag = "420p12"
        case .yuv422p12le: tag = "422p12"
        case .yuv444p12le: tag = "444p12"
        case .gray12le: tag = "mono12"
        case .yuva420p, .yuva422p, .yuva420p10le, .yuva422p10le, .yuva444p10le:
            preconditionFailure("y4m has no tag for \(format.rawValue); check Y4MHeader.holds first")
        }
        let aspect =
            sampleAspectRatio.num > 0 && sampleAspectRatio.den > 0
            ? "\(sampleAspectRatio.num):\(sampleAspectRatio.den)" : "0:0"
        var fields = [
            Self.magic, "W\(width)", "H\(height)", "F\(frameRate.num):\(frameRate.den)",
            "Ip", "A\(aspect)", "C\(tag)", "XYSCSS=\(tag.uppercased())",
        ]
        if range == .full { fields.append("XCOLORRANGE=FULL") } else if range == .limited { fields.append("XCOLORRANGE=LIMITED") }
        fields += extensions.map { "X" + $0 }
        return fields.joined(separator: " ") + "\n"
    }

    private static func ratio(_ text: String) -> Rational? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]) else { return nil }
        return Rational(n, d)
    }
}
