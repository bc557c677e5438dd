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

    /// Takes `packet`'s payload (leaving it blank) if its stream is wanted. Packets the demuxer marks
    /// to be discarded are not kept: they lie before an MP4 edit list's start and are never
    /// presented (ffmpeg's stream copy drops them too); kept, they would start the audio before the
    /// video and make Matroska shift every stream to keep timestamps non-negative.
    func put(_ packet: Packet) {
        lock.withLock {
            guard wanted.contains(packet.streamIndex), packet.pointer.pointee.flags & AV_PKT_FLAG_DISCARD == 0 else { return }
            let owned = Packet()
            av_packet_move_ref(owned.pointer, packet.pointer)
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
