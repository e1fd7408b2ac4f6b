/// The desired-state file's keys, one enum per mapping, in the order the
/// schema lists them. Both readers take their keys from here
/// (`DesiredStateReader` as names, the event fast path as bytes), so neither
/// can accept a key the other does not know.
enum DesiredStateKey {
    enum TopLevel: String, CaseIterable, SchemaKey {
        case account, kind, name, emailDomains, blockedDomains, timezone, prune, closeAccount, guards, plans, users
    }

    enum Plan: String, CaseIterable, SchemaKey {
        case licenses, headroom
    }

    enum User: String, CaseIterable, SchemaKey {
        case name, role, plans, paused, external
    }

    enum Guard: String, CaseIterable, SchemaKey {
        case maxUnassignments, maxChargeNow
    }
}

/// The keys of one mapping of a schema.
protocol SchemaKey: RawRepresentable<String>, CaseIterable, Sendable where AllCases == [Self] {}

extension SchemaKey {
    /// The key names, in schema order.
    static var names: [String] { allCases.map(\.rawValue) }
}

/// Finds a mapping's keys among the known ones by their UTF-8 bytes, and
/// notices a key written twice. Make one per reader and copy it for each
/// mapping: a copy starts with no key seen.
struct KeyMatcher<Key: SchemaKey> {
    private let keys = Key.allCases
    private let spellings: [[UInt8]] = Key.allCases.map { Array($0.rawValue.utf8) }
    /// Bit `i` is set once `keys[i]` has been seen.
    private var seen: UInt64 = 0

    init() {
        precondition(keys.count <= UInt64.bitWidth, "too many keys for the seen-set")
    }

    /// The key spelled `bytes` when it is known and new; nil for an unknown
    /// or repeated key.
    @inline(__always)
    mutating func firstOccurrence(of bytes: UnsafeBufferPointer<UInt8>) -> Key? {
        for index in spellings.indices where spellings[index].count == bytes.count {
            guard spellings[index].hasSameBytes(as: bytes) else { continue }
            let bit: UInt64 = 1 << UInt64(index)
            guard seen & bit == 0 else { return nil }
            seen |= bit
            return keys[index]
        }
        return nil
    }
}
