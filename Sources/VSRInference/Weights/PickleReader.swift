import Foundation

/// A value produced by the pickle subset that PyTorch checkpoints use.
indirect enum PickleValue: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PickleValue])
    case list([PickleValue])
    /// Ordered, as OrderedDict and pickled dicts are.
    case dict([(PickleValue, PickleValue)])
    case global(module: String, name: String)
    case persistentID(PickleValue)
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`.
    case tensor(storage: PickleValue, offset: Int, shape: [Int], stride: [Int])

    static func == (a: PickleValue, b: PickleValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.global(m1, n1), .global(m2, n2)): return m1 == m2 && n1 == n2
        case let (.persistentID(x), .persistentID(y)): return x == y
        case let (.tensor(s1, o1, sh1, st1), .tensor(s2, o2, sh2, st2)): return s1 == s2 && o1 == o2 && sh1 == sh2 && st1 == st2
        default: return false
        }
    }
}

/// Interprets the opcodes `torch.save` emits (protocols 2-4) and nothing else. Only an allowlist
/// of globals is accepted, and none of them runs code: `OrderedDict` becomes a dict, the tensor
/// rebuild functions become `.tensor` descriptions. Anything else is an error naming the opcode or
/// the global, never an arbitrary call.
struct PickleReader {
    let bytes: [UInt8]
    let source: String
    private var position = 0
    private var stack: [PickleValue] = []
    /// The nesting depth of each value on `stack` (and in `memo`): values are released recursively,
    /// so a 60,000-deep tuple in a 60 kB file would overflow the stack when freed. Refused instead.
    private var depths: [Int] = []
    private var marks: [Int] = []
    private var memo: [Int: (value: PickleValue, depth: Int)] = [:]
    static let maximumDepth = 1000

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
        "torch.LongStorage", "torch.IntStorage", "torch.BoolStorage", "torch.ByteStorage",
    ]

    private func fail(_ reason: String) -> WeightsError {
        .malformed(source: source, reason: "unsupported or damaged checkpoint pickle: \(reason) at byte \(position)")
    }

    mutating func read() throws -> PickleValue {
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try take(8)  // FRAME
            case 0x2E:  // STOP
                guard let top = stack.popLast() else { throw fail("STOP on an empty stack") }
                depths.removeLast()
                return top
            case 0x28: marks.append(stack.count)  // MARK
            case 0x29: try push(.tuple([]))  // EMPTY_TUPLE
            case 0x74: try pushContainer(popMark()) { .tuple($0) }  // TUPLE
            case 0x85: try pushContainer(pop(1)) { .tuple($0) }  // TUPLE1
            case 0x86: try pushContainer(pop(2)) { .tuple($0) }  // TUPLE2
            case 0x87: try pushContainer(pop(3)) { .tuple($0) }  // TUPLE3
            case 0x5D: try push(.list([]))  // EMPTY_LIST
            case 0x7D: try push(.dict([]))  // EMPTY_DICT
            case 0x61: try append(try pop(1))  // APPEND
            case 0x65: try append(try popMark())  // APPENDS
            case 0x73: try setItems(try pop(2))  // SETITEM
            case 0x75: try setItems(try popMark())  // SETITEMS
            case 0x4E: try push(.none)  // NONE
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4B: try push(.int(Int(try byte())))  // BININT1
            case 0x4D: try push(.int(Int(try littleEndian(2))))  // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4)))))  // BININT
            case 0x8A:  // LONG1
                let count = Int(try byte())
                guard count <= 8 else { throw fail("integer of \(count) bytes") }
                let raw = Array(try take(count))  // zero-based: a slice keeps the stream's indices
                var value = 0
                for (i, b) in raw.enumerated() { value |= Int(b) << (8 * i) }
                if count > 0 && count < 8 && raw[count - 1] & 0x80 != 0 { value -= 1 << (8 * count) }
                try push(.int(value))
            case 0x47:  // BINFLOAT (big-endian)
                let raw = try take(8)
                try push(.float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58: try push(.string(try utf8(Int(try littleEndian(4)))))  // BINUNICODE
            case 0x8C: try push(.string(try utf8(Int(try byte()))))  // SHORT_BINUNICODE
            case 0x55: try push(.string(try utf8(Int(try byte()))))  // SHORT_BINSTRING
            case 0x63:  // GLOBAL
                let module = try line(), name = try line()
                try push(try global(module, name))
            case 0x93:  // STACK_GLOBAL
                let pair = try pop(2).values
                guard case .string(let module) = pair[0], case .string(let name) = pair[1] else {
                    throw fail("STACK_GLOBAL needs two strings")
                }
                try push(try global(module, name))
            case 0x71: memo[Int(try byte())] = try top()  // BINPUT
            case 0x72: memo[Int(try littleEndian(4))] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            case 0x68: try push(recall(Int(try byte())))  // BINGET
            case 0x6A: try push(recall(Int(try littleEndian(4))))  // LONG_BINGET
            case 0x51: try pushContainer(pop(1)) { .persistentID($0[0]) }  // BINPERSID
            case 0x52:  // REDUCE
                let pair = try pop(2)
                try push(try reduce(pair.values[0], pair.values[1]), depth: pair.depth + 1)
            case 0x62: _ = try pop(1)  // BUILD: object state is not needed
            default: throw fail(String(format: "opcode 0x%02X", opcode))
            }
        }
    }

    private func global(_ module: String, _ name: String) throws -> PickleValue {
        guard PickleReader.allowedGlobals.contains("\(module).\(name)") else { throw fail("global \(module).\(name)") }
        return .global(module: module, name: name)
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable, case .tuple(let args) = arguments else {
            throw fail("REDUCE of a non-global")
        }
        switch "\(module).\(name)" {
        case "collections.OrderedDict":
            return .dict([])
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .int(let offset) = args[1], case .tuple(let size) = args[2],
                case .tuple(let stride) = args[3]
            else { throw fail("malformed _rebuild_tensor_v2 arguments") }
            return .tensor(storage: args[0], offset: offset, shape: try size.map(integer), stride: try stride.map(integer))
        case "torch._utils._rebuild_parameter":
            guard let tensor = args.first, case .tensor = tensor else { throw fail("malformed _rebuild_parameter arguments") }
            return tensor
        default:
            throw fail("call of \(module).\(name)")
        }
    }

    private func integer(_ value: PickleValue) throws -> Int {
        guard case .int(let v) = value else { throw fail("expected an integer") }
        return v
    }

    private mutating func append(_ items: (values: [PickleValue], depth: Int)) throws {
        guard case .list(var list) = try top().value else { throw fail("APPEND to a non-list") }
        list.append(contentsOf: items.values)
        try replaceTop(.list(list), childDepth: items.depth)
    }

    private mutating func setItems(_ items: (values: [PickleValue], depth: Int)) throws {
        let values = items.values
        guard values.count % 2 == 0, case .dict(var pairs) = try top().value else { throw fail("SETITEM(S) on a non-dict") }
        for i in stride(from: 0, to: values.count, by: 2) { pairs.append((values[i], values[i + 1])) }
        try replaceTop(.dict(pairs), childDepth: items.depth)
    }

    private mutating func replaceTop(_ value: PickleValue, childDepth: Int) throws {
        let depth = max(depths[depths.count - 1], childDepth + 1)
        guard depth <= Self.maximumDepth else { throw fail("values nested deeper than \(Self.maximumDepth)") }
        stack[stack.count - 1] = value
        depths[depths.count - 1] = depth
    }

    /// Pushes a value holding other values as deep as `depth` (0 for a leaf or an empty container).
    private mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        guard depth <= Self.maximumDepth else { throw fail("values nested deeper than \(Self.maximumDepth)") }
        stack.append(value)
        depths.append(depth)
    }

    private mutating func push(_ recalled: (value: PickleValue, depth: Int)) throws {
        try push(recalled.value, depth: recalled.depth)
    }

    /// Pushes a container made of `items`, one level deeper than the deepest of them.
    private mutating func pushContainer(_ items: (values: [PickleValue], depth: Int), _ make: ([PickleValue]) -> PickleValue) throws {
        try push(make(items.values), depth: items.depth + 1)
    }

    private func top() throws -> (value: PickleValue, depth: Int) {
        guard let value = stack.last, let depth = depths.last else { throw fail("empty stack") }
        return (value, depth)
    }

    private func recall(_ key: Int) throws -> (value: PickleValue, depth: Int) {
        guard let entry = memo[key] else { throw fail("memo key \(key) was never stored") }
        return entry
    }

    /// The top `count` values and the deepest nesting among them.
    private mutating func pop(_ count: Int) throws -> (values: [PickleValue], depth: Int) {
        guard stack.count >= count else { throw fail("stack underflow") }
        defer {
            stack.removeLast(count)
            depths.removeLast(count)
        }
        return (Array(stack.suffix(count)), depths.suffix(count).max() ?? 0)
    }

    private mutating func popMark() throws -> (values: [PickleValue], depth: Int) {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK") }
        return try pop(stack.count - mark)
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("unexpected end") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw fail("unexpected end") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func littleEndian(_ count: Int) throws -> UInt32 {
        try take(count).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    private mutating func utf8(_ count: Int) throws -> String {
        guard let text = String(bytes: try take(count), encoding: .utf8) else { throw fail("invalid UTF-8") }
        return text
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated GLOBAL") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
}
