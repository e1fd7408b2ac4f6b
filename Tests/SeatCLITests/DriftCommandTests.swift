import Foundation
import Testing

/// `seatctl drift FILE` and drift in plans, through the binary, with
/// portal operations written through the store API.
@Suite struct DriftCommandTests {
    static let now = "2026-11-22T09:00:00Z"

    @Test func driftAfterAPortalBuyNamesTheActorAndTimeAndExits2() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        #expect(try seatctl.run(["drift", "seats.yaml", "--now", Self.now]).status == 0)
        try PortalWrites.buy(2, of: "full-suite-monthly", in: seatctl, actor: "portal:alice@acme.com", at: "2026-11-20T10:04:00Z")
        let before = try seatctl.stateBytes()

        let text = try seatctl.run(["drift", "seats.yaml", "--now", Self.now])
        #expect(text.status == 2, "\(text.stderr)")
        #expect(text.stdout.contains("~ 2 licenses of full-suite-monthly bought by portal:alice@acme.com on 2026-11-20"), "\(text.stdout)")

        let json = try seatctl.run(["drift", "seats.yaml", "--now", Self.now, "--format", "json"])
        #expect(json.status == 2)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let drift = try #require(doc["drift"] as? [[String: Any]])
        #expect(drift.count == 1)
        #expect(drift.first?["action"] as? String == "buy")
        #expect(drift.first?["plan"] as? String == "full-suite-monthly")
        #expect(drift.first?["count"] as? Int == 2)
        #expect(drift.first?["actor"] as? String == "portal:alice@acme.com")
        #expect(drift.first?["at"] as? String == "2026-11-20T10:04:00Z")

        let markdown = try seatctl.run(["drift", "seats.yaml", "--now", Self.now, "--format", "markdown"])
        #expect(markdown.status == 2)
        #expect(markdown.stdout.contains("- 2 licenses of `full-suite-monthly` bought by `portal:alice@acme.com` on 2026-11-20"), "\(markdown.stdout)")
        #expect(try seatctl.stateBytes() == before, "drift never writes")

        // The plan shows the drift apart from the changes that undo it.
        let plan = try seatctl.run(["plan", "seats.yaml", "--now", Self.now])
        #expect(plan.status == 0)
        let driftAt = try #require(plan.stdout.range(of: "Drift: changed outside seatctl apply since the latest apply:"))
        let changesAt = try #require(plan.stdout.range(of: "seatctl will perform the following actions:"))
        #expect(driftAt.lowerBound < changesAt.lowerBound)
        #expect(plan.stdout.contains("- remove          full-suite-monthly  2 licenses (9 → 7)"), "\(plan.stdout)")
        let planJSON = try seatctl.run(["plan", "seats.yaml", "--now", Self.now, "--format", "json"])
        #expect(planJSON.stdout.contains("\"actor\": \"portal:alice@acme.com\""))

        // An apply brings the ledger back; what came before it is no longer drift.
        #expect(try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now]).status == 0)
        let after = try seatctl.run(["drift", "seats.yaml", "--now", Self.now])
        #expect(after.status == 0 && after.stdout.contains("No drift."), "\(after.stdout)")
    }

    @Test func driftAfterAPortalBuyThroughTheBinaryNamesTheActorAndTime() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        let buy = try seatctl.run(["license", "buy", "--account", "acme", "--plan", "full-suite-monthly", "--count", "2",
                                   "--actor", "alice@acme.com", "--now", "2026-11-20T10:04:00Z"])
        #expect(buy.status == 0, "\(buy.stderr)")
        let user = try seatctl.run(["user", "add", "zed@acme.com", "--account", "acme", "--name", "Zed",
                                    "--actor", "bob@acme.com", "--now", "2026-11-21T08:30:00Z"])
        #expect(user.status == 0, "\(user.stderr)")
        let before = try seatctl.stateBytes()
        let drift = try seatctl.run(["drift", "seats.yaml", "--now", Self.now])
        #expect(drift.status == 2, "\(drift.stderr)")
        #expect(drift.stdout.contains("~ 2 licenses of full-suite-monthly bought by portal:alice@acme.com on 2026-11-20\n"), "\(drift.stdout)")
        #expect(drift.stdout.contains("~ user zed@acme.com added by portal:bob@acme.com on 2026-11-21\n"), "\(drift.stdout)")
        let json = try seatctl.run(["drift", "seats.yaml", "--now", Self.now, "--format", "json"])
        #expect(json.stdout.contains("\"at\": \"2026-11-20T10:04:00Z\""))
        #expect(try seatctl.stateBytes() == before, "drift never writes")
    }

    @Test func aContractRenewalIsTimeDrift() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        let drift = try seatctl.run(["drift", "seats.yaml", "--now", "2027-11-25T09:00:00Z"])
        #expect(drift.status == 2)
        #expect(drift.stdout.contains("the contract for full-suite-contracted renewed on 2027-11-19"), "\(drift.stdout)")
    }

    @Test func driftNeverCreatesALedger() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let drift = try seatctl.run(["drift", "seats.yaml", "--now", Self.now])
        #expect(drift.status == 0)
        #expect(drift.stdout.contains("is not in the ledger yet: no drift"))
        #expect(try seatctl.stateBytes().isEmpty)
        // A bad file is an error, exit 1.
        try seatctl.write("bad.yaml", "account: acme\n")
        let bad = try seatctl.run(["drift", "bad.yaml"])
        #expect(bad.status == 1 && bad.stderr.contains("bad.yaml:"))
    }
}
