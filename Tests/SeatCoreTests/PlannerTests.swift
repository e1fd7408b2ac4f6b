import Foundation
import Testing
@testable import SeatCore

private typealias F = Fixtures

extension LedgerSnapshot {
    /// Applies a change set with the engine and deterministic codes.
    func applyingChanges(_ set: ChangeSet, now: Date = Fixtures.now, codes: Fixtures.CodeSource = .init()) throws -> LedgerSnapshot {
        let engine = ApplyEngine(actor: "test", now: now, drawCode: codes.draw, drawLineage: { "lineage-new" })
        return applying(try engine.writes(for: set, on: self, isCodeFree: { _ in true }))
    }
}

private let admin = F.user("alice@acme.com", line: 20, role: .administrator, plans: ["suite-monthly"])

@Test func firstPlanCreatesTheAccountInRuleSafeOrder() {
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(3)), F.plan("time-monthly", .auto, line: 12, headroom: 1)],
                            users: [F.user("zoe@acme.com", line: 40, plans: ["time-monthly"]),
                                    admin, F.user("bob@acme.com", line: 30, role: .manager, plans: ["suite-monthly"])])
    let set = F.plan(desired)
    #expect(set.errors.isEmpty)
    #expect(set.accountChange?.isNew == true)
    let user = UserAttributes(name: nil, role: .user, isExternal: false)
    #expect(set.changes == [
        .addUser(email: "alice@acme.com", UserAttributes(name: nil, role: .administrator, isExternal: false)),
        .addUser(email: "bob@acme.com", UserAttributes(name: nil, role: .manager, isExternal: false)),
        .addUser(email: "zoe@acme.com", user),
        .buy(plan: "suite-monthly", count: 3, from: 0, to: 3),
        .buy(plan: "time-monthly", count: 2, from: 0, to: 2),
        .assign(email: "alice@acme.com", plan: "suite-monthly", license: nil),
        .assign(email: "bob@acme.com", plan: "suite-monthly", license: nil),
        .assign(email: "zoe@acme.com", plan: "time-monthly", license: nil),
    ])
    #expect(set.summary[.buy] == 5 && set.summary[.addUser] == 3 && set.summary[.assign] == 3)
}

@Test func assignmentsTakeTheOldestLicenseAndRemovalsTheNewest() {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)], licenses: [
        F.license("OLD00001", "suite-monthly", daysAgo: 90, sequence: 1),
        F.license("MID00002", "suite-monthly", daysAgo: 60, sequence: 2),
        F.license("NEW00003", "suite-monthly", daysAgo: 10, sequence: 3),
        F.license("NEW00004", "suite-monthly", daysAgo: 10, sequence: 4),
    ])
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(2))], users: [admin]), ledger)
    #expect(set.changes == [
        .assign(email: "alice@acme.com", plan: "suite-monthly", license: "OLD00001"),
        .remove(plan: "suite-monthly", count: 2, from: 4, to: 2, licenses: ["NEW00004", "NEW00003"]),
    ])
}

@Test func unassignmentsComeBeforeTheAssignmentsAndRemovalsThatNeedThem() {
    // Dan's license moves to Eve, and one licence of the plan goes.
    let ledger = LedgerSnapshot(account: F.account, users: [
        LedgerUser(email: "alice@acme.com", role: .administrator), LedgerUser(email: "dan@acme.com"), LedgerUser(email: "eve@acme.com"),
    ], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1),
        F.license("DDDD0002", "time-monthly", to: "dan@acme.com", daysAgo: 50, sequence: 2),
        F.license("TTTT0003", "time-monthly", to: "eve@acme.com", daysAgo: 40, sequence: 3),
    ])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(1)), F.plan("time-monthly", .exact(1), line: 12)],
                            users: [admin, F.user("dan@acme.com", line: 30), F.user("eve@acme.com", line: 40, plans: ["time-monthly"])])
    let set = F.plan(desired, ledger)
    #expect(set.errors.isEmpty)
    #expect(set.changes == [
        .unassign(email: "dan@acme.com", plan: "time-monthly", license: "DDDD0002"),
        .remove(plan: "time-monthly", count: 1, from: 2, to: 1, licenses: ["DDDD0002"]),
    ])
}

@Test func promotionsComeBeforeDemotions() throws {
    let ledger = LedgerSnapshot(account: F.account, users: [
        LedgerUser(email: "alice@acme.com", role: .administrator), LedgerUser(email: "bob@acme.com"),
    ], licenses: [F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1)])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(1))],
                            users: [F.user("alice@acme.com", role: .user, plans: ["suite-monthly"]),
                                    F.user("bob@acme.com", line: 30, role: .administrator)])
    let set = F.plan(desired, ledger)
    #expect(set.changes.map(\.user) == ["bob@acme.com", "alice@acme.com"])
    // The engine checks the invariant after every step: the reverse order fails.
    var reversed = set
    reversed.changes.reverse()
    #expect(throws: ApplyError.self) { try ledger.applyingChanges(reversed) }
    let after = try ledger.applyingChanges(set)
    #expect(after.users.first { $0.email == "bob@acme.com" }?.role == .administrator)
}

@Test func pauseAndResumeFollowTheFile() throws {
    let ledger = LedgerSnapshot(account: F.account, users: [
        LedgerUser(email: "alice@acme.com", role: .administrator), LedgerUser(email: "bob@acme.com"), LedgerUser(email: "cy@acme.com"),
    ], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1),
        F.license("BBBB0002", "suite-monthly", to: "bob@acme.com", sequence: 2),
        F.license("CCCC0003", "suite-monthly", to: "cy@acme.com", status: .paused, sequence: 3),
    ])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(3))],
                            users: [admin, F.user("bob@acme.com", line: 30, plans: ["suite-monthly"], paused: true),
                                    F.user("cy@acme.com", line: 40, plans: ["suite-monthly"])])
    let set = F.plan(desired, ledger)
    #expect(set.changes == [.resume(email: "cy@acme.com", plans: ["suite-monthly"]), .pause(email: "bob@acme.com", plans: ["suite-monthly"])])
    let after = try ledger.applyingChanges(set)
    #expect(after.licenses.map(\.status) == [.active, .paused, .active])
    #expect(F.plan(desired, after).hasChanges == false)
}

@Test func pruneUnassignsThenTerminates() {
    let ledger = LedgerSnapshot(account: F.account, users: [
        LedgerUser(email: "alice@acme.com", role: .administrator), LedgerUser(email: "zed@acme.com"),
    ], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1),
        F.license("ZZZZ0002", "suite-monthly", to: "zed@acme.com", sequence: 2),
    ])
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(1))], users: [admin], prune: true), ledger)
    #expect(set.changes == [
        .unassign(email: "zed@acme.com", plan: "suite-monthly", license: "ZZZZ0002"),
        .terminateUser(email: "zed@acme.com"),
        .remove(plan: "suite-monthly", count: 1, from: 2, to: 1, licenses: ["ZZZZ0002"]),
    ])
}

@Test func anExpiredLicenseIsReplaced() throws {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)], licenses: [
        F.license("EXP00001", "suite-monthly", to: "alice@acme.com", daysAgo: 90, sequence: 1, endDate: Day(year: 2026, month: 10, day: 31)),
        F.license("FREE0002", "suite-monthly", daysAgo: 20, sequence: 2),
    ])
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(1))], users: [admin]), ledger)
    #expect(set.warningCodes == ["license_expired"])
    #expect(set.changes == [
        .unassign(email: "alice@acme.com", plan: "suite-monthly", license: "EXP00001"),
        .assign(email: "alice@acme.com", plan: "suite-monthly", license: "FREE0002"),
    ])
    let after = try ledger.applyingChanges(set)
    #expect(F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(1))], users: [admin]), after).hasChanges == false)
}

@Test func samePlanTwiceIsByteIdentical() {
    let desired = F.desired(plans: [F.plan("suite-monthly", .auto), F.plan("time-monthly", .exact(4), line: 12)],
                            users: (0..<200).map { F.user("user\($0)@acme.com", line: 20 + $0 * 5, role: $0 == 0 ? .administrator : nil,
                                                          plans: $0 % 3 == 0 ? ["suite-monthly"] : ["suite-monthly", "time-monthly"].suffix(1)) }
                                   .filter { _ in true })
    let first = F.plan(desired)
    let second = F.plan(desired)
    #expect(first == second)
}
