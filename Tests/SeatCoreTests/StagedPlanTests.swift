import Foundation
import SeatTestSupport
import Testing
@testable import SeatCore

private typealias F = Fixtures

/// The steps of a plan worked out ahead, as the CLI does on a second core
/// (the ledger's index and the file's rules while the file loads, the
/// current invoice while the change set is worked out), give exactly the
/// plan the planner makes in one call.
struct StagedPlanTests {
    static func staged(_ desired: DesiredState, _ ledger: LedgerSnapshot, index: LedgerIndex? = nil,
                       now: Date = F.now) -> ChangeSet {
        let planner = Planner(catalog: F.catalog)
        let unpriced = planner.changes(desired, against: index ?? LedgerIndex(ledger, now: now), now: now,
                                       fileDiagnostics: planner.fileDiagnostics(desired))
        return planner.price(unpriced, of: desired, on: ledger, engine: BillingEffect.pricingEngine(now: now, catalog: F.catalog),
                             currentInvoice: BillingEffect.currentInvoice(of: ledger, catalog: F.catalog)).changeSet
    }

    @Test(arguments: [false, true])
    func stepsWorkedOutAheadGiveThePlan(damaged: Bool) {
        let (desired, ledger) = EquivalenceTests.mixedAccount(users: 300, damaged: damaged)
        let whole = F.plan(desired, ledger)
        #expect(!whole.changes.isEmpty && !whole.diagnostics.isEmpty)
        #expect(Self.staged(desired, ledger) == whole)
    }

    /// A snapshot whose store indexed its e-mails while reading it (as the
    /// SQLite store does) plans exactly as one without: the index takes its
    /// users' slots and each license's holder from the store's table. The
    /// damaged account has licenses held by e-mails that are no user's,
    /// which the index must add itself; removed licenses still name users.
    @Test(arguments: [false, true])
    func theStoresEmailTableGivesThePlan(damaged: Bool) {
        let (desired, plain) = EquivalenceTests.mixedAccount(users: 300, damaged: damaged)
        let indexed = Self.withEmails(plain)
        #expect(indexed.emails != nil)
        #expect(indexed == plain)
        #expect(indexed.emails?.holders.contains(-1) == true)
        if damaged {
            #expect(indexed.licenses.indices.contains { indexed.emails!.holders[$0] < 0 && indexed.licenses[$0].assignedTo != nil })
        }
        let whole = F.plan(desired, plain)
        #expect(!whole.changes.isEmpty)
        #expect(Self.staged(desired, indexed) == whole)
    }

    /// The engine finds the users a change set names, and the licenses they
    /// hold, through the store's e-mail table when there is one: it writes
    /// exactly what it writes without.
    @Test func theEngineWritesTheSameWithTheStoresEmailTable() throws {
        let (desired, plain) = EquivalenceTests.mixedAccount(users: 300)
        let applicable = EquivalenceTests.applicable(desired, errors: F.plan(desired, plain).errors)
        let set = F.plan(applicable, plain)
        #expect(set.errors.isEmpty && set.changes.count > 100)
        func writes(_ ledger: LedgerSnapshot) throws -> LedgerWrites {
            let engine = ApplyEngine(actor: "test", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "lineage-new" })
            return try engine.writes(for: set, on: ledger, isCodeFree: { _ in true })
        }
        let indexed = Self.withEmails(plain)
        #expect(indexed.emails != nil)
        #expect(try writes(indexed) == (try writes(plain)))
    }

    /// A table that does not describe the snapshot is dropped, and so is a
    /// table whose snapshot's users or licenses change afterwards.
    @Test func anEmailTableIsDroppedWhenItNoLongerFits() {
        let (_, plain) = EquivalenceTests.mixedAccount(users: 40)
        var indexed = Self.withEmails(plain)
        let table = indexed.emails!
        #expect(LedgerSnapshot(account: F.account, users: Array(plain.users.dropLast()), licenses: plain.licenses,
                               emails: table).emails == nil)
        #expect(LedgerSnapshot(account: F.account, users: plain.users, licenses: Array(plain.licenses.dropLast()),
                               emails: table).emails == nil)
        indexed.users[0].name = "Renamed"
        #expect(indexed.emails == nil)
        indexed = Self.withEmails(plain)
        indexed.licenses.append(F.license("NEW00001", "suite-monthly", to: plain.users[0].email, daysAgo: 1, sequence: 9_999))
        #expect(indexed.emails == nil)
    }

    /// `ledger` with the e-mail table a store builds as it reads: each
    /// user's e-mail in order, and each license's holder among the users.
    static func withEmails(_ ledger: LedgerSnapshot) -> LedgerSnapshot {
        var table = SlotTable()
        for user in ledger.users { _ = table.insert(user.email) }
        let holders = ledger.licenses.map { license in Int32(license.assignedTo.flatMap(table.slot(of:)) ?? -1) }
        return LedgerSnapshot(account: ledger.account, users: ledger.users, licenses: ledger.licenses,
                              contractStarts: ledger.contractStarts, deferrals: ledger.deferrals, billing: ledger.billing,
                              emails: SnapshotEmails(users: table, holders: holders))
    }

    /// With nothing to change, the plan shows the current invoice, given or not.
    @Test func aPlanWithoutChangesShowsTheCurrentInvoice() throws {
        let desired = F.desired(plans: [F.plan("suite-monthly", .exact(3)), F.plan("time-monthly", .auto, line: 12)],
                                users: [F.user("alice@acme.com", line: 20, role: .administrator, plans: ["suite-monthly", "time-monthly"]),
                                        F.user("bob@acme.com", line: 30, plans: ["time-monthly"])])
        let ledger = try LedgerSnapshot.empty.applyingChanges(F.plan(desired))
        let whole = F.plan(desired, ledger)
        #expect(whole.changes.isEmpty)
        let current = try #require(BillingEffect.currentInvoice(of: ledger, catalog: F.catalog))
        #expect(!current.lines.isEmpty)
        #expect(whole.billing?.nextInvoice == current)
        #expect(Self.staged(desired, ledger) == whole)
    }

    /// An index of another day than the plan's is built again: a license
    /// that has expired since must be seen as expired.
    @Test func anIndexOfAnotherDayIsNotUsed() {
        let expiring = F.license("EXP00001", "suite-monthly", to: "alice@acme.com", daysAgo: 60, sequence: 1,
                                 endDate: Day(F.now, in: TimeZone(identifier: "UTC")!).adding(days: -1))
        let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)],
                                    licenses: [expiring])
        let desired = F.desired(plans: [F.plan("suite-monthly", .auto)],
                                users: [F.user("alice@acme.com", line: 20, role: .administrator, plans: ["suite-monthly"])])
        let stale = LedgerIndex(ledger, now: F.now.addingTimeInterval(-3 * 86_400))
        let whole = F.plan(desired, ledger)
        #expect(whole.codes.contains(RuleCode.licenseExpired.rawValue))
        #expect(Self.staged(desired, ledger, index: stale) == whole)
    }

    /// The fixtures' catalog and a daily plan.
    static let catalog = Catalog(currency: F.usd, plans: F.catalog.plans + [
        CatalogPlan(id: "meet-daily", name: "Meet", products: ["meet"], billing: .daily, commitment: .flexible,
                    price: F.price("1.50"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
    ])

    /// A plan's next invoice is derived from the current one by moving the
    /// licenses the apply changes between its lines. Over random accounts
    /// changed step by step (users added, removed, paused, resumed, moved
    /// between plans; licenses bought and removed; invoices issued; days
    /// passing) it must equal the invoice built over every license.
    @Test(arguments: 0..<12)
    func theDerivedNextInvoiceIsTheOneBuiltOverEveryLicense(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let plans = ["suite-monthly", "time-monthly", "issues-yearly", "meet-daily"]
        let planner = Planner(catalog: Self.catalog)
        var ledger = LedgerSnapshot.empty
        var now = F.now
        var compared = 0
        for step in 0..<8 {
            var users = [F.user("admin@acme.com", line: 20, role: .administrator, plans: ["suite-monthly"])]
            for n in 0..<60 where Int.random(in: 0..<5, using: &random) > 0 {
                let held = plans.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
                users.append(F.user(String(format: "user%02d@acme.com", n), line: 30 + 6 * n, plans: held,
                                    paused: Int.random(in: 0..<8, using: &random) == 0))
            }
            let declared = plans.enumerated().map { index, plan in
                F.plan(plan, .auto, line: 10 + 2 * index, headroom: Int.random(in: 0...3, using: &random))
            }
            let desired = F.desired(plans: declared, users: users, prune: Bool.random(using: &random))
            let set = planner.changes(desired, against: LedgerIndex(ledger, now: now), now: now)
            guard set.errors.isEmpty else { continue }
            func effect(deriving: Bool) throws -> (effect: BillingEffect, writes: LedgerWrites?) {
                // Both runs draw the same codes, none of them drawn at an earlier step.
                let codes = F.CodeSource()
                let engine = ApplyEngine(actor: "test", now: now, catalog: Self.catalog, drawCode: { "S\(step)" + codes.draw() },
                                         drawLineage: { "lineage-1" })
                return try BillingEffect.compute(set, on: ledger, catalog: Self.catalog, engine: engine,
                                                 currentInvoice: { nil }, derivingInvoice: deriving)
            }
            let derived = try effect(deriving: true)
            #expect(derived.effect == (try effect(deriving: false)).effect, "seed \(seed), \(now)")
            if ledger.billing != nil, !set.changes.isEmpty { compared += 1 }
            if let writes = derived.writes { ledger = ledger.applying(writes) }
            now = now.addingTimeInterval(Double(Int.random(in: 0...25, using: &random)) * 86_400)
            if let billing = ledger.billing, Bool.random(using: &random) {
                let today = Day(now, inZoneNamed: "UTC")
                ledger.billing = InvoiceBuilder(catalog: Self.catalog).due(account: "acme", billing: billing,
                                                                          licenses: ledger.licenses, through: today).billing
            }
        }
        #expect(compared >= 3, "seed \(seed) compared \(compared) times")
    }
}
