import VSRCore

/// Plane samples to floats and back, in bulk over the plane's bytes (the loops vectorize; a
/// subscript per sample cost about 7% of a 540p frame with the default model).
enum PlaneConversion {
    /// Every sample times `scale`, row after row.
    static func floats(_ plane: Plane, scale: Float) -> [Float] {
        let count = plane.width * plane.height
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            plane.bytes.withUnsafeBufferPointer { bytes in
                if plane.bitDepth > 8 {
                    for i in 0..<count { out[i] = Float(UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8) * scale }
                } else {
                    for i in 0..<count { out[i] = Float(bytes[i]) * scale }
                }
            }
            initialized = count
        }
    }

    /// `count` samples from `values` times `scale`, clamped to the bit depth's range and rounded to
    /// nearest (halves up: the values are non-negative after the clamp, so this is
    /// `Float.rounded()`), into `samples`: bytes up to 8 bits, little-endian pairs above.
    static func store(_ values: UnsafePointer<Float>, count: Int, scale: Float, bitDepth: Int, into samples: UnsafeMutableRawPointer) {
        let maximum = Float((1 << bitDepth) - 1), out = samples.assumingMemoryBound(to: UInt8.self)
        if bitDepth > 8 {
            for i in 0..<count {
                let sample = UInt16(min(max(values[i] * scale, 0), maximum) + 0.5)
                out[2 * i] = UInt8(truncatingIfNeeded: sample)
                out[2 * i + 1] = UInt8(truncatingIfNeeded: sample >> 8)
            }
        } else {
            for i in 0..<count { out[i] = UInt8(min(max(values[i] * scale, 0), maximum) + 0.5) }
        }
    }
}
