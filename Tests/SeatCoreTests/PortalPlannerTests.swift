import Foundation
import Testing
@testable import SeatCore

/// The portal's operations under the business rules: each rule with an
/// operation that breaks it next to one that does not.
@Suite struct PortalPlannerTests {
    /// ann (the only administrator) and ben hold suite licenses L1 and L2;
    /// L3 (older) and L4 (newer) are free. The contracted plan's term
    /// started on 2026-03-01. eve is external; old was terminated.
    static let ledger = LedgerSnapshot(
        account: Fixtures.account,
        users: [
            LedgerUser(email: "ann@acme.com", role: .administrator),
            LedgerUser(email: "ben@acme.com"),
            LedgerUser(email: "eve@partner.example", isExternal: true),
            LedgerUser(email: "old@acme.com", status: .terminated),
        ],
        licenses: [
            Fixtures.license("L1AAAAAA", "suite-monthly", to: "ann@acme.com", daysAgo: 40, sequence: 1),
            Fixtures.license("L2AAAAAA", "suite-monthly", to: "ben@acme.com", daysAgo: 40, sequence: 2),
            Fixtures.license("L3AAAAAA", "suite-monthly", daysAgo: 30, sequence: 3),
            Fixtures.license("L4AAAAAA", "suite-monthly", daysAgo: 10, sequence: 4),
            Fixtures.license("C1AAAAAA", "suite-contracted", daysAgo: 200, sequence: 5),
            Fixtures.license("K1AAAAAA", "capped", daysAgo: 5, sequence: 6),
            Fixtures.license("X1AAAAAA", "time-monthly", status: .removed, daysAgo: 5, sequence: 7, endDate: Fixtures.today),
        ],
        contractStarts: ["suite-contracted": Day(year: 2026, month: 3, day: 1)],
        deferrals: [RecordedDeferral(plan: "issues-yearly", until: Day(year: 2027, month: 1, day: 1))])

    static let solo = LedgerSnapshot(
        account: LedgerAccount(id: "solo", kind: .selfEmployed, name: nil, timezone: "UTC", lineage: "lineage-2", serial: 1,
                               createdAt: Fixtures.now.addingTimeInterval(-86_400 * 60)),
        users: [LedgerUser(email: "sol@gmail.com", role: .administrator)],
        licenses: [Fixtures.license("S1AAAAAA", "solo-monthly", to: "sol@gmail.com", daysAgo: 60, sequence: 1)])

    static func plan(_ operation: PortalOperation, _ ledger: LedgerSnapshot = ledger, now: Date = Fixtures.now) -> PortalPlan {
        PortalPlanner(catalog: Fixtures.catalog).plan(operation, against: ledger, account: ledger.account?.id ?? "acme", now: now)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var operation: PortalOperation
        var ledger: LedgerSnapshot = PortalPlannerTests.ledger
        /// nil when the operation is allowed.
        var error: RuleCode?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "buy an offered plan", operation: .buy(plan: "suite-monthly", count: 2)),
        Case(name: "buy a plan for another kind", operation: .buy(plan: "solo-monthly", count: 1), error: .planNotOffered),
        Case(name: "buy a plan not in the catalog", operation: .buy(plan: "suite-monthly-x", count: 1), error: .planNotOffered),
        Case(name: "buy within the plan's maximum", operation: .buy(plan: "capped", count: 4)),
        Case(name: "buy past the plan's maximum", operation: .buy(plan: "capped", count: 5), error: .licenseLimits),
        Case(name: "buy for a self-employed account", operation: .buy(plan: "solo-monthly", count: 1), ledger: solo, error: .selfEmployedFixed),
        Case(name: "remove unassigned licenses", operation: .remove(plan: "suite-monthly", count: 2)),
        Case(name: "remove more than are unassigned", operation: .remove(plan: "suite-monthly", count: 3), error: .assignedLicense),
        Case(name: "remove more than are owned", operation: .remove(plan: "suite-monthly", count: 5), error: .invalidValue),
        Case(name: "remove a plan the account does not hold", operation: .remove(plan: "time-monthly", count: 1), error: .notFound),
        Case(name: "remove a contracted plan before renewal", operation: .remove(plan: "suite-contracted", count: 1), error: .contractTerm),
        Case(name: "remove below the plan's minimum", operation: .remove(plan: "capped", count: 1), error: .licenseLimits),
        Case(name: "remove for a self-employed account", operation: .remove(plan: "solo-monthly", count: 1), ledger: solo, error: .selfEmployedFixed),
        Case(name: "pause an assigned license", operation: .pause(license: "L2AAAAAA")),
        Case(name: "pause the last administrator", operation: .pause(license: "L1AAAAAA"), error: .lastAdministrator),
        Case(name: "pause an unassigned license", operation: .pause(license: "L3AAAAAA"), error: .invalidValue),
        Case(name: "pause a removed license", operation: .pause(license: "X1AAAAAA"), error: .invalidValue),
        Case(name: "pause an unknown license", operation: .pause(license: "ZZZZZZZZ"), error: .notFound),
        Case(name: "add a corporate user", operation: .addUser(email: "new@acme.com", name: "New", role: .user)),
        Case(name: "add a user on a public domain", operation: .addUser(email: "new@gmail.com", name: nil, role: .user), error: .corporateEmail),
        Case(name: "add a user who exists", operation: .addUser(email: "ben@acme.com", name: nil, role: .user), error: .invalidValue),
        Case(name: "bring back a terminated user", operation: .addUser(email: "old@acme.com", name: nil, role: .manager)),
        Case(name: "add a user to a self-employed account", operation: .addUser(email: "two@gmail.com", name: nil, role: .user), ledger: solo,
             error: .selfEmployedFixed),
        Case(name: "assign an offered plan", operation: .assign(email: "ben@acme.com", plan: "time-monthly")),
        Case(name: "assign to an external user", operation: .assign(email: "eve@partner.example", plan: "time-monthly"), error: .externalNoLicense),
        Case(name: "assign a plan not offered", operation: .assign(email: "ben@acme.com", plan: "solo-monthly"), error: .planNotOffered),
        Case(name: "assign to an unknown user", operation: .assign(email: "nobody@acme.com", plan: "time-monthly"), error: .notFound),
        Case(name: "assign to a terminated user", operation: .assign(email: "old@acme.com", plan: "time-monthly"), error: .notFound),
        Case(name: "assign in a self-employed account", operation: .assign(email: "sol@gmail.com", plan: "solo-monthly"), ledger: solo,
             error: .selfEmployedFixed),
        Case(name: "unassign a held plan", operation: .unassign(email: "ben@acme.com", plan: "suite-monthly")),
        Case(name: "unassign in a self-employed account", operation: .unassign(email: "sol@gmail.com", plan: "solo-monthly"), ledger: solo,
             error: .selfEmployedFixed),
        Case(name: "terminate a user", operation: .terminate(email: "ben@acme.com", lastWorkDay: Fixtures.today)),
        Case(name: "terminate the last administrator", operation: .terminate(email: "ann@acme.com", lastWorkDay: nil), error: .lastAdministrator),
        Case(name: "terminate after a future last work day", operation: .terminate(email: "ben@acme.com", lastWorkDay: Fixtures.today.adding(days: 1)),
             error: .invalidValue),
        Case(name: "terminate the self-employed user", operation: .terminate(email: "sol@gmail.com", lastWorkDay: nil), ledger: solo,
             error: .selfEmployedFixed),
        Case(name: "operate on an account that does not exist", operation: .buy(plan: "suite-monthly", count: 1), ledger: .empty, error: .notFound),
    ]

    @Test(arguments: cases)
    func rules(_ test: Case) {
        let plan = Self.plan(test.operation, test.ledger)
        if let error = test.error {
            #expect(plan.changeSet.errorCodes == [error.rawValue], "\(plan.changeSet.diagnostics)")
            #expect(plan.changeSet.changes.isEmpty)
            #expect(!plan.hasChanges)
        } else {
            #expect(plan.changeSet.errors.isEmpty, "\(plan.changeSet.diagnostics)")
            #expect(plan.hasChanges)
        }
    }

    @Test func closedAccountRefusesEverything() {
        var closed = Self.ledger
        closed.account?.status = .closed
        let plan = Self.plan(.buy(plan: "suite-monthly", count: 1), closed)
        #expect(plan.changeSet.errorCodes == [RuleCode.accountClosed.rawValue])
    }

    @Test func removalsTakeUnassignedLicensesNewestFirst() {
        let plan = Self.plan(.remove(plan: "suite-monthly", count: 2))
        #expect(plan.changeSet.changes == [.remove(plan: "suite-monthly", count: 2, from: 4, to: 2, licenses: ["L4AAAAAA", "L3AAAAAA"])])
    }

    @Test func contractedRemovalIsAllowedOnTheRenewalDay() {
        let renewal = Day(year: 2027, month: 3, day: 1).start(in: TimeZone(identifier: "UTC")!)
        let plan = Self.plan(.remove(plan: "suite-contracted", count: 1), now: renewal)
        #expect(plan.changeSet.errors.isEmpty, "\(plan.changeSet.diagnostics)")
        let refused = Self.plan(.remove(plan: "suite-contracted", count: 1))
        #expect(refused.changeSet.errors.first?.message.contains("2027-03-01") == true)
    }

    @Test func assignmentTakesTheOldestFreeLicenseOrBuysOne() {
        var ledger = Self.ledger
        ledger.users.append(LedgerUser(email: "dan@acme.com"))
        let reuse = Self.plan(.assign(email: "dan@acme.com", plan: "suite-monthly"), ledger)
        #expect(reuse.changeSet.changes == [.assign(email: "dan@acme.com", plan: "suite-monthly", license: "L3AAAAAA")])
        #expect(reuse.notes.isEmpty)

        let buy = Self.plan(.assign(email: "ben@acme.com", plan: "time-monthly"))
        #expect(buy.changeSet.changes == [.buy(plan: "time-monthly", count: 1, from: 0, to: 1),
                                          .assign(email: "ben@acme.com", plan: "time-monthly", license: nil)])
        #expect(buy.notes == ["no unassigned license of \"time-monthly\" was free, so one was bought"])
    }

    @Test func assigningToAPausedUserPausesTheNewLicense() {
        var ledger = Self.ledger
        ledger.licenses[1].status = .paused
        let plan = Self.plan(.assign(email: "ben@acme.com", plan: "time-monthly"), ledger)
        #expect(plan.changeSet.changes.last == .pause(email: "ben@acme.com", plans: ["time-monthly"]))
        #expect(plan.notes.contains("ben@acme.com is paused, so the new license is paused too"))
    }

    @Test func operationsThatChangeNothingSaySo() {
        let plans = [
            Self.plan(.assign(email: "ann@acme.com", plan: "suite-monthly")),
            Self.plan(.unassign(email: "ben@acme.com", plan: "time-monthly")),
            Self.plan(.resume(license: "L2AAAAAA")),
            Self.plan(.terminate(email: "old@acme.com", lastWorkDay: nil)),
        ]
        for plan in plans {
            #expect(!plan.hasChanges)
            #expect(plan.changeSet.errors.isEmpty)
            #expect(plan.notes.count == 1 && plan.notes[0].hasSuffix("nothing to do"), "\(plan.notes)")
        }
    }

    @Test func assignWarnsAboutDuplicateProducts() {
        let plan = Self.plan(.assign(email: "ben@acme.com", plan: "time-monthly"))
        #expect(plan.changeSet.warningCodes == [RuleCode.duplicateProduct.rawValue])
    }

    @Test func terminationUnassignsFirstAndJournalsTheLastWorkDay() throws {
        let lastDay = Fixtures.today.adding(days: -2)
        let plan = Self.plan(.terminate(email: "ben@acme.com", lastWorkDay: lastDay))
        #expect(plan.changeSet.changes == [.unassign(email: "ben@acme.com", plan: "suite-monthly", license: "L2AAAAAA"),
                                           .terminateUser(email: "ben@acme.com")])
        let writes = try Self.apply(plan)
        #expect(writes.journal.map(\.action) == ["unassign", "terminate_user"])
        #expect(writes.journal.last?.to == "terminated (last work day \(lastDay))")
        #expect(writes.journal.allSatisfy { $0.actor == "portal:alice" })
    }

    @Test func applyingBumpsTheSerialOnceAndKeepsRecordedDeferrals() throws {
        let writes = try Self.apply(Self.plan(.buy(plan: "suite-monthly", count: 3)))
        #expect(writes.account.serial == Self.ledger.account!.serial + 1)
        #expect(writes.deferrals == Self.ledger.deferrals)
        #expect(writes.journal.map(\.action) == ["buy"])
        #expect(writes.licenses.count == 3)
    }

    @Test func pausingOneLicensePausesItsHolderAsAWhole() throws {
        var ledger = Self.ledger
        ledger.licenses.append(Fixtures.license("T1AAAAAA", "time-monthly", to: "ben@acme.com", daysAgo: 3, sequence: 8))
        let plan = Self.plan(.pause(license: "L2AAAAAA"), ledger)
        #expect(plan.changeSet.changes == [.pause(email: "ben@acme.com", plans: ["suite-monthly", "time-monthly"])])
        #expect(plan.notes.first?.contains("T1AAAAAA") == true)
        let writes = try Self.apply(plan, on: ledger)
        #expect(Set(writes.licenses.map(\.code)) == ["L2AAAAAA", "T1AAAAAA"])
        #expect(writes.licenses.allSatisfy { $0.status == .paused })
    }

    static func apply(_ plan: PortalPlan, on ledger: LedgerSnapshot = ledger) throws -> LedgerWrites {
        let codes = Fixtures.CodeSource()
        let engine = ApplyEngine(actor: "portal:alice", now: Fixtures.now, drawCode: codes.draw)
        return try plan.writes(engine: engine, on: ledger, codes: .unchecked)
    }
}
