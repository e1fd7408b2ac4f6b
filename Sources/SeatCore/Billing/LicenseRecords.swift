import Foundation

/// The billing records of an account's licenses, by license code: a map to
/// those who read it, kept as two arrays in the order the records were
/// added. A store adds them in the order it stores them, which is the order
/// of the snapshot's licenses (both tables are written oldest license first),
/// so the code that goes over every license (the current invoice) finds
/// license *i*'s record at *i* (``aligned(with:)``), without hashing 200,000
/// codes into a map as the store reads them and looking each up again.
///
/// Looked up by code (`records[code]`), it builds a map of positions once,
/// on the first lookup; the few codes a change set touches are found with
/// ``records(for:)``, in one pass and without that map. Two sets of records
/// are equal when they map the same codes to the same records, whatever
/// their order.
public struct LicenseRecords: Sendable {
    /// The codes, and at the same position their records.
    public private(set) var codes: [String] = []
    public private(set) var records: [LicenseBilling] = []
    /// Positions by code, built on the first lookup by code; shared by
    /// copies until one of them changes.
    private var positions = Positions()

    public init() {}

    /// The records of `map`, ordered by code.
    public init(_ map: [String: LicenseBilling]) {
        reserveCapacity(map.count)
        for (code, record) in map.sorted(by: { $0.key < $1.key }) { append(code, record) }
    }

    public var count: Int { codes.count }
    public var isEmpty: Bool { codes.isEmpty }

    public mutating func reserveCapacity(_ capacity: Int) {
        codes.reserveCapacity(capacity)
        records.reserveCapacity(capacity)
    }

    /// Adds the record of a license that has none yet. A store's rows
    /// (whose primary key is the code) are added so; to replace a record,
    /// use the subscript or ``merge(_:)``.
    public mutating func append(_ code: String, _ record: LicenseBilling) {
        if !isKnownUniquelyReferenced(&positions) { positions = positions.copy() }
        positions.add(code, at: codes.count)
        codes.append(code)
        records.append(record)
    }

    /// The record of `code`. Reading builds the map of positions once;
    /// setting a code that has a record replaces it in place, otherwise
    /// adds it at the end (nil removes nothing: records are never removed).
    public subscript(code: String) -> LicenseBilling? {
        get { positions.position(of: code, in: codes).map { records[$0] } }
        set {
            guard let newValue else { return }
            if let position = positions.position(of: code, in: codes) {
                records[position] = newValue
            } else {
                append(code, newValue)
            }
        }
    }

    /// Replaces the records of the codes of `map` that have one, and adds
    /// the others (ordered by code) at the end.
    public mutating func merge(_ map: [String: LicenseBilling]) {
        guard !map.isEmpty else { return }
        var replaced = 0
        for position in codes.indices {
            guard let record = map[codes[position]] else { continue }
            records[position] = record
            replaced += 1
        }
        guard replaced < map.count else { return }
        let known = Set(codes)
        for (code, record) in map.sorted(by: { $0.key < $1.key }) where !known.contains(code) { append(code, record) }
    }

    /// ``merge(_:)`` with the records of `other`.
    public mutating func merge(_ other: LicenseRecords) {
        merge(other.map)
    }

    /// The records of `wanted` that have one: one pass over the codes, each
    /// tested against a filter of `wanted` (what a change set's few codes
    /// cost, without the map of positions).
    public func records<Codes: Sequence>(for wanted: Codes) -> [String: LicenseBilling] where Codes.Element == String {
        let filter = CodeSet(wanted)
        guard !filter.isEmpty else { return [:] }
        var found: [String: LicenseBilling] = [:]
        for position in codes.indices where filter.contains(codes[position]) { found[codes[position]] = records[position] }
        return found
    }

    /// The records as a map.
    public var map: [String: LicenseBilling] {
        Dictionary(zip(codes, records), uniquingKeysWith: { _, last in last })
    }

    /// The record of each of `licenses` by its position: license *i*'s at
    /// *i* when the records are in the licenses' order (checked once, code
    /// by code), otherwise through a map built once.
    public func aligned(with licenses: [License]) -> Aligned {
        Aligned(records: records, byCode: isAligned(with: licenses) ? nil : map)
    }

    /// True when record *i* is license *i*'s, for every license: as many
    /// records, with the licenses' codes in their order.
    public func isAligned(with licenses: [License]) -> Bool {
        codes.count == licenses.count && codes.indices.allSatisfy { codes[$0] == licenses[$0].code }
    }

    /// Records looked up by the position of their license (see ``aligned(with:)``).
    public struct Aligned {
        let records: [LicenseBilling]
        /// nil when the records are in the licenses' order.
        let byCode: [String: LicenseBilling]?

        /// The record of the license with `code`, at `position` of the licenses.
        public func record(at position: Int, code: String) -> LicenseBilling? {
            guard let byCode else { return records[position] }
            return byCode[code]
        }
    }
}

extension LicenseRecords {
    /// The map of positions by code, built on the first lookup by code and
    /// kept up to date by later additions.
    private final class Positions: @unchecked Sendable {
        private let lock = NSLock()
        private var map: [String: Int]?

        init(map: [String: Int]? = nil) {
            self.map = map
        }

        func copy() -> Positions {
            lock.withLock { Positions(map: map) }
        }

        func position(of code: String, in codes: [String]) -> Int? {
            lock.withLock {
                if map == nil {
                    var built = [String: Int](minimumCapacity: codes.count)
                    for (position, code) in codes.enumerated() { built[code] = position }
                    map = built
                }
                return map![code]
            }
        }

        /// Records that `code` is at `position`, if the map is built. Only
        /// for a map no other value shares (no other thread can read it).
        func add(_ code: String, at position: Int) {
            if map != nil { map![code] = position }
        }
    }
}

extension LicenseRecords: Sequence {
    public func makeIterator() -> Zip2Sequence<[String], [LicenseBilling]>.Iterator {
        zip(codes, records).makeIterator()
    }
}

extension LicenseRecords: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, LicenseBilling)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension LicenseRecords: Hashable {
    public static func == (lhs: LicenseRecords, rhs: LicenseRecords) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.codes == rhs.codes { return lhs.records == rhs.records }
        return lhs.map == rhs.map
    }

    /// Independent of the order: the count, and the sum of each record's hash.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for (code, record) in self {
            var one = Hasher()
            one.combine(code)
            one.combine(record)
            sum &+= one.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}
