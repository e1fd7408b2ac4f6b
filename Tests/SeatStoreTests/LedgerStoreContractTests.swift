import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// The contract every ``LedgerStore`` keeps, one body per behaviour, run
/// against every store in ``StoreKind``.
@Suite("LedgerStore contract")
struct LedgerStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func unknownAccountReadsAsEmpty(kind: StoreKind) throws {
        try kind.withStore { (store) throws in
            #expect(try store.snapshot(account: "nobody") == .empty)
            #expect(try store.accountIDs() == [])
            #expect(try store.journal(account: nil, since: nil) == [])
            #expect(try store.catalog() == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func applyCreatesAnAccountThatReadsBackExactly(kind: StoreKind) throws {
        try kind.withStore { store in
            let writes = Sample.creation("acme")
            var seen: LedgerSnapshot?
            let persisted = try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { snapshot, _ in
                seen = snapshot
                return writes
            }
            #expect(seen == .empty)
            #expect(persisted == writes)
            #expect(try store.snapshot(account: "acme") == Sample.snapshot(after: writes))
            #expect(try store.journal(account: "acme", since: nil) == writes.journal)
            #expect(try store.accountIDs() == ["acme"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func laterApplyUpdatesRowsAndReplacesDeferrals(kind: StoreKind) throws {
        try kind.withStore { store in
            let creation = Sample.creation("acme")
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in creation }

            var account = creation.account
            account.serial = 2
            account.name = nil
            account.timezone = "America/New_York"
            account.status = .closed
            let promoted = LedgerUser(email: "bob@acme.example", name: "Robert", role: .administrator, isExternal: false)
            let added = LedgerUser(email: "carol@acme.example")
            var unassigned = creation.licenses[0]
            unassigned.assignedTo = nil
            unassigned.status = .paused
            unassigned.endDate = Day(year: 2028, month: 2, day: 29)
            let bought = License(code: "A0000005", plan: "field-contracted", createdAt: Sample.at(3_600),
                                 activatedAt: Sample.at(3_600), assignedTo: "carol@acme.example", sequence: 10)
            let update = LedgerWrites(
                account: account, isNewAccount: false, users: [promoted, added], licenses: [unassigned, bought],
                contractStarts: ["new-contracted": Day(year: 2026, month: 6, day: 15)],
                deferrals: [RecordedDeferral(plan: "new-contracted", until: Day(year: 2027, month: 6, day: 15))],
                journal: [Sample.entry("acme", "update_user", "bob@acme.example", at: Sample.at(3_600), serial: 2,
                                       from: "manager", to: "administrator")])

            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { snapshot, _ in
                #expect(snapshot == Sample.snapshot(after: creation))
                return update
            }

            var expected = Sample.snapshot(after: creation)
            expected.account = account
            expected.users = [creation.users[1], promoted, added, creation.users[0]]
            expected.licenses = (creation.licenses.dropFirst() + [unassigned, bought]).sorted(by: License.olderFirst)
            expected.contractStarts["new-contracted"] = Day(year: 2026, month: 6, day: 15)
            expected.deferrals = update.deferrals
            #expect(try store.snapshot(account: "acme") == expected)
            #expect(try store.journal(account: "acme", since: nil) == creation.journal + update.journal)

            // An empty deferral list clears them.
            account.serial = 3
            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 2) { _, _ in
                LedgerWrites(account: account, isNewAccount: false)
            }
            #expect(try store.snapshot(account: "acme").deferrals == [])
            #expect(try store.snapshot(account: "acme").account?.serial == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func staleLineageOrSerialIsRefusedBeforeAnythingRuns(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            let before = try LedgerState(store, accounts: ["acme", "beta"])

            let cases: [(account: String, lineage: String?, serial: Int, found: String?, foundSerial: Int)] = [
                ("acme", "lineage-acme", 0, "lineage-acme", 1),  // an older plan
                ("acme", "lineage-acme", 2, "lineage-acme", 1),  // a plan from the future
                ("acme", "lineage-other", 1, "lineage-acme", 1),  // another ledger's plan
                ("acme", nil, 0, "lineage-acme", 1),  // "create" an account that exists
                ("beta", "lineage-beta", 1, nil, 0),  // update an account that does not exist
            ]
            for item in cases {
                var called = false
                #expect(throws: LedgerError.stale(
                    account: item.account, expectedLineage: item.lineage, expectedSerial: item.serial,
                    foundLineage: item.found, foundSerial: item.foundSerial)
                ) {
                    try store.apply(account: item.account, expectedLineage: item.lineage, expectedSerial: item.serial) { _, _ in
                        called = true
                        return Sample.creation(item.account)
                    }
                }
                #expect(!called)
            }
            #expect(try LedgerState(store, accounts: ["acme", "beta"]) == before)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func throwingMakeWritesPersistsNothing(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            let before = try LedgerState(store, accounts: ["acme", "beta"])

            #expect(throws: Boom.self) {
                try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, isCodeFree in
                    _ = try isCodeFree("A0000001")
                    throw Boom()
                }
            }
            #expect(throws: Boom.self) {
                try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in throw Boom() }
            }
            #expect(try LedgerState(store, accounts: ["acme", "beta"]) == before)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func failureWhilePersistingRollsEverythingBack(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in
                Sample.creation("beta", codePrefix: "B")
            }
            let before = try LedgerState(store, accounts: ["acme", "beta", "gamma"])

            // A new account whose last license takes a code acme owns: the
            // account, users and first licenses written before it must go too.
            var gamma = Sample.creation("gamma", codePrefix: "G")
            gamma.licenses.append(License(code: "A0000001", plan: "full-suite-monthly", createdAt: Sample.t0, sequence: 99))
            try expectDatabaseError { try store.apply(account: "gamma", expectedLineage: nil, expectedSerial: 0) { _, _ in gamma } }

            // An update of beta that takes acme's code midway.
            var beta = Sample.creation("beta", codePrefix: "B")
            beta.isNewAccount = false
            beta.account.serial = 2
            beta.users = [LedgerUser(email: "dave@beta.example")]
            beta.licenses = [License(code: "B0000009", plan: "full-suite-monthly", createdAt: Sample.t0, sequence: 20),
                             License(code: "A0000002", plan: "full-suite-monthly", createdAt: Sample.t0, sequence: 21)]
            try expectDatabaseError { try store.apply(account: "beta", expectedLineage: "lineage-beta", expectedSerial: 1) { _, _ in beta } }

            // A license assigned to a user the account does not have.
            beta.licenses = [License(code: "B0000010", plan: "full-suite-monthly", createdAt: Sample.t0,
                                     assignedTo: "ghost@beta.example", sequence: 22)]
            try expectDatabaseError { try store.apply(account: "beta", expectedLineage: "lineage-beta", expectedSerial: 1) { _, _ in beta } }

            // A contract term that started already.
            beta.licenses = []
            beta.contractStarts = ["field-contracted": Day(year: 2026, month: 9, day: 1)]
            try expectDatabaseError { try store.apply(account: "beta", expectedLineage: "lineage-beta", expectedSerial: 1) { _, _ in beta } }

            // Writes for another account than the one applied.
            try expectDatabaseError { try store.apply(account: "gamma", expectedLineage: nil, expectedSerial: 0) { _, _ in
                Sample.creation("delta")
            } }

            #expect(try LedgerState(store, accounts: ["acme", "beta", "gamma"]) == before)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func isCodeFreeLooksAtEveryAccount(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { (_, isCodeFree) throws in
                #expect(try !isCodeFree("A0000001"))
                #expect(try !isCodeFree("A0000004"))  // removed licenses keep their code
                #expect(try isCodeFree("B0000001"))
                #expect(try isCodeFree("a0000001"))  // codes are exact: upper case only
                // A batch is answered in one query: the taken codes, whatever their order.
                #expect(try isCodeFree.taken(["B0000001", "A0000004", "a0000001", "A0000001", "A0000001"]) == ["A0000001", "A0000004"])
                #expect(try isCodeFree.taken([]).isEmpty)
                // Codes are data: quotes, backslashes and control characters pass through.
                #expect(try isCodeFree.taken(["A\"1", "B\\2", "C\u{1}3", "A0000001"]) == ["A0000001"])
                return Sample.creation("beta", codePrefix: "B")
            }
            #expect(throws: Boom.self) {
                try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { (_, isCodeFree) throws in
                    #expect(try !isCodeFree("B0000001"))
                    #expect(try !isCodeFree("A0000003"))
                    throw Boom()
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func catalogRoundTripsAndImportsAreJournaled(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            #expect(try store.catalog() == Sample.catalog)
            #expect(try store.catalog()?["field-contracted"]?.contractMonths == 12)

            try store.importCatalog(Sample.otherCatalog, actor: "ops", at: Sample.at(60))
            #expect(try store.catalog() == Sample.otherCatalog)

            let entries = try store.journal(account: nil, since: nil)
            #expect(entries == [
                JournalEntry(at: Sample.t0, account: LedgerJournal.catalogAccount, actor: "admin",
                             action: LedgerJournal.importCatalogAction, subject: LedgerJournal.catalogSubject,
                             from: nil, to: "2 plans in USD", serial: 0),
                JournalEntry(at: Sample.at(60), account: LedgerJournal.catalogAccount, actor: "ops",
                             action: LedgerJournal.importCatalogAction, subject: LedgerJournal.catalogSubject,
                             from: "2 plans in USD", to: "1 plan in JPY", serial: 0),
            ])
            #expect(try store.journal(account: "", since: nil) == entries)
            #expect(try store.journal(account: "acme", since: nil) == [])
            #expect(try store.accountIDs() == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func journalFiltersByAccountAndTimeOldestFirst(kind: StoreKind) throws {
        try kind.withStore { store in
            var acme = Sample.creation("acme")
            // Written out of time order; ties keep the order they were written in.
            acme.journal = [
                Sample.entry("acme", "buy", "tie-1", at: Sample.at(120)),
                Sample.entry("acme", "create_account", "acme", at: Sample.at(0)),
                Sample.entry("acme", "buy", "tie-2", at: Sample.at(120)),
                Sample.entry("acme", "buy", "tie-3", at: Sample.at(120)),
            ]
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in acme }
            var beta = Sample.creation("beta", codePrefix: "B")
            beta.journal = [Sample.entry("beta", "create_account", "beta", at: Sample.at(60))]
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in beta }
            try store.importCatalog(Sample.catalog, actor: "admin", at: Sample.at(90))

            let subjects = { (entries: [JournalEntry]) in entries.map(\.subject) }
            #expect(subjects(try store.journal(account: nil, since: nil)) == ["acme", "beta", "catalog", "tie-1", "tie-2", "tie-3"])
            #expect(subjects(try store.journal(account: "acme", since: nil)) == ["acme", "tie-1", "tie-2", "tie-3"])
            #expect(subjects(try store.journal(account: "beta", since: nil)) == ["beta"])
            // `since` is inclusive.
            #expect(subjects(try store.journal(account: nil, since: Sample.at(60))) == ["beta", "catalog", "tie-1", "tie-2", "tie-3"])
            #expect(subjects(try store.journal(account: "acme", since: Sample.at(61))) == ["tie-1", "tie-2", "tie-3"])
            #expect(try store.journal(account: "acme", since: Sample.at(121)) == [])
            #expect(try store.journal(account: "nobody", since: nil) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func accountsAreIndependent(kind: StoreKind) throws {
        try kind.withStore { store in
            // Both accounts have the same consultant: users are keyed by (account, email).
            let shared = LedgerUser(email: "shared@partner.example", isExternal: true)
            var beta = Sample.creation("beta", codePrefix: "B")
            beta.users.append(shared)
            var acme = Sample.creation("acme")
            acme.users.append(shared)
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in beta }
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in acme }
            #expect(try store.accountIDs() == ["acme", "beta"])

            var terminated = shared
            terminated.status = .terminated
            let update = LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false, users: [terminated])
            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in update }

            #expect(try store.snapshot(account: "beta") == Sample.snapshot(after: beta))
            #expect(try store.journal(account: "beta", since: nil) == beta.journal)
            let acmeNow = try store.snapshot(account: "acme")
            #expect(acmeNow.account?.serial == 2)
            #expect(acmeNow.users.first { $0.email == shared.email }?.status == .terminated)
            #expect(acmeNow.deferrals == [])
            #expect(acmeNow.licenses == Sample.snapshot(after: acme).licenses)
        }
    }

    /// Instants keep whole milliseconds: the CLI's whole-second clocks read
    /// back equal, finer fractions round to the nearest millisecond.
    @Test(arguments: StoreKind.allCases)
    func instantsKeepMilliseconds(kind: StoreKind) throws {
        try kind.withStore { store in
            var writes = Sample.creation("acme")
            writes.account.createdAt = Date(timeIntervalSince1970: 1_780_000_000.123)
            writes.licenses = [License(code: "A0000001", plan: "p", createdAt: Date(timeIntervalSince1970: 1_780_000_000.4567),
                                       activatedAt: Date(timeIntervalSince1970: 1_780_000_001.0004), sequence: 1)]
            writes.journal = [Sample.entry("acme", "create_account", "acme", at: Date(timeIntervalSince1970: 1_780_000_000.999))]
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }

            let snapshot = try store.snapshot(account: "acme")
            let milliseconds = { (date: Date?) in date.map { ($0.timeIntervalSince1970 * 1000).rounded() } }
            #expect(milliseconds(snapshot.account?.createdAt) == 1_780_000_000_123)
            #expect(milliseconds(snapshot.licenses.first?.createdAt) == 1_780_000_000_457)
            #expect(milliseconds(snapshot.licenses.first?.activatedAt) == 1_780_000_001_000)
            #expect(milliseconds(try store.journal(account: "acme", since: nil).first?.at) == 1_780_000_000_999)
        }
    }
}

/// Expects a ``LedgerError/database(_:)`` whose message carries no bound values.
func expectDatabaseError(sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void) throws {
    let error = #expect(throws: LedgerError.self, sourceLocation: sourceLocation) { try body() }
    guard case .database(let message)? = error else {
        Issue.record("expected LedgerError.database, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    for secret in ["ghost@", "dave@", "B0000009", "A0000001", "A0000002"] {
        #expect(!message.contains(secret), "message leaks a bound value: \(message)", sourceLocation: sourceLocation)
    }
}
