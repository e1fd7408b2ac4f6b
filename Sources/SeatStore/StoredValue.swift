import Foundation
import SeatCore

/// How the SQLite ledger writes the domain's dates and days (see
/// ``LedgerSchema`` for every convention).
enum StoredValue {
    /// Whole milliseconds since the Unix epoch, rounded to the nearest one.
    /// A `Date` on a whole millisecond (the CLI's clocks are whole seconds)
    /// reads back equal to the one written.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `YYYY-MM-DD`, without `String(format:)`, which is slow on Linux and
    /// runs once per license.
    static func text(_ day: Day) -> String {
        guard (0...9999).contains(day.year), (1...12).contains(day.month), (1...31).contains(day.day) else {
            return day.description
        }
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 10)
        func put(_ value: Int, at offset: Int, width: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(day.year, at: 0, width: 4)
        put(day.month, at: 5, width: 2)
        put(day.day, at: 8, width: 2)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses what ``text(_:)`` wrote; nil for anything else.
    static func day(_ text: String) -> Day? {
        Day(iso: text)
    }
}
