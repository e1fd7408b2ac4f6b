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

    @Option(name: .long, help: ArgumentHelp("How long a write waits for another writer's lock on the account before failing: 0 (fail at once, the default), 30s, 2m, 1h.", valueName: "duration"))
    var lockTimeout: String = "0"

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

    /// `--lock-timeout` in seconds.
    func lockTimeoutSeconds() throws -> TimeInterval {
        guard let seconds = Durations.seconds(lockTimeout) else {
            throw CLIError.message("--lock-timeout \"\(lockTimeout)\" is not a duration", hint: "write it as 0, 30s, 2m or 1h")
        }
        return seconds
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

    /// `2026-11-20T10:04:00Z`, whole seconds (truncated), UTC. Computed
    /// with integer arithmetic: views format 100,000 instants at a time.
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return Day(ordinal: days).description + "T" + two(time / 3600) + ":" + two(time / 60 % 60) + ":" + two(time % 60) + "Z"
    }
}

/// Durations on the command line and in the environment: `0`, `45` or
/// `45s` (seconds), `2m`, `1h`, `500ms`.
enum Durations {
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [(String, TimeInterval)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value >= 0, value.isFinite, number.allSatisfy({ $0.isNumber || $0 == "." }) {
                return value * factor
            }
            if suffix == "ms" { return nil }
        }
        guard let value = Double(text), value >= 0, value.isFinite, text.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return value
    }
}
