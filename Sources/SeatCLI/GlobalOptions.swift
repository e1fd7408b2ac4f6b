import ArgumentParser
import Foundation
import SeatCore

/// The output formats of report commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Where the ledger is: a path, sqlite:PATH or postgres://… (env SEATCTL_STATE).", valueName: "url"))
    var state: String?

    @Option(name: .long, help: "Output format: text, json or markdown (where the output is a report).")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Never colour the output (also NO_COLOR).")
    var noColor = false

    @Option(name: .long, help: ArgumentHelp("Fix the clock, as ISO 8601 (env SEATCTL_NOW): 2026-11-22T09:00:00Z or 2026-11-22.", valueName: "time"))
    var now: String?

    /// The state location: flag, then environment, then `State/ledger.sqlite`.
    var stateLocation: String {
        if let state { return state }
        if let env = ProcessInfo.processInfo.environment["SEATCTL_STATE"], !env.isEmpty { return env }
        return "State/ledger.sqlite"
    }

    func clock() throws -> Date {
        let text = now ?? ProcessInfo.processInfo.environment["SEATCTL_NOW"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text else { return Date() }
        guard let date = Clock.parse(text) else {
            throw CLIError.message("--now \"\(text)\" is not an ISO 8601 time", hint: "write it as 2026-11-22T09:00:00Z, 2026-11-22T09:00:00+01:00 or 2026-11-22")
        }
        return date
    }

    var style: Style { Style(enabled: Console.wantsColor(noColorFlag: noColor, terminal: Console.stdoutIsTerminal)) }
    var errorColor: Bool { Console.wantsColor(noColorFlag: noColor, terminal: Console.stderrIsTerminal) }
}

/// Parsing and printing of instants.
enum Clock {
    static func parse(_ text: String) -> Date? {
        if let day = Day(iso: text) {
            return day.start(in: TimeZone(identifier: "UTC")!)
        }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text) ?? withFraction.date(from: text)
    }

    /// `2026-11-20T10:04:00Z`, whole seconds, UTC.
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
