/// A few consecutive rows of a multi-channel image, `capacity` rows per channel, kept as a ring as
/// a band-by-band computation moves down the image (`WinogradBandChain`): image row y lives in the
/// buffer's row y mod `capacity`, so that moving on overwrites the rows no later layer reads and
/// moves none. (Sliding the rows a later layer still reads to the front of the buffer, band after
/// band, had copied 7 of every 12 rows written: about 5% of repsr-y-x2's time at 960x540 on one
/// thread, AMD EPYC Zen 4.)
///
/// A view of a few of its rows places image row y of channel c at `base + c * plane +
/// placement.offset(row: y, width:)`, so that a kernel addresses a window as it would a whole
/// tensor, turning back to the buffer's first row where the ring wraps. The buffer has a guard of
/// `guardFloats` each side: the Winograd input transform reads whole 8- or 16-float blocks across a
/// row's edge (masking the columns outside the image), and the buffer's first and last rows have no
/// neighbour there.
final class RowWindow {
    /// Where a view's image rows lie in each channel's plane: row y at row y - `firstRow`, and in a
    /// ring of `ringRows` rows (0: none), `ringRows` rows earlier from row `firstRow + ringRows` on.
    struct Placement {
        var firstRow = 0
        var ringRows = 0

        /// A whole tensor's rows: row y at y.
        static let linear = Placement()

        /// Floats from a plane's start to image row `y`'s, rows `width` floats long.
        @inline(__always)
        func offset(row y: Int, width: Int) -> Int {
            let row = y - firstRow
            return (ringRows > 0 && row >= ringRows ? row - ringRows : row) * width
        }
    }

    /// A read-only view of channel planes `plane` floats apart.
    struct View {
        let base: UnsafePointer<Float>
        let plane: Int
        var placement = Placement.linear
    }

    /// A writable view of channel planes `plane` floats apart.
    struct MutableView {
        let base: UnsafeMutablePointer<Float>
        let plane: Int
        var placement = Placement.linear
    }

    let capacity: Int
    /// Floats between two channels' rows: `capacity` rows and a cache line, so that the channels'
    /// rows do not all fall on the same 4 KiB offsets.
    let plane: Int
    private let storage: UnsafeMutablePointer<Float>
    private static let guardFloats = 128

    init(channels: Int, width: Int, capacity: Int) {
        self.capacity = capacity
        plane = capacity * width + 16
        let count = channels * plane + 2 * RowWindow.guardFloats
        storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    /// Row 0 of channel 0 of the buffer.
    private var rows: UnsafeMutablePointer<Float> { storage + RowWindow.guardFloats }

    /// Where `rows` (at most `capacity` consecutive ones; those above the image, negative, are
    /// never read) lie. The caller keeps each row it reads unwritten since it was written: at most
    /// `capacity` rows are live at once.
    private func placement(_ rows: Range<Int>) -> Placement {
        precondition(rows.count <= capacity, "a row window holds \(capacity) rows, asked for \(rows.count)")
        let first = max(0, rows.lowerBound)
        return Placement(firstRow: first - first % capacity, ringRows: capacity)
    }

    /// The window's `rows`, to read.
    func view(rows: Range<Int>) -> View { View(base: UnsafePointer(self.rows), plane: plane, placement: placement(rows)) }

    /// The window's `rows`, to write.
    func mutableView(rows: Range<Int>) -> MutableView { MutableView(base: self.rows, plane: plane, placement: placement(rows)) }
}
