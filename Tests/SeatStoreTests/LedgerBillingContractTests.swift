import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// An apply's billing records (charges, credits, license billing states)
/// read back exactly from every store, and survive a copy.
@Suite("LedgerStore billing records")
struct LedgerBillingContractTests {
    static func apply(_ store: any LedgerStore, _ changes: [Change], at now: Date, codes: [String] = []) throws -> LedgerSnapshot {
        let before = try store.snapshot(account: "acme")
        var remaining = codes
        let set = ChangeSet(account: "acme", lineage: before.account?.lineage, serial: before.account?.serial ?? 0, now: now,
                            accountChange: before.account == nil ? AccountChange(id: "acme", kind: .enterprise, isNew: true, name: nil, timezone: "UTC") : nil,
                            changes: changes)
        let engine = ApplyEngine(actor: "t", now: now, catalog: SQLiteBillingTests.catalog,
                                 drawCode: { remaining.removeFirst() }, drawLineage: { "lineage" })
        let writes = try store.apply(account: "acme", expectedLineage: set.lineage, expectedSerial: set.serial) { snapshot, isFree in
            try engine.writes(for: set, on: snapshot, isCodeFree: isFree)
        }
        let after = try store.snapshot(account: "acme")
        #expect(after == before.applying(writes))
        return after
    }

    @Test(arguments: StoreKind.allCases)
    func chargesAndCreditsReadBackExactly(kind: StoreKind) throws {
        try kind.withStore { store in
            let first = try Self.apply(store, [.buy(plan: "suite", count: 3, from: 0, to: 3)], at: SQLiteBillingTests.created,
                                       codes: ["AAAA0001", "AAAA0002", "AAAA0003"])
            #expect(first.billing?.anchor == Day(year: 2026, month: 11, day: 22))
            #expect(first.billing?.pendingAdjustments.map(\.amount.minorUnits) == [13500])
            #expect(first.billing?.licenses.count == 3)
            let second = try Self.apply(store, [.remove(plan: "suite", count: 1, from: 3, to: 2, licenses: ["AAAA0003"])],
                                        at: SQLiteBillingTests.later)
            #expect(second.billing?.creditBalance == Money(minorUnits: 2550, currency: "USD"))
            #expect(second.billing?.pendingAdjustments.count == 2)

            for target in StoreKind.allCases {
                try target.withStore { copy in
                    try copy.importLedger(try store.exportLedger())
                    #expect(try copy.snapshot(account: "acme") == second, "copy to \(target)")
                }
            }
        }
    }
}
