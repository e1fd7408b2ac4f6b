import Foundation
import Testing

/// Longer stories through the binary: pruning, pausing, environment
/// variables and two applies racing for one ledger.
@Suite struct LifecycleTests {
    static let now = "2026-11-22T09:00:00Z"

    static let base = """
        account: beta
        kind: enterprise
        emailDomains: [beta.example]
        plans:
          time-monthly:
            licenses: auto
        users:
          ann@beta.example:
            role: administrator
            plans: [time-monthly]
          ben@beta.example:
            plans: [time-monthly]
          cat@beta.example:
            plans: [time-monthly]

        """

    @Test func pruneTerminatesAndPauseSuspends() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", Self.base)
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now]).status == 0)

        // Ben leaves the file: kept with a warning while prune is false.
        let withoutBen = Self.base.replacingOccurrences(of: "  ben@beta.example:\n    plans: [time-monthly]\n", with: "")
        try seatctl.write("beta.yaml", withoutBen)
        let kept = try seatctl.run(["plan", "beta.yaml", "--format", "json", "--now", Self.now])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stdout.contains("\"code\": \"unmanaged_user\""))
        #expect(kept.stdout.contains("\"changes\": []"))

        // With prune, he is unassigned, terminated, and auto drops his license.
        try seatctl.write("beta.yaml", withoutBen.replacingOccurrences(of: "kind: enterprise\n", with: "kind: enterprise\nprune: true\n"))
        let pruned = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let order = ["- unassign        ben@beta.example", "- terminate_user  ben@beta.example", "- remove          time-monthly  1 license (3 → 2)"]
        let positions = order.map { pruned.stdout.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(pruned.stdout)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())

        // Pausing Cat keeps her license; resuming brings it back.
        let paused = withoutBen.replacingOccurrences(of: "  cat@beta.example:\n    plans: [time-monthly]\n",
                                                     with: "  cat@beta.example:\n    plans: [time-monthly]\n    paused: true\n")
        try seatctl.write("beta.yaml", paused)
        let pause = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now])
        #expect(pause.stdout.contains("~ pause           cat@beta.example  time-monthly"), "\(pause.stdout)")
        let status = try seatctl.run(["status", "--format", "json", "--now", Self.now])
        #expect(status.stdout.contains("\"paused\": 1"))
        try seatctl.write("beta.yaml", withoutBen)
        let resume = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now])
        #expect(resume.stdout.contains("~ resume          cat@beta.example  time-monthly"), "\(resume.stdout)")

        // The journal tells the whole story, with the actor.
        let history = try seatctl.run(["history", "--format", "json"])
        let doc = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [String: Any]
        let actions = (doc["entries"] as! [[String: Any]]).map { $0["action"] as! String }
        #expect(actions.filter { $0 == "terminate_user" }.count == 1)
        #expect(Array(actions.suffix(2)) == ["pause", "resume"])
        #expect((doc["entries"] as! [[String: Any]]).allSatisfy { $0["actor"] as? String == "test" })
    }

    @Test func largeChangeNeedsItsFlag() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", Self.base)
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now]).status == 0)
        // Ben and Cat lose their plans: two unassignments against a limit of one.
        let guarded = Self.base
            .replacingOccurrences(of: "kind: enterprise\n", with: "kind: enterprise\nguards:\n  maxUnassignments: 1\n")
            .replacingOccurrences(of: "  ben@beta.example:\n    plans: [time-monthly]\n", with: "  ben@beta.example: {}\n")
            .replacingOccurrences(of: "  cat@beta.example:\n    plans: [time-monthly]\n", with: "  cat@beta.example: {}\n")
        try seatctl.write("beta.yaml", guarded)
        let before = try seatctl.stateBytes()
        let refused = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("beta.yaml:4:21: error: this apply would unassign or terminate 2 users, more than guards.maxUnassignments (1) [large_change]"),
                "\(refused.stderr)")
        #expect(try seatctl.stateBytes() == before)
        // Within the limit, or with the flag, it applies.
        let allowed = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--allow-large-change", "--now", Self.now])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("2 to unassign"))
    }

    @Test func stateAndClockFromTheEnvironment() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", Self.base)
        let env = ["SEATCTL_STATE": "sqlite:ledgers/beta.sqlite", "SEATCTL_NOW": "2026-11-22"]
        let applied = try seatctl.run(["apply", "beta.yaml", "--auto-approve"], environment: env)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(FileManager.default.fileExists(atPath: seatctl.directory.appendingPathComponent("ledgers/beta.sqlite").path))
        #expect(try seatctl.stateBytes().isEmpty, "the default location was not used")
        let history = try seatctl.run(["history"], environment: env)
        #expect(history.stdout.contains("2026-11-22T00:00:00Z  beta"))
        let attributes = try FileManager.default.attributesOfItem(atPath: seatctl.directory.appendingPathComponent("ledgers/beta.sqlite").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// Two applies race for one new account: each either applies a whole
    /// change set or fails as stale or locked, and the serial counts the successes.
    /// (Both also create the ledger file at once: switching it to WAL used to
    /// fail as "busy" about every other round.)
    @Test(arguments: 0..<8)
    func racingApplies(round: Int) throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("one.yaml", Self.base)
        try seatctl.write("two.yaml", Self.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 5"))
        let results = try [("one.yaml"), ("two.yaml")].map { file in
            let process = Process()
            process.executableURL = SeatctlRunner.binary
            process.arguments = ["apply", file, "--auto-approve", "--now", Self.now]
            process.currentDirectoryURL = seatctl.directory
            process.environment = ["SEATCTL_ACTOR": "race", "PATH": "/usr/bin:/bin"]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return (process, err)
        }.map { process, err -> (Int32, String) in
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        for (status, stderr) in results where status != 0 {
            #expect(status == 1)
            #expect(stderr.contains("was created by another apply since this plan was made") || stderr.contains("changed since this plan was made")
                        || stderr.contains("is locked by race (apply)"), "\(stderr)")
        }
        let successes = results.filter { $0.0 == 0 }.count
        #expect(successes >= 1)
        let status = try seatctl.run(["status", "--format", "json"])
        #expect(status.stdout.contains("\"serial\": \(successes)"), "\(status.stdout)")
        let history = try seatctl.run(["history", "--format", "json"])
        let entries = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [String: Any])["entries"] as! [[String: Any]]
        #expect(Set(entries.map { $0["serial"] as! Int }) == Set(1...successes))
    }
}
