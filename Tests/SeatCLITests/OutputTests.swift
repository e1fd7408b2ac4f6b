import Foundation
import Testing

/// Golden plans, determinism, JSON shape and the command-line surface.
@Suite struct OutputTests {
    static let now = "2026-11-22T09:00:00Z"

    @Test func goldenTextAndJSONPlansOfTheAcmeExample() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let text = try seatctl.run(["plan", "seats.yaml", "--now", Self.now])
        #expect(text.status == 0, "\(text.stderr)")
        try assertGolden(text.stdout, named: "acme-plan.txt")
        let json = try seatctl.run(["plan", "seats.yaml", "--format", "json", "--now", Self.now])
        #expect(json.status == 0)
        try assertGolden(json.stdout, named: "acme-plan.json")
    }

    @Test func goldenPlanOfAChangeToAnAppliedAccount() throws {
        let seatctl = try SeatctlRunner()
        let acme = try String(contentsOf: SeatctlRunner.example("acme/seats.yaml"), encoding: .utf8)
        try seatctl.write("seats.yaml", acme)
        // Fixed license codes would need a fixed random source; the golden
        // plan is of changes that name no license code.
        try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now])
        let edited = acme
            .replacingOccurrences(of: "    name: Carmen Diaz\n    role: manager\n", with: "    name: Carmen Diaz\n    role: administrator\n")
            .replacingOccurrences(of: "  issues-monthly:\n    licenses: 3", with: "  issues-monthly:\n    licenses: 5")
            + "  newbie@acme.com:\n    name: New Person\n"
        try seatctl.write("seats.yaml", edited)
        let plan = try seatctl.run(["plan", "seats.yaml", "--now", Self.now])
        #expect(plan.status == 0, "\(plan.stderr)")
        let masked = plan.stdout.replacingOccurrences(of: #"lineage [0-9a-f]{32}"#, with: "lineage <lineage>", options: .regularExpression)
        try assertGolden(masked, named: "acme-change-plan.txt")
    }

    @Test func sameInputsGiveByteIdenticalPlans() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now])
        let edited = try seatctl.read("seats.yaml").replacingOccurrences(of: "licenses: 7", with: "licenses: 5")
        try seatctl.write("seats.yaml", edited)
        for format in ["text", "json"] {
            let first = try seatctl.run(["plan", "seats.yaml", "--format", format, "--now", Self.now])
            let second = try seatctl.run(["plan", "seats.yaml", "--format", format, "--now", Self.now])
            #expect(first.status == 0)
            #expect(first.stdout == second.stdout)
            #expect(first.stdout.contains("remove"))
        }
    }

    @Test func jsonPlanFollowsTheContract() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let json = try seatctl.run(["plan", "seats.yaml", "--format", "json", "--now", Self.now])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(doc["format_version"] as? String == "1.0")
        #expect(doc["account"] as? String == "acme")
        let changes = doc["changes"] as! [[String: Any]]
        let actions = changes.map { $0["action"] as! String }
        #expect(actions.first == "add_user")
        #expect(actions.firstIndex(of: "buy")! < actions.firstIndex(of: "assign")!)
        let summary = doc["summary"] as! [String: Int]
        #expect(summary["add_user"] == 29)
        #expect(summary["buy"] == changes.filter { $0["action"] as? String == "buy" }.map { $0["count"] as! Int }.reduce(0, +))
        #expect(Set(summary.keys) == ["buy", "remove", "assign", "unassign", "add_user", "update_user", "terminate_user", "pause", "resume"])
    }

    @Test func detailedExitCodeOnAFreshLedger() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        #expect(try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now]).status == 2)
        #expect(try seatctl.run(["plan", "seats.yaml", "--now", Self.now]).status == 0)
    }

    @Test func badInputsAreClearErrors() throws {
        let seatctl = try SeatctlRunner()
        let usage = try seatctl.run(["plan", "--format", "xml", "x.yaml"])
        #expect(usage.status == 1, "usage errors exit 1 like every other error")
        #expect(usage.stderr.contains("'xml' is invalid for '--format <format>'"))
        try seatctl.copyExample("acme/seats.yaml", to: "acme.yaml")
        let markdown = try seatctl.run(["plan", "acme.yaml", "--format", "markdown"])
        #expect(markdown.status == 0 && markdown.stdout.hasPrefix("### seatctl plan for `acme`"))
        let version = try seatctl.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
        let missing = try seatctl.run(["plan", "nope.yaml"])
        #expect(missing.status == 1 && missing.stderr == "error: no such file: nope.yaml\n")
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let badClock = try seatctl.run(["plan", "seats.yaml", "--now", "yesterday"])
        #expect(badClock.status == 1 && badClock.stderr.contains("--now \"yesterday\" is not an ISO 8601 time"))
        let badState = try seatctl.run(["plan", "seats.yaml", "--state", "redis://x"])
        #expect(badState.status == 1 && badState.stderr.contains("unsupported state location"))
        try seatctl.write("typo.yaml", "acount: acme\nkind: enterprise\n")
        let typo = try seatctl.run(["validate", "typo.yaml"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("typo.yaml:1:1: error:"))
        #expect(typo.stderr.contains("account"))
        let typoJSON = try seatctl.run(["plan", "typo.yaml", "--format", "json"])
        #expect(typoJSON.status == 1)
        let doc = try JSONSerialization.jsonObject(with: Data(typoJSON.stdout.utf8)) as! [String: Any]
        let errors = doc["errors"] as! [[String: Any]]
        #expect(errors.first?["code"] as? String == "unknown_key")
        #expect((errors.first?["location"] as? [String: Any])?["line"] as? Int == 1)
    }

    @Test func hostileFilesAreRefusedQuickly() throws {
        let seatctl = try SeatctlRunner()
        var laughs = "account: acme\nkind: enterprise\nname: &a0 \"lol\"\n"
        for level in 1...9 {
            laughs += "l\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try seatctl.write("laughs.yaml", laughs)
        let bomb = try seatctl.run(["validate", "laughs.yaml"])
        #expect(bomb.status == 1)
        #expect(bomb.stderr.contains("[input_limit]"), "\(bomb.stderr)")

        try seatctl.write("deep.yaml", "account: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
        let deep = try seatctl.run(["validate", "deep.yaml"])
        #expect(deep.status == 1)
        #expect(deep.stderr.contains("[input_limit]"), "\(deep.stderr.prefix(400))")
    }

    @Test func catalogImportAndShow() throws {
        let seatctl = try SeatctlRunner()
        let shown = try seatctl.run(["catalog", "show", "--format", "json"])
        #expect(shown.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as! [String: Any]
        #expect((doc["plans"] as! [Any]).count == 18)
        try seatctl.write("cat.yaml", """
            currency: EUR
            plans:
              basic-monthly:
                name: Basic
                products: [projects]
                billing: monthly
                commitment: flexible
                price: "10.00"
                offeredTo: [enterprise]
            """)
        let imported = try seatctl.run(["catalog", "import", "cat.yaml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let text = try seatctl.run(["catalog", "show"])
        #expect(text.stdout.contains("basic-monthly") && text.stdout.contains("10.00 EUR") && !text.stdout.contains("full-suite"))
        // The acme example's plans are not in this catalog.
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let plan = try seatctl.run(["plan", "seats.yaml", "--now", Self.now])
        #expect(plan.status == 1 && plan.stderr.contains("[plan_not_offered]"))
    }

    @Test func builtInCatalogMatchesTheExample() throws {
        let example = try String(contentsOf: SeatctlRunner.example("catalog.yaml"), encoding: .utf8)
        let source = try String(contentsOf: SeatctlRunner.repository.appendingPathComponent("Sources/SeatCLI/DefaultCatalog.swift"), encoding: .utf8)
        #expect(source.contains("static let yaml = #\"\"\"\n" + example + "\"\"\"#"), "Examples/catalog.yaml and DefaultCatalog.swift differ")
    }
}
