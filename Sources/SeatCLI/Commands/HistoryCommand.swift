import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl history`: the journal.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the journal: time, actor, change, from → to.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Only this account.") var account: String?
    @Option(name: .long, help: "Only entries at or after this time (ISO 8601 or YYYY-MM-DD).") var since: String?

    func run() throws {
        let since = try self.since.map { text in
            guard let date = Clock.parse(text) else { throw CLIError.message("--since \"\(text)\" is not a date", hint: "write it as 2026-11-01 or 2026-11-01T00:00:00Z") }
            return date
        }
        let store = try Session(options).requiredStore()
        let entries = try store.journal(account: account, since: since)
        switch options.format {
        case .json:
            Console.out(JSONValue.object([
                ("format_version", .string(JSONPlanView.formatVersion)),
                ("entries", .array(entries.map { e in
                    .object([("at", .string(Clock.format(e.at))), ("account", .string(e.account)), ("actor", .string(e.actor)),
                             ("action", .string(e.action)), ("subject", .string(e.subject)),
                             ("from", .optional(e.from)), ("to", .optional(e.to)), ("serial", .int(e.serial))])
                })),
            ]).serialized())
        case .text, .markdown:
            if entries.isEmpty { Console.out("No journal entries.\n"); return }
            let rows = entries.map { e in
                [Clock.format(e.at), e.account, e.actor, e.action, e.subject, (e.from ?? "-") + " → " + (e.to ?? "-")]
            }
            Console.out(sanitizedForDisplay(Table.render(header: ["time", "account", "actor", "action", "subject", "from → to"],
                                                         rows: rows, rightAligned: [])))
        }
    }
}
