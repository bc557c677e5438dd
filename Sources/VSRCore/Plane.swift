/// One image plane: `width` x `height` samples of `bitDepth` bits, stored tightly packed
/// (row stride == width) as 1 byte per sample for 8-bit and 2 little-endian bytes above 8 bits.
///
/// A plane is a value: it is moved from stage to stage and owned by one stage at a time. The tight
/// layout keeps conversion to and from FFmpeg frames a row copy and the tensor code simple.
public struct Plane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bitDepth: Int
    /// The samples, row after row.
    public var bytes: [UInt8]

    public var bytesPerSample: Int { bitDepth > 8 ? 2 : 1 }
    /// Bytes per row.
    public var rowBytes: Int { width * bytesPerSample }
    public var maxSampleValue: Int { (1 << bitDepth) - 1 }

    /// A plane filled with `value`.
    public init(width: Int, height: Int, bitDepth: Int, filledWith value: Int = 0) {
        precondition(width > 0 && height > 0, "a plane needs a positive size")
        precondition(bitDepth >= 1 && bitDepth <= 16, "bit depth must be 1...16")
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        let count = width * height
        if bitDepth > 8 {
            let lo = UInt8(truncatingIfNeeded: value), hi = UInt8(truncatingIfNeeded: value >> 8)
            var storage = [UInt8](repeating: lo, count: count * 2)
            if hi != lo { for i in stride(from: 1, to: count * 2, by: 2) { storage[i] = hi } }
            bytes = storage
        } else {
            bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: value), count: count)
        }
    }

    /// A plane over existing bytes; `bytes.count` must be `width * height * bytesPerSample`.
    public init(width: Int, height: Int, bitDepth: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * (bitDepth > 8 ? 2 : 1), "plane byte count mismatch")
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.bytes = bytes
    }

    /// The sample at column `x`, row `y`. For tests and slow paths; kernels work on `bytes` directly.
    public subscript(x: Int, y: Int) -> Int {
        get {
            let i = (y * width + x) * bytesPerSample
            return bitDepth > 8 ? Int(bytes[i]) | Int(bytes[i + 1]) << 8 : Int(bytes[i])
        }
        set {
            let i = (y * width + x) * bytesPerSample
            bytes[i] = UInt8(truncatingIfNeeded: newValue)
            if bitDepth > 8 { bytes[i + 1] = UInt8(truncatingIfNeeded: newValue >> 8) }
        }
    }

    /// The mean sample value.
    public func mean() -> Double {
        var sum = 0
        for y in 0..<height { for x in 0..<width { sum += self[x, y] } }
        return Double(sum) / Double(width * height)
    }
}

extension Plane {
    /// The `width` x `height` part whose top-left sample is at (`x`, `y`).
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> Plane {
        precondition(x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height, "crop outside the plane")
        let rowBytes = width * bytesPerSample
        var bytes = [UInt8]()
        bytes.reserveCapacity(rowBytes * height)
        for row in y..<(y + height) {
            let start = row * self.rowBytes + x * bytesPerSample
            bytes.append(contentsOf: self.bytes[start..<(start + rowBytes)])
        }
        return Plane(width: width, height: height, bitDepth: bitDepth, bytes: bytes)
    }
}

extension Plane {
    /// This plane grown to `width` x `height` by repeating its last column and row (what an encoder
    /// that needs even sizes sees as an invisible edge).
    public func padded(toWidth width: Int, height: Int) -> Plane {
        precondition(width >= self.width && height >= self.height, "padding cannot shrink a plane")
        let size = bytesPerSample, sourceRow = rowBytes, targetRow = width * size
        var bytes = [UInt8](repeating: 0, count: targetRow * height)
        for row in 0..<height {
            let from = min(row, self.height - 1) * sourceRow, to = row * targetRow
            bytes.replaceSubrange(to..<(to + sourceRow), with: self.bytes[from..<(from + sourceRow)])
            let last = self.bytes[(from + sourceRow - size)..<(from + sourceRow)]
            for column in self.width..<width {
                bytes.replaceSubrange((to + column * size)..<(to + column * size + size), with: last)
            }
        }
        return Plane(width: width, height: height, bitDepth: bitDepth, bytes: bytes)
    }
}
