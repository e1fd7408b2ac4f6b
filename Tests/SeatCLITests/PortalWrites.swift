import Foundation
import SeatCore
import SeatStore

/// Writes what a portal operation writes, through the store API: a change
/// set run by `ApplyEngine` with a `portal:` actor inside
/// `LedgerStore.apply`, bumping the serial once. Lets drift and reconcile
/// tests inject any change set as portal drift at a chosen time (the
/// `seatctl license …` and `seatctl user …` commands are tested too).
enum PortalWrites {
    static func apply(_ changes: (LedgerSnapshot) -> [Change], in runner: SeatctlRunner, account: String = "acme",
                      actor: String, at: String) throws {
        let store = try SQLiteLedgerStore(path: runner.directory.appendingPathComponent("State/ledger.sqlite").path)
        let now = try require(Self.parse(at))
        let snapshot = try store.snapshot(account: account)
        let set = ChangeSet(account: account, lineage: snapshot.account?.lineage, serial: snapshot.account?.serial ?? 0, now: now,
                            changes: changes(snapshot))
        let engine = ApplyEngine(actor: actor, now: now)
        try store.apply(account: account, expectedLineage: set.lineage, expectedSerial: set.serial) { snapshot, isCodeFree in
            try engine.writes(for: set, on: snapshot, codes: isCodeFree)
        }
    }

    /// Buys `count` licenses of `plan` as the portal does.
    static func buy(_ count: Int, of plan: String, in runner: SeatctlRunner, actor: String, at: String) throws {
        try apply({ snapshot in
            let owned = snapshot.licenses.filter { $0.plan == plan && ($0.status == .active || $0.status == .paused) }.count
            return [.buy(plan: plan, count: count, from: owned, to: owned + count)]
        }, in: runner, actor: actor, at: at)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    struct Missing: Error {}
    struct Failed: Error { var message: String }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw PortalWrites.Missing() }
    return value
}

extension SeatctlRunner {
    /// A scratch directory whose ledger holds the acme example, applied at
    /// `at`, with the example as `seats.yaml`.
    static func appliedAcme(at: String = "2026-11-19T09:00:00Z") throws -> SeatctlRunner {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let applied = try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", at])
        guard applied.status == 0 else { throw PortalWrites.Failed(message: applied.stderr) }
        return seatctl
    }
}
