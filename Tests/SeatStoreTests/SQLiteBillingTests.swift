import Foundation
import GRDB
import SeatCore
import Testing
@testable import SeatStore

/// Billing records through a real SQLite ledger: what the engine and the
/// invoice builder compute is what the store reads back.
@Suite struct SQLiteBillingTests {
    static let catalog = Catalog(currency: "USD", plans: [
        CatalogPlan(id: "suite", name: "Suite", products: ["p"], billing: .monthly, commitment: .flexible,
                    price: Money(minorUnits: 4500, currency: "USD"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
    ])
    /// 2026-11-22T12:00:00Z and 2026-12-05T12:00:00Z.
    static let created = Date(timeIntervalSince1970: 1_795_348_800)
    static let later = Date(timeIntervalSince1970: 1_796_472_000)

    static func apply(_ store: SQLiteLedgerStore, _ changes: [Change], at now: Date, codes: [String] = []) throws -> LedgerSnapshot {
        let before = try store.snapshot(account: "acme")
        var remaining = codes
        let set = ChangeSet(account: "acme", lineage: before.account?.lineage, serial: before.account?.serial ?? 0, now: now,
                            accountChange: before.account == nil ? AccountChange(id: "acme", kind: .enterprise, isNew: true, name: nil, timezone: "UTC") : nil,
                            changes: changes)
        let engine = ApplyEngine(actor: "t", now: now, catalog: catalog, drawCode: { remaining.removeFirst() }, drawLineage: { "lineage" })
        let writes = try store.apply(account: "acme", expectedLineage: set.lineage, expectedSerial: set.serial) { snapshot, isFree in
            try engine.writes(for: set, on: snapshot, codes: isFree)
        }
        let after = try store.snapshot(account: "acme")
        #expect(after == before.applying(writes))
        return after
    }

    @Test func chargesCreditsAndInvoicesReadBackExactly() throws {
        let store = try SQLiteLedgerStore.inMemory()
        let first = try Self.apply(store, [.buy(plan: "suite", count: 3, from: 0, to: 3)], at: Self.created,
                                   codes: ["AAAA0001", "AAAA0002", "AAAA0003"])
        #expect(first.billing?.anchor == Day(year: 2026, month: 11, day: 22))
        #expect(first.billing?.pendingAdjustments.map(\.amount.minorUnits) == [13500])
        // 5 December: 17 of 30 days left: 45.00 × 17 / 30 = 25.50 credited.
        let second = try Self.apply(store, [.remove(plan: "suite", count: 1, from: 3, to: 2, licenses: ["AAAA0003"])], at: Self.later)
        #expect(second.billing?.creditBalance == Money(minorUnits: 2550, currency: "USD"))

        let through = Day(year: 2026, month: 12, day: 22)
        var expected: (invoices: [(invoice: Invoice, billed: [String: LicenseBilling])], billing: AccountBilling)?
        let issued = try store.issueInvoices(account: "acme", actor: "t", at: Self.later) { snapshot in
            let due = InvoiceBuilder(catalog: Self.catalog).due(account: "acme", billing: snapshot.billing!, licenses: snapshot.licenses, through: through)
            expected = due
            return due
        }
        #expect(issued.map(\.id) == ["acme-2026-12-22"])
        // 2 × 45.00 = 90.00, less the 25.50 credit: 64.50.
        #expect(issued.first?.total == Money(minorUnits: 6450, currency: "USD"))
        #expect(try store.snapshot(account: "acme").billing == expected?.billing)
        let stored = try #require(try store.invoice(id: "acme-2026-12-22"))
        #expect(stored.lines == issued.first?.lines && stored.total == issued.first?.total && stored.status == .open)
        #expect(try store.invoices(account: "acme").map(\.id) == ["acme-2026-12-22"])

        let paid = try store.recordPayment(invoice: "acme-2026-12-22", reference: "pm_1", actor: "t", at: Self.later)
        #expect(paid.status == .paid && paid.paymentReference == "pm_1")
        let billing = try #require(try store.snapshot(account: "acme").billing)
        #expect(billing.licenses["AAAA0001"]?.invoiceState == .paid && billing.licenses["AAAA0003"]?.invoiceState == nil)
        #expect(throws: BillingStoreError.alreadyPaid("acme-2026-12-22")) {
            try store.recordPayment(invoice: "acme-2026-12-22", reference: "pm_1", actor: "t", at: Self.later)
        }
    }

    @Test func recordedUsageStopsRemovalsBelowTheAllowance() throws {
        let store = try SQLiteLedgerStore.inMemory()
        _ = try Self.apply(store, [.buy(plan: "suite", count: 3, from: 0, to: 3)], at: Self.created, codes: ["B1", "B2", "B3"].map { $0 + "000000" })
        try store.recordUsage(account: "acme", gigabytes: 50, actor: "t", at: Self.later)
        #expect(try store.snapshot(account: "acme").billing?.usageGB == 50)
        // 3 × 20 GB = 60 GB; removing one leaves 40 GB < 50 GB.
        let error = #expect(throws: ApplyError.self) {
            _ = try Self.apply(store, [.remove(plan: "suite", count: 1, from: 3, to: 2, licenses: ["B3000000"])], at: Self.later)
        }
        #expect(error?.code == .storageAllowance)
    }

    @Test func aVersion1LedgerUpgradesAndStartsBillingAtItsCreationDay() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            let queue = try DatabaseQueue(path: path)
            try LedgerSchema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO accounts (id, kind, name, timezone, status, lineage, serial, created_at)
                    VALUES ('acme', 'enterprise', NULL, 'Pacific/Auckland', 'open', 'lineage', 1, 1795348800000)
                    """)
            }
            try queue.close()
            let store = try SQLiteLedgerStore(path: path)
            let snapshot = try store.snapshot(account: "acme")
            #expect(snapshot.account?.serial == 1 && snapshot.billing == nil)
            let after = try Self.apply(store, [.buy(plan: "suite", count: 1, from: 0, to: 1)], at: Self.later, codes: ["C0000001"])
            // Created 2026-11-22T12:00Z = 23 November in Auckland.
            #expect(after.billing?.anchor == Day(year: 2026, month: 11, day: 23))
            let version = try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
            #expect(version == LedgerSchema.version)
        }
    }
}
