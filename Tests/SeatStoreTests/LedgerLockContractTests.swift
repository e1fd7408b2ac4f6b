import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// The account locks every ``LedgerStore`` keeps, run against every store.
@Suite("LedgerStore locks")
struct LedgerLockContractTests {
    static let alice = LockSettings(actor: "ci:alice", operation: "license buy")

    @Test(arguments: StoreKind.allCases)
    func aHeldLockMakesAnotherWriterFailNamingItWhileOtherAccountsGoOn(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            let before = try LedgerState(store, accounts: ["acme", "beta"])
            let held = try store.acquireLock(account: "acme", settings: Self.alice)
            #expect(held.account == "acme" && held.actor == "ci:alice" && held.operation == "license buy")
            #expect(held.expiresAt.timeIntervalSince(held.acquiredAt) == LockSettings.defaultTTL)
            #expect(try store.locks() == [held])

            var called = false
            let error = #expect(throws: LedgerError.self) {
                try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in
                    called = true
                    return LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false)
                }
            }
            guard case .locked(let holder, _)? = error else { Issue.record("expected .locked, got \(String(describing: error))"); return }
            #expect(holder == held)
            #expect(!called)
            #expect(try LedgerState(store, accounts: ["acme", "beta"]) == before)
            let message = error?.description ?? ""
            #expect(message.contains("ci:alice") && message.contains("license buy") && message.contains(held.id), "\(message)")

            // Another account is not held up, and its own lock is gone afterwards.
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("beta", codePrefix: "B") }
            #expect(try store.locks() == [held])

            try store.releaseLock(held)
            #expect(try store.locks() == [])
            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in
                LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false)
            }
            #expect(try store.snapshot(account: "acme").account?.serial == 2)
            #expect(try store.locks() == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiredLockIsTakenOverAndItsHolderCannotReleaseTheNewOne(kind: StoreKind) throws {
        try kind.withStore { store in
            var expiring = Self.alice
            expiring.ttl = 0
            let dead = try store.acquireLock(account: "acme", settings: expiring)
            let taken = try store.acquireLock(account: "acme", settings: LockSettings(actor: "ci:bob", operation: "apply"))
            #expect(taken.id != dead.id)
            #expect(try store.locks() == [taken])
            try store.releaseLock(dead)  // the old holder wakes up: leaves the new lock alone
            #expect(try store.locks() == [taken])
            #expect(try store.breakLock(id: dead.id) == nil)
            #expect(try store.breakLock(id: taken.id) == taken)
            #expect(try store.locks() == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedApplyReleasesItsLock(kind: StoreKind) throws {
        try kind.withStore { (store) throws in
            #expect(throws: Boom.self) {
                try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in throw Boom() }
            }
            #expect(throws: LedgerError.self) {
                try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 3) { _, _ in Sample.creation("acme") }
            }
            #expect(try store.locks() == [])
        }
    }

    /// Many stores (as many processes) take over one expired lock at once:
    /// exactly one wins, the others fail naming the winner.
    @Test(arguments: StoreKind.shared)
    func takingOverAnExpiredLockIsACompareAndSet(kind: StoreKind) throws {
        try kind.withSharedStore { open in
            var expiring = Self.alice
            expiring.ttl = 0
            _ = try open(.standard).acquireLock(account: "acme", settings: expiring)
            let stores = try (0..<6).map { _ in try open(.standard) }
            let winners = LockedList<LockRecord>()
            let holders = LockedList<LockRecord>()
            DispatchQueue.concurrentPerform(iterations: stores.count) { index in
                let settings = LockSettings(actor: "runner-\(index)", operation: "apply")
                do {
                    winners.append(try stores[index].acquireLock(account: "acme", settings: settings))
                } catch LedgerError.locked(let holder, _) {
                    holders.append(holder)
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            #expect(winners.items.count == 1)
            #expect(holders.items.count == stores.count - 1)
            #expect(holders.items.allSatisfy { $0 == winners.items.first })
            #expect(try stores[0].locks() == winners.items)
        }
    }

    /// A writer with a lock timeout waits for the holder to finish.
    @Test(arguments: StoreKind.shared)
    func aWriterWaitsUpToItsTimeout(kind: StoreKind) throws {
        try kind.withSharedStore { open in
            let holderStore = try open(.standard)
            try holderStore.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            let held = try holderStore.acquireLock(account: "acme", settings: Self.alice)

            // No timeout: fails at once. A short one: fails after waiting.
            let impatient = try open(LockSettings(actor: "ci:bob", operation: "apply", timeout: 0.3))
            let error = #expect(throws: LedgerError.self) {
                try impatient.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in
                    LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false)
                }
            }
            guard case .locked(let holder, let waited)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(holder == held)
            #expect(waited > 0)

            // A long one: the holder releases while it waits; it then applies.
            let patient = try open(LockSettings(actor: "ci:carol", operation: "apply", timeout: 30))
            let release = DispatchWorkItem { try? holderStore.releaseLock(held) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3, execute: release)
            try patient.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in
                LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false)
            }
            release.wait()
            #expect(try patient.snapshot(account: "acme").account?.serial == 2)
            #expect(try patient.locks() == [])
        }
    }
}

/// A list appended to from several threads.
final class LockedList<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) { lock.withLock { storage.append(element) } }
    var items: [Element] { lock.withLock { storage } }
}
