import Foundation
import VSRCore
import VSRMedia

#if canImport(Glibc)
import Glibc
#endif

/// The files of a planned job and how each is written: `plan.json` and `timestamps.bin` once, by
/// `vsr plan`; `seg/K.mkv` and its receipt `seg/K.json` by the task that runs segment K. Every file is
/// written under a temporary name that says which machine and process writes it
/// (`.NAME.HOST.PID.tmp`), fsynced, and renamed into place, so a reader sees a whole file or none.
/// Temporary files of processes that died on this machine are swept; those of other machines are
/// ignored (their process may still run).
public struct JobFolder: Sendable {
    public let path: String
    public static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let text = String(cString: name)
        return text.isEmpty ? "localhost" : text.replacingOccurrences(of: ".", with: "_")
    }()

    public init(path: String) { self.path = path }

    public var planPath: String { path + "/plan.json" }
    public var timestampsPath: String { path + "/timestamps.bin" }
    public var segmentFolder: String { path + "/seg" }
    public func segmentPath(_ index: Int) -> String { segmentFolder + "/\(index).mkv" }
    public func receiptPath(_ index: Int) -> String { segmentFolder + "/\(index).json" }
    /// Where this process writes segment K before it is verified and renamed.
    public func temporarySegmentPath(_ index: Int) -> String { segmentFolder + "/.\(index).\(Self.host).\(getpid()).tmp.mkv" }

    public var hasPlan: Bool { FileManager.default.fileExists(atPath: planPath) }

    // MARK: Plan

    public func loadPlan() throws -> (plan: JobPlan, timings: [FrameTiming]) {
        guard let data = FileManager.default.contents(atPath: planPath) else {
            throw VSRError.inputNotFound(path: planPath)
        }
        let plan: JobPlan
        do { plan = try JSONDecoder().decode(JobPlan.self, from: data) } catch {
            throw VSRError.invalidInput(path: planPath, reason: "not a vsr plan (\(error.localizedDescription))")
        }
        guard plan.version == JobPlan.currentVersion else {
            throw VSRError.invalidInput(path: planPath, reason: "plan version \(plan.version); this vsr reads \(JobPlan.currentVersion)")
        }
        guard let table = FileManager.default.contents(atPath: timestampsPath) else { throw VSRError.inputNotFound(path: timestampsPath) }
        let timings = try FrameTimingTable.decode(table, path: timestampsPath)
        guard timings.count == plan.frames else {
            throw VSRError.invalidInput(path: timestampsPath, reason: "holds \(timings.count) frames; plan.json says \(plan.frames)")
        }
        return (plan, timings)
    }

    /// Writes the timestamps, then the plan (whose presence marks a complete plan).
    public func savePlan(_ plan: JobPlan, timings: [FrameTiming]) throws {
        try FileManager.default.createDirectory(atPath: segmentFolder, withIntermediateDirectories: true)
        try writeDurably(FrameTimingTable.encode(timings), to: timestampsPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeDurably(encoder.encode(plan), to: planPath)
    }

    /// Removes the plan, the timestamps and every segment and receipt (`--restart`): only what vsr
    /// writes in a job folder.
    public func discard() throws {
        let manager = FileManager.default
        for file in [planPath, timestampsPath] where manager.fileExists(atPath: file) { try manager.removeItem(atPath: file) }
        if let names = try? manager.contentsOfDirectory(atPath: segmentFolder) {
            for name in names where name.hasSuffix(".mkv") || name.hasSuffix(".json") || name.contains(".tmp") {
                try manager.removeItem(atPath: segmentFolder + "/" + name)
            }
        }
    }

    // MARK: Receipts

    /// The receipt of segment `index` when the segment file matches it (size, and with `checkContent`
    /// its SHA-256); nil when the segment is not done.
    public func receipt(_ index: Int, checkContent: Bool = true) -> SegmentReceipt? {
        guard let data = FileManager.default.contents(atPath: receiptPath(index)),
            let receipt = try? JSONDecoder().decode(SegmentReceipt.self, from: data), receipt.segment == index,
            let attributes = try? FileManager.default.attributesOfItem(atPath: segmentPath(index)),
            (attributes[.size] as? NSNumber)?.int64Value == receipt.bytes
        else { return nil }
        if checkContent, (try? ContentHash.sha256(file: segmentPath(index))) != receipt.sha256 { return nil }
        return receipt
    }

    public func saveReceipt(_ receipt: SegmentReceipt) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeDurably(encoder.encode(receipt), to: receiptPath(receipt.segment))
    }

    // MARK: Durable writes

    /// `data` to `path` by way of `.NAME.HOST.PID.tmp`, fsynced before and after the rename.
    public func writeDurably(_ data: Data, to path: String) throws {
        let temporary = Self.temporaryName(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw VSRError.retryable("\(temporary): cannot create: \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        let closed = close(descriptor)
        guard written == data.count, synced == 0, closed == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw VSRError.retryable("\(path): cannot write: \(reason)")
        }
        try Self.commit(temporary, to: path)
    }

    /// Renames a finished, fsynced file into place and makes the rename durable (fsync of the folder).
    public static func commit(_ temporary: String, to path: String) throws {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw VSRError.retryable("\(path): cannot rename into place: \(reason)")
        }
        try syncFolder(of: path)
    }

    public static func sync(file path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw VSRError.retryable("\(path): cannot fsync: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }

    static func syncFolder(of path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw VSRError.retryable("\(folder): cannot open: \(String(cString: strerror(errno)))") }
        fsync(descriptor)
        close(descriptor)
    }

    static func temporaryName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).\(host).\(getpid()).tmp"
    }

    /// Removes the temporary files (`.NAME.HOST.PID.tmp[.mkv]`, and the writer's own `.vsr-tmp`
    /// inside them) that processes of this machine left when they died.
    public func sweep() {
        for folder in [path, segmentFolder] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.hasPrefix(".") && (name.contains(".tmp")) {
                let parts = name.split(separator: ".")
                guard let hostIndex = parts.firstIndex(of: Substring(Self.host)), hostIndex + 1 < parts.count,
                    let pid = Int32(parts[hostIndex + 1]), pid > 0, pid != getpid()
                else { continue }
                if kill(pid, 0) == -1 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
            }
        }
    }
}
