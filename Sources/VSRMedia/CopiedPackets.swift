import CFFmpeg
import Foundation

/// The hand-over of the streams vsr copies without re-encoding (audio, subtitles, data): the reader
/// moves each of their packets in here on the decode thread, and the writer takes them out on the
/// encode thread before each video frame and at the end. The lock is the only thing the two threads
/// share; each packet has one owner at a time (reader's `Packet` -> here -> writer).
final class CopiedPackets: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [Packet] = []
    /// Input stream indexes whose packets are kept; set by the writer before the pipeline starts.
    private var wanted: Set<Int32> = []

    func keep(streams: Set<Int32>) {
        lock.withLock { wanted = streams }
    }

    /// Per stream, the last packet the demuxer marked to be discarded before the stream's first
    /// presented one; nil once that one came.
    private var preRoll: [Int32: Packet] = [:]
    private var presenting: Set<Int32> = []

    /// Takes `packet`'s payload (leaving it blank) if its stream is wanted. Of the packets the demuxer
    /// marks to be discarded (before an MP4 edit list's start: never presented), only the last one
    /// before the stream's first presented packet is kept, as its decoder's pre-roll (AAC's priming
    /// frame): kept whole, a cut's discarded second of audio would start the audio a second before
    /// the video, and Matroska, which holds no negative timestamps, would shift every stream by it.
    func put(_ packet: Packet) {
        lock.withLock {
            let stream = packet.streamIndex
            guard wanted.contains(stream) else { return }
            let owned = Packet()
            av_packet_move_ref(owned.pointer, packet.pointer)
            if owned.pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 {
                if !presenting.contains(stream) { preRoll[stream] = owned }
                return
            }
            if presenting.insert(stream).inserted, let first = preRoll.removeValue(forKey: stream) { waiting.append(first) }
            waiting.append(owned)
        }
    }

    /// Every packet put so far, in file order; the caller owns them.
    func takeAll() -> [Packet] {
        lock.withLock {
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }
}
