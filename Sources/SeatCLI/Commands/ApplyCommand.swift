import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl apply FILE`: plan, show, ask, apply — all or nothing.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Plan, show the change set, ask for confirmation and apply it to the ledger in one transaction.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file.") var file: String
    @Flag(name: .long, help: "Apply without asking for confirmation.") var autoApprove = false
    @Flag(name: .long, help: "Allow an apply that exceeds the file's guards.") var allowLargeChange = false
    @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

    func run() throws {
        let session = try Session(options)
        let actor = try Session.actor(self.actor)
        // The ledger file is created only when there is something to write:
        // a refused, declined or failed apply leaves no file behind.
        let existing = try session.existingStore()
        let planning = try Planning(file: file, session: session, store: existing)
        try planning.show(session)
        let changeSet = planning.changeSet
        guard changeSet.hasChanges || changeSet.rewritesDeferrals else { return }
        try checkGuards(planning, session)

        if changeSet.hasChanges && !autoApprove {
            guard Console.stdinIsTerminal else {
                throw CLIError.message("standard input is not a terminal, so seatctl cannot ask for confirmation; nothing was changed",
                                       hint: "review the plan above and re-run with --auto-approve to apply it without asking")
            }
            Console.out("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
            guard Console.readLine() == "yes" else { throw CLIError.declined }
        }

        let store = try existing ?? session.store()
        let engine = ApplyEngine(actor: actor, now: session.now, catalog: planning.catalog)
        let writes = try store.apply(account: changeSet.account, expectedLineage: changeSet.lineage, expectedSerial: changeSet.serial) {
            snapshot, isCodeFree in
            try engine.writes(for: changeSet, on: snapshot, isCodeFree: isCodeFree)
        }
        let summary = TextPlanView(style: options.style).summaryLine(changeSet)
        switch options.format {
        case .json:
            Console.err("Applied: \(summary) Ledger serial \(writes.account.serial).\n")
        case .text, .markdown:
            if changeSet.hasChanges {
                Console.out("\n" + options.style.green("Apply complete!") + " \(summary) Ledger serial \(writes.account.serial).\n")
            } else {
                Console.out("\nRecorded the deferred changes. Ledger serial \(writes.account.serial).\n")
            }
        }
    }

    /// `large_change`: refuse an apply that unassigns or terminates more
    /// users than `guards.maxUnassignments`, or charges more now than
    /// `guards.maxChargeNow`, unless `--allow-large-change`.
    func checkGuards(_ planning: Planning, _ session: Session) throws {
        guard !allowLargeChange else { return }
        let guards = planning.desired.guards
        var diagnostics: [Diagnostic] = []
        if let limit = guards.maxUnassignments {
            var users: Set<String> = []
            for change in planning.changeSet.changes {
                switch change {
                case .unassign(let email, _, _), .terminateUser(let email): users.insert(email)
                default: break
                }
            }
            if users.count > limit.value {
                diagnostics.append(.error(.largeChange,
                    "this apply would unassign or terminate \(users.count) users, more than guards.maxUnassignments (\(limit.value))",
                    at: limit.location, hint: "re-run with --allow-large-change if this is intended"))
            }
        }
        if let limit = guards.maxChargeNow, let charge = planning.changeSet.billing?.chargeNow {
            do {
                let maximum = try Money(parsing: limit.value, currency: charge.currency)
                if charge > maximum {
                    diagnostics.append(.error(.largeChange,
                        "this apply would charge \(charge.formatted) now, more than guards.maxChargeNow (\(maximum.formatted))",
                        at: limit.location, hint: "re-run with --allow-large-change if this is intended"))
                }
            } catch {
                diagnostics.append(.error(.invalidValue, "guards.maxChargeNow: \(error.description)", at: limit.location,
                                          hint: "write it in the catalog's currency, \(charge.currency)"))
            }
        }
        guard !diagnostics.isEmpty else { return }
        session.printDiagnostics(diagnostics, sources: [planning.desired.file: planning.source])
        throw CLIError.reported
    }
}
