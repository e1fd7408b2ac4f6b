import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An apply killed with SIGKILL at any step leaves an intact ledger that is
/// exactly the state before the apply or exactly the state after it, with a
/// journal that matches. The binary is stopped at each step by the test-only
/// `SEATCTL_TEST_PAUSE_AT` hook (see `ApplyPausePoint` in SeatStore).
@Suite struct CrashSafetyTests {
    static let now = "2026-11-22T09:00:00Z"

    static let first = """
        account: crash
        kind: enterprise
        emailDomains: [crash.example]
        plans:
          time-monthly:
            licenses: 6
        users:
          ann@crash.example:
            role: administrator
            plans: [time-monthly]
          ben@crash.example:
            plans: [time-monthly]
          cat@crash.example:
            plans: [time-monthly]

        """

    /// Writes every group of rows without buying (new license codes are
    /// random, so a bought license could not be compared): a user edited,
    /// two added and assigned free licenses, one unassigned, one license removed.
    static let second = """
        account: crash
        kind: enterprise
        emailDomains: [crash.example]
        plans:
          time-monthly:
            licenses: 5
        users:
          ann@crash.example:
            role: administrator
            name: Ann Admin
            plans: [time-monthly]
          ben@crash.example:
            role: manager
            plans: [time-monthly]
          cat@crash.example: {}
          dan@crash.example:
            plans: [time-monthly]
          eve@crash.example:
            plans: [time-monthly]

        """

    /// Every pause point of a SQLite apply, and whether the ledger must hold
    /// the state after the apply once the process is killed there.
    static let points: [(String, committed: Bool)] = [
        ("before-transaction", false), ("after-snapshot", false), ("after-account", false),
        ("during-users", false), ("after-users", false), ("during-licenses", false), ("after-licenses", false),
        ("after-contract-terms", false), ("after-deferrals", false), ("after-billing", false), ("during-journal", false),
        ("after-journal", false), ("before-commit", false), ("after-commit", true),
    ]

    @Test func killedAtEveryStepTheLedgerIsBeforeOrAfter() throws {
        // The reference: the ledger before the second apply, and after it.
        let reference = try SeatctlRunner()
        try reference.write("seats.yaml", Self.first)
        try #require(try reference.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now]).status == 0)
        let initialFiles = try reference.stateBytes()
        let before = try LedgerDump(path: Self.ledger(reference))
        try reference.write("seats.yaml", Self.second)
        let second = try reference.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        try #require(second.status == 0, "\(second.stderr)")
        for expected in ["~ update_user", "+ add_user", "- unassign", "+ assign", "- remove"] {
            #expect(second.stdout.contains(expected), "the second apply writes every group: \(expected)")
        }
        let after = try LedgerDump(path: Self.ledger(reference))
        try #require(before != after)

        for (point, committed) in Self.points {
            let seatctl = try SeatctlRunner()
            try FileManager.default.createDirectory(at: seatctl.directory.appendingPathComponent("State"),
                                                    withIntermediateDirectories: true)
            for (name, bytes) in initialFiles {
                try bytes.write(to: seatctl.directory.appendingPathComponent("State/" + name))
            }
            try seatctl.write("seats.yaml", Self.second)

            let reached = try Self.killApply(seatctl, at: point)
            #expect(reached == point, "the apply paused at \(point)")

            let path = Self.ledger(seatctl)
            #expect(try LedgerDump.integrityCheck(path: path) == ["ok"], "\(point)")
            let found = try LedgerDump(path: path)
            #expect(found == (committed ? after : before), "killed at \(point):\n\(found)")
            try Self.expectJournalMatchesAccount(path, point: point)

            // A killed apply leaves its account lock (taken before its
            // transaction, deleted by its commit) until it expires; an operator
            // breaks it, and the same apply goes through.
            let info = try seatctl.run(["state", "lock-info", "--format", "json"])
            let document = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
            let locks = document?["locks"] as? [[String: Any]] ?? []
            #expect(locks.count == (committed || point == "before-transaction" ? 0 : 1), "\(point): \(info.stdout)")
            for id in locks.compactMap({ $0["id"] as? String }) {
                #expect(try seatctl.run(["state", "unlock", id]).status == 0, "\(point)")
            }

            // A ledger left as it was takes the same apply afterwards.
            if !committed {
                let retry = try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
                #expect(retry.status == 0, "\(point): \(retry.stderr)")
                #expect(try LedgerDump(path: path) == after, "\(point): the retried apply")
            }
        }
    }

    static func ledger(_ seatctl: SeatctlRunner) -> String {
        seatctl.directory.appendingPathComponent("State/ledger.sqlite").path
    }

    /// Starts `seatctl apply` paused at `point`, kills it with SIGKILL once it
    /// says it is there, and returns the point its marker names.
    static func killApply(_ seatctl: SeatctlRunner, at point: String) throws -> String? {
        // The process waits at the point; startPaused returns once its marker
        // is there (or it ended, should it never get there).
        let (process, marker) = try seatctl.startPaused(["apply", "--auto-approve", "seats.yaml", "--now", now], at: point)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(point): killed, not finished")
        return FileManager.default.contents(atPath: marker).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The account's serial is the serial of its latest journal entries (the
    /// dump comparison above shows the entries themselves are all there or
    /// all absent).
    static func expectJournalMatchesAccount(_ path: String, point: String) throws {
        let dump = try LedgerDump(path: path)
        let accounts = dump.tables["accounts"] ?? []
        #expect(accounts.count == 1, "\(point)")
        let serial = try #require(accounts.first.flatMap { Self.field("serial", in: $0) })
        let journalSerials = Set((dump.tables["journal"] ?? []).compactMap { Self.field("serial", in: $0) })
        #expect(journalSerials.max() == serial, "\(point): account serial \(serial), journal \(journalSerials.sorted())")
    }

    /// The integer `name:N` in a row as GRDB renders it (`[id:1 serial:2 …]`).
    static func field(_ name: String, in row: String) -> Int? {
        guard let range = row.range(of: " \(name):") ?? row.range(of: "[\(name):") else { return nil }
        return Int(row[range.upperBound...].prefix { $0.isNumber })
    }
}
