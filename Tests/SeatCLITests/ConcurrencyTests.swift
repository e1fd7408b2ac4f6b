import Foundation
import Testing

/// Real seatctl processes sharing one ledger, on every shared store.
@Suite struct ConcurrencyTests {
    static let now = "2026-11-22T09:00:00Z"

    /// A desired state for `account` with `extra` users besides its
    /// administrator; `prune: true`, so it says everything the account holds.
    static func desired(account: String, extra: Int, licenses: String = "auto") -> String {
        var text = """
            account: \(account)
            kind: enterprise
            prune: true
            emailDomains: [\(account).example]
            plans:
              time-monthly:
                licenses: \(licenses)
            users:
              admin@\(account).example:
                role: administrator
                plans: [time-monthly]

            """
        for index in 0..<extra {
            text += "  user\(index)@\(account).example:\n    plans: [time-monthly]\n"
        }
        return text
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts every command at once and waits for all of them.
    static func runAtOnce(_ seatctl: SeatctlRunner, _ commands: [(arguments: [String], actor: String)], state: String) -> [Outcome] {
        let outcomes = LockedOutcomes(count: commands.count)
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            let command = commands[index]
            do {
                let result = try seatctl.run(command.arguments, environment: ["SEATCTL_ACTOR": command.actor, "SEATCTL_STATE": state])
                outcomes.set(index, Outcome(status: result.status, stdout: result.stdout, stderr: result.stderr))
            } catch {
                outcomes.set(index, Outcome(status: -1, stdout: "", stderr: "could not run seatctl: \(error)"))
            }
        }
        return outcomes.all
    }

    /// Starts `seatctl apply FILE` with the test hook that pauses it inside
    /// its transaction (writes made, not committed: `SEATCTL_TEST_PAUSE_AT=before-commit`),
    /// and returns once it is there.
    static func startPausedApply(_ seatctl: SeatctlRunner, _ file: String, state: String, actor: String,
                                 environment: [String: String] = [:]) throws -> Process {
        let (process, marker) = try seatctl.startPaused(
            ["apply", file, "--auto-approve", "--now", now], at: "before-commit",
            environment: ["SEATCTL_STATE": state, "SEATCTL_ACTOR": actor].merging(environment) { _, new in new })
        #expect(FileManager.default.fileExists(atPath: marker), "the apply never reached its pause point")
        return process
    }

    static func journal(_ seatctl: SeatctlRunner, state: String) throws -> [[String: Any]] {
        let history = try seatctl.run(["history", "--format", "json"], environment: ["SEATCTL_STATE": state])
        let document = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        return document?["entries"] as? [[String: Any]] ?? []
    }

    /// 8 applies of 8 different files to one account at once: each applies
    /// a whole change set or fails as locked or stale; the ledger ends equal
    /// to the last successful file, the journal holds exactly the changes
    /// the successful applies printed, and the serial rose once per success.
    @Test(arguments: SharedLedger.allCases)
    func eightAppliesToOneAccount(ledger: SharedLedger) throws {
        try ledger.withState { state in
            let seatctl = try SeatctlRunner()
            try seatctl.write("base.yaml", Self.desired(account: "acme", extra: 0))
            let created = try seatctl.run(["apply", "base.yaml", "--auto-approve", "--now", Self.now],
                                          environment: ["SEATCTL_STATE": state, "SEATCTL_ACTOR": "setup"])
            #expect(created.status == 0, "\(created.stderr)")
            let before = try Self.journal(seatctl, state: state).count

            let commands = try (0..<8).map { index in
                let file = try seatctl.write("desired\(index).yaml", Self.desired(account: "acme", extra: index + 1))
                return (arguments: ["apply", file, "--auto-approve", "--format", "json", "--now", Self.now], actor: "runner-\(index)")
            }
            let outcomes = Self.runAtOnce(seatctl, commands, state: state)

            var succeeded: [Int] = []
            var changesBy: [String: Int] = [:]
            for (index, outcome) in outcomes.enumerated() {
                if outcome.status == 0 {
                    let plan = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
                    let changes = (plan?["changes"] as? [Any])?.count ?? -1
                    // Planned after another apply made the ledger equal to its file: nothing to do.
                    guard changes != 0 else { continue }
                    succeeded.append(index)
                    changesBy["runner-\(index)"] = changes
                } else {
                    #expect(outcome.status == 1, "\(outcome.stderr)")
                    #expect(outcome.stderr.contains("is locked by runner-") || outcome.stderr.contains("changed since this plan was made"),
                            "\(outcome.stderr)")
                }
            }
            #expect(!succeeded.isEmpty)

            let entries = try Self.journal(seatctl, state: state)
            let added = entries.dropFirst(before)
            // Every journal entry belongs to a successful apply, all of its changes are there.
            var entriesBy: [String: Int] = [:]
            for entry in added { entriesBy[entry["actor"] as? String ?? "?", default: 0] += 1 }
            #expect(entriesBy == changesBy)
            // Serials 2, 3, … one per successful apply, each apply's entries under one serial.
            let serials = added.compactMap { $0["serial"] as? Int }
            #expect(Set(serials) == Set(2..<(2 + succeeded.count)))
            let status = try seatctl.run(["status", "--format", "json"], environment: ["SEATCTL_STATE": state])
            #expect(status.stdout.contains("\"serial\": \(1 + succeeded.count)"), "\(status.stdout)")

            // The ledger equals the file of the apply with the highest serial.
            let last = added.last?["actor"] as? String ?? "?"
            let lastIndex = try #require(Int(last.dropFirst("runner-".count)))
            let check = try seatctl.run(["plan", "desired\(lastIndex).yaml", "--detailed-exitcode", "--now", Self.now],
                                        environment: ["SEATCTL_STATE": state])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let locks = try seatctl.run(["state", "lock-info"], environment: ["SEATCTL_STATE": state])
            #expect(locks.stdout == "No locks held.\n")
        }
    }

    /// 8 applies to 8 different accounts at once: none waits for or fails
    /// because of another.
    @Test(arguments: SharedLedger.allCases)
    func eightAppliesToEightAccounts(ledger: SharedLedger) throws {
        try ledger.withState { state in
            let seatctl = try SeatctlRunner()
            // The ledger exists before the race, as a shared one does.
            try seatctl.write("first.yaml", Self.desired(account: "first", extra: 0))
            #expect(try seatctl.run(["apply", "first.yaml", "--auto-approve", "--now", Self.now],
                                    environment: ["SEATCTL_STATE": state]).status == 0)
            let commands = try (0..<8).map { index in
                let file = try seatctl.write("team\(index).yaml", Self.desired(account: "team\(index)", extra: index + 1))
                return (arguments: ["apply", file, "--auto-approve", "--now", Self.now], actor: "runner-\(index)")
            }
            let outcomes = Self.runAtOnce(seatctl, commands, state: state)
            for outcome in outcomes { #expect(outcome.status == 0, "\(outcome.stderr)") }
            for index in 0..<8 {
                let check = try seatctl.run(["plan", "team\(index).yaml", "--detailed-exitcode", "--now", Self.now],
                                            environment: ["SEATCTL_STATE": state])
                #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            }
            let entries = try Self.journal(seatctl, state: state)
            for index in 0..<8 {
                let mine = entries.filter { $0["account"] as? String == "team\(index)" }
                #expect(!mine.isEmpty && mine.allSatisfy { $0["actor"] as? String == "runner-\(index)" && $0["serial"] as? Int == 1 })
            }
        }
    }

    /// An apply killed with SIGKILL inside its transaction changes nothing;
    /// its lock stays, named by `state lock-info`, until it expires, and the
    /// next apply that waits long enough takes it over.
    @Test(arguments: SharedLedger.allCases)
    func anApplyKilledMidwayLeavesTheLedgerAsBefore(ledger: SharedLedger) throws {
        try ledger.withState { state in
            let seatctl = try SeatctlRunner()
            try seatctl.write("base.yaml", Self.desired(account: "acme", extra: 1))
            try seatctl.write("more.yaml", Self.desired(account: "acme", extra: 5))
            #expect(try seatctl.run(["apply", "base.yaml", "--auto-approve", "--now", Self.now],
                                    environment: ["SEATCTL_STATE": state]).status == 0)
            let journalBefore = try Self.journal(seatctl, state: state).count

            let process = try Self.startPausedApply(seatctl, "more.yaml", state: state, actor: "doomed", environment: ["SEATCTL_LOCK_TTL": "3s"])
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            // Nothing of it is in the ledger.
            #expect(try Self.journal(seatctl, state: state).count == journalBefore)
            let unchanged = try seatctl.run(["plan", "base.yaml", "--detailed-exitcode", "--now", Self.now],
                                            environment: ["SEATCTL_STATE": state])
            #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")

            // Its lock is recorded (until it expires, 3 s after it was taken).
            let info = try seatctl.run(["state", "lock-info", "--format", "json"], environment: ["SEATCTL_STATE": state])
            let document = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
            let locks = document?["locks"] as? [[String: Any]] ?? []
            #expect(locks.count == 1 && locks.first?["actor"] as? String == "doomed" && locks.first?["operation"] as? String == "apply",
                    "\(info.stdout)")

            // The next apply waits for the expiry, takes the lock over and applies.
            let next = try seatctl.run(["apply", "more.yaml", "--auto-approve", "--lock-timeout", "1m", "--now", Self.now],
                                       environment: ["SEATCTL_STATE": state])
            #expect(next.status == 0, "\(next.stderr)")
            let after = try seatctl.run(["plan", "more.yaml", "--detailed-exitcode", "--now", Self.now], environment: ["SEATCTL_STATE": state])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
            #expect(try seatctl.run(["state", "lock-info"], environment: ["SEATCTL_STATE": state]).stdout == "No locks held.\n")
        }
    }
}

/// Outcomes written from several threads, one slot each.
final class LockedOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ConcurrencyTests.Outcome?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: ConcurrencyTests.Outcome) { lock.withLock { slots[index] = outcome } }

    var all: [ConcurrencyTests.Outcome] {
        lock.withLock { slots.map { $0 ?? ConcurrencyTests.Outcome(status: -1, stdout: "", stderr: "did not run") } }
    }
}

/// `--lock-timeout`, `state lock-info` and `state unlock` through the binary.
@Suite struct LockCommandTests {
    @Test(arguments: SharedLedger.allCases)
    func aSecondApplyFailsNamingTheHolderWhoCanBeUnlocked(ledger: SharedLedger) throws {
        try ledger.withState { state in
            let seatctl = try SeatctlRunner()
            let env = ["SEATCTL_STATE": state]
            try seatctl.write("base.yaml", ConcurrencyTests.desired(account: "acme", extra: 1))
            try seatctl.write("more.yaml", ConcurrencyTests.desired(account: "acme", extra: 3))
            try seatctl.write("other.yaml", ConcurrencyTests.desired(account: "acme", extra: 2))
            #expect(try seatctl.run(["apply", "base.yaml", "--auto-approve", "--now", ConcurrencyTests.now], environment: env).status == 0)

            // A holder paused inside its apply.
            let holder = try ConcurrencyTests.startPausedApply(seatctl, "more.yaml", state: state, actor: "ci:holder")

            let info = try seatctl.run(["state", "lock-info", "--format", "json"], environment: env)
            let document = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
            let lock = (document?["locks"] as? [[String: Any]])?.first ?? [:]
            let id = lock["id"] as? String ?? "?"
            #expect(lock["account"] as? String == "acme" && lock["actor"] as? String == "ci:holder"
                        && lock["operation"] as? String == "apply" && lock["expired"] as? Bool == false, "\(info.stdout)")
            let text = try seatctl.run(["state", "lock-info"], environment: env)
            #expect(text.stdout.hasPrefix("lock id           account  actor      operation  since"), "\(text.stdout)")
            #expect(text.stdout.contains("\(id)  acme     ci:holder  apply"), "\(text.stdout)")

            // Without --lock-timeout the second writer fails at once, naming the holder.
            let second = try seatctl.run(["apply", "other.yaml", "--auto-approve", "--now", ConcurrencyTests.now],
                                         environment: env.merging(["SEATCTL_ACTOR": "ci:second"]) { _, new in new })
            #expect(second.status == 1)
            #expect(second.stderr.contains("error: account \"acme\" is locked by ci:holder (apply) since "), "\(second.stderr)")
            #expect(second.stderr.contains("lock id \(id), expires "), "\(second.stderr)")
            #expect(second.stderr.contains("`seatctl state unlock \(id)`"), "\(second.stderr)")

            // The holder dies; its lock stays until broken.
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            let unlock = try seatctl.run(["state", "unlock", id], environment: env)
            #expect(unlock.status == 0, "\(unlock.stderr)")
            #expect(unlock.stdout.hasPrefix("Released lock \(id) on account acme (held by ci:holder for apply since "), "\(unlock.stdout)")
            #expect(try seatctl.run(["state", "lock-info"], environment: env).stdout == "No locks held.\n")
            let again = try seatctl.run(["state", "unlock", id], environment: env)
            #expect(again.status == 1)
            #expect(again.stderr.contains("error: there is no lock with id \(id)"), "\(again.stderr)")

            let applied = try seatctl.run(["apply", "more.yaml", "--auto-approve", "--now", ConcurrencyTests.now], environment: env)
            #expect(applied.status == 0, "\(applied.stderr)")
        }
    }

    @Test func lockTimeoutMustBeADuration() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("base.yaml", ConcurrencyTests.desired(account: "acme", extra: 0))
        let apply = try seatctl.run(["apply", "base.yaml", "--auto-approve", "--lock-timeout", "soon"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("--lock-timeout \"soon\" is not a duration"), "\(apply.stderr)")
        #expect(try seatctl.stateBytes().isEmpty)
    }
}
