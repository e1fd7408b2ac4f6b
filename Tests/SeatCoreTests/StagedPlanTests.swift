import Foundation
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
}
