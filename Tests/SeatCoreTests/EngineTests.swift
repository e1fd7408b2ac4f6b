import Foundation
import SeatTestSupport
import Testing
@testable import SeatCore

private typealias F = Fixtures

@Test func engineWritesWhatThePlanSays() throws {
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(2)), F.plan("suite-contracted", .exact(1), line: 12)],
                            users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly", "suite-contracted"])])
    let set = F.plan(desired)
    let codes = F.CodeSource()
    let engine = ApplyEngine(actor: "ci", now: F.now, drawCode: codes.draw, drawLineage: { "lin" })
    let writes = try engine.writes(for: set, on: .empty, isCodeFree: { _ in true })
    #expect(writes.isNewAccount)
    #expect(writes.account.serial == 1 && writes.account.lineage == "lin" && writes.account.createdAt == F.now)
    #expect(writes.licenses.map(\.code) == ["NEW00001", "NEW00002", "NEW00003"])
    let assigned = writes.licenses.filter { $0.assignedTo == "alice@acme.com" }.map(\.plan).sorted()
    #expect(assigned == ["suite-contracted", "suite-monthly"])
    // The oldest license of suite-monthly goes to alice.
    #expect(writes.licenses.first { $0.code == "NEW00001" }?.assignedTo == "alice@acme.com")
    #expect(writes.contractStarts == ["suite-contracted": F.today, "suite-monthly": F.today])
    #expect(writes.journal.map(\.action) == ["create_account", "add_user", "buy", "buy", "assign", "assign"])
    #expect(writes.journal.allSatisfy { $0.actor == "ci" && $0.serial == 1 && $0.at == F.now })
    #expect(writes.journal[0].to == "kind=enterprise timezone=UTC")
    #expect(writes.journal[2].subject == "suite-contracted" && writes.journal[2].from == "0" && writes.journal[2].to == "1")
}

@Test func engineJournalsDeferralsOnceAndClosures() throws {
    let start = Day(year: 2026, month: 3, day: 1)
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1),
        F.license("CCCC0001", "suite-contracted", sequence: 2), F.license("CCCC0002", "suite-contracted", sequence: 3),
    ], contractStarts: ["suite-contracted": start])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(1)), F.plan("suite-contracted", .exact(1), line: 12)],
                            users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"])])
    let set = F.plan(desired, ledger)
    #expect(set.changes.isEmpty && set.deferred.count == 1)
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "l" })
    let first = try engine.writes(for: set, on: ledger, isCodeFree: { _ in true })
    #expect(first.journal.map(\.action) == ["defer"])
    #expect(first.journal.first?.to == "remove 1 until 2027-03-01 (contract_term)")
    #expect(first.deferrals == [RecordedDeferral(plan: "suite-contracted", until: Day(year: 2027, month: 3, day: 1))])
    // Once recorded, the same deferral is not journaled again.
    let after = ledger.applying(first)
    let again = try engine.writes(for: F.plan(desired, after), on: after, isCodeFree: { _ in true })
    #expect(again.journal.isEmpty)
}

@Test func engineRetriesCodesThatAreTaken() throws {
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(1))],
                               users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"])]))
    var draws = ["TAKEN001", "TAKEN001", "FRESH002"].makeIterator()
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: { draws.next()! }, drawLineage: { "l" })
    let writes = try engine.writes(for: set, on: .empty, isCodeFree: { $0 != "TAKEN001" })
    #expect(writes.licenses.map(\.code) == ["FRESH002"])
}

@Test func engineChecksDrawnCodesInOneBatchAndRedrawsTakenOnes() throws {
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(3))],
                               users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"])]))
    let codes = F.CodeSource()
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: codes.draw, drawLineage: { "l" })
    // The ledger's other accounts hold NEW00002; the store answers per batch.
    var batches: [[String]] = []
    let check = LicenseCodeCheck { batch in
        batches.append(batch)
        return Set(batch).intersection(["NEW00002"])
    }
    let writes = try engine.writes(for: set, on: .empty, codes: check)
    // One batch for the first three codes, one for the second try, which
    // never draws the taken code again.
    #expect(batches == [["NEW00001", "NEW00002", "NEW00003"], ["NEW00004", "NEW00005", "NEW00006"]])
    #expect(writes.boughtCodes == ["NEW00004", "NEW00005", "NEW00006"])
    #expect(writes.licenses.map(\.code) == ["NEW00004", "NEW00005", "NEW00006"])
    #expect(writes.firstBoughtLicense == 0)
    #expect(writes.journal.filter { $0.action == "assign" }.map(\.to) == ["suite-monthly (NEW00004)"])
}

@Test func engineNeverDrawsACodeTheSnapshotHolds() throws {
    // The snapshot holds NEW00001 (unassigned, so nobody names it) and
    // NEW00003 (bob's): the engine indexes only what the change set touches,
    // and still finds both among the codes it drew.
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator),
                                                            LedgerUser(email: "bob@acme.com")], licenses: [
        F.license("NEW00003", "suite-contracted", to: "bob@acme.com", sequence: 1),
        F.license("NEW00001", "suite-contracted", sequence: 2),
    ])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(3)), F.plan("suite-contracted", .exact(2), line: 12)],
                            users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"]),
                                    F.user("bob@acme.com", plans: ["suite-contracted"])])
    let set = F.plan(desired, ledger)
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "l" })
    for check in [LicenseCodeCheck.unchecked, LicenseCodeCheck { _ in [] }] {
        let writes = try engine.writes(for: set, on: ledger, codes: check)
        #expect(writes.boughtCodes.count == 3)
        #expect(Set(writes.boughtCodes).isDisjoint(with: ["NEW00001", "NEW00003"]))
        #expect(Set(writes.licenses.map(\.code)).count == writes.licenses.count)
    }
}

/// A purchase's licenses are numbered in the order of their codes, not the
/// order drawn, so that a store inserts them along its index on codes; a
/// code drawn twice in one purchase is drawn again.
@Test func engineNumbersAPurchaseInCodeOrder() throws {
    let set = F.plan(F.desired(plans: [F.plan("suite-monthly", .exact(4))],
                               users: [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"])]))
    var draws = ["QQQQ0001", "BBBB0001", "QQQQ0001", "ZZZZ0001", "QQQQ0001", "AAAA0001", "CCCC0001"].makeIterator()
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: { draws.next()! }, drawLineage: { "l" })
    let writes = try engine.writes(for: set, on: .empty, codes: .unchecked)
    // Drawn: QQQQ0001, BBBB0001, QQQQ0001 (again), ZZZZ0001; the repeat
    // is replaced by a fresh draw (AAAA0001; QQQQ0001 is refused once more).
    #expect(writes.licenses.map(\.code) == ["AAAA0001", "BBBB0001", "QQQQ0001", "ZZZZ0001"])
    #expect(writes.licenses.map(\.sequence) == [1, 2, 3, 4])
    #expect(writes.boughtCodes == ["AAAA0001", "BBBB0001", "QQQQ0001", "ZZZZ0001"])
    // The oldest, AAAA0001, goes to alice.
    #expect(writes.licenses.first { $0.assignedTo == "alice@acme.com" }?.code == "AAAA0001")
    // A plan's placeholders keep their numeric order: ~9 before ~10.
    var counter = 12
    let placeholders = LicenseCode.sortedUnique(count: 3) { _ in counter -= 1; return "~\(counter)" }
    #expect(placeholders == ["~9", "~10", "~11"])
}

@Test func engineListsBoughtLicensesLast() throws {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1),
    ])
    let desired = F.desired(plans: [F.plan("suite-monthly", .exact(2))],
                            users: [F.user("alice@acme.com", role: .administrator, plans: []), F.user("bob@acme.com", plans: ["suite-monthly"])])
    let set = F.plan(desired, ledger)
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "l" })
    let writes = try engine.writes(for: set, on: ledger, codes: .unchecked)
    // alice's license is unassigned (updated), one license is bought (inserted).
    #expect(writes.licenses.map(\.code) == ["AAAA0001", "NEW00001"])
    #expect(writes.boughtCodes == ["NEW00001"])
    #expect(writes.firstBoughtLicense == 1)
    // Writes whose licenses do not end with the bought ones say none is bought.
    var edited = writes
    edited.licenses.reverse()
    #expect(edited.firstBoughtLicense == 2)
}

@Test func engineRefusesAChangeSetForAnotherLedger() {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)])
    var set = F.plan(F.desired(plans: [], users: [F.user("alice@acme.com", role: .administrator)]), ledger)
    set.serial += 1
    #expect(throws: ApplyError.self) { try ledger.applyingChanges(set) }
}

@Test func engineRefusesToRemoveAnAssignedLicense() {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)],
                                licenses: [F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1)])
    let set = ChangeSet(account: "acme", lineage: F.account.lineage, serial: F.account.serial, now: F.now,
                        changes: [.remove(plan: "suite-monthly", count: 1, from: 1, to: 0, licenses: ["AAAA0001"])])
    #expect(throws: ApplyError(step: 1, reason: "license AAAA0001 of \"suite-monthly\" is assigned or not owned", code: .assignedLicense)) {
        try ledger.applyingChanges(set)
    }
}

@Test func engineHandsFreedLicensesOnInAssignmentOrderEvenWhenFreedTwice() throws {
    let users = ["alice", "bob", "carol", "dave", "erin"].map { LedgerUser(email: "\($0)@acme.com", role: $0 == "alice" ? .administrator : .user) }
    let ledger = LedgerSnapshot(account: F.account, users: users, licenses: [
        F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", daysAgo: 40, sequence: 1),
        F.license("AAAA0002", "suite-monthly", status: .paused, daysAgo: 30, sequence: 2),
        F.license("AAAA0003", "suite-monthly", daysAgo: 20, sequence: 3),
    ])
    let set = ChangeSet(account: "acme", lineage: F.account.lineage, serial: F.account.serial, now: F.now, changes: [
        .unassign(email: "alice@acme.com", plan: "suite-monthly", license: "AAAA0001"),
        .assign(email: "bob@acme.com", plan: "suite-monthly", license: nil),
        .unassign(email: "bob@acme.com", plan: "suite-monthly", license: "AAAA0001"),
        .assign(email: "carol@acme.com", plan: "suite-monthly", license: nil),
        // Bob no longer holds the license he gave back.
        .terminateUser(email: "bob@acme.com"),
        .assign(email: "dave@acme.com", plan: "suite-monthly", license: nil),
        .assign(email: "erin@acme.com", plan: "suite-monthly", license: nil),
    ])
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "l" })
    let writes = try engine.writes(for: set, on: ledger, isCodeFree: { _ in true })
    // The oldest active free license first, freed twice and taken twice;
    // then the other active one; the paused one last, made active.
    #expect(writes.journal.map(\.to) == [nil, "suite-monthly (AAAA0001)", nil, "suite-monthly (AAAA0001)", "terminated",
                                         "suite-monthly (AAAA0003)", "suite-monthly (AAAA0002)"])
    #expect(writes.licenses.map { "\($0.code) \($0.assignedTo ?? "-") \($0.status)" }
        == ["AAAA0001 carol@acme.com active", "AAAA0002 erin@acme.com active", "AAAA0003 dave@acme.com active"])
    #expect(writes.users.map { "\($0.email) \($0.status)" } == ["bob@acme.com terminated"])
    // No free license is left for another assignment.
    var more = set
    more.changes.append(.assign(email: "alice@acme.com", plan: "suite-monthly", license: nil))
    #expect(throws: ApplyError(step: 8, reason: "no free license of \"suite-monthly\" to assign to alice@acme.com")) {
        try engine.writes(for: more, on: ledger, isCodeFree: { _ in true })
    }
}

@Test func engineFreesALicenseHeldBySomeoneWhoIsNoUser() throws {
    let ledger = LedgerSnapshot(account: F.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)], licenses: [
        F.license("AAAA0001", "suite-monthly", to: "ghost@acme.com", sequence: 1),
    ])
    let set = ChangeSet(account: "acme", lineage: F.account.lineage, serial: F.account.serial, now: F.now, changes: [
        .unassign(email: "ghost@acme.com", plan: "suite-monthly", license: "AAAA0001"),
        .assign(email: "alice@acme.com", plan: "suite-monthly", license: nil),
    ])
    let engine = ApplyEngine(actor: "t", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "l" })
    let writes = try engine.writes(for: set, on: ledger, isCodeFree: { _ in true })
    #expect(writes.licenses.map(\.assignedTo) == ["alice@acme.com"])
    // The holder is known to the engine, but is no user it writes or lets act.
    #expect(writes.users.isEmpty)
    var terminate = set
    terminate.changes = [.terminateUser(email: "ghost@acme.com")]
    #expect(throws: ApplyError(step: 1, reason: "user ghost@acme.com is not an active user of the account")) {
        try engine.writes(for: terminate, on: ledger, isCodeFree: { _ in true })
    }
}

@Test func licenseCodesCoverTheWholeSpace() {
    #expect(LicenseCode.code(from: 0) == "AAAAAAAA")
    #expect(LicenseCode.code(from: 35) == "AAAAAAA9")
    #expect(LicenseCode.code(from: 36) == "AAAAAABA")
    #expect(LicenseCode.code(from: LicenseCode.space - 1) == "99999999")
    // Every character position takes every symbol over many draws.
    var seen = Array(repeating: Set<Character>(), count: 8)
    for _ in 0..<5000 { for (i, c) in LicenseCode.random().enumerated() { seen[i].insert(c) } }
    #expect(seen.allSatisfy { $0.count == 36 })
    // The same for the buffered source an engine draws from, over several
    // refills of its buffer, and its codes do not repeat.
    let draw = LicenseCode.randomSource()
    var buffered = Array(repeating: Set<Character>(), count: 8)
    var codes: Set<String> = []
    for _ in 0..<5000 {
        let code = draw()
        #expect(LicenseCode.isValid(code))
        codes.insert(code)
        for (i, c) in code.enumerated() { buffered[i].insert(c) }
    }
    #expect(buffered.allSatisfy { $0.count == 36 })
    #expect(codes.count == 5000)
}

@Test func licenseCodesAreWellFormed() {
    for _ in 0..<1000 {
        #expect(LicenseCode.isValid(LicenseCode.random()))
    }
    #expect(!LicenseCode.isValid("abcd1234") && !LicenseCode.isValid("ABC123") && !LicenseCode.isValid("ABCD-123"))
    #expect(LicenseCode.randomLineage().count == 32)
}

/// Random files against random ledgers: whenever the plan has no errors, the
/// engine applies it without breaking a rule at any step, and planning the
/// same file again against the result shows no changes (convergence).
@Test(arguments: 0..<60)
func randomPlansApplyAndConverge(seed: Int) throws {
    var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 1)
    let plans = ["suite-monthly", "time-monthly", "issues-yearly", "suite-contracted"]
    let emails = (0..<12).map { "u\($0)@acme.com" }

    func randomDesired() -> DesiredState {
        var users: [DesiredUser] = []
        for (i, email) in emails.enumerated() where i == 0 || Bool.random(using: &rng) {
            // u0 is always an active administrator, so most rounds are valid.
            let role: Role = i == 0 ? .administrator : [.administrator, .manager, .user, .user].randomElement(using: &rng)!
            let held = plans.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            users.append(F.user(email, line: 20 + i * 6, role: role, plans: held, paused: i > 0 && Int.random(in: 0..<5, using: &rng) == 0))
        }
        let declared = plans.enumerated().map { i, id -> DesiredPlan in
            let holders = users.filter { $0.plans.contains { $0.value == id } }.count
            let count: LicenseCount = Bool.random(using: &rng) ? .auto : .exact(holders + Int.random(in: 0..<3, using: &rng))
            return F.plan(id, count, line: 10 + i * 2, headroom: Int.random(in: 0..<2, using: &rng))
        }
        return F.desired(plans: declared, users: users, prune: Bool.random(using: &rng))
    }

    var ledger = LedgerSnapshot.empty
    var now = F.now
    let codes = F.CodeSource()
    var applied = 0
    for round in 0..<4 {
        let desired = randomDesired()
        let set = F.plan(desired, ledger, now: now)
        if set.hasErrors { continue }
        applied += 1
        let after = try ledger.applyingChanges(set, now: now, codes: codes)
        #expect(after.account?.serial == (ledger.account?.serial ?? 0) + 1, "round \(round)")
        let again = F.plan(desired, after, now: now)
        #expect(!again.hasChanges, "round \(round): \(again.changes)")
        // Every user holds exactly the plans the file gives them.
        for user in desired.users {
            let held = after.licenses.filter { $0.assignedTo == user.email && $0.status != .removed }.map(\.plan).sorted()
            #expect(held == user.plans.map(\.value).sorted(), "round \(round) \(user.email)")
        }
        ledger = after
        now = now.addingTimeInterval(86_400)
    }
    #expect(applied > 0, "every round had errors; the test would check nothing")
}

@Test func closingASelfEmployedAccount() throws {
    let account = LedgerAccount(id: "acme", kind: .selfEmployed, name: "Sol", timezone: "UTC", lineage: "l", serial: 4, createdAt: F.now)
    let ledger = LedgerSnapshot(account: account, users: [LedgerUser(email: "sol@gmail.com", role: .administrator)],
                                licenses: [F.license("SOLO0001", "solo-monthly", to: "sol@gmail.com", sequence: 1)])
    let set = F.plan(F.desired(kind: .selfEmployed, plans: [], users: [], closeAccount: true), ledger)
    #expect(set.errors.isEmpty, "\(set.errors)")
    #expect(set.changes == [
        .unassign(email: "sol@gmail.com", plan: "solo-monthly", license: "SOLO0001"),
        .terminateUser(email: "sol@gmail.com"),
        .remove(plan: "solo-monthly", count: 1, from: 1, to: 0, licenses: ["SOLO0001"]),
    ])
    let after = try ledger.applyingChanges(set)
    #expect(after.account?.status == .closed && after.account?.serial == 5)
    #expect(after.users.map(\.status) == [.terminated])
    #expect(after.licenses.map(\.status) == [.removed])
    // A closed account takes no more changes.
    let reopened = F.plan(F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))],
                                    users: [F.user("sol@gmail.com", plans: ["solo-monthly"])]), after)
    #expect(reopened.errorCodes.contains("account_closed"))
}
