import Foundation
import Testing

/// The portal's operations and views through the binary: the same rules
/// and journal as apply, one serial per operation, refusals that change
/// nothing.
@Suite struct PortalTests {
    static let now = "2026-11-22T09:00:00Z"

    /// ann administers beta; ann, ben and cat hold time-monthly licenses.
    static func betaLedger() throws -> SeatctlRunner {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base)
        let applied = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", now])
        #expect(applied.status == 0, "\(applied.stderr)")
        return seatctl
    }

    /// Runs a portal command at the fixed time, JSON output, and parses it.
    static func json(_ seatctl: SeatctlRunner, _ arguments: [String], environment: [String: String] = [:]) throws -> [String: Any] {
        let result = try seatctl.run(arguments + ["--format", "json", "--now", now], environment: environment)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    static func serial(_ seatctl: SeatctlRunner) throws -> Int {
        let status = try json(seatctl, ["status", "--account", "beta"])
        let accounts = try #require(status["accounts"] as? [[String: Any]])
        return try #require((accounts.first?["ledger"] as? [String: Any])?["serial"] as? Int)
    }

    @Test func operationsFollowTheRulesAndTheirChoicesAreDeterministic() throws {
        let seatctl = try Self.betaLedger()
        #expect(try Self.serial(seatctl) == 1)

        let buy = try Self.json(seatctl, ["license", "buy", "--account", "beta", "--plan", "time-monthly", "--count", "2",
                                          "--actor", "alice@beta.example"])
        #expect(buy["actor"] as? String == "portal:alice@beta.example")
        #expect(buy["applied"] as? Bool == true)
        let bought = try #require((buy["changes"] as? [[String: Any]])?.first?["licenses"] as? [String])
        #expect(bought.count == 2)
        #expect(try Self.serial(seatctl) == 2)

        let add = try seatctl.run(["user", "add", "Dan@Beta.example", "--account", "beta", "--name", "Dan Doe", "--role", "manager",
                                   "--now", Self.now])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("+ add_user        dan@beta.example  role manager, name \"Dan Doe\""), "\(add.stdout)")
        #expect(add.stdout.contains("as portal:test, ledger serial 3."), "\(add.stdout)")

        // Assignment takes the oldest unassigned license: the first one bought.
        let assign = try Self.json(seatctl, ["user", "assign", "dan@beta.example", "--account", "beta", "--plan", "time-monthly"])
        #expect((assign["changes"] as? [[String: Any]])?.first?["license"] as? String == bought[0])

        // With none free, assignment buys one and says so.
        let assignNew = try seatctl.run(["user", "assign", "dan@beta.example", "--account", "beta", "--plan", "issues-monthly", "--now", Self.now])
        #expect(assignNew.status == 0, "\(assignNew.stderr)")
        #expect(assignNew.stdout.contains("+ buy             issues-monthly  1 license (0 → 1): "), "\(assignNew.stdout)")
        #expect(assignNew.stdout.contains("Note: no unassigned license of \"issues-monthly\" was free, so one was bought."))

        // Removal takes the newest unassigned license: the second one bought.
        let remove = try Self.json(seatctl, ["license", "remove", "--account", "beta", "--plan", "time-monthly", "--count", "1"])
        #expect((remove["changes"] as? [[String: Any]])?.first?["licenses"] as? [String] == [bought[1]])
        #expect(try Self.serial(seatctl) == 6)

        // The journal names the portal actors; apply's entries keep the plain actor.
        let history = try seatctl.run(["history", "--account", "beta"])
        #expect(history.stdout.contains("portal:alice@beta.example  buy"), "\(history.stdout)")
        #expect(history.stdout.contains("portal:test                assign          dan@beta.example"), "\(history.stdout)")
        #expect(history.stdout.contains("beta     test                       add_user        ann@beta.example"), "\(history.stdout)")
    }

    @Test func refusalsNameTheRuleAndChangeNothing() throws {
        let seatctl = try Self.betaLedger()
        let before = try seatctl.stateBytes()
        let refusals: [([String], String)] = [
            (["license", "remove", "--account", "beta", "--plan", "time-monthly", "--count", "1"], "[assigned_license]"),
            (["license", "buy", "--account", "beta", "--plan", "self-employed-monthly", "--count", "1"], "[plan_not_offered]"),
            (["user", "add", "joe@gmail.com", "--account", "beta"], "[corporate_email]"),
            (["user", "terminate", "ann@beta.example", "--account", "beta"], "[last_administrator]"),
            (["user", "terminate", "ben@beta.example", "--account", "beta", "--last-work-day", "2026-11-23"], "[invalid_value]"),
            (["user", "assign", "zed@beta.example", "--account", "beta", "--plan", "time-monthly"], "[not_found]"),
            (["license", "buy", "--account", "gamma", "--plan", "time-monthly", "--count", "1"],
             "error: there is no account \"gamma\" in the ledger [not_found]"),
            (["license", "pause", "NOSUCH00"], "there is no license NOSUCH00 in the ledger"),
            (["license", "pause", "bad"], "\"bad\" is not a license code"),
            (["license", "buy", "--account", "beta", "--plan", "time-monthly", "--count", "0"], "--count must be a whole number above 0"),
            (["user", "add", "not-an-email", "--account", "beta"], "is not an email address"),
        ]
        for (arguments, message) in refusals {
            let result = try seatctl.run(arguments + ["--now", Self.now])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        #expect(try seatctl.stateBytes() == before)
        #expect(try Self.serial(seatctl) == 1)

        // A JSON consumer gets the refusal as a document too.
        let json = try seatctl.run(["user", "add", "joe@gmail.com", "--account", "beta", "--format", "json", "--now", Self.now])
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"applied\": false"), "\(json.stdout)")
        #expect(json.stdout.contains("\"code\": \"corporate_email\""), "\(json.stdout)")
    }

    @Test func operationsNeedALedger() throws {
        let seatctl = try SeatctlRunner()
        let result = try seatctl.run(["user", "add", "ann@beta.example", "--account", "beta", "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr.contains("there is no ledger at State/ledger.sqlite"), "\(result.stderr)")
        #expect(try seatctl.stateBytes().isEmpty)
    }

    @Test func pauseResumeAndTerminateAreJournaled() throws {
        let seatctl = try Self.betaLedger()
        let list = try Self.json(seatctl, ["license", "list", "--user", "ben@beta.example"])
        let code = try #require((list["licenses"] as? [[String: Any]])?.first?["code"] as? String)

        let pause = try seatctl.run(["license", "pause", code.lowercased(), "--now", Self.now])
        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(pause.stdout.contains("~ pause           ben@beta.example  time-monthly"), "\(pause.stdout)")
        let again = try seatctl.run(["license", "pause", code, "--now", Self.now])
        #expect(again.status == 0)
        #expect(again.stdout.contains("no changes") && again.stdout.contains("paused already; nothing to do"), "\(again.stdout)")
        #expect(try Self.serial(seatctl) == 2)

        let paused = try Self.json(seatctl, ["license", "list", "--status", "paused"])
        #expect(paused["count"] as? Int == 1)
        let resume = try seatctl.run(["license", "resume", code, "--now", Self.now])
        #expect(resume.stdout.contains("~ resume          ben@beta.example  time-monthly"), "\(resume.stdout)")

        let terminate = try seatctl.run(["user", "terminate", "ben@beta.example", "--account", "beta", "--last-work-day", "2026-11-20",
                                         "--now", Self.now])
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("- unassign        ben@beta.example  time-monthly (license \(code))"), "\(terminate.stdout)")
        let history = try seatctl.run(["history", "--account", "beta"])
        #expect(history.stdout.contains("terminate_user  ben@beta.example  active → terminated (last work day 2026-11-20)"), "\(history.stdout)")
        #expect(try Self.serial(seatctl) == 4)
    }

    @Test func licenseListFiltersAndSearchesEveryField() throws {
        let seatctl = try Self.betaLedger()
        _ = try Self.json(seatctl, ["license", "buy", "--account", "beta", "--plan", "issues-monthly", "--count", "2"])
        func codes(_ arguments: [String]) throws -> [String] {
            let document = try Self.json(seatctl, ["license", "list"] + arguments)
            return (document["licenses"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        #expect(try codes([]).count == 5)
        #expect(try codes(["--plan", "issues-monthly"]).count == 2)
        let bens = try codes(["--user", "BEN@beta.example"])
        #expect(bens.count == 1)
        #expect(try codes(["--search", "BEN@BETA"]) == bens)
        #expect(try codes(["--search", bens[0].lowercased()]) == bens)
        #expect(try codes(["--search", "issue tracking"]).count == 2)   // the plan's name
        #expect(try codes(["--search", "8.00 usd per month"]).count == 3)   // the amount
        #expect(try codes(["--search", "2026-11-22t09"]).count == 5)   // a date
        #expect(try codes(["--search", "unassigned"]).count == 2)
        #expect(try codes(["--expired"]).isEmpty)
        #expect(try codes(["--expiring-within", "30"]).isEmpty)
        #expect(try codes(["--status", "removed"]).isEmpty)

        let text = try seatctl.run(["license", "list", "--plan", "issues-monthly", "--now", Self.now])
        #expect(text.stdout.hasPrefix("code      account  plan            user  status  created               activated  end date  amount\n"), "\(text.stdout)")
        #expect(text.stdout.hasSuffix("2 licenses.\n"))
        let none = try seatctl.run(["license", "list", "--search", "nothing-like-this", "--now", Self.now])
        #expect(none.stdout == "No licenses match.\n")
        let unknown = try seatctl.run(["license", "list", "--account", "gamma", "--now", Self.now])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no account \"gamma\""))
    }

    @Test func licenseShowTellsTheWholeStory() throws {
        let seatctl = try Self.betaLedger()
        let list = try Self.json(seatctl, ["license", "list", "--user", "cat@beta.example"])
        let code = try #require((list["licenses"] as? [[String: Any]])?.first?["code"] as? String)
        _ = try Self.json(seatctl, ["user", "unassign", "cat@beta.example", "--account", "beta", "--plan", "time-monthly", "--actor", "ops"])

        let show = try seatctl.run(["license", "show", code, "--now", Self.now])
        #expect(show.status == 0, "\(show.stderr)")
        for line in ["License \(code)", "  plan        time-monthly (", "  user        unassigned", "  status      active",
                     "  created     2026-11-22T09:00:00Z", "  amount      8.00 USD per month", "  invoices    none yet", "  paid until  2026-12-21",
                     "assign    cat@beta.example  - → time-monthly (\(code))",
                     "portal:ops  unassign  cat@beta.example  time-monthly (\(code)) → -"] {
            #expect(show.stdout.contains(line), "\(line)\n\(show.stdout)")
        }
        let json = try Self.json(seatctl, ["license", "show", code])
        #expect(json["invoices"] as? [Any] != nil)
        #expect((json["history"] as? [[String: Any]])?.last?["actor"] as? String == "portal:ops")
        #expect((json["history"] as? [[String: Any]])?.first?["actor"] as? String == "test")

        // A license bought by the portal at the same instant as the apply's
        // purchase is credited to the portal's buy alone.
        let buy = try Self.json(seatctl, ["license", "buy", "--account", "beta", "--plan", "time-monthly", "--count", "1", "--actor", "ops"])
        let bought = try #require(((buy["changes"] as? [[String: Any]])?.first?["licenses"] as? [String])?.first)
        let story = try Self.json(seatctl, ["license", "show", bought])
        let buys = (story["history"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "buy" }
        #expect(buys.count == 1)
        #expect(buys.first?["actor"] as? String == "portal:ops")
        #expect(buys.first?["to"] as? String == "4")
    }
}
