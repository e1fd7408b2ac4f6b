import Foundation
import SeatTestSupport
import Testing
@testable import SeatCore

/// License billing records kept as arrays answer as the map they stand for,
/// whatever mix of additions, replacements, merges, copies and lookups made
/// them; and find a license's record by its position when they are in the
/// licenses' order.
struct LicenseRecordsTests {
    static func record(_ value: Int) -> LicenseBilling {
        LicenseBilling(billedUntil: Day(year: 2026, month: 12, day: 1 + value % 28), paid: Money(minorUnits: Int64(value), currency: "USD"),
                       invoiceState: value % 3 == 0 ? .paid : nil, invoice: value % 2 == 0 ? "inv-\(value % 5)" : nil)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func answersAsAMap(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func code() -> String { "C\(Int.random(in: 0..<60, using: &random))" }
        var records = LicenseRecords()
        var reference: [String: LicenseBilling] = [:]
        // Copies taken along the way, with the map they stood for then: a
        // later change to `records` must not show in them.
        var copies: [(LicenseRecords, [String: LicenseBilling])] = []
        for step in 0..<400 {
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                let new = code()
                if reference[new] == nil {
                    records.append(new, Self.record(step))
                    reference[new] = Self.record(step)
                }
            case 1:
                let key = code()
                records[key] = Self.record(step)
                reference[key] = Self.record(step)
            case 2:
                let map = Dictionary((0..<Int.random(in: 0..<6, using: &random)).map { _ in (code(), Self.record(step)) },
                                     uniquingKeysWith: { _, last in last })
                records.merge(map)
                reference.merge(map) { _, new in new }
            case 3:
                // A lookup, which builds the map of positions shared with copies.
                let key = code()
                #expect(records[key] == reference[key], "step \(step): \(key)")
            default:
                copies.append((records, reference))
            }
            #expect(records.count == reference.count)
            #expect(records.map == reference, "step \(step)")
        }
        for (copy, map) in copies {
            #expect(copy.map == map)
            for index in 0..<60 { #expect(copy["C\(index)"] == map["C\(index)"]) }
        }
        for index in 0..<60 { #expect(records["C\(index)"] == reference["C\(index)"]) }
        let wanted = (0..<60).filter { $0 % 7 == 0 }.map { "C\($0)" } + ["none"]
        #expect(records.records(for: wanted) == reference.filter { wanted.contains($0.key) })
        #expect(records.records(for: []) == [:])
    }

    /// Equal when they map the same codes to the same records, in any order,
    /// with the same hash; unequal when one record differs.
    @Test func equalityIgnoresTheOrder() {
        let entries = (0..<50).map { ("L\($0)", Self.record($0)) }
        var forward = LicenseRecords(), backward = LicenseRecords()
        for (code, record) in entries { forward.append(code, record) }
        for (code, record) in entries.reversed() { backward.append(code, record) }
        #expect(forward.codes != backward.codes)
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        var changed = backward
        changed["L7"] = Self.record(8)
        #expect(changed != forward)
        #expect(LicenseRecords(Dictionary(uniqueKeysWithValues: entries)) == forward)
        #expect(forward != LicenseRecords())
    }

    /// In the licenses' order, license i's record is read at i; in another
    /// order, or with a license that has none, by code. Either way each
    /// license gets its own record.
    @Test(arguments: ["same", "shuffled", "missing"])
    func alignedFindsEachLicensesRecord(order: String) {
        let licenses = (0..<40).map { License(code: "L\($0)", plan: "p", status: .active, createdAt: Date(timeIntervalSince1970: 0), sequence: Int64($0)) }
        var stored = licenses.indices.map { ("L\($0)", Self.record($0)) }
        var random = SplitMix64(seed: 5)
        if order == "shuffled" { stored.shuffle(using: &random) }
        if order == "missing" { stored.remove(at: 17) }
        var records = LicenseRecords()
        for (code, record) in stored { records.append(code, record) }
        let aligned = records.aligned(with: licenses)
        #expect((aligned.byCode == nil) == (order == "same"))
        for (position, license) in licenses.enumerated() {
            let expected = order == "missing" && position == 17 ? nil : Self.record(position)
            #expect(aligned.record(at: position, code: license.code) == expected, "\(license.code)")
        }
    }

    /// An apply's records go to the store in the order of the license rows it
    /// writes, then any others by code; records made in the rows' order (a
    /// first apply's purchases) are handed on as they are.
    @Test func billingWritesOrderTheirRecordsByTheRowsWritten() {
        func writes(_ codes: [String]) -> BillingWrites {
            var records = LicenseRecords()
            for (index, code) in codes.enumerated() { records.append(code, Self.record(index)) }
            return BillingWrites(anchor: Day(year: 2026, month: 1, day: 1), currency: "USD",
                                 creditBalance: Money(minorUnits: 0, currency: "USD"), licenses: records)
        }
        func rows(_ codes: [String]) -> [License] {
            codes.enumerated().map { License(code: $1, plan: "p", createdAt: Date(timeIntervalSince1970: 0), sequence: Int64($0)) }
        }
        let made = writes(["A", "B", "C"])
        #expect(made.records(inOrderOf: rows(["A", "B", "C"])).codes == ["A", "B", "C"])
        #expect(made.records(inOrderOf: rows(["A", "B", "C"])) == made.licenses)
        // As many records as rows, in another order.
        let swapped = writes(["B", "A"]).records(inOrderOf: rows(["A", "B"]))
        #expect(swapped.codes == ["A", "B"] && swapped["A"] == Self.record(1) && swapped["B"] == Self.record(0))
        // Records of licenses not written come last, by code; rows without one are skipped.
        #expect(writes(["D", "C", "A"]).records(inOrderOf: rows(["C", "B"])).codes == ["C", "A", "D"])
    }
}
