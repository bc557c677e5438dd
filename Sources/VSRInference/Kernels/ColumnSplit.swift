/// A row's even columns followed by its odd ones, for the stride-2 convolution
/// (`DirectConvolution.runStrided`): column 2i goes to i, column 2i + 1 to `oddOffset + i`, so that
/// a stride-2 tap reads consecutive floats, as the micro-kernel loads them.
struct ColumnSplit {
    /// Columns of a source row.
    let width: Int
    /// Where the odd half starts, at or past the even half's `(width + 1) / 2` columns.
    let oddOffset: Int

    /// Splits one row of `width` floats into `out`; writes nothing past either half's columns.
    @inline(__always)
    func split(_ row: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let odd = out + oddOffset
        var i = 0
        // 32 columns at a time through two 16-lane vectors' even and odd halves.
        while 2 * i + 32 <= width {
            let raw = UnsafeRawPointer(row + 2 * i)
            let a = raw.loadUnaligned(as: SIMD16<Float>.self), b = raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: SIMD16(lowHalf: a.evenHalf, highHalf: b.evenHalf), as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(odd + i).storeBytes(of: SIMD16(lowHalf: a.oddHalf, highHalf: b.oddHalf), as: SIMD16<Float>.self)
            i += 16
        }
        while 2 * i + 1 < width {
            out[i] = row[2 * i]
            odd[i] = row[2 * i + 1]
            i += 1
        }
        if 2 * i < width { out[i] = row[2 * i] }
    }
}
