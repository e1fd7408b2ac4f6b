import Foundation
import Testing

/// `seatctl reconcile` through the binary: rounds against injected drift,
/// the guard that leaves large changes to a person, and a clean stop.
@Suite struct ReconcileTests {
    static let now = "2026-11-22T09:00:00Z"

    @Test func onceRoundsConvergeAfterInjectedDrift() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        try PortalWrites.buy(2, of: "full-suite-monthly", in: seatctl, actor: "portal:alice@acme.com", at: "2026-11-20T10:04:00Z")
        try PortalWrites.apply({ snapshot in
            let license = snapshot.licenses.first { $0.assignedTo == "wen@acme.com" }!
            return [.unassign(email: "wen@acme.com", plan: license.plan, license: license.code)]
        }, in: seatctl, actor: "portal:bob@acme.com", at: "2026-11-21T08:00:00Z")
        #expect(try seatctl.run(["drift", "seats.yaml", "--now", Self.now]).status == 2)

        let first = try seatctl.run(["reconcile", "seats.yaml", "--once", "--now", Self.now])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "time=2026-11-22T09:00:00Z round=1 result=applied account=acme changes=2 drift=2 serial=4\n", "\(first.stdout)")

        let second = try seatctl.run(["reconcile", "seats.yaml", "--once", "--now", Self.now])
        #expect(second.status == 0)
        #expect(second.stdout == "time=2026-11-22T09:00:00Z round=1 result=converged account=acme changes=0 drift=0 serial=4\n", "\(second.stdout)")
        #expect(try seatctl.run(["drift", "seats.yaml", "--now", Self.now]).status == 0)
        #expect(try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now]).status == 0)
        // The journal names the reconciler as the actor of the correction.
        let history = try seatctl.run(["history", "--account", "acme", "--format", "json"])
        #expect(history.stdout.contains("\"actor\": \"test\""))
    }

    @Test func onceConvergesAfterPortalCommands() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        for arguments in [["license", "buy", "--account", "acme", "--plan", "time-monthly", "--count", "3"],
                          ["user", "unassign", "pedro@acme.com", "--account", "acme", "--plan", "time-monthly"]] {
            let result = try seatctl.run(arguments + ["--actor", "alice@acme.com", "--now", "2026-11-20T10:00:00Z"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let round = try seatctl.run(["reconcile", "seats.yaml", "--once", "--now", Self.now])
        #expect(round.status == 0, "\(round.stderr)")
        #expect(round.stdout.contains("result=applied account=acme changes=2 drift=2"), "\(round.stdout)")
        #expect(try seatctl.run(["drift", "seats.yaml", "--now", Self.now]).status == 0)
        #expect(try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now]).status == 0)
    }

    @Test func aLargeChangeIsLeftForAPerson() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        let strict = try seatctl.read("seats.yaml").replacingOccurrences(of: "maxUnassignments: 25", with: "maxUnassignments: 1")
        try seatctl.write("seats.yaml", strict)
        // In the portal, two more issues-monthly licenses were bought and given to Nils and Olga;
        // reconciling would take them back: two unassignments against a limit of one.
        try PortalWrites.apply({ _ in
            [.buy(plan: "issues-monthly", count: 2, from: 3, to: 5),
             .assign(email: "nils@acme.com", plan: "issues-monthly", license: nil),
             .assign(email: "olga@acme.com", plan: "issues-monthly", license: nil)]
        }, in: seatctl, actor: "portal:alice@acme.com", at: "2026-11-20T10:00:00Z")
        let before = try seatctl.stateBytes()
        let round = try seatctl.run(["reconcile", "seats.yaml", "--once", "--now", Self.now])
        #expect(round.status == 3, "\(round.stdout)\(round.stderr)")
        #expect(round.stdout.contains("result=left_for_person"))
        #expect(round.stdout.contains("more than guards.maxUnassignments (1); left for a person to apply with --allow-large-change"))
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func aChargeAboveMaxChargeNowIsLeftForAPerson() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        try seatctl.write("seats.yaml", try seatctl.read("seats.yaml")
            .replacingOccurrences(of: "maxChargeNow: \"3000.00\"", with: "maxChargeNow: \"1.00\"")
            .replacingOccurrences(of: "  time-monthly:\n    licenses: 4\n", with: "  time-monthly:\n    licenses: 6\n"))
        let before = try seatctl.stateBytes()
        let round = try seatctl.run(["reconcile", "seats.yaml", "--once", "--now", Self.now])
        #expect(round.status == 3, "\(round.stdout)\(round.stderr)")
        #expect(round.stdout.contains("result=left_for_person"))
        #expect(round.stdout.contains("more than guards.maxChargeNow (1.00 USD)"), "\(round.stdout)")
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func anErrorRoundExits1() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("bad.yaml", "account: acme\n")
        let round = try seatctl.run(["reconcile", "bad.yaml", "--once"])
        #expect(round.status == 1)
        #expect(round.stdout.contains("result=error"))
        #expect(round.stderr.contains("bad.yaml:"))
        let usage = try seatctl.run(["reconcile", "bad.yaml"])
        #expect(usage.status == 1 && usage.stderr.contains("give exactly one of --every DURATION and --once"))
        let badEvery = try seatctl.run(["reconcile", "bad.yaml", "--every", "soon"])
        #expect(badEvery.status == 1)
    }

    @Test func aSignalDuringARoundLetsItFinish() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        try seatctl.write("seats.yaml", try seatctl.read("seats.yaml").replacingOccurrences(of: "  time-monthly:\n    licenses: 4\n", with: "  time-monthly:\n    licenses: 5\n"))
        let out = Pipe()
        // The round is inside its transaction, every row written, not yet committed.
        let (process, marker) = try seatctl.startPaused(
            ["reconcile", "seats.yaml", "--every", "1h", "--now", Self.now], at: "before-commit", output: out)
        kill(process.processIdentifier, SIGTERM)
        // Let the paused round go on once the signal is delivered.
        usleep(200_000)
        try FileManager.default.removeItem(atPath: marker)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.contains("round=1 result=applied account=acme changes=1 drift=0 serial=2"), "\(output)")
        #expect(output.hasSuffix("event=stop signal=SIGTERM rounds=1\n"), "\(output)")
        // The round committed and released the ledger.
        #expect(try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now]).status == 0)
    }

    @Test(arguments: [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")])
    func aSignalDuringEveryStopsCleanly(_ signal: Int32, _ name: String) throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        let process = Process()
        process.executableURL = SeatctlRunner.binary
        process.arguments = ["reconcile", "seats.yaml", "--every", "1h", "--now", Self.now]
        process.currentDirectoryURL = seatctl.directory
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": seatctl.directory.path, "SEATCTL_ACTOR": "test", "NO_COLOR": "1"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait for the first round's line, then ask the loop to stop.
        var output = ""
        let reader = out.fileHandleForReading
        while !output.contains("round=1 ") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            output += String(decoding: chunk, as: UTF8.self)
        }
        #expect(output.contains("round=1 result=converged"), "\(output)")
        kill(process.processIdentifier, signal)
        output += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(output.hasPrefix("time=2026-11-22T09:00:00Z event=start file=seats.yaml every=1h\n"), "\(output)")
        #expect(output.hasSuffix("time=2026-11-22T09:00:00Z event=stop signal=\(name) rounds=1\n"), "\(output)")
        // The ledger is intact and free: another apply can write at once.
        #expect(try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now]).status == 0)
    }
}
