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
            try engine.writes(for: set, on: snapshot, codes: isFree)
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

    /// Every store reads the license records back in the order of the
    /// snapshot's licenses (what lets the current invoice read license i's
    /// record at i), after purchases drawn out of order, a removal, issued
    /// invoices and a copy.
    @Test(arguments: StoreKind.allCases)
    func recordsComeInTheLicensesOrder(kind: StoreKind) throws {
        try kind.withStore { store in
            func expectAligned(_ snapshot: LedgerSnapshot, _ comment: Comment) {
                #expect(snapshot.billing?.licenses.codes == snapshot.licenses.map(\.code), comment)
            }
            let first = try Self.apply(store, [.buy(plan: "suite", count: 5, from: 0, to: 5)], at: SQLiteBillingTests.created,
                                       codes: ["QQQQ0005", "AAAA0009", "MMMM0001", "ZZZZ0002", "BBBB0003"])
            #expect(first.licenses.map(\.code) == ["AAAA0009", "BBBB0003", "MMMM0001", "QQQQ0005", "ZZZZ0002"])
            expectAligned(first, "first purchase")
            // Two purchases in one apply: each in its codes' order, the
            // second after the first.
            let second = try Self.apply(store, [.buy(plan: "suite", count: 2, from: 5, to: 7),
                                                .buy(plan: "suite", count: 1, from: 7, to: 8),
                                                .remove(plan: "suite", count: 1, from: 8, to: 7, licenses: ["MMMM0001"])],
                                        at: SQLiteBillingTests.later, codes: ["YYYY0001", "XXXX0001", "AAAA0001"])
            #expect(second.licenses.map(\.code).suffix(3) == ["XXXX0001", "YYYY0001", "AAAA0001"])
            expectAligned(second, "second purchase and a removal")
            if let billingStore = store as? any BillingStore {
                let issued = try billingStore.issueInvoices(account: "acme", actor: "t", at: SQLiteBillingTests.later) { snapshot in
                    InvoiceBuilder(catalog: SQLiteBillingTests.catalog)
                        .due(account: "acme", billing: snapshot.billing!, licenses: snapshot.licenses, through: Day(year: 2027, month: 1, day: 22))
                }
                #expect(issued.count == 2)
                expectAligned(try store.snapshot(account: "acme"), "issued invoices")
            }
            for target in StoreKind.allCases {
                try target.withStore { copy in
                    try copy.importLedger(try store.exportLedger())
                    expectAligned(try copy.snapshot(account: "acme"), "copy to \(target)")
                }
            }
        }
    }

    /// Every store hands a planner the snapshot but for its billing records
    /// once, before it returns the whole snapshot; for an account it does
    /// not have, the empty snapshot.
    @Test(arguments: StoreKind.allCases)
    func theSnapshotIsHandedOverOnceBeforeItsBilling(kind: StoreKind) throws {
        try kind.withStore { store in
            _ = try Self.apply(store, [.buy(plan: "suite", count: 3, from: 0, to: 3)], at: SQLiteBillingTests.created,
                               codes: ["CCCC0001", "AAAA0001", "BBBB0001"])
            for indexing in [false, true] {
                var handed: [LedgerSnapshot] = []
                let whole = try store.snapshot(account: "acme", indexingEmails: indexing) { handed.append($0) }
                #expect(whole.billing?.licenses.count == 3)
                #expect(handed.count == 1)
                var withoutBilling = whole
                withoutBilling.billing = nil
                #expect(handed.first == withoutBilling)
                #expect((handed.first?.emails != nil) == (whole.emails != nil))
                var none: [LedgerSnapshot] = []
                #expect(try store.snapshot(account: "other", indexingEmails: indexing) { none.append($0) } == .empty)
                #expect(none == [.empty])
            }
        }
    }

    /// Invoices, payments, deliveries and usage: every store records and
    /// reads them back the same way.
    @Test(arguments: StoreKind.allCases)
    func invoicesPaymentsDeliveriesAndUsage(kind: StoreKind) throws {
        try kind.withStore { ledger in
            let store = try #require(ledger as? any BillingStore, "\(kind) keeps no invoices")
            _ = try Self.apply(store, [.buy(plan: "suite", count: 3, from: 0, to: 3)], at: SQLiteBillingTests.created,
                               codes: ["AAAA0001", "AAAA0002", "AAAA0003"])
            _ = try Self.apply(store, [.remove(plan: "suite", count: 1, from: 3, to: 2, licenses: ["AAAA0003"])], at: SQLiteBillingTests.later)
            let through = Day(year: 2026, month: 12, day: 22)
            var expected: AccountBilling?
            let issued = try store.issueInvoices(account: "acme", actor: "t", at: SQLiteBillingTests.later) { snapshot in
                let due = InvoiceBuilder(catalog: SQLiteBillingTests.catalog)
                    .due(account: "acme", billing: snapshot.billing!, licenses: snapshot.licenses, through: through)
                expected = due.billing
                return due
            }
            #expect(issued.map(\.id) == ["acme-2026-12-22"])
            #expect(issued.first?.total == Money(minorUnits: 6450, currency: "USD"))
            #expect(try store.snapshot(account: "acme").billing == expected)
            let stored = try #require(try store.invoice(id: "acme-2026-12-22"))
            #expect(stored.lines == issued.first?.lines && stored.total == issued.first?.total && stored.status == .open)

            try store.recordDelivery(invoice: "acme-2026-12-22", licenses: ["AAAA0001", "AAAA0002"], actor: "t", at: SQLiteBillingTests.later)
            #expect(try store.invoice(id: "acme-2026-12-22")?.sentAt == SQLiteBillingTests.later)
            let paid = try store.recordPayment(invoice: "acme-2026-12-22", reference: "pm_secret_4242", actor: "t", at: SQLiteBillingTests.later)
            #expect(paid.status == .paid && paid.paymentReference == "pm_secret_4242")
            // The journal keeps the reference masked in every store.
            let payment = try #require(try store.journal(account: "acme", since: nil).last)
            #expect(payment.action == "pay_invoice" && payment.to == "paid 64.50 USD (payment method \(PaymentReference.masked("pm_secret_4242")))")
            #expect(!(payment.to ?? "").contains("pm_secret_4242"))
            #expect(try store.invoices(account: "acme") == [paid])
            #expect(throws: BillingStoreError.alreadyPaid("acme-2026-12-22")) {
                try store.recordPayment(invoice: "acme-2026-12-22", reference: "pm_1", actor: "t", at: SQLiteBillingTests.later)
            }
            try store.recordUsage(account: "acme", gigabytes: 30, actor: "t", at: SQLiteBillingTests.later)
            let billing = try #require(try store.snapshot(account: "acme").billing)
            #expect(billing.usageGB == 30 && billing.usageRecordedAt == SQLiteBillingTests.later)
            #expect(billing.licenses["AAAA0001"]?.invoiceState == .paid && billing.licenses["AAAA0003"]?.invoiceState == nil)
            #expect(try store.journal(account: "acme", since: nil).suffix(4).map(\.action)
                        == ["send_invoice", "send_invoice", "pay_invoice", "set_usage"])

            // A copy carries every billing document, ids included, to every store.
            let export = try store.exportLedger()
            let counts = export.counts
            let documentCounts: [Int] = [counts.invoices, counts.invoiceLines, counts.payments, counts.deliveries, counts.adjustments]
            #expect(documentCounts == [1, stored.lines.count, 1, 2, 2])
            #expect(export.documents.adjustments.map(\.invoice) == ["acme-2026-12-22", "acme-2026-12-22"])
            #expect(export.documents.payments.map(\.method_reference) == ["pm_secret_4242"])
            for target in StoreKind.allCases {
                try target.withStore { ledger in
                    let copy = try #require(ledger as? any BillingStore, "\(target) keeps no invoices")
                    try copy.importLedger(export)
                    #expect(try copy.exportLedger() == export, "copy to \(target)")
                    #expect(try copy.snapshot(account: "acme").billing?.usageRecordedAt == SQLiteBillingTests.later,
                            "copy to \(target)")
                    #expect(try copy.invoices(account: "acme") == store.invoices(account: "acme"), "copy to \(target)")
                    // New rows take ids after the copied ones.
                    _ = try Self.apply(copy, [.buy(plan: "suite", count: 1, from: 2, to: 3)], at: SQLiteBillingTests.later,
                                       codes: ["AAAA0004"])
                    try copy.recordDelivery(invoice: "acme-2026-12-22", licenses: ["AAAA0004"], actor: "t", at: SQLiteBillingTests.later)
                    let documents = try copy.exportLedger().documents
                    #expect(documents.adjustments.map(\.id) == [1, 2, 3] && documents.adjustments.last?.invoice == nil)
                    #expect(documents.deliveries.map(\.id) == [1, 2, 3])
                }
            }
        }
    }
}
