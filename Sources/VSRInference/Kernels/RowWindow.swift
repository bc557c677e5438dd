/// A few consecutive rows of a multi-channel image, `capacity` rows per channel, that slide down
/// the image as a band-by-band computation moves on (`WinogradBandChain`): when the rows to write
/// reach past its end, the rows a later layer still reads are moved to the front and the rest of
/// the buffer is written afresh.
///
/// Views place image row y of channel c at `base + c * plane + y * width`, for the rows the window
/// holds, so that a kernel addresses a window as it would a whole tensor. The buffer has a guard of
/// `guardFloats` each side: the Winograd input transform reads whole 8- or 16-float blocks across a
/// row's edge (masking the columns outside the image), and the window's first and last rows have no
/// neighbour there.
final class RowWindow {
    /// A read-only view of channel planes `plane` floats apart.
    struct View {
        let base: UnsafePointer<Float>
        let plane: Int
    }

    /// A writable view of channel planes `plane` floats apart.
    struct MutableView {
        let base: UnsafeMutablePointer<Float>
        let plane: Int
    }

    let channels, width, capacity: Int
    /// Floats between two channels' rows: `capacity` rows and a cache line, so that the channels'
    /// rows do not all fall on the same 4 KiB offsets.
    let plane: Int
    /// The image row held in the buffer's first row.
    private(set) var origin: Int
    private let storage: UnsafeMutablePointer<Float>
    private static let guardFloats = 128

    init(channels: Int, width: Int, capacity: Int) {
        self.channels = channels
        self.width = width
        self.capacity = capacity
        plane = capacity * width + 16
        origin = 0
        let count = channels * plane + 2 * RowWindow.guardFloats
        storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    /// Row 0 of channel 0 of the buffer.
    private var rows: UnsafeMutablePointer<Float> { storage + RowWindow.guardFloats }

    /// Makes the window hold `rows` (at most `capacity` of them), keeping the values of those it
    /// held: when `rows` reach past its end, the window moves down, its rows from `rows.lowerBound`
    /// on moved to its front.
    func hold(_ rows: Range<Int>) {
        precondition(rows.count <= capacity, "a row window holds \(capacity) rows, asked for \(rows.count)")
        if rows.lowerBound < origin {
            // Nothing written yet above: the window starts afresh.
            origin = rows.lowerBound
            return
        }
        guard rows.upperBound > origin + capacity else { return }
        let shift = rows.lowerBound - origin
        if shift < capacity {
            let kept = (capacity - shift) * width
            for c in 0..<channels {
                let start = self.rows + c * plane
                start.update(from: start + shift * width, count: kept)
            }
        }
        origin = rows.lowerBound
    }

    var view: View { View(base: UnsafePointer(rows - origin * width), plane: plane) }
    var mutableView: MutableView { MutableView(base: rows - origin * width, plane: plane) }
}
