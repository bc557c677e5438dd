import Foundation

/// Checks a zip file's directory before ZIPFoundation reads it. ZIPFoundation trusts the 64-bit
/// offsets and sizes of zip64 records (it converts them to `off_t` and `Int`, which traps above
/// `Int64.max`) and reserves memory for an entry's claimed size; a hostile `.pth` must be refused
/// with an error instead. Every offset and compressed size must lie inside the file and every
/// uncompressed size must be one that deflate can reach from its compressed size.
enum ZipPreflight {
    /// Deflate expands at most about 1032:1.
    static let maximumRatio: UInt64 = 1032

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ bytes: [UInt8]) throws {
        let size = UInt64(bytes.count)
        func fail(_ reason: String) -> Failure { Failure(description: reason) }
        func u16(_ at: Int) -> UInt64 { UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt64 { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }
        func within(_ offset: UInt64, _ length: UInt64) -> Bool {
            let (end, overflow) = offset.addingReportingOverflow(length)
            return !overflow && end <= size
        }

        // The end record: its signature within the last 22 + 65535 (comment) bytes.
        guard bytes.count >= 22 else { throw fail("\(bytes.count) bytes, too short for a zip file") }
        let earliest = max(0, bytes.count - 22 - 0xFFFF)
        guard let end = stride(from: bytes.count - 22, through: earliest, by: -1).first(where: { u32($0) == 0x0605_4B50 }) else {
            throw fail("no end of central directory record")
        }
        var entries = u16(end + 10), directorySize = u32(end + 12), directoryOffset = u32(end + 16)
        // A zip64 locator sits just before it and points at the zip64 end record.
        if end >= 20, u32(end - 20) == 0x0706_4B50 {
            let record = u64(end - 20 + 8)
            guard within(record, 56), u32(Int(record)) == 0x0606_4B50 else { throw fail("the zip64 end record is outside the file") }
            entries = u64(Int(record) + 32)
            directorySize = u64(Int(record) + 40)
            directoryOffset = u64(Int(record) + 48)
        }
        guard within(directoryOffset, directorySize) else {
            throw fail("the central directory (\(directorySize) bytes at \(directoryOffset)) is outside the \(size)-byte file")
        }
        guard entries <= directorySize / 46 else { throw fail("\(entries) entries do not fit a \(directorySize)-byte central directory") }

        var at = Int(directoryOffset)
        let directoryEnd = Int(directoryOffset + directorySize)
        for index in 0..<Int(entries) {
            guard at + 46 <= directoryEnd, u32(at) == 0x0201_4B50 else { throw fail("central directory entry \(index) is damaged") }
            var compressed = u32(at + 20), uncompressed = u32(at + 24), localOffset = u32(at + 42)
            let nameLength = Int(u16(at + 28)), extraLength = Int(u16(at + 30)), commentLength = Int(u16(at + 32))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw fail("central directory entry \(index) runs past the directory") }
            // Zip64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in order.
            var extra = at + 46 + nameLength
            while extra + 4 <= at + 46 + nameLength + extraLength {
                let id = u16(extra), length = Int(u16(extra + 2))
                let body = extra + 4
                guard body + length <= at + 46 + nameLength + extraLength else { throw fail("entry \(index) has a damaged extra field") }
                if id == 0x0001 {
                    var field = body
                    func take(_ value: inout UInt64) throws {
                        guard value == 0xFFFF_FFFF else { return }
                        guard field + 8 <= body + length else { throw fail("entry \(index) has a short zip64 field") }
                        value = u64(field)
                        field += 8
                    }
                    try take(&uncompressed)
                    try take(&compressed)
                    try take(&localOffset)
                }
                extra = body + length
            }
            guard within(localOffset, 30), within(localOffset + 30, compressed) else {
                throw fail("entry \(index) (\(compressed) bytes at \(localOffset)) is outside the \(size)-byte file")
            }
            let (limit, overflow) = compressed.multipliedReportingOverflow(by: maximumRatio)
            guard overflow || uncompressed <= limit + 1024 else {
                throw fail("entry \(index) claims \(uncompressed) bytes from \(compressed) compressed bytes")
            }
            at = next
        }
    }
}
