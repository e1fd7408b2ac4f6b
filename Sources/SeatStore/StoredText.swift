import SeatCore

// Values decoded from a row's text without a `String` made of each: a large
// account's snapshot reads over a million text values, most of them one of
// a handful (a status, a plan, a billed-until day).

/// An enumeration stored as its raw value, read from the stored bytes.
struct StoredEnum<Value: RawRepresentable & CaseIterable> where Value.RawValue == String {
    private let cases: [(utf8: [UInt8], value: Value)]
    private let what: String

    /// `what` names the value in the error for an unknown one.
    init(_ what: String) {
        cases = Value.allCases.map { (Array($0.rawValue.utf8), $0) }
        self.what = what
    }

    /// The value whose raw value is `bytes`, or nil.
    func valueIfKnown(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        cases.first { $0.utf8.hasSameBytes(as: bytes) }?.value
    }

    /// The value whose raw value is `bytes`; an unknown one is most likely
    /// from a newer seatctl.
    func value(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Value {
        guard let value = valueIfKnown(bytes) else { throw SQLiteLedgerStore.unknownValue(what) }
        return value
    }
}

/// The value of the last text read, kept with its bytes: rows read one
/// after another mostly repeat the previous row's plan, end day or
/// billed-until day, so each is decoded once per run of equal texts rather
/// than once per row.
struct RecentText<Value> {
    private var last: (utf8: [UInt8], value: Value)?
    private let decode: (UnsafeBufferPointer<UInt8>) throws -> Value

    init(_ decode: @escaping (UnsafeBufferPointer<UInt8>) throws -> Value) {
        self.decode = decode
    }

    mutating func value(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Value {
        if let last, last.utf8.hasSameBytes(as: bytes) { return last.value }
        let value = try decode(bytes)
        last = (Array(bytes), value)
        return value
    }
}

extension RecentText where Value == String {
    /// Texts, shared rather than copied while they repeat.
    static func strings() -> RecentText { RecentText { String(decoding: $0, as: UTF8.self) } }
}

extension RecentText where Value == Day {
    /// Stored `YYYY-MM-DD` days.
    static func days() -> RecentText {
        RecentText { try SQLiteLedgerStore.day(String(decoding: $0, as: UTF8.self)) }
    }
}

