import Dispatch
import Foundation
import VSRPipeline

/// Turns the first SIGINT, SIGTERM or SIGHUP (a closed terminal) into a cancellation of the run, so
/// the output can be finalized; a second one ends the process at once with the default action.
final class SignalTrap {
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "vsr.signals")

    init(cancelling flag: CancellationFlag, signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if flag.isCancelled {
                    // To the process, not this thread: Dispatch's threads block signals, so raise()
                    // here would leave the second signal pending until the run ended by itself.
                    signal(number, SIG_DFL)
                    kill(getpid(), number)
                }
                flag.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
