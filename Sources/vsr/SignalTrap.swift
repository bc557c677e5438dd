import Dispatch
import Foundation
import VSRPipeline

/// Turns the first SIGINT or SIGTERM into a cancellation of the run, so the output can be
/// finalized; a second one ends the process at once with the default action.
final class SignalTrap {
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "vsr.signals")

    init(cancelling flag: CancellationFlag, signals: [Int32] = [SIGINT, SIGTERM]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if flag.isCancelled {
                    signal(number, SIG_DFL)
                    raise(number)
                }
                flag.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
