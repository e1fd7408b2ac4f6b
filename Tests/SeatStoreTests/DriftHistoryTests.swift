import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// The store's indexed reading of an account's drift history agrees with
/// splitting the whole journal, whatever the journal holds.
@Suite struct DriftHistoryTests {
    /// Appends `entries` as one write (serial + 1) to an existing account.
    func append(_ entries: [(actor: String, action: String, at: TimeInterval)], to id: String, in store: any LedgerStore) throws {
        var current = try store.snapshot(account: id)
        try store.apply(account: id, expectedLineage: current.account?.lineage, expectedSerial: current.account?.serial ?? 0) { snapshot, _ in
            current = snapshot
            var account = try #require(snapshot.account)
            account.serial += 1
            let journal = entries.map {
                JournalEntry(at: Sample.at($0.at), account: id, actor: $0.actor, action: $0.action, subject: "s", from: nil, to: nil,
                             serial: account.serial)
            }
            return LedgerWrites(account: account, isNewAccount: false, deferrals: snapshot.deferrals, journal: journal)
        }
    }

    @Test(arguments: StoreKind.allCases) func indexedReadingMatchesTheWholeJournal(_ kind: StoreKind) throws {
        try kind.withStore { store in
            // Every store reads it with its own indexed queries, not the whole journal.
            let reader = try #require(store as? any DriftHistoryReading, "\(kind) reads drift history from the whole journal")
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("beta", codePrefix: "B") }
            func check(_ expectedLatest: String?, _ expectedSince: [String]) throws {
                let whole = DriftHistory(journal: try store.journal(account: "acme", since: nil))
                let indexed = try reader.driftHistory(account: "acme")
                #expect(indexed == whole)
                #expect(try store.history(forDriftOf: "acme") == whole)
                #expect(indexed.latestApply?.action == expectedLatest)
                #expect(indexed.since.map(\.action) == expectedSince)
            }
            try check("assign", [])
            // Portal entries, an invoice with a plain actor, and entries at the very instant of the apply.
            try append([("portal:alice", "buy", 10), ("portal:alice", "assign", 10)], to: "acme", in: store)
            try append([("billing", "issue_invoice", 20)], to: "acme", in: store)
            try append([("portal:bob", "remove", 0)], to: "acme", in: store)
            try append([("portal:bob", "buy", 5)], to: "beta", in: store)
            try check("assign", ["remove", "buy", "assign", "issue_invoice"])
            // A new apply: what came before is history.
            try append([("ci", "buy", 30), ("ci", "defer", 30)], to: "acme", in: store)
            try append([("portal:carol", "pause", 30)], to: "acme", in: store)
            try check("defer", ["pause"])
            #expect(try reader.driftHistory(account: "nobody") == DriftHistory(latestApply: nil, since: []))
        }
    }
}
