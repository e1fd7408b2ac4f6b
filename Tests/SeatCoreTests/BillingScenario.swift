import Foundation
import Testing
@testable import SeatCore

/// An account driven through the apply engine day by day, for billing tests:
/// each step is one apply on the given day, and the snapshot moves on as a
/// store would persist it.
struct BillingScenario {
    let catalog: Catalog
    let timezone: String
    var snapshot = LedgerSnapshot.empty
    let codes = Fixtures.CodeSource()
    /// Every billing write so far, in order.
    var history: [BillingWrites] = []

    init(catalog: Catalog = Fixtures.catalog, timezone: String = "UTC") {
        self.catalog = catalog
        self.timezone = timezone
    }

    /// Noon UTC of `day`.
    static func noon(_ day: Day) -> Date { day.start(in: TimeZone(identifier: "UTC")!).addingTimeInterval(12 * 3600) }

    func owned(_ plan: String) -> [License] {
        snapshot.licenses.filter { $0.plan == plan && ($0.status == .active || $0.status == .paused) }
    }

    /// Buys `count` licenses of `plan` at `instant`; returns the billing writes.
    @discardableResult
    mutating func buy(_ plan: String, _ count: Int, at instant: Date) throws -> BillingWrites {
        let have = owned(plan).count
        return try apply([.buy(plan: plan, count: count, from: have, to: have + count)], at: instant)
    }

    @discardableResult
    mutating func buy(_ plan: String, _ count: Int, on day: Day) throws -> BillingWrites {
        try buy(plan, count, at: Self.noon(day))
    }

    /// Removes the `count` newest unassigned licenses of `plan` on `day`.
    @discardableResult
    mutating func remove(_ plan: String, _ count: Int, on day: Day) throws -> BillingWrites {
        let licenses = owned(plan)
        let codes = licenses.filter { $0.assignedTo == nil }.sorted(by: License.olderFirst).suffix(count).reversed().map(\.code)
        return try apply([.remove(plan: plan, count: count, from: licenses.count, to: licenses.count - count, licenses: codes)],
                         at: Self.noon(day))
    }

    /// `changes` as one change set on the current snapshot at `instant`.
    func changeSet(_ changes: [Change], at instant: Date) -> ChangeSet {
        let account = snapshot.account
        return ChangeSet(account: "acme", lineage: account?.lineage, serial: account?.serial ?? 0, now: instant,
                         accountChange: account == nil ? AccountChange(id: "acme", kind: .enterprise, isNew: true, name: nil, timezone: timezone) : nil,
                         changes: changes)
    }

    /// What a plan shows `changes` cost at `instant`, without applying them.
    func effect(of changes: [Change], at instant: Date) throws -> BillingEffect {
        try BillingEffect.compute(changeSet(changes, at: instant), on: snapshot, catalog: catalog)
    }

    @discardableResult
    mutating func apply(_ changes: [Change], at instant: Date) throws -> BillingWrites {
        let set = changeSet(changes, at: instant)
        let engine = ApplyEngine(actor: "test", now: instant, catalog: catalog, drawCode: codes.draw, drawLineage: { "lineage" })
        let writes = try engine.writes(for: set, on: snapshot, isCodeFree: { _ in true })
        snapshot = snapshot.applying(writes)
        let billing = try #require(writes.billing)
        history.append(billing)
        return billing
    }

    /// Issues every invoice due on or before `day`, as `invoice issue` does.
    mutating func issueInvoices(through day: Day) throws -> [Invoice] {
        let billing = try #require(snapshot.billing)
        let due = InvoiceBuilder(catalog: catalog).due(account: "acme", billing: billing, licenses: snapshot.licenses, through: day)
        snapshot.billing = due.billing
        return due.invoices.map(\.invoice)
    }
}

/// `"45.00"` in USD.
func usd(_ text: String) -> Money { try! Money(parsing: text, currency: "USD") }
