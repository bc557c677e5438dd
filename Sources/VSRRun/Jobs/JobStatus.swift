import Foundation
import VSRCore

/// `vsr status --job DIR`: which tasks are done and which are missing, and the rate and time left
/// as the receipts tell them.
public struct JobStatus: Encodable {
    public var job: String
    public var tasks: Int
    public var doneTasks: [Int]
    public var missingTasks: [Int]
    public var segments: Int
    public var doneSegments: Int
    public var frames: Int
    public var doneFrames: Int
    /// Frames per second of one task, from the receipts (frames over seconds spent); nil before any.
    public var framesPerSecond: Double?
    /// Seconds left at that rate with one task running at a time.
    public var secondsLeft: Double?
    /// Machines that finished segments.
    public var hosts: [String]

    /// Reads the plan and the receipts. Receipts are checked against their files' sizes, not hashed
    /// (the merge hashes every one).
    public init(folder: JobFolder) throws {
        let (plan, _) = try folder.loadPlan()
        let receipts = plan.segments.map { folder.receipt($0.index, checkContent: false) }
        job = folder.path
        tasks = plan.tasks.count
        let finished = plan.tasks.indices.filter { plan.tasks[$0].allSatisfy { receipts[$0] != nil } }
        doneTasks = finished
        missingTasks = plan.tasks.indices.filter { !finished.contains($0) }
        segments = plan.segments.count
        let done = receipts.compactMap { $0 }
        doneSegments = done.count
        frames = plan.frames
        doneFrames = done.reduce(0) { $0 + $1.frames }
        let seconds = done.reduce(0) { $0 + $1.seconds }
        let doneFrames = self.doneFrames, rate = seconds > 0 ? Double(doneFrames) / seconds : nil
        framesPerSecond = rate
        secondsLeft = rate.map { Double(plan.frames - doneFrames) / $0 }
        hosts = Array(Set(done.map(\.host))).sorted()
    }

    public var human: String {
        var lines = [
            "\(job): \(doneTasks.count) of \(tasks) tasks done (\(doneSegments) of \(segments) segments, \(doneFrames) of \(frames) frames)"
        ]
        if !missingTasks.isEmpty { lines.append("missing tasks: \(TaskRanges.describe(missingTasks))") }
        if let framesPerSecond, let secondsLeft {
            lines.append(
                String(format: "%.2f fps per task; ", framesPerSecond)
                    + (missingTasks.isEmpty
                        ? "complete: run vsr merge" : String(format: "%.0f s of work left at that rate, one task at a time", secondsLeft)))
        }
        if !hosts.isEmpty { lines.append("hosts: \(hosts.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
