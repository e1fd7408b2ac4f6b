import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl reconcile FILE --every 15m` (or `--once`): scheduled drift
/// correction. Each round plans, and applies within the guards: a change
/// that would need `--allow-large-change` is never applied, only logged as
/// left for a person. Each round logs one line. Failed rounds back off
/// exponentially with jitter. SIGINT or SIGTERM lets the current round
/// finish (and release its lock), then the loop exits 0.
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Pull the ledger back to the desired state on a schedule: plan, apply within the guards, log, repeat.",
        discussion: """
            Each round logs one line (logfmt): time, round, account, result (converged, applied, \
            left_for_person, error), counts, serial and drift.
            With --once, the exit status is 0 when the ledger matches the file or was brought to it, \
            1 on an error, 3 when the change was left for a person (it needs --allow-large-change). \
            With --every, the loop runs until SIGINT or SIGTERM, finishes the round in progress and exits 0.
            """)

    /// `--once` exit status for a change left for a person.
    static let leftForPersonStatus: Int32 = 3

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file.") var file: String
    @Option(name: .long, help: ArgumentHelp("Run a round every DURATION (e.g. 15m, 1h, 30s).", valueName: "duration")) var every: LoopDuration?
    @Flag(name: .long, help: "Run one round and exit: 0 converged, 1 error, 3 left for a person.") var once = false
    @Option(name: .long, help: ArgumentHelp("First wait after a failed round; doubles with each failure.", valueName: "duration")) var backoffBase = LoopDuration(seconds: 30)
    @Option(name: .long, help: ArgumentHelp("Longest wait after failed rounds.", valueName: "duration")) var backoffMax = LoopDuration(seconds: 3600)
    @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

    func validate() throws {
        if once == (every != nil) {
            throw ValidationError("give exactly one of --every DURATION and --once")
        }
    }

    func run() throws {
        let actor = try Session.actor(actor)
        if once {
            let round = ReconcileRound.run(file: file, options: options, actor: actor)
            Console.out(round.logLine(number: 1) + "\n")
            switch round.result {
            case .converged, .applied: return
            case .leftForPerson: throw ExitCode(Self.leftForPersonStatus)
            case .error: throw ExitCode.failure
            }
        }
        guard let every else { return }
        let stop = StopSignal()
        let backoff = Backoff(interval: every.seconds, base: backoffBase.seconds, cap: max(backoffMax.seconds, backoffBase.seconds))
        var failures = 0
        var number = 0
        // `--now`, when given, stamps every line; a bad `--now` fails the first round.
        let clock = { (try? options.clock()) ?? Date() }
        Console.out(Logfmt.line(at: clock(), [("event", "start"), ("file", file), ("every", every.description)]) + "\n")
        while !stop.isStopped {
            number += 1
            let round = ReconcileRound.run(file: file, options: options, actor: actor)
            failures = round.result == .error ? failures + 1 : 0
            let wait = backoff.delay(failures: failures)
            Console.out(round.logLine(number: number, next: wait) + "\n")
            if stop.wait(seconds: wait) { break }
        }
        Console.out(Logfmt.line(at: clock(), [("event", "stop"), ("signal", stop.signalName ?? "none"), ("rounds", String(number))]) + "\n")
    }
}

/// One round of the loop: plan, decide, apply.
struct ReconcileRound {
    enum Result: String {
        /// The ledger matched the file: nothing to do.
        case converged
        /// The change set was applied.
        case applied
        /// The change needs `--allow-large-change`: a person must apply it.
        case leftForPerson = "left_for_person"
        case error
    }

    var result: Result
    var at: Date
    var account: String?
    var changes = 0
    var drift = 0
    var serial: Int?
    var message: String?

    static func run(file: String, options: GlobalOptions, actor: String) -> ReconcileRound {
        var round = ReconcileRound(result: .error, at: Date())
        do {
            let session = try Session(options)
            round.at = session.now
            let existing = try session.existingStore(actor: actor)
            let planning = try Planning(file: file, session: session, store: existing, actor: actor)
            let set = planning.changeSet
            round.account = set.account
            round.changes = set.changes.count + (set.accountChange == nil ? 0 : 1)
            round.drift = planning.drift.count
            round.serial = set.lineage == nil ? nil : set.serial
            if set.hasErrors {
                session.printDiagnostics(set.diagnostics, sources: [planning.desired.file: planning.source])
                round.message = "the desired state cannot be reached as written (\(set.errors.count) error\(set.errors.count == 1 ? "" : "s"))"
                return round
            }
            let violations = Applying.guardViolations(set, guards: planning.desired.guards)
            if !violations.isEmpty {
                round.result = .leftForPerson
                round.message = violations.map(\.message).joined(separator: "; ") + "; left for a person to apply with --allow-large-change"
                return round
            }
            guard set.hasChanges || set.rewritesDeferrals else {
                round.result = .converged
                return round
            }
            let writes = try Applying.run(set, catalog: planning.catalog, store: existing, session: session, actor: actor,
                                          prepared: planning.prepared)
            round.result = .applied
            round.serial = writes.account.serial
            return round
        } catch CLIError.reported {
            round.message = round.message ?? "the desired-state file has errors (see above)"
        } catch let error as CLIError {
            round.message = error.description.replacingOccurrences(of: "error: ", with: "")
        } catch let error as LedgerError {
            round.message = error.description
        } catch let error as ApplyError {
            round.message = "the change set no longer fits the ledger (\(error.description))"
        } catch {
            round.message = String(describing: error)
        }
        return round
    }

    func logLine(number: Int, next: Double? = nil) -> String {
        var fields: [(String, String)] = [("round", String(number)), ("result", result.rawValue)]
        if let account { fields.append(("account", account)) }
        fields += [("changes", String(changes)), ("drift", String(drift))]
        if let serial { fields.append(("serial", String(serial))) }
        if let next { fields.append(("next_in", String(format: "%.0fs", next))) }
        if let message { fields.append(("message", message)) }
        return Logfmt.line(at: at, fields)
    }
}

/// `time=… key=value key="a value"`: one line per event, easy to grep and
/// to parse, never carrying raw control characters.
enum Logfmt {
    static func line(at: Date, _ fields: [(String, String)]) -> String {
        ([("time", Clock.format(at))] + fields).map { key, value in "\(key)=\(quote(value))" }.joined(separator: " ")
    }

    static func quote(_ value: String) -> String {
        let safe = sanitizedForDisplay(value.replacingOccurrences(of: "\n", with: " "))
        guard safe.isEmpty || safe.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
