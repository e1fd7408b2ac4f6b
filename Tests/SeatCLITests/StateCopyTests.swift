import Foundation
import Testing

/// `seatctl state copy --to URL` through the binary.
@Suite struct StateCopyTests {
    /// A SQLite ledger with a catalog, two accounts and some history.
    static func makeSource(_ seatctl: SeatctlRunner) throws {
        try seatctl.write("acme.yaml", ConcurrencyTests.desired(account: "acme", extra: 3))
        try seatctl.write("beta.yaml", ConcurrencyTests.desired(account: "beta", extra: 1))
        #expect(try seatctl.run(["catalog", "import", SeatctlRunner.example("catalog.yaml").path]).status == 0)
        for file in ["acme.yaml", "beta.yaml"] {
            #expect(try seatctl.run(["apply", file, "--auto-approve", "--now", ConcurrencyTests.now]).status == 0)
        }
        try seatctl.write("acme.yaml", ConcurrencyTests.desired(account: "acme", extra: 2))
        #expect(try seatctl.run(["apply", "acme.yaml", "--auto-approve", "--now", ConcurrencyTests.now]).status == 0)
    }

    /// Copies `from` → `to`, checks the report, and that the target reads the same.
    static func copyAndCompare(_ seatctl: SeatctlRunner, from: String, to: String) throws {
        let copy = try seatctl.run(["state", "copy", "--to", to], environment: ["SEATCTL_STATE": from])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("  accounts                 2       2\n"), "\(copy.stdout)")
        #expect(copy.stdout.contains("  journal entries"), "\(copy.stdout)")
        #expect(copy.stdout.contains("Verified: every count, the catalog, every account (lineage and serial included), every billing document (ids included) and the journal are equal."))
        #expect(copy.stdout.contains("Serials: acme 2, beta 1"), "\(copy.stdout)")
        for command in [["history", "--format", "json"], ["status", "--format", "json", "--now", ConcurrencyTests.now],
                        ["catalog", "show"]] {
            let source = try seatctl.run(command, environment: ["SEATCTL_STATE": from])
            let target = try seatctl.run(command, environment: ["SEATCTL_STATE": to])
            #expect(source.status == 0 && !source.stdout.isEmpty)
            #expect(target.stdout == source.stdout, "\(command)")
        }
        for file in ["acme.yaml", "beta.yaml"] {
            let plan = try seatctl.run(["plan", file, "--detailed-exitcode", "--now", ConcurrencyTests.now], environment: ["SEATCTL_STATE": to])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        }
        // A second copy into the now non-empty target is refused, the target untouched.
        let again = try seatctl.run(["state", "copy", "--to", to], environment: ["SEATCTL_STATE": from])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a ledger; copy only into an empty one"), "\(again.stderr)")
    }

    @Test func sqliteToSqlite() throws {
        let seatctl = try SeatctlRunner()
        try Self.makeSource(seatctl)
        try Self.copyAndCompare(seatctl, from: "State/ledger.sqlite", to: "sqlite:Copy/ledger.sqlite")
        let missing = try seatctl.run(["state", "copy", "--to", "sqlite:x.sqlite"], environment: ["SEATCTL_STATE": "nowhere.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("there is no ledger at sqlite:nowhere.sqlite to copy"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: seatctl.directory.appendingPathComponent("x.sqlite").path))
    }

    @Test(.enabled(if: SharedLedger.runsPostgres, Comment(rawValue: SharedLedger.missing)))
    func sqliteToPostgresAndBack() throws {
        let seatctl = try SeatctlRunner()
        try Self.makeSource(seatctl)
        try SharedLedger.postgres.withState { postgres in
            try Self.copyAndCompare(seatctl, from: "State/ledger.sqlite", to: postgres)
            try Self.copyAndCompare(seatctl, from: postgres, to: "sqlite:Back/ledger.sqlite")
        }
    }
}
