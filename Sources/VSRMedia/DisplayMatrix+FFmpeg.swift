import CFFmpeg
import VSRCore

extension DisplayMatrix {
    /// The matrix a stream carries as side data, or nil.
    init?(stream: UnsafeMutablePointer<AVStream>) {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else { return nil }
        let values = data.withMemoryRebound(to: Int32.self, capacity: 9) { Array(UnsafeBufferPointer(start: $0, count: 9)) }
        self.init(values: values)
    }

    /// Degrees a player turns the picture clockwise, in [0, 360), rounded as ffmpeg's autorotation
    /// reads it (`get_rotation` in fftools).
    public var clockwiseRotation: Double {
        var theta = values.withUnsafeBufferPointer { -av_display_rotation_get($0.baseAddress!).rounded() }
        if theta.isNaN { return 0 }
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        return theta
    }

    /// True when the determinant is negative: the picture is mirrored as well as turned.
    public var isMirrored: Bool { Int64(values[0]) * Int64(values[4]) - Int64(values[1]) * Int64(values[3]) < 0 }

    /// "shown turned 90° clockwise", "shown turned 90° counter-clockwise and mirrored", "upright".
    public var summary: String {
        let turn = Int(clockwiseRotation.rounded())
        let angle = turn > 180 ? "\(360 - turn)° counter-clockwise" : "\(turn)° clockwise"
        let parts = [turn != 0 ? "shown turned \(angle)" : nil, isMirrored ? "mirrored" : nil].compactMap { $0 }
        return parts.isEmpty ? "upright" : parts.joined(separator: " and ")
    }

    /// True when the matrix does nothing to the picture.
    public var isIdentity: Bool { filterChain == [] }

    /// libavfilter filters that turn stored frames into what a player shows: ffmpeg's own
    /// autorotation (fftools/ffmpeg_filter.c), so vsr's frames match `ffmpeg -i`'s. Empty when the
    /// matrix is upright; `rotate` for angles other than multiples of 90.
    public var filterChain: [String] {
        let theta = clockwiseRotation
        let m = values
        if abs(theta - 90) < 1 { return [m[3] > 0 ? "transpose=cclock_flip" : "transpose=clock"] }
        if abs(theta - 180) < 1 { return (m[0] < 0 ? ["hflip"] : []) + (m[4] < 0 ? ["vflip"] : []) }
        if abs(theta - 270) < 1 { return [m[3] < 0 ? "transpose=clock_flip" : "transpose=cclock"] }
        if abs(theta) > 1 { return ["rotate=\(theta)*PI/180"] }
        return m[4] < 0 ? ["vflip"] : []
    }

    /// Copies the matrix onto an output stream as side data.
    func attach(to stream: UnsafeMutablePointer<AVStream>) throws {
        guard let data = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 36) else {
            throw VSRError.processing("out of memory for a display matrix")
        }
        data.withMemoryRebound(to: Int32.self, capacity: 9) { target in
            for (index, value) in values.enumerated() { target[index] = value }
        }
    }
}
