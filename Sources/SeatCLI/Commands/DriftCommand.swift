import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl drift FILE`: only what changed outside an apply since the
/// account's latest apply, with who and when. Read-only: it never writes,
/// not even a new ledger file. Exit 0 no drift, 2 drift, 1 error.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Report what portal operations and time events changed since the account's latest apply; changes nothing.",
        discussion: "Exit status: 0 no drift, 2 drift, 1 error.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file (names the account).") var file: String

    func run() throws {
        let session = try Session(options)
        let (desired, _) = try session.loadDesired(file)
        let account = desired.account.value
        let store = try session.existingStore()
        let snapshot = try store?.snapshot(account: account) ?? .empty
        let catalog = try session.catalog(from: store)
        let drift = try Planning.drift(store: store, snapshot: snapshot, catalog: catalog, now: session.now)
        let report = DriftReport(account: account, ledger: snapshot.account, drift: drift, now: session.now)

        switch options.format {
        case .json: Console.out(report.json().serialized())
        case .markdown: Console.out(report.markdown())
        case .text: Console.out(report.text(style: options.style))
        }
        if !drift.isEmpty { throw ExitCode(2) }
    }
}

/// What `seatctl drift` prints, in each format.
struct DriftReport {
    var account: String
    var ledger: LedgerAccount?
    var drift: [DriftItem]
    var now: Date

    func text(style: Style) -> String {
        var out = "Account \(style.bold(account))"
        guard let ledger else {
            return sanitizedForDisplay(out + " is not in the ledger yet: no drift.\n")
        }
        out += ", ledger serial \(ledger.serial), checked at \(Clock.format(now)).\n\n"
        if drift.isEmpty {
            out += style.green("No drift.") + " Nothing changed outside seatctl apply since the latest apply.\n"
        } else {
            out += TextPlanView(style: style).driftSection(drift)
            out += "\nRun `seatctl plan` to see what an apply would change back, or edit the file to keep these changes.\n"
        }
        return sanitizedForDisplay(out)
    }

    func json() -> JSONValue {
        .object([
            ("format_version", .string(JSONPlanView.formatVersion)),
            ("account", .string(account)),
            ("ledger", ledger.map { .object([("lineage", .string($0.lineage)), ("serial", .int($0.serial))]) } ?? .null),
            ("checked_at", .string(Clock.format(now))),
            ("drift", .array(drift.map(JSONPlanView.drift))),
        ])
    }

    /// For an issue or an alert: a heading, a one-line summary, the list.
    func markdown() -> String {
        var doc = MarkdownBudget()
        doc.append("### seatctl drift for \(Markdown.code(account))\n\n")
        if drift.isEmpty {
            doc.append("**No drift.** Nothing changed outside `seatctl apply` since the latest apply (checked at \(Clock.format(now))).\n")
            return doc.text
        }
        doc.append("**Drift:** \(drift.count) change\(drift.count == 1 ? "" : "s") outside `seatctl apply` since the latest apply (checked at \(Clock.format(now))).\n\n")
        doc.appendList(drift, cap: .max, reserve: 0, noun: "drift entries", line: MarkdownPlanView.driftLine)
        return doc.text
    }
}
