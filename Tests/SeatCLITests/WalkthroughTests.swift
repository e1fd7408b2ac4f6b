import Foundation
import Testing

/// The administrator's day, through the real binary: apply the acme example
/// to an empty ledger, then try each rule from the command line.
@Suite(.serialized) struct WalkthroughTests {
    static let now = "2026-11-22T09:00:00Z"

    @Test func walkthrough() throws {
        let seatctl = try SeatctlRunner()
        let acme = try String(contentsOf: SeatctlRunner.example("acme/seats.yaml"), encoding: .utf8)
        try seatctl.write("seats.yaml", acme)

        // 1. Apply the example to an empty ledger.
        let apply = try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete!"))
        #expect(apply.stdout.contains("Ledger serial 1."))

        // 2. Plan again: nothing to do, exit 0 even with --detailed-exitcode.
        let again = try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("No changes."))

        // 3. Add a user: changes to apply, exit 2.
        try seatctl.write("more.yaml", acme + "  newbie@acme.com:\n    name: New Person\n")
        let added = try seatctl.run(["plan", "more.yaml", "--detailed-exitcode", "--now", Self.now])
        #expect(added.status == 2, "\(added.stderr)")
        #expect(added.stdout.contains("+ add_user        newbie@acme.com"))

        // 4. Fewer licenses than assigned users: exit 1, assigned_license at the line.
        let fewer = acme.replacingOccurrences(of: "  time-monthly:\n    licenses: 4", with: "  time-monthly:\n    licenses: 2")
        try seatctl.write("fewer.yaml", fewer)
        let short = try seatctl.run(["plan", "fewer.yaml", "--detailed-exitcode", "--now", Self.now])
        #expect(short.status == 1)
        let line = lineNumber(of: "    licenses: 2", in: fewer)
        #expect(short.stderr.contains("fewer.yaml:\(line):15: error: plan \"time-monthly\" declares 2 licenses but 4 users in this file hold it [assigned_license]"),
                "\(short.stderr)")
        #expect(short.stderr.contains("    licenses: 2\n"))

        // 5. Demote the administrators: last_administrator.
        let demoted = acme.replacingOccurrences(of: "role: administrator", with: "role: manager")
        try expectRule("demoted.yaml", demoted, code: "last_administrator", seatctl)

        // 6. A gmail.com user: corporate_email.
        try expectRule("gmail.yaml", acme + "  someone@gmail.com:\n    name: Someone\n", code: "corporate_email", seatctl)

        // 7. A second license for the self-employed account: self_employed_fixed.
        let solo = try String(contentsOf: SeatctlRunner.example("solo/seats.yaml"), encoding: .utf8)
        try seatctl.write("solo.yaml", solo)
        let soloApply = try seatctl.run(["apply", "solo.yaml", "--auto-approve", "--now", Self.now])
        #expect(soloApply.status == 0, "\(soloApply.stderr)")
        try expectRule("solo2.yaml", solo.replacingOccurrences(of: "licenses: 1", with: "licenses: 2"), code: "self_employed_fixed", seatctl)

        // 8. Reduce the contracted plan: deferred until the contract renews, exit 0.
        let reduced = acme.replacingOccurrences(of: "licenses: 8 ", with: "licenses: 7 ")
        #expect(reduced != acme)
        try seatctl.write("reduced.yaml", reduced)
        let deferred = try seatctl.run(["plan", "reduced.yaml", "--format", "json", "--now", Self.now])
        #expect(deferred.status == 0, "\(deferred.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(deferred.stdout.utf8)) as! [String: Any]
        let deferrals = json["deferred"] as! [[String: Any]]
        #expect(deferrals.count == 1)
        #expect(deferrals.first?["plan"] as? String == "full-suite-contracted")
        #expect(deferrals.first?["code"] as? String == "contract_term")
        #expect(deferrals.first?["until"] as? String == "2027-11-22")
        #expect((json["changes"] as! [Any]).isEmpty)
        let deferredText = try seatctl.run(["apply", "reduced.yaml", "--auto-approve", "--now", Self.now])
        #expect(deferredText.status == 0)
        #expect(deferredText.stdout.contains("remove 1 license of full-suite-contracted until 2027-11-22 [contract_term]"))
        // On the renewal day the next apply removes it.
        let renewed = try seatctl.run(["apply", "reduced.yaml", "--auto-approve", "--now", "2027-11-22T09:00:00Z"])
        #expect(renewed.status == 0, "\(renewed.stderr)")
        #expect(renewed.stdout.contains("- remove"), "\(renewed.stdout)")

        // 9. Apply without a terminal and without --auto-approve: refused, ledger byte-for-byte unchanged.
        let before = try seatctl.stateBytes()
        #expect(!before.isEmpty)
        let refused = try seatctl.run(["apply", "more.yaml", "--now", Self.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--auto-approve"))
        #expect(try seatctl.stateBytes() == before)
    }

    func expectRule(_ name: String, _ text: String, code: String, _ seatctl: SeatctlRunner,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        try seatctl.write(name, text)
        let plan = try seatctl.run(["plan", name, "--detailed-exitcode", "--now", Self.now])
        #expect(plan.status == 1, sourceLocation: sourceLocation)
        #expect(plan.stderr.contains("[\(code)]"), "\(plan.stderr)", sourceLocation: sourceLocation)
        #expect(plan.stderr.contains("\(name):"), "diagnostic names the file", sourceLocation: sourceLocation)
        let json = try seatctl.run(["plan", name, "--format", "json", "--now", Self.now])
        #expect(json.status == 1, sourceLocation: sourceLocation)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let errors = doc["errors"] as! [[String: Any]]
        #expect(errors.contains { $0["code"] as? String == code }, sourceLocation: sourceLocation)
        #expect(errors.allSatisfy { ($0["location"] as? [String: Any])?["line"] is Int }, sourceLocation: sourceLocation)
    }

    @Test func confirmationAtATerminal() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let declined = try seatctl.runInTerminal(["apply", "seats.yaml", "--now", Self.now], answer: "no")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("Do you want to perform these actions?"))
        #expect(declined.stdout.contains("Only 'yes' will be accepted to approve."))
        #expect((declined.stdout + declined.stderr).contains("Apply cancelled."))
        let status = try seatctl.run(["status", "--now", Self.now])
        #expect(status.stdout.contains("no accounts") || status.status == 1, "declined apply created nothing: \(status.stdout)")

        let accepted = try seatctl.runInTerminal(["apply", "seats.yaml", "--now", Self.now], answer: "yes")
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(accepted.stdout.contains("Apply complete!"))
    }

    /// At a terminal, without `NO_COLOR`, the plan is in colour: real colour
    /// codes, none of them escaped by the sanitizer as if a value had carried it.
    @Test func planInColourAtATerminal() throws {
        var seatctl = try SeatctlRunner()
        seatctl.environment["NO_COLOR"] = nil
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let plan = try seatctl.runInTerminal(["plan", "seats.yaml", "--now", Self.now], answer: "")
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Account \u{1B}[1macme\u{1B}[0m (enterprise)"))
        #expect(plan.stdout.contains("\u{1B}[32m+\u{1B}[0m \u{1B}[32madd_user"))
        #expect(plan.stdout.contains("\u{1B}[1mPlan:\u{1B}[0m"))
        #expect(!plan.stdout.contains("\\u{1B}"))
        #expect(!plan.stdout.unicodeScalars.contains { $0 == "\u{E000}" || $0 == "\u{E001}" })
    }

    @Test func statusAndHistoryAfterApply() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now, "--actor", "ci:merge"])
        let status = try seatctl.run(["status", "--account", "acme", "--format", "json", "--now", Self.now])
        #expect(status.status == 0, "\(status.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        let account = (doc["accounts"] as! [[String: Any]])[0]
        let plans = account["plans"] as! [[String: Any]]
        let suite = plans.first { $0["plan"] as? String == "full-suite-monthly" }!
        #expect(suite["owned"] as? Int == 7 && suite["assigned"] as? Int == 5 && suite["available"] as? Int == 2)
        let auto = plans.first { $0["plan"] as? String == "project-time-yearly" }!
        #expect(auto["owned"] as? Int == 6 && auto["assigned"] as? Int == 4)
        #expect((account["users"] as! [String: Any])["active"] as? Int == 29)

        let history = try seatctl.run(["history", "--account", "acme", "--since", "2026-11-01"])
        #expect(history.status == 0)
        #expect(history.stdout.contains("2026-11-22T09:00:00Z  acme     ci:merge  add_user"), "\(history.stdout.prefix(600))")
        #expect(history.stdout.contains("buy"))
        let none = try seatctl.run(["history", "--since", "2026-12-01"])
        #expect(none.stdout == "No journal entries.\n")
    }

    @Test func planCreatesNoLedger() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let plan = try seatctl.run(["plan", "seats.yaml", "--now", Self.now])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try seatctl.stateBytes().isEmpty)
        let refused = try seatctl.run(["apply", "seats.yaml", "--now", Self.now])
        #expect(refused.status == 1 && refused.stderr.contains("--auto-approve"))
        #expect(try seatctl.stateBytes().isEmpty, "a refused apply creates no ledger")
        let validate = try seatctl.run(["validate", "seats.yaml"])
        #expect(validate.status == 0 && validate.stdout == "seats.yaml is valid.\n", "\(validate.stderr)")
        #expect(try seatctl.stateBytes().isEmpty)
    }
}

func lineNumber(of needle: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.firstIndex { $0.hasPrefix(needle) } ?? -1) + 1
}
