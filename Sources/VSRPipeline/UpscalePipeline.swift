import Foundation
import VSRCore

/// What a finished run did.
public struct RunSummary: Sendable, Equatable {
    public var frames: Int
    public var seconds: Double
    /// True when the run stopped early because it was cancelled; the output was still finalized.
    public var interrupted: Bool
    public var outputBytes: Int64?
    /// Decode, upscale (all workers together) and encode.
    public var stages: [StageStatistics]
    /// Set when the source failed part way (a truncated or damaged input): the frames read before
    /// the failure were upscaled and written, and the output finished; the caller reports this.
    public var inputError: VSRError?
    /// CPU seconds of the whole process during the run: the stages' threads and the threads
    /// libraries start (x264's and x265's frame threads, FFmpeg's decoder threads).
    public var processCPUSeconds: Double = 0

    /// CPU seconds of threads that are no stage's: the encoder's and decoder's own, and the upscaler's
    /// helper threads when it runs more than one thread a frame (a stage counts its own threads).
    public var libraryCPUSeconds: Double { max(0, processCPUSeconds - stages.reduce(0) { $0 + $1.cpuSeconds }) }

    public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }
}

/// Progress after each written frame: frames done and seconds since the start.
public typealias ProgressHandler = (_ frames: Int, _ elapsed: Double) -> Void

/// Decode -> upscale -> encode on their own threads, linked by bounded queues.
///
/// - A decode thread pulls from the source into a queue of `queueDepth` frames.
/// - `workers` upscale threads, each with its own upscaler (they are not thread-safe), take frames
///   from that queue and put results into a second queue.
/// - The calling thread restores frame order by index and writes to the sink, so the sink has a
///   single owner.
/// - At most `framesInFlight` (2 x queueDepth + workers) frames are between reading and writing:
///   the decoder takes a ticket per frame and the encoder returns it once the frame is written.
///   Without tickets, a slow worker would let the others run ahead and the reorder buffer grow
///   without bound; with them, memory is bounded whatever the video's length or the workers'
///   speeds, and the second queue (sized to hold every ticket) never blocks a worker, so the
///   frame the encoder waits for can always arrive.
/// - The first error from the upscale or encode stage closes both queues, which unblocks every
///   thread; the run then aborts the sink (no partial output) and rethrows that error, once.
/// - An error from the source (damaged or truncated input) ends the input instead: the frames read
///   before it go through and the sink is finished, and `RunSummary.inputError` carries the error.
///   Cancellation, likewise, stops the decoder, lets the frames in flight through, and finishes the sink.
/// - A run that wrote no frame at all (an empty input, damage or cancellation before the first
///   frame) aborts the sink instead of finishing it, so no empty output is left; `frames` is 0.
public final class UpscalePipeline {
    public let queueDepth: Int
    public let workers: Int
    public let frameLimit: Int?
    public let cancellation: CancellationFlag

    /// The most frames between the source and the sink at any time.
    public var framesInFlight: Int { 2 * queueDepth + workers }

    public init(queueDepth: Int = 4, workers: Int = 1, frameLimit: Int? = nil, cancellation: CancellationFlag = CancellationFlag()) {
        precondition(queueDepth >= 1 && workers >= 1, "pipeline needs queues and workers")
        self.queueDepth = queueDepth
        self.workers = workers
        self.frameLimit = frameLimit
        self.cancellation = cancellation
    }

    /// Runs to the end of the source, the frame limit, cancellation or the first error.
    /// - Parameter makeUpscaler: called once per worker, on the calling thread, before anything starts.
    public func run(
        source: FrameSource, makeUpscaler: () throws -> FrameUpscaler, sink: FrameSink,
        progress: ProgressHandler? = nil
    ) throws -> RunSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = StageClock.processCPUSeconds()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let upscalers: [FrameUpscaler]
        do {
            upscalers = try (0..<workers).map { _ in try makeUpscaler() }
        } catch {
            sink.abort()
            throw error
        }
        let tickets = BoundedQueue<Bool>(capacity: framesInFlight)
        let decoded = BoundedQueue<VideoFrame>(capacity: queueDepth)
        let upscaled = BoundedQueue<VideoFrame>(capacity: framesInFlight)
        let failure = FirstError(closing: [tickets.close, decoded.close, upscaled.close])
        let stats = StatisticsBox()
        let threads = DispatchGroup()

        let sourceFailure = FirstError(closing: [])
        let sourceBox = UncheckedBox(source)
        let limit = frameLimit, cancellation = self.cancellation
        let workersDone = DispatchGroup()
        for (number, upscaler) in upscalers.enumerated() {
            let box = UncheckedBox(upscaler)
            workersDone.enter()
            do {
                try spawn(threads, name: "vsr.upscale.\(number)") {
                    var clock = StageClock(name: "upscale")
                    defer {
                        clock.stop()
                        stats.add(clock.statistics)
                        workersDone.leave()
                    }
                    while let frame = decoded.pop() {
                        clock.waited()
                        do {
                            let result = try box.value.upscale(frame)
                            clock.worked()
                            guard upscaled.push(result) else { return }
                            clock.waited()
                        } catch {
                            failure.record(error)
                            return
                        }
                    }
                }
            } catch {
                // The threads already started stop at the closed queues; the run ends with this error.
                workersDone.leave()
                failure.record(error)
                break
            }
        }
        // The decoder starts only once every worker runs: no worker can find the queues closed (a
        // short input read to its end) while others are still being started.
        if failure.error == nil {
            do {
                try spawn(threads, name: "vsr.decode") {
                    var clock = StageClock(name: "decode")
                    var count = 0
                    defer {
                        decoded.close()
                        clock.stop()
                        stats.add(clock.statistics)
                    }
                    do {
                        while !cancellation.isCancelled, limit.map({ count < $0 }) ?? true {
                            guard tickets.push(true) else { return }
                            clock.waited()
                            guard let frame = try sourceBox.value.nextFrame() else { return }
                            clock.worked()
                            guard decoded.push(frame) else { return }
                            clock.waited()
                            count += 1
                        }
                    } catch {
                        sourceFailure.record(error)
                    }
                }
            } catch {
                // The workers stop at the closed queues; the run ends with this error.
                failure.record(error)
            }
        }
        workersDone.notify(queue: .global()) { upscaled.close() }

        // The encode stage, on this thread: frames in index order.
        var clock = StageClock(name: "encode")
        var pending: [Int: VideoFrame] = [:]
        var next = 0
        while let frame = upscaled.pop() {
            pending[frame.index] = frame
            clock.waited()
            while let ready = pending.removeValue(forKey: next) {
                do {
                    try sink.write(ready)
                } catch {
                    failure.record(error)
                    break
                }
                clock.worked()
                _ = tickets.pop()
                next += 1
                progress?(next, elapsed())
            }
            if failure.error != nil { break }
        }
        tickets.close()
        decoded.close()
        upscaled.close()
        threads.wait()
        if let error = failure.error {
            sink.abort()
            throw error
        }
        var bytes: Int64? = nil
        if next == 0 {
            // Nothing to keep: an empty container would only look like a result.
            sink.abort()
        } else {
            do {
                bytes = try sink.finish()
            } catch {
                sink.abort()
                throw error
            }
        }
        clock.workedWithoutItem()
        clock.stop()
        stats.add(clock.statistics)
        let inputError = sourceFailure.error.map { $0 as? VSRError ?? .processing("reading the input: \($0)") }
        return RunSummary(
            frames: next, seconds: elapsed(), interrupted: cancellation.isCancelled, outputBytes: bytes,
            stages: stats.merged(order: ["decode", "upscale", "encode"]), inputError: inputError,
            processCPUSeconds: StageClock.processCPUSeconds() - startCPU)
    }

    /// Starts a thread running `body`, or throws: a thread that cannot start (a process or memory
    /// limit) must fail the run, not leave it waiting for that thread forever. Foundation's
    /// `Thread.start()` does not report the failure, so this calls pthread_create itself.
    private func spawn(_ group: DispatchGroup, name: String, _ body: @escaping @Sendable () -> Void) throws {
        group.enter()
        let work = Unmanaged.passRetained(
            ThreadWork(name: name) {
                body()
                group.leave()
            })
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { raw in
                let work = Unmanaged<ThreadWork>.fromOpaque(raw!).takeRetainedValue()
                Thread.current.name = work.name
                work.body()
                return nil
            }, work.toOpaque())
        if result != 0 {
            work.release()
            group.leave()
            throw VSRError.processing(
                "cannot start thread \(name) (\(String(cString: strerror(result)))): lower --workers, or raise the process or memory limit")
        }
    }
}

/// What a spawned thread runs, passed through pthread_create's context pointer.
private final class ThreadWork: @unchecked Sendable {
    let name: String
    let body: @Sendable () -> Void
    init(name: String, body: @escaping @Sendable () -> Void) { (self.name, self.body) = (name, body) }
}

/// The first error of a run; recording it closes the queues so every stage stops.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    private let closers: [() -> Void]

    init(closing closers: [() -> Void]) { self.closers = closers }

    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }

    func record(_ error: Error) {
        lock.lock()
        let first = stored == nil
        if first { stored = error }
        lock.unlock()
        if first { closers.forEach { $0() } }
    }
}

private final class StatisticsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [StageStatistics] = []

    func add(_ statistics: StageStatistics) { lock.lock(); all.append(statistics); lock.unlock() }

    /// One entry per stage name (workers summed), in `order`.
    func merged(order: [String]) -> [StageStatistics] {
        lock.lock()
        defer { lock.unlock() }
        return order.map { name in
            all.filter { $0.name == name }.reduce(StageStatistics(name: name)) { total, next in
                var sum = total
                sum.busySeconds += next.busySeconds
                sum.waitingSeconds += next.waitingSeconds
                sum.items += next.items
                sum.cpuSeconds += next.cpuSeconds
                return sum
            }
        }
    }
}

/// Hands a non-Sendable stage object to the one thread that uses it from then on.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
